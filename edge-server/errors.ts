/** @module The one error type every route throws; `onError` turns it into the contract's error body. */
import type { ErrorBody, ErrorCode } from '../shared/protocol';
import { ERROR_CODES } from '../shared/protocol';

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
