/**
 * @module A station pulling from an old cursor (protocol.md "Pull"; issue 13 item 6): the server
 * answers with the cheaper of a delta and a full snapshot, and either way the station ends with
 * exactly the state a full pull gives it. Over real HTTP on the demo site; the station's side is
 * the app's own merge (client/station/snapshot-cache.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSnapshot } from '../../client/station/snapshot-cache';
import { chooseAnswer } from '../../edge-server/station/snapshot';
import type { Snapshot } from '../../shared/station-api';
import { snapshotSchema } from '../../shared/station-api';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge, tok } from '../support/edge';

let edge: TestEdge;

beforeEach(async () => {
  edge = await startTestEdge();
});

afterEach(async () => {
  await edge.close();
});

async function pull(workCenter: string, since?: string): Promise<Snapshot> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  const res = await fetch(`${edge.url}/api/v1/station/snapshot${query}`, {
    headers: { authorization: `Bearer ${edge.stationToken(workCenter)}` },
  });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return snapshotSchema.parse(JSON.parse(body));
}

/** A wallet ticket of `qty` serials (at CUT, ready), through the admin API. */
async function ticket(code: string, qty: number): Promise<string[]> {
  const res = await fetch(`${edge.url}/api/v1/admin/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await edge.login('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code, routing: 'WALLET-LINEAR', qty, serialPrefix: `${code}-` }),
  });
  const body = (await res.json()) as { tokens: string[] };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.tokens;
}

/** The CUT station starts and completes each serial at CUT: they move on to SEW. */
async function cutAll(station: TestStation, codes: readonly string[]): Promise<void> {
  const events = [
    ...codes.map((code) => station.event('start', code, 'CUT')),
    ...codes.map((code) => station.event('complete', code, 'CUT')),
  ];
  for (let i = 0; i < events.length; i += 500) {
    const res = await push(edge.url, station.token, events.slice(i, i + 500));
    expect(res.status).toBe(200);
    expect(res.body.results.filter((r: { status: string }) => r.status !== 'applied')).toEqual([]);
  }
}

/** The station's tokens as it would show them, in id order. */
const held = (s: Snapshot) => [...s.tokens].sort((a, b) => a.id - b.id);

describe('stale cursors', () => {
  it('PF-50: after many changes elsewhere, an old cursor gets a full snapshot; the station ends as after a full pull, with the tokens that left gone', async () => {
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    const cached = await pull('WC-CUT');
    expect(cached.tokens).toHaveLength(15);

    // At the station: a tote and a wallet leave CUT, another wallet is started and stays.
    expect(await cut.send('start', 'BV-DEMO-0001', 'CUT')).toMatchObject({ status: 'applied' });
    expect(await cut.send('complete', 'BV-DEMO-0001', 'CUT')).toMatchObject({
      token: tok('BV-DEMO-0001', null, 'SPLIT-PANELS', 'split'),
    });
    await cutAll(cut, ['WL-DEMO-0001']);
    expect(await cut.send('start', 'WL-DEMO-0002', 'CUT')).toMatchObject({
      token: tok('WL-DEMO-0002', null, 'CUT', 'active'),
    });
    // A busy site: 400 serials released and cut (all of them gone on to SEW), far more than the
    // 13 tokens now at CUT.
    await cutAll(cut, await ticket('BUSY', 400));

    const stale = await pull('WC-CUT', cached.cursor);
    const fresh = await pull('WC-CUT');
    expect(stale.full).toBe(true);
    expect(stale.removed).toEqual([]);
    expect(stale.cursor).toBe(fresh.cursor);
    expect(held(stale)).toEqual(held(fresh));
    // Reference data comes with a full answer, as with the first pull.
    expect(stale.routings?.map((g) => g.code).sort()).toEqual(['BAG-TOTE', 'WALLET-LINEAR']);
    expect(stale.operators).toEqual(fresh.operators);

    const state = mergeSnapshot(cached, stale);
    expect(held(state)).toEqual(held(fresh));
    const codes = state.tokens.map((t) => t.code);
    expect(codes).toHaveLength(13);
    expect(codes).not.toContain('BV-DEMO-0001');
    expect(codes).not.toContain('WL-DEMO-0001');
    expect(codes.filter((c) => c.startsWith('BUSY-'))).toEqual([]);
    expect(state.tokens.find((t) => t.code === 'WL-DEMO-0002')).toMatchObject({
      status: 'active',
      operator: 'OP-0001',
    });

    // From the cursor it now holds, a change or two is a delta again.
    await cutAll(cut, ['WL-DEMO-0003']);
    const next = await pull('WC-CUT', state.cursor);
    expect(next).toMatchObject({ full: false, tokens: [] });
    expect(next.removed).toHaveLength(1);
    expect(next).not.toHaveProperty('routings');
    expect(held(mergeSnapshot(state, next))).toEqual(held(await pull('WC-CUT')));
  });

  it('PF-51: many changes that are mostly the station’s own tokens stay a delta, and give the same state as a full pull', async () => {
    const cached = await pull('WC-CUT');
    // 300 new serials at CUT: the delta carries them, a full answer would carry them and 15 more.
    await ticket('MORE', 300);
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    await cutAll(cut, ['BV-DEMO-0002']);

    const delta = await pull('WC-CUT', cached.cursor);
    const fresh = await pull('WC-CUT');
    expect(delta.full).toBe(false);
    expect(delta.tokens).toHaveLength(300);
    expect(delta.removed).toContain(cached.tokens.find((t) => t.code === 'BV-DEMO-0002')?.id);
    expect(fresh.tokens).toHaveLength(314);
    expect(held(mergeSnapshot(cached, delta))).toEqual(held(fresh));
  });

  it('PF-50, PF-51: thousands of changes: a delta while they are the station’s tokens, a full snapshot once they left', async () => {
    const cached = await pull('WC-CUT');
    const released = [...(await ticket('BIG-1', 1_100)), ...(await ticket('BIG-2', 1_100))];

    const arrived = await pull('WC-CUT', cached.cursor);
    expect(arrived.full).toBe(false);
    expect(arrived.tokens).toHaveLength(2_200);
    const state = mergeSnapshot(cached, arrived);
    expect(held(state)).toEqual(held(await pull('WC-CUT')));
    expect(state.tokens).toHaveLength(2_215);

    await cutAll(new TestStation(edge.url, edge.stationToken('WC-CUT')), released);
    const fresh = await pull('WC-CUT');
    expect(fresh.tokens).toHaveLength(15);
    for (const from of [cached, state]) {
      const stale = await pull('WC-CUT', from.cursor);
      expect(stale.full).toBe(true);
      expect(held(mergeSnapshot(from, stale))).toEqual(held(fresh));
    }
  });

  it('PF-52: a cursor ahead of the server’s counter (a database restored from a backup) gets a full snapshot', async () => {
    const cached = await pull('WC-CUT');
    const [change, reference] = cached.cursor.split('.').map(Number) as [number, number];
    const ahead = await pull('WC-CUT', `${change + 1000}.${reference}`);
    expect(ahead.full).toBe(true);
    expect(ahead.cursor).toBe(cached.cursor);
    expect(held(ahead)).toEqual(held(cached));
    expect(held(mergeSnapshot({ ...cached, tokens: [] }, ahead))).toEqual(held(cached));
  });

  it('PF-53: the cheaper answer: a delta unless more tokens changed than the full answer carries', () => {
    // A full answer: the live tokens, and routings and operators unless a delta would carry them too.
    expect(chooseAnswer({ changed: 100, live: 60, reference: 40 })).toBe('delta');
    expect(chooseAnswer({ changed: 101, live: 60, reference: 40 })).toBe('full');
    expect(chooseAnswer({ changed: 101, live: 60, reference: 0 })).toBe('full');
    expect(chooseAnswer({ changed: 0, live: 0, reference: 0 })).toBe('delta');
    expect(chooseAnswer({ changed: 200_000, live: 20_000, reference: 30 })).toBe('full');
  });
});
