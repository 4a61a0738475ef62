/**
 * The station outbox: the Outbox contract run against the Dexie store (IndexedDB through
 * fake-indexeddb in Node; the e2e tests use Chromium's) and against the in-memory one, then what
 * only the IndexedDB store promises (OB-9).
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it, vi } from 'vitest';
import type { Outbox } from '../../client/outbox/outbox';
import { OutboxStore, StationDb } from '../../client/outbox/dexie-outbox';
import type { MemoryOutboxData } from '../../client/outbox/memory-outbox';
import { MemoryOutbox, emptyMemoryOutbox } from '../../client/outbox/memory-outbox';
import { lazyOutbox } from '../../client/outbox/lazy-outbox';
import { describeOutboxContract, draft, ok } from './support/outbox-contract';

const indexedDB = new IDBFactory();
const open = (name: string) => new StationDb(name, { indexedDB, IDBKeyRange });

const dexieDbs = new WeakMap<Outbox, StationDb>();
/** What Chromium does when the origin's quota is used up: the write fails, the transaction aborts. */
function fillDexieStorage(outbox: Outbox): void {
  const db = dexieDbs.get(outbox);
  if (!db) throw new Error('not an outbox of this harness');
  vi.spyOn(db.outbox, 'add').mockRejectedValue(new DOMException('Quota exceeded', 'QuotaExceededError'));
}
describeOutboxContract('Dexie (IndexedDB)', {
  open(name) {
    const db = open(name);
    const outbox = new OutboxStore(db);
    dexieDbs.set(outbox, db);
    return outbox;
  },
  fillStorage: fillDexieStorage,
});

// What the app runs: the Dexie store behind its first-use import.
describeOutboxContract('Dexie (IndexedDB), opened on first use', {
  open(name) {
    const db = open(name);
    const outbox = lazyOutbox(() => Promise.resolve(new OutboxStore(db)));
    dexieDbs.set(outbox, db);
    return outbox;
  },
  fillStorage: fillDexieStorage,
});

const memory = new Map<string, MemoryOutboxData>();
const memoryData = new WeakMap<Outbox, MemoryOutboxData>();
describeOutboxContract('in memory', {
  open(name) {
    const data = memory.get(name) ?? emptyMemoryOutbox();
    memory.set(name, data);
    const outbox = new MemoryOutbox(data);
    memoryData.set(outbox, data);
    return outbox;
  },
  fillStorage(outbox) {
    const data = memoryData.get(outbox);
    if (!data) throw new Error('not an outbox of this harness');
    data.capacity = data.entries.size;
  },
});

describe('the IndexedDB outbox', () => {
  it('OB-9: asks for strict durability', () => {
    const db = open('durability');
    expect(
      (db as unknown as { _options: { chromeTransactionDurability: string } })._options
        .chromeTransactionDurability,
    ).toBe('strict');
    db.close();
  });

  it('OB-1: the seq survives closing the database', async () => {
    const name = `closed-${uuidv7()}`;
    const db = open(name);
    await new OutboxStore(db).record(draft('A'), 'now');
    db.close();
    expect(ok(await new OutboxStore(open(name)).record(draft('B'), 'now')).seq).toBe(2);
  });

  it('OB-9: an app update that upgrades the database keeps what an older version queued, in order', async () => {
    const name = `upgrade-${uuidv7()}`;
    // The outbox as the first release wrote it (schema version 1 of the database).
    const old = new Dexie(name, { indexedDB, IDBKeyRange });
    old.version(1).stores({ outbox: 'id, seq, stateKind', meta: 'key' });
    const first = { ...draft('OLD-1'), seq: 1 };
    const second = { ...draft('OLD-2'), seq: 2 };
    await old.table('outbox').bulkAdd(
      [second, first].map((event) => ({
        id: event.id,
        seq: event.seq,
        schemaVersion: 1,
        event,
        queuedAt: 'then',
        state: { kind: 'queued' },
        stateKind: 'queued',
      })),
    );
    await old.table('meta').put({ key: 'seq', value: 2 });
    old.close();

    const store = new OutboxStore(open(name));
    expect((await store.nextQueued(10)).map((e) => e.event.code)).toEqual(['OLD-1', 'OLD-2']);
    expect(ok(await store.record(draft('NEW'), 'now')).seq).toBe(3);
  });

  it('OB-12: a failure that is not a full storage is a bug, and throws', async () => {
    const db = open(`broken-${uuidv7()}`);
    vi.spyOn(db.outbox, 'add').mockRejectedValue(new Error('disk on fire'));
    await expect(new OutboxStore(db).record(draft('A'), 'now')).rejects.toThrow(/disk on fire/);
  });
});
