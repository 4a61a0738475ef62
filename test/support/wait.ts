/** @module Waiting for a state instead of a time: polls until `probe` returns a value, or gives up. */

export interface WaitOptions<T> {
  /** Bounds a broken run only: a busy machine just takes more polls. */
  timeoutMs?: number;
  everyMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
  /** Also required of the value (a count reaching a number, a status in a state); a failure shows the last one. */
  until?: (value: T) => boolean;
}

/**
 * Polls `probe` (every `everyMs`) until it returns something other than null/undefined/false (and,
 * with `until`, something `until` accepts) and returns that; fails after `timeoutMs` with `what`
 * and the last value in the message.
 */
export async function waitFor<T>(
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  { timeoutMs = 30_000, everyMs = 20, what = 'the expected state', until }: WaitOptions<T> = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) {
      if (until === undefined || until(value)) return value;
    }
    if (Date.now() > deadline) {
      const last = value === null || value === undefined || value === false ? '' : `; last: ${brief(value)}`;
      throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
