/**
 * @module An outbox in memory, with the same promises as the Dexie store (the Outbox contract):
 * for tests of what sits above the outbox (the push engine, the sync loop) without a browser or
 * IndexedDB. Entries are copied in and out, as IndexedDB does, so a caller never holds a live one.
 * Opening the same `MemoryOutboxData` again is a restart.
 */
import type { EventDraft, Outbox, OutboxResult, StoredEntry } from './outbox';
import { STORAGE_FULL, notRefused } from './outbox';
import type { OutboxEntry } from './outbox-rules';
import { OUTBOX_SCHEMA_VERSION } from './outbox-rules';

/** What survives a "restart": the entries, the last seq, and how many entries fit. */
export interface MemoryOutboxData {
  entries: Map<string, StoredEntry>;
  lastSeq: number;
  /** Beyond this many entries the storage is full (OB-8). */
  capacity: number;
}

export function emptyMemoryOutbox(capacity = Infinity): MemoryOutboxData {
  return { entries: new Map(), lastSeq: 0, capacity };
}

export class MemoryOutbox implements Outbox {
  constructor(private readonly data: MemoryOutboxData = emptyMemoryOutbox()) {}

  async record(draft: EventDraft, now: string): Promise<OutboxResult<StoredEntry>> {
    await Promise.resolve(); // a write is asynchronous, as in IndexedDB
    return this.add(draft, now);
  }

  queued(): Promise<StoredEntry[]> {
    return Promise.resolve(this.inState('queued'));
  }

  nextQueued(limit: number): Promise<StoredEntry[]> {
    return Promise.resolve(this.inState('queued').slice(0, limit));
  }

  pendingCount(): Promise<number> {
    return Promise.resolve(this.inState('queued').length);
  }

  refused(): Promise<StoredEntry[]> {
    return Promise.resolve(this.inState('refused'));
  }

  recent(limit: number): Promise<StoredEntry[]> {
    return Promise.resolve(this.all().reverse().slice(0, limit));
  }

  awaitingUpstream(limit: number): Promise<StoredEntry[]> {
    return Promise.resolve(this.inState('delivered').slice(0, limit));
  }

  update(entries: readonly OutboxEntry[]): Promise<void> {
    for (const e of entries) {
      const stored = { ...e, id: e.event.id, seq: e.event.seq, stateKind: e.state.kind };
      this.data.entries.set(stored.id, structuredClone(stored));
    }
    return Promise.resolve();
  }

  markForwarded(ids: readonly string[], at: string): Promise<void> {
    for (const id of ids) {
      const entry = this.data.entries.get(id);
      if (entry?.stateKind !== 'delivered') continue;
      this.data.entries.set(id, { ...entry, state: { kind: 'forwarded', at }, stateKind: 'forwarded' });
    }
    return Promise.resolve();
  }

  retry(id: string, newId: string, now: string): Promise<OutboxResult<StoredEntry>> {
    const entry = this.data.entries.get(id);
    if (entry?.stateKind !== 'refused')
      return Promise.resolve({ ok: false, problem: notRefused(id, 'recorded again') });
    // No await in between: the check, the drop and the new entry are one step, as one transaction.
    this.data.entries.delete(id);
    const { id: _refusedId, seq: _refusedSeq, ...again } = entry.event;
    const recorded = this.add({ ...again, id: newId }, now);
    if (!recorded.ok) this.data.entries.set(id, entry);
    return Promise.resolve(recorded);
  }

  discard(id: string): Promise<OutboxResult<null>> {
    const entry = this.data.entries.get(id);
    if (entry?.stateKind !== 'refused')
      return Promise.resolve({ ok: false, problem: notRefused(id, 'discarded') });
    this.data.entries.delete(id);
    return Promise.resolve({ ok: true, value: null });
  }

  prune(before: string): Promise<number> {
    const settled = this.all().filter(
      (e) => (e.stateKind === 'delivered' || e.stateKind === 'forwarded') && e.queuedAt < before,
    );
    for (const e of settled) this.data.entries.delete(e.id);
    return Promise.resolve(settled.length);
  }

  /** The next seq and the entry, together (OB-1); nothing when the storage is full (OB-8). */
  private add(draft: EventDraft, now: string): OutboxResult<StoredEntry> {
    if (this.data.entries.size >= this.data.capacity) return { ok: false, problem: STORAGE_FULL };
    const seq = ++this.data.lastSeq;
    const entry: StoredEntry = {
      id: draft.id,
      seq,
      schemaVersion: OUTBOX_SCHEMA_VERSION,
      event: structuredClone({ ...draft, seq }),
      queuedAt: now,
      state: { kind: 'queued' },
      stateKind: 'queued',
    };
    this.data.entries.set(entry.id, entry);
    return { ok: true, value: structuredClone(entry) };
  }

  /** Copies of every entry in seq order. */
  private all(): StoredEntry[] {
    return [...this.data.entries.values()].sort((a, b) => a.seq - b.seq).map((e) => structuredClone(e));
  }

  private inState(kind: StoredEntry['stateKind']): StoredEntry[] {
    return this.all().filter((e) => e.stateKind === kind);
  }
}
