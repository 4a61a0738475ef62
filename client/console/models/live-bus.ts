/**
 * @module One live stream for the whole console, many listeners: the shell opens the stream once
 * (live-model.ts) and each open view subscribes to the kinds of change it shows (the board to
 * token changes, the inbox to conflicts, parked events and problems, station health to stations),
 * and to "reload" (a resync, or the stream back after a gap).
 */
import type { LiveChange, LiveChangeKind, LiveChangesMessage } from '../../../shared/live-api';

export interface LiveListener {
  /** The kinds of change this view shows; every change when absent. */
  kinds?: readonly LiveChangeKind[];
  changes(changes: readonly LiveChange[]): void;
  reload(): void;
}

export class LiveBus {
  private readonly listeners = new Set<LiveListener>();

  /** Starts telling `listener`; returns the function that stops it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(message: LiveChangesMessage): void {
    for (const listener of [...this.listeners]) {
      const { kinds } = listener;
      const mine = kinds ? message.changes.filter((c) => kinds.includes(c.kind)) : message.changes;
      if (mine.length > 0) listener.changes(mine);
    }
  }

  reload(): void {
    for (const listener of [...this.listeners]) listener.reload();
  }
}
