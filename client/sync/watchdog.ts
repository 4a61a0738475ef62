/**
 * @module The stall watchdog: events are waiting, the network is up, and nothing has moved for a
 * few minutes. Something is wrong that backoff alone will not fix (a refused credential, a
 * server that answers but never commits, a stuck tab): the screen raises an alarm.
 */

/** How long pending events may sit still, online, before the alarm. */
export const STALL_AFTER_MS = 3 * 60_000;

export interface WatchdogInput {
  pending: number;
  online: boolean;
  /** The last time the outbox moved: a push delivered something, or the outbox was empty. */
  lastMovedMs: number;
  nowMs: number;
}

/** Minutes stalled, or null when all is well. */
export function stalledMinutes(input: WatchdogInput, stallAfterMs = STALL_AFTER_MS): number | null {
  if (input.pending === 0 || !input.online) return null;
  const still = input.nowMs - input.lastMovedMs;
  return still >= stallAfterMs ? Math.floor(still / 60_000) : null;
}
