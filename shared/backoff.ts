/**
 * @module Exponential backoff with full jitter, for every loop that retries a peer: the station's
 * sync engine and the edge server's forwarder. A wait the peer asked for (Retry-After) is kept.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Uniform in [0, min(max, base · 2^failures)], and at least `retryAfterMs`. `random` is in [0, 1). */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: number,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures));
  return Math.max(retryAfterMs, Math.round(random * ceiling));
}
