/**
 * @module Expected failures are values: a result is either the value asked for or the problem that
 * stood in its way (bugs still throw). The outbox and every request to the edge server answer so.
 */
export type Result<T, P> = { ok: true; value: T } | { ok: false; problem: P };
