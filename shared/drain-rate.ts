/**
 * @module How fast a backlog drains and how long is left: one rule for the station's status bar
 * (its outbox) and the supervisor's forwarding status (the upstream outbox).
 */
export interface DrainRate {
  eventsPerSecond: number;
  /** null until there is a rate to go by; 0 when nothing is left. */
  secondsLeft: number | null;
}

/** `done` of a backlog that still has `left` to go, since `startedAtMs`. */
export function drainRate(done: number, left: number, startedAtMs: number, nowMs: number): DrainRate {
  const elapsed = (nowMs - startedAtMs) / 1000;
  const eventsPerSecond = elapsed > 0 ? done / elapsed : 0;
  return {
    eventsPerSecond,
    secondsLeft: left <= 0 ? 0 : eventsPerSecond > 0 ? Math.ceil(left / eventsPerSecond) : null,
  };
}
