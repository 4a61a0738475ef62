/**
 * @module Expected failures of the edge server's operations, as values: an operation returns a
 * `Result`, whose error names what kind of failure it is and says in words what to do. Bugs still
 * throw. One place (http/errors.ts) turns a failure into the contract's HTTP error body; the CLI
 * prints it.
 */
export const DOMAIN_ERROR_KINDS = [
  /** The input is wrong: the message names the field. */
  'invalid',
  'not-found',
  /** It clashes with what is there (a version already published, a conflict already resolved). */
  'conflict',
  /** The caller may not do this. */
  'forbidden',
  /** The credential is no longer valid (a revoked station). */
  'unauthorized',
  /** More at once than the contract allows (e.g. over 500 records). */
  'too-large',
] as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/**
 * Runs an operation whose checks throw DomainError (so that a transaction rolls back) and returns
 * its result as a value; anything else is a bug and keeps flying.
 */
export function attempt<T>(operation: () => T): Result<T> {
  try {
    return { ok: true, value: operation() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

export async function attemptAsync<T>(operation: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await operation() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/** The value, or the failure thrown (for the CLI and the demo, where a failure ends the command). */
export function valueOf<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
