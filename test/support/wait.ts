/** @module Waiting for a state instead of a time: polls until `probe` returns a value, or gives up. */

/**
 * Polls `probe` (every `everyMs`) until it returns something other than null/undefined/false and
 * returns that; fails after `timeoutMs` with `what` in the message. The timeout only bounds a
 * broken run: a busy machine just takes more polls.
 */
export async function waitFor<T>(
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  { timeoutMs = 30_000, everyMs = 20, what = 'the expected state' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
