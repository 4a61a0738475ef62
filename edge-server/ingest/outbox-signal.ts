/**
 * @module "A record is queued for upstream": said by whatever writes an outbox row (ingest, the
 * parking sweep, a supervisor's resolution, a hub's intake), heard by the forwarder. Listeners
 * are called in a microtask, after the synchronous transaction that queued the record has
 * committed, once however many records it queued.
 */
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  queued(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
