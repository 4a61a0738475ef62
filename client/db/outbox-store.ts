/**
 * @module The station's outbox in IndexedDB (Dexie): an event and the station's next `seq` are
 * written in one transaction, with strict durability (Chrome's default is relaxed and can lose an
 * acknowledged write on power loss), before the UI may say "recorded".
 */
import type { DexieOptions, Table } from 'dexie';
import Dexie from 'dexie';
import type { StationEvent } from '../../shared/protocol';
import type { OutboxEntry } from '../sync/outbox-model';
import { OUTBOX_SCHEMA_VERSION } from '../sync/outbox-model';

export interface StoredEntry extends OutboxEntry {
  /** The event id (the idempotency key). */
  id: string;
  seq: number;
  stateKind: OutboxEntry['state']['kind'];
}

interface MetaRow {
  key: string;
  value: number;
}

/** The storage is full: scanning must stop loudly rather than drop a scan. */
export class OutboxFullError extends Error {
  constructor() {
    super('The tablet’s storage is full: scans cannot be recorded. Sync, then free space.');
  }
}

export class StationDb extends Dexie {
  outbox!: Table<StoredEntry, string>;
  meta!: Table<MetaRow, string>;

  constructor(name = 'scan-station', options: DexieOptions = {}) {
    super(name, { chromeTransactionDurability: 'strict', ...options });
    // Keep every version(n).stores() as the schema grows (Dexie upgrades from any older one).
    this.version(1).stores({ outbox: 'id, seq, stateKind', meta: 'key' });
    // [stateKind+seq]: the next batch is read from the index, not by sorting the whole outbox.
    this.version(2).stores({ outbox: 'id, seq, stateKind, [stateKind+seq]', meta: 'key' });
  }
}

export type EventDraft = Omit<StationEvent, 'seq'>;

export class OutboxStore {
  constructor(private readonly db: StationDb) {}

  /** Takes the next seq and stores the event in one transaction; resolves once it committed. */
  async record(draft: EventDraft, now: string): Promise<StoredEntry> {
    try {
      return await this.db.transaction('rw', this.db.outbox, this.db.meta, async () => {
        const last = (await this.db.meta.get('seq'))?.value ?? 0;
        const seq = last + 1;
        const entry: StoredEntry = {
          id: draft.id,
          seq,
          schemaVersion: OUTBOX_SCHEMA_VERSION,
          event: { ...draft, seq },
          queuedAt: now,
          state: { kind: 'queued' },
          stateKind: 'queued',
        };
        await this.db.meta.put({ key: 'seq', value: seq });
        await this.db.outbox.add(entry);
        return entry;
      });
    } catch (error) {
      if (isQuotaError(error)) throw new OutboxFullError();
      throw error;
    }
  }

  /** Queued events in seq order. */
  async queued(): Promise<StoredEntry[]> {
    return this.inState('queued').toArray();
  }

  /** The first `limit` queued events in seq order, read from the index. */
  async nextQueued(limit: number): Promise<StoredEntry[]> {
    return this.inState('queued').limit(limit).toArray();
  }

  private inState(kind: StoredEntry['stateKind']) {
    return this.db.outbox
      .where('[stateKind+seq]')
      .between([kind, Dexie.minKey], [kind, Dexie.maxKey], true, true);
  }

  /** The latest events, newest first, whatever their state (the screen's "Recent" list). */
  async recent(limit: number): Promise<StoredEntry[]> {
    return this.db.outbox.orderBy('seq').reverse().limit(limit).toArray();
  }

  /** Delivered events whose upstream fate the station has not heard yet, oldest first. */
  async awaitingUpstream(limit: number): Promise<StoredEntry[]> {
    return this.inState('delivered').limit(limit).toArray();
  }

  async markForwarded(ids: readonly string[], at: string): Promise<void> {
    await this.db.transaction('rw', this.db.outbox, async () => {
      for (const id of ids) {
        const entry = await this.db.outbox.get(id);
        if (entry?.stateKind !== 'delivered') continue;
        await this.db.outbox.update(id, { state: { kind: 'forwarded', at }, stateKind: 'forwarded' });
      }
    });
  }

  /**
   * Forgets settled events (delivered or forwarded) queued before `before`, keeping the outbox
   * small on a tablet that runs for months. Queued and refused events are never pruned.
   */
  async prune(before: string): Promise<number> {
    return this.db.outbox
      .where('stateKind')
      .anyOf('delivered', 'forwarded')
      .filter((e) => e.queuedAt < before)
      .delete();
  }

  async pendingCount(): Promise<number> {
    return this.db.outbox.where('stateKind').equals('queued').count();
  }

  async refused(): Promise<StoredEntry[]> {
    return this.db.outbox.where('stateKind').equals('refused').toArray();
  }

  /**
   * Stores new states (after a push) in one write: the entries are whole (event, seq and all), so
   * they are put back rather than read and updated one by one (8x faster for a batch of 500).
   */
  async update(entries: readonly OutboxEntry[]): Promise<void> {
    await this.db.outbox.bulkPut(
      entries.map((e) => ({ ...e, id: e.event.id, seq: e.event.seq, stateKind: e.state.kind })),
    );
  }

  /**
   * Records a refused event again, as a new event (new id, the station's next seq, same action and
   * time), and drops the refused one, in one transaction: the server would repeat its refusal
   * for the old id.
   */
  async retry(id: string, newId: string, now: string): Promise<StoredEntry> {
    return this.db.transaction('rw', this.db.outbox, this.db.meta, async () => {
      const entry = await this.db.outbox.get(id);
      if (entry?.stateKind !== 'refused')
        throw new Error(`event ${id} is not refused; only refused events can be recorded again`);
      await this.db.outbox.delete(id);
      const { id: _refusedId, seq: _refusedSeq, ...again } = entry.event;
      return this.record({ ...again, id: newId }, now);
    });
  }

  /** The operator discards a refused event (it was never applied). */
  async discard(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.outbox, async () => {
      const entry = await this.db.outbox.get(id);
      if (entry?.stateKind !== 'refused')
        throw new Error(`event ${id} is not refused; only refused events can be discarded`);
      await this.db.outbox.delete(id);
    });
  }
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string; inner?: { name?: string } } | null)?.name;
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}
