/** The station outbox in IndexedDB (fake-indexeddb in Node; the e2e tests use Chromium's). */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import type { EventDraft, StoredEntry } from '../../client/db/outbox-store';
import { OutboxStore, StationDb } from '../../client/db/outbox-store';
import { applyResults } from '../../client/sync/outbox-model';

const indexedDB = new IDBFactory();
const open = (name: string) => new StationDb(name, { indexedDB, IDBKeyRange });

function draft(code: string): EventDraft {
  return {
    id: uuidv7(),
    type: 'start',
    code,
    nodeCode: 'CUT',
    operatorBadge: 'OP-0001',
    occurredAt: '2026-11-22T08:00:00.000Z',
  };
}

describe('station outbox store', () => {
  it('asks for strict durability', () => {
    const db = open('durability');
    expect(
      (db as unknown as { _options: { chromeTransactionDurability: string } })._options
        .chromeTransactionDurability,
    ).toBe('strict');
    db.close();
  });

  it('gives each recorded event the next seq in the same transaction, also when scans come at once, and keeps it across a restart', async () => {
    const name = `seq-${uuidv7()}`;
    const db = open(name);
    const store = new OutboxStore(db);
    const recorded = await Promise.all(['A', 'B', 'C', 'D'].map((c) => store.record(draft(c), 'now')));
    expect(recorded.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(recorded.map((r) => r.event.seq)).size).toBe(4);
    db.close();
    const reopened = new OutboxStore(open(name));
    const next = await reopened.record(draft('E'), 'later');
    expect(next.seq).toBe(5);
    expect((await reopened.queued()).map((e) => e.event.code)).toEqual(
      [...recorded]
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.event.code)
        .concat('E'),
    );
  });

  it('stores what results made of the events; refused ones can be discarded, others not', async () => {
    const store = new OutboxStore(open(`results-${uuidv7()}`));
    const a = await store.record(draft('A'), 'now');
    const b = await store.record(draft('B'), 'now');
    const { entries } = applyResults(
      [a, b],
      [
        { id: a.id, status: 'applied', token: null },
        {
          id: b.id,
          status: 'rejected',
          reason: { code: 'UNKNOWN_CODE', message: 'No work item with code B' },
        },
      ],
      'then',
    );
    await store.update(entries);
    expect(await store.pendingCount()).toBe(0);
    expect((await store.refused()).map((e) => e.id)).toEqual([b.id]);
    await expect(store.discard(a.id)).rejects.toThrow(/not refused/);
    await store.discard(b.id);
    expect(await store.refused()).toEqual([]);
  });

  it('reads the next batch in seq order from the index, and records a refused event again as a new event', async () => {
    const store = new OutboxStore(open(`retry-${uuidv7()}`));
    const entries = [];
    for (const code of ['A', 'B', 'C', 'D']) entries.push(await store.record(draft(code), 'now'));
    const [a, b, c, d] = entries as [StoredEntry, StoredEntry, StoredEntry, StoredEntry];
    expect((await store.nextQueued(2)).map((e) => e.event.code)).toEqual(['A', 'B']);
    const { entries: answered } = applyResults(
      [a, b],
      [
        { id: a.id, status: 'applied', token: null },
        { id: b.id, status: 'rejected', reason: { code: 'NOT_AT_NODE', message: 'B is not at CUT' } },
      ],
      'then',
    );
    await store.update(answered);
    expect((await store.nextQueued(10)).map((e) => e.event.code)).toEqual(['C', 'D']);

    const again = await store.retry(b.id, uuidv7(), 'later');
    expect(again.id).not.toBe(b.id);
    expect(again.seq).toBe(d.seq + 1);
    expect(again.event).toMatchObject({
      code: 'B',
      type: 'start',
      occurredAt: b.event.occurredAt,
      seq: again.seq,
    });
    expect(await store.refused()).toEqual([]);
    expect((await store.nextQueued(10)).map((e) => e.event.code)).toEqual(['C', 'D', 'B']);
    await expect(store.retry(c.id, uuidv7(), 'later')).rejects.toThrow(/not refused/);
  });

  it('marks delivered events forwarded, lists the latest first, and prunes only settled old events', async () => {
    const store = new OutboxStore(open(`settle-${uuidv7()}`));
    const a = await store.record(draft('A'), '2026-11-01T00:00:00.000Z');
    const b = await store.record(draft('B'), '2026-11-01T00:00:00.000Z');
    const c = await store.record(draft('C'), '2026-11-01T00:00:00.000Z');
    const { entries } = applyResults(
      [a, b],
      [
        { id: a.id, status: 'applied', token: null },
        { id: b.id, status: 'duplicate', token: null },
      ],
      'then',
    );
    await store.update(entries);
    expect((await store.awaitingUpstream(10)).map((e) => e.id)).toEqual([a.id, b.id]);
    await store.markForwarded([a.id, c.id], '2026-11-02T00:00:00.000Z');
    expect((await store.recent(10)).map((e) => [e.event.code, e.state.kind])).toEqual([
      ['C', 'queued'],
      ['B', 'delivered'],
      ['A', 'forwarded'],
    ]);
    expect(await store.prune('2026-10-01T00:00:00.000Z')).toBe(0);
    expect(await store.prune('2026-11-15T00:00:00.000Z')).toBe(2);
    expect((await store.recent(10)).map((e) => e.event.code)).toEqual(['C']);
  });

  it('an app update that upgrades the database keeps what an older version queued, in order', async () => {
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
    expect((await store.record(draft('NEW'), 'now')).seq).toBe(3);
  });
});
