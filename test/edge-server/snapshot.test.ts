/**
 * @module GET /api/v1/station/snapshot over HTTP: what a station needs to work offline, in full and
 * as deltas since a cursor (protocol.md "Pull").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenRef } from '../../shared/protocol';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge, tok } from '../support/edge';

let edge: TestEdge;

beforeEach(async () => {
  edge = await startTestEdge();
});

afterEach(async () => {
  await edge.close();
});

const serials = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);

async function snapshot(workCenter: string, since?: string): Promise<{ status: number; body: any }> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  const res = await fetch(`${edge.url}/api/v1/station/snapshot${query}`, {
    headers: { authorization: `Bearer ${edge.stationToken(workCenter)}` },
  });
  return { status: res.status, body: await res.json() };
}

async function ok(workCenter: string, since?: string): Promise<any> {
  const res = await snapshot(workCenter, since);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function applies(st: TestStation, type: string, code: string, nodeCode: string, token: TokenRef) {
  expect(await st.send(type, code, nodeCode)).toEqual({ id: expect.any(String), status: 'applied', token });
}

describe('station snapshot', () => {
  it('SN-1: a full snapshot of the CUT station: its tokens, nodes, routings, operators and a cursor', async () => {
    const full = await ok('WC-CUT');
    expect(full).toMatchObject({ full: true, cursor: expect.stringMatching(/^\d+\.\d+$/) });
    expect(full.station).toEqual({
      name: 'WC-CUT-1',
      workCenter: 'WC-CUT',
      language: 'en', // the tests' sites speak English (test/support/edge.ts)
      nodes: expect.arrayContaining([
        { routing: 'BAG-TOTE', routingVersion: 3, nodeCode: 'CUT', name: 'Cut panels', behavior: 'CUT' },
        { routing: 'WALLET-LINEAR', routingVersion: 1, nodeCode: 'CUT', name: 'Cut', behavior: 'CUT' },
      ]),
    });
    expect(full.station.nodes).toHaveLength(2);

    expect(full.tokens).toHaveLength(15);
    expect(full.tokens.map((t: any) => t.code).sort()).toEqual([
      ...serials('BV-DEMO-', 10),
      ...serials('WL-DEMO-', 5),
    ]);
    for (const t of full.tokens) {
      expect(t).toMatchObject({
        id: expect.any(Number),
        branch: null,
        nodeCode: 'CUT',
        status: 'ready',
        qty: 1,
        processMode: 'piece',
        operator: null,
      });
    }
    expect(full.tokens.find((t: any) => t.code === 'BV-DEMO-0001')).toMatchObject({
      routing: 'BAG-TOTE',
      ticket: 'DEMO-TOTE',
    });
    expect(full.tokens.find((t: any) => t.code === 'WL-DEMO-0001')).toMatchObject({
      routing: 'WALLET-LINEAR',
      ticket: 'DEMO-WALLET',
    });
    expect(new Set(full.tokens.map((t: any) => t.id)).size).toBe(15);
    expect(full.removed).toEqual([]);

    // The graphs of both routings, whole, so that the station can route offline.
    expect(full.routings.map((g: any) => g.code).sort()).toEqual(['BAG-TOTE', 'WALLET-LINEAR']);
    const bag = full.routings.find((g: any) => g.code === 'BAG-TOTE');
    expect(bag).toMatchObject({ version: 3, routingMode: 'dag' });
    expect(bag.nodes.map((n: any) => n.code)).toEqual([
      'CUT',
      'SPLIT-PANELS',
      'EDGE-BODY',
      'STITCH-STRAP',
      'JOIN-PANELS',
      'ASSEMBLE',
      'QC-FINAL',
      'GRADE',
      'PACK',
      'PACK-OUTLET',
    ]);
    expect(bag.edges).toHaveLength(11);
    expect(bag.edges).toContainEqual({
      from: 'GRADE',
      to: 'PACK',
      type: 'conditional',
      when: { field: 'grade', equals: 'A' },
      isDefault: false,
    });
    expect(bag.edges).toContainEqual({
      from: 'QC-FINAL',
      to: 'ASSEMBLE',
      type: 'rework',
      when: null,
      isDefault: false,
    });
    const wallet = full.routings.find((g: any) => g.code === 'WALLET-LINEAR');
    expect(wallet).toMatchObject({ version: 1, routingMode: 'linear' });
    expect(wallet.nodes.map((n: any) => n.code)).toEqual(['CUT', 'SEW', 'EDGE', 'FINISH']);
    expect(wallet.edges.map((e: any) => `${e.from}->${e.to}`)).toEqual([
      'CUT->SEW',
      'SEW->EDGE',
      'EDGE->FINISH',
    ]);

    expect(full.operators.map((o: any) => o.badge).sort()).toEqual(serials('OP-', 6));
    expect(full.operators).toContainEqual({ badge: 'OP-0001', name: 'Operator 1', pinHash: null });
    // The demo's PIN operator: the hash the tablet checks the PIN against, offline.
    expect(full.operators.find((o: any) => o.badge === 'OP-0006').pinHash).toMatch(/^pbkdf2-sha256\$20000\$/);
  });

  it('SN-2: deltas since a cursor: what left a station (by id), what arrived at another, and nothing when nothing changed', async () => {
    const cutFull = await ok('WC-CUT');
    const edgeFull = await ok('WC-EDGE');
    expect(edgeFull.tokens).toEqual([]);
    expect(edgeFull.station.nodes.map((n: any) => `${n.routing}:${n.nodeCode}`).sort()).toEqual([
      'BAG-TOTE:EDGE-BODY',
      'WALLET-LINEAR:EDGE',
    ]);
    const tote = cutFull.tokens.find((t: any) => t.code === 'BV-DEMO-0001');
    expect(tote).toBeDefined();

    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    await applies(cut, 'start', 'BV-DEMO-0001', 'CUT', tok('BV-DEMO-0001', null, 'CUT', 'active'));
    // In progress at CUT: still the station's, now active with its operator.
    const started = await ok('WC-CUT', cutFull.cursor);
    expect(started.tokens).toEqual([
      expect.objectContaining({ id: tote.id, code: 'BV-DEMO-0001', status: 'active', operator: 'OP-0001' }),
    ]);
    expect(started.removed).toEqual([]);

    await applies(cut, 'complete', 'BV-DEMO-0001', 'CUT', tok('BV-DEMO-0001', null, 'SPLIT-PANELS', 'split'));
    const cutDelta = await ok('WC-CUT', cutFull.cursor);
    expect(cutDelta.full).toBe(false);
    expect(cutDelta.cursor).not.toBe(cutFull.cursor);
    expect(cutDelta.removed).toContain(tote.id);
    expect(cutDelta.tokens.map((t: any) => t.code)).not.toContain('BV-DEMO-0001');
    expect(cutDelta.tokens).toEqual([]);
    expect(cutDelta).not.toHaveProperty('routings');
    expect(cutDelta).not.toHaveProperty('operators');

    const edgeDelta = await ok('WC-EDGE', edgeFull.cursor);
    expect(edgeDelta.tokens).toEqual([
      {
        id: expect.any(Number),
        code: 'BV-DEMO-0001',
        branch: 'EDGE-BODY',
        routing: 'BAG-TOTE',
        nodeCode: 'EDGE-BODY',
        status: 'ready',
        qty: 1,
        processMode: 'piece',
        ticket: 'DEMO-TOTE',
        operator: null,
        statusSince: expect.any(String),
      },
    ]);
    expect(edgeDelta.tokens[0].id).not.toBe(tote.id);
    expect(edgeDelta.removed).not.toContain(edgeDelta.tokens[0].id);
    expect(edgeDelta.cursor).toBe(cutDelta.cursor);

    // Nothing changed since: an empty delta, without reference data.
    const quiet = await ok('WC-CUT', cutDelta.cursor);
    expect(quiet).toMatchObject({ full: false, cursor: cutDelta.cursor, tokens: [], removed: [] });
    expect(quiet).not.toHaveProperty('routings');
    expect(quiet).not.toHaveProperty('operators');
    expect(quiet.station.name).toBe('WC-CUT-1');
  });

  it('SN-2: a new operator (admin API) makes the next delta carry the reference data again', async () => {
    const first = await ok('WC-CUT');
    const quiet = await ok('WC-CUT', first.cursor);
    expect(quiet).not.toHaveProperty('operators');

    const admin = await edge.login('admin');
    const added = await fetch(`${edge.url}/api/v1/admin/operators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ badge: 'OP-0042', name: 'Operator 42' }),
    });
    expect(added.status).toBe(201);

    const delta = await ok('WC-CUT', quiet.cursor);
    expect(delta).toMatchObject({ full: false, tokens: [], removed: [] });
    expect(delta.cursor).not.toBe(quiet.cursor);
    expect(delta.operators.map((o: any) => o.badge).sort()).toEqual([...serials('OP-', 6), 'OP-0042']);
    expect(delta.operators).toContainEqual({ badge: 'OP-0042', name: 'Operator 42', pinHash: null });
    expect(delta.routings.map((g: any) => g.code).sort()).toEqual(['BAG-TOTE', 'WALLET-LINEAR']);

    const after = await ok('WC-CUT', delta.cursor);
    expect(after).not.toHaveProperty('operators');
    expect(after).not.toHaveProperty('routings');
  });

  it('SN-3: an invalid cursor is 400 BAD_REQUEST naming since', async () => {
    for (const since of ['yesterday', '12', '1.2.3', '-1.0']) {
      const res = await snapshot('WC-CUT', since);
      expect(res.status, `since=${since}`).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'BAD_REQUEST',
          message: expect.stringMatching(/^since: /),
          details: [{ field: 'since' }],
        },
      });
    }
  });
});
