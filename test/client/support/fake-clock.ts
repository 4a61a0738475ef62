/**
 * A clock for the console's models whose timers run only when a test moves time forward: each due
 * timer runs at its own time (a timer it sets is due from then), in order, then time stands at the end.
 */
import type { LiveClock } from '../../../client/console/models/live-model';

export class FakeClock implements LiveClock {
  at: number;
  private timers: { due: number; run: () => void; id: number }[] = [];
  private ids = 0;

  constructor(start = '2026-12-01T07:30:00Z') {
    this.at = Date.parse(start);
  }

  now = () => this.at;
  setTimeout = (run: () => void, ms: number) => {
    this.ids += 1;
    this.timers.push({ due: this.at + ms, run, id: this.ids });
    return this.ids;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };

  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.due <= until).sort((a, b) => a.due - b.due)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.at = Math.max(this.at, due.due);
      due.run();
    }
    this.at = until;
  }
}
