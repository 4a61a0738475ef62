/**
 * @module What the sync loop needs of the world, as small interfaces: a clock with a repeating
 * timer, the browser's online signal, a lock that one tab holds at a time, and a channel to the
 * station's other tabs. browser-ports.ts implements them for the page; tests use fakes (and
 * vitest's fake timers for the clock).
 */

export interface LoopClock {
  now(): number;
  /** Calls `tick` every `ms`; returns the function that stops it. */
  every(ms: number, tick: () => void): () => void;
}

export interface OnlineSignal {
  isOnline(): boolean;
  /** Calls `listener` when the browser goes online or offline; returns the function that stops it. */
  subscribe(listener: (online: boolean) => void): () => void;
}

export interface TabLock {
  /**
   * Runs `task` if nobody (no other tab, no other attempt in this one) holds the lock, holding it
   * until the task ends; resolves false at once, without running it, if the lock is taken.
   */
  runIfFree(task: () => Promise<void>): Promise<boolean>;
}

export interface TabChannel {
  /** Tells the station's other tabs that the outbox (and the cached snapshot) changed. */
  post(): void;
  /** Calls `listener` when another tab says so; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
}
