/**
 * @module A page that reads its list again every so often while it is open (wall displays, desk
 * stations, label printers): a read that starts cancels the one waiting, the model sets the next
 * when its answer is in, and once the page closes a late answer is dropped and nothing is set.
 */
import type { LiveClock } from './live-model';

export class Poll {
  private timer: unknown = null;
  private closed = false;

  constructor(
    private readonly clock: LiveClock,
    private readonly read: () => Promise<void>,
  ) {}

  /** The page closed (its answers still coming are to be dropped). */
  get stopped(): boolean {
    return this.closed;
  }

  /** A read starts: the one waiting is not needed any more. */
  starting(): void {
    this.cancel();
  }

  /** The next read, `ms` from now. */
  again(ms: number): void {
    this.timer = this.clock.setTimeout(() => void this.read(), ms);
  }

  stop(): void {
    this.closed = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
