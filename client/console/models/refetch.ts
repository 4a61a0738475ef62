/**
 * @module "Something changed, fetch again": at most one fetch per interval, never two at a time,
 * and a change reported during a fetch fetches once more after it. Every console view that follows
 * the live stream refetches through one of these instead of patching its state from the changes,
 * so the server's answer stays the one source of truth. A view whose figures age while nothing
 * changes (waits, elapsed times, this hour's work) also fetches again `staleAfterMs` after its last
 * answer.
 */
import type { LiveClock } from './live-model';
import { systemClock } from './live-model';

export class Refetch {
  private inFlight = false;
  private again = false;
  private timer: unknown = null;
  private lastStart = -Infinity;
  private staleTimer: unknown = null;
  private stopped = false;

  constructor(
    private readonly fetchNow: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly clock: LiveClock = systemClock,
    private readonly options: { staleAfterMs?: number } = {},
  ) {}

  /** A change was reported: fetch now or once the interval since the last fetch has passed. */
  request(): void {
    if (this.timer !== null) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.intervalMs - this.clock.now();
    if (wait <= 0) void this.fetch();
    else this.later(wait);
  }

  /** Fetches once `ms` from now (a retry after a failure), unless one is already due. */
  later(ms: number): void {
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = null;
      void this.fetch();
    }, ms);
  }

  /** Fetches at once (a first load, new filters); a change reported meanwhile fetches again after. */
  run(): Promise<void> {
    this.stopped = false;
    return this.fetch();
  }

  private async fetch(): Promise<void> {
    this.inFlight = true;
    this.lastStart = this.clock.now();
    this.clearStale();
    try {
      await this.fetchNow();
    } finally {
      this.inFlight = false;
    }
    this.scheduleStale();
    if (this.again) {
      this.again = false;
      this.request();
    }
  }

  /**
   * A request that failed: a 401 means the session ended (`unauthorized`); anything else is shown
   * (`failed`) and fetched again after `retryMs`.
   */
  failed(status: number, on: { unauthorized: () => void; failed: () => void }, retryMs: number): void {
    if (status === 401) return on.unauthorized();
    on.failed();
    this.later(retryMs);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
    this.clearStale();
    this.stopped = true;
  }

  /** One timer at most, and none once stopped (until the next `run`). */
  private scheduleStale(): void {
    this.clearStale();
    const { staleAfterMs } = this.options;
    if (staleAfterMs === undefined || this.stopped) return;
    this.staleTimer = this.clock.setTimeout(() => {
      this.staleTimer = null;
      this.request();
    }, staleAfterMs);
  }

  private clearStale(): void {
    if (this.staleTimer !== null) this.clock.clearTimeout(this.staleTimer);
    this.staleTimer = null;
  }
}
