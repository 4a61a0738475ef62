/**
 * @module HTTP errors: `ApiError` for what only HTTP knows (a body too large, a rate limit), and the
 * one mapping of an operation's DomainError to the contract's error body; `onError` (app.ts) turns
 * both into answers.
 */
import type { ErrorBody, ErrorCode } from '../../shared/protocol';
import { ERROR_CODES } from '../../shared/protocol';
import type { DomainError, DomainErrorKind, Result } from '../errors';

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

const CODE_OF: Record<DomainErrorKind, ErrorCode> = {
  invalid: 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  unauthorized: 'UNAUTHORIZED',
  'too-large': 'PAYLOAD_TOO_LARGE',
};

export function fromDomain(error: DomainError): ApiError {
  return new ApiError(CODE_OF[error.kind], error.message, error.details);
}

/** An operation's value, or its failure as the HTTP error it maps to. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw fromDomain(result.error);
}
