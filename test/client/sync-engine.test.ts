/**
 * The station sync engine against a real edge server over HTTP on loopback, with the outbox in
 * IndexedDB (fake-indexeddb in Node): every recorded event is applied exactly once, whatever
 * fails in between.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '../../client/db/outbox-store';
import { OutboxStore, StationDb } from '../../client/db/outbox-store';
import type { SyncTransport } from '../../client/sync/sync-engine';
import { SyncEngine, fetchTransport } from '../../client/sync/sync-engine';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

const clock = { now: () => new Date(), random: () => 0.5 };
let edge: TestEdge | null = null;
afterEach(async () => {
  await edge?.close();
  edge = null;
});

function store(): OutboxStore {
  return new OutboxStore(new StationDb(`sync-${uuidv7()}`, { indexedDB: new IDBFactory(), IDBKeyRange }));
}

function draft(type: string, code: string, nodeCode: string, data: Record<string, unknown> = {}): EventDraft {
  return {
    id: uuidv7(),
    type: type as EventDraft['type'],
    code,
    nodeCode,
    operatorBadge: 'OP-0001',
    occurredAt: new Date().toISOString(),
    data,
  };
}

/** How many times each of these events is in the edge server's log, and in what status. */
function serverLog(e: TestEdge, ids: string[]): { status: string; n: number }[] {
  return ids.map(
    (id) =>
      e.site.db
        .prepare('SELECT status, count(*) AS n FROM token_event WHERE event_id = ? GROUP BY status')
        .get(id) as { status: string; n: number },
  );
}

describe('sync engine against a real edge server', () => {
  it('pushes the outbox in seq order until empty; every event applied once, the outbox says delivered or refused', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const recorded = [];
    recorded.push(await outbox.record(draft('start', 'BV-DEMO-0001', 'CUT'), 'now'));
    recorded.push(await outbox.record(draft('complete', 'BV-DEMO-0001', 'CUT'), 'now'));
    recorded.push(await outbox.record(draft('start', 'NO-SUCH-CODE', 'CUT'), 'now'));
    const statuses: string[] = [];
    const engine = new SyncEngine(
      outbox,
      fetchTransport(edge.url, edge.stationToken('WC-CUT')),
      clock,
      undefined,
      (s) => statuses.push(s.state),
    );
    expect(await engine.sync()).toEqual({ kind: 'done', pushed: 3 });
    expect(engine.current()).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    expect(statuses).toContain('syncing');
    expect(await outbox.pendingCount()).toBe(0);
    expect((await outbox.refused()).map((e) => e.event.code)).toEqual(['NO-SUCH-CODE']);
    expect(
      serverLog(
        edge,
        recorded.map((r) => r.id),
      ),
    ).toEqual([
      { status: 'applied', n: 1 },
      { status: 'applied', n: 1 },
      { status: 'rejected', n: 1 },
    ]);
  });

  it('when the edge server cannot be reached it waits with backoff and keeps everything queued; then delivers it', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const event = await outbox.record(draft('start', 'BV-DEMO-0002', 'CUT'), 'now');
    let url = 'http://127.0.0.1:1';
    const token = edge.stationToken('WC-CUT');
    const transport: SyncTransport = {
      push: (clockIso, events) => fetchTransport(url, token).push(clockIso, events),
    };
    const engine = new SyncEngine(outbox, transport, clock, { baseMs: 1000, maxMs: 60_000 });
    const failed = await engine.sync();
    expect(failed).toEqual({ kind: 'failed', waitMs: 500 });
    expect(engine.current()).toMatchObject({ state: 'waiting', pending: 1 });
    expect(engine.current().lastError).toMatch(/cannot reach/);
    expect(await engine.sync()).toEqual({ kind: 'failed', waitMs: 1000 });
    url = edge.url;
    expect(await engine.sync()).toEqual({ kind: 'done', pushed: 1 });
    expect(serverLog(edge, [event.id])).toEqual([{ status: 'applied', n: 1 }]);
  });

  it('a push whose answer was lost (the page died after sending) is sent again and comes back duplicate: applied once', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const event = await outbox.record(draft('start', 'BV-DEMO-0003', 'CUT'), 'now');
    const real = fetchTransport(edge.url, edge.stationToken('WC-CUT'));
    let loseAnswer = true;
    const transport: SyncTransport = {
      async push(clockIso, events) {
        const answer = await real.push(clockIso, events);
        if (loseAnswer) {
          loseAnswer = false;
          throw new Error('connection reset');
        }
        return answer;
      },
    };
    const engine = new SyncEngine(outbox, transport, clock);
    expect((await engine.sync()).kind).toBe('failed');
    expect(await outbox.pendingCount()).toBe(1);
    expect(await engine.sync()).toEqual({ kind: 'done', pushed: 1 });
    expect(serverLog(edge, [event.id])).toEqual([{ status: 'applied', n: 1 }]);
    const delivered = (await (outbox as unknown as { db: StationDb }).db.outbox.get(event.id))?.state;
    expect(delivered).toMatchObject({ kind: 'delivered', result: 'duplicate' });
  });

  it('a batch over the 1 MiB limit (413) is split in halves until it fits', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const text = 'x'.repeat(15_000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++)
      ids.push((await outbox.record(draft('note', 'BV-DEMO-0004', 'CUT', { text }), 'now')).id);
    const engine = new SyncEngine(outbox, fetchTransport(edge.url, edge.stationToken('WC-CUT')), clock);
    expect(await engine.sync()).toEqual({ kind: 'done', pushed: 100 });
    expect(serverLog(edge, ids).every((r) => r.status === 'applied' && r.n === 1)).toBe(true);
  });

  it('a revoked station is blocked (it must be enrolled again) and keeps its events queued', async () => {
    edge = await startTestEdge();
    const admin = await edge.login('admin');
    await fetch(`${edge.url}/api/v1/admin/stations/WC-CUT-1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    const outbox = store();
    await outbox.record(draft('start', 'BV-DEMO-0005', 'CUT'), 'now');
    const engine = new SyncEngine(outbox, fetchTransport(edge.url, edge.stationToken('WC-CUT')), clock);
    expect(await engine.sync()).toEqual({ kind: 'blocked' });
    expect(engine.current()).toMatchObject({ state: 'blocked' });
    expect(engine.current().lastError).toMatch(/401/);
    expect(await outbox.pendingCount()).toBe(1);
  });
});
