/**
 * The station's push engine against a real edge server over HTTP on loopback, through the station's
 * one fetch, with the outbox in IndexedDB (fake-indexeddb in Node): every recorded event is applied
 * exactly once, whatever fails in between.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import { createStationFetch } from '../../client/net/station-fetch';
import type { EventDraft } from '../../client/outbox/outbox';
import { OutboxStore, StationDb } from '../../client/outbox/dexie-outbox';
import type { PushTransport } from '../../client/sync/push-engine';
import { PushEngine, pushOver } from '../../client/sync/push-engine';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

const clock = { now: () => new Date(), random: () => 0.5 };
let edge: TestEdge | null = null;
afterEach(async () => {
  await edge?.close();
  edge = null;
});

/** POST /api/v1/events through stationFetch, as the app sends it. */
function fetchTransport(baseUrl: string, token: string): PushTransport {
  return pushOver(createStationFetch({ baseUrl, token }));
}

/** Records the event, which the test expects to go in. */
async function recorded(outbox: OutboxStore, event: EventDraft) {
  const result = await outbox.record(event, 'now');
  if (!result.ok) throw new Error(result.problem.message);
  return result.value;
}

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
      e.core.db
        .prepare('SELECT status, count(*) AS n FROM token_event WHERE event_id = ? GROUP BY status')
        .get(id) as { status: string; n: number },
  );
}

describe('push engine against a real edge server', () => {
  it('SY-1, SY-9: pushes the outbox in seq order until empty; every event applied once, the outbox says delivered or refused', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const events = [];
    events.push(await recorded(outbox, draft('start', 'BV-DEMO-0001', 'CUT')));
    events.push(await recorded(outbox, draft('complete', 'BV-DEMO-0001', 'CUT')));
    events.push(await recorded(outbox, draft('start', 'NO-SUCH-CODE', 'CUT')));
    const statuses: string[] = [];
    const engine = new PushEngine(outbox, fetchTransport(edge.url, edge.stationToken('WC-CUT')), clock);
    engine.subscribe((s) => statuses.push(s.state));
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 3 });
    expect(engine.get()).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    expect(statuses).toContain('syncing');
    expect(await outbox.pendingCount()).toBe(0);
    expect((await outbox.refused()).map((e) => e.event.code)).toEqual(['NO-SUCH-CODE']);
    expect(
      serverLog(
        edge,
        events.map((r) => r.id),
      ),
    ).toEqual([
      { status: 'applied', n: 1 },
      { status: 'applied', n: 1 },
      { status: 'rejected', n: 1 },
    ]);
  });

  it('SY-2: when the edge server cannot be reached it waits with backoff and keeps everything queued; then delivers it', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const event = await recorded(outbox, draft('start', 'BV-DEMO-0002', 'CUT'));
    let url = 'http://127.0.0.1:1';
    const token = edge.stationToken('WC-CUT');
    const transport: PushTransport = {
      push: (clockIso, events) => fetchTransport(url, token).push(clockIso, events),
    };
    const engine = new PushEngine(outbox, transport, clock, { baseMs: 1000, maxMs: 60_000 });
    const failed = await engine.drain();
    expect(failed).toEqual({ kind: 'failed', waitMs: 500 });
    expect(engine.get()).toMatchObject({ state: 'waiting', pending: 1 });
    expect(engine.get().lastError).toMatch(/cannot reach/);
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 1000 });
    url = edge.url;
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 1 });
    expect(serverLog(edge, [event.id])).toEqual([{ status: 'applied', n: 1 }]);
  });

  it('SY-2: a push whose answer was lost (the page died after sending) is sent again and comes back duplicate: applied once', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const event = await recorded(outbox, draft('start', 'BV-DEMO-0003', 'CUT'));
    const real = fetchTransport(edge.url, edge.stationToken('WC-CUT'));
    let loseAnswer = true;
    const transport: PushTransport = {
      async push(clockIso, events) {
        const answer = await real.push(clockIso, events);
        if (loseAnswer) {
          loseAnswer = false;
          return { ok: false, problem: { kind: 'network', message: 'connection reset' } };
        }
        return answer;
      },
    };
    const engine = new PushEngine(outbox, transport, clock);
    expect((await engine.drain()).kind).toBe('failed');
    expect(await outbox.pendingCount()).toBe(1);
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 1 });
    expect(serverLog(edge, [event.id])).toEqual([{ status: 'applied', n: 1 }]);
    const delivered = (await (outbox as unknown as { db: StationDb }).db.outbox.get(event.id))?.state;
    expect(delivered).toMatchObject({ kind: 'delivered', result: 'duplicate' });
  });

  it('SY-3: a batch over the 1 MiB limit (413) is split in halves until it fits', async () => {
    edge = await startTestEdge();
    const outbox = store();
    const text = 'x'.repeat(15_000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++)
      ids.push((await recorded(outbox, draft('note', 'BV-DEMO-0004', 'CUT', { text }))).id);
    const engine = new PushEngine(outbox, fetchTransport(edge.url, edge.stationToken('WC-CUT')), clock);
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 100 });
    expect(serverLog(edge, ids).every((r) => r.status === 'applied' && r.n === 1)).toBe(true);
  });

  it('SY-3: a revoked station is blocked (it must be enrolled again) and keeps its events queued', async () => {
    edge = await startTestEdge();
    const admin = await edge.login('admin');
    await fetch(`${edge.url}/api/v1/admin/stations/WC-CUT-1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    const outbox = store();
    await recorded(outbox, draft('start', 'BV-DEMO-0005', 'CUT'));
    const engine = new PushEngine(outbox, fetchTransport(edge.url, edge.stationToken('WC-CUT')), clock);
    expect(await engine.drain()).toEqual({ kind: 'blocked' });
    expect(engine.get()).toMatchObject({ state: 'blocked' });
    expect(engine.get().lastError).toMatch(/401/);
    expect(await outbox.pendingCount()).toBe(1);
  });
});
