/**
 * Targets per node over real HTTP (SPEC SV-2, SV-17, SV-18): an admin sets, lists and clears the
 * units per hour expected of a node; the board shows each node's target and the shift's target so
 * far; a new version of the routing keeps them; unknown routings and nodes are 404s naming them,
 * bad bodies 400s naming the field, supervisors and stations 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../edge-server/ops/demo';
import { shiftTargetSoFar } from '../../shared/node-targets';
import type { Board, BoardNode } from '../../shared/supervisor-api';
import { boardSchema } from '../../shared/supervisor-api';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';

let edge: TestEdge;
let admin: string;
let supervisor: string;

beforeAll(async () => {
  edge = await startTestEdge();
  admin = await edge.login('admin');
  supervisor = await edge.login('supervisor');
});
afterAll(async () => edge.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

function target(
  routing: string,
  node: string,
  method: 'PUT' | 'DELETE',
  body?: unknown,
  token = admin,
): Promise<Response> {
  return fetch(`${edge.url}/api/v1/admin/routings/${routing}/nodes/${node}/target`, {
    method,
    headers: { ...auth(token), ...(body === undefined ? {} : json) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function listed(): Promise<{ routing: string; node: string; unitsPerHour: number; setBy: string }[]> {
  const res = await fetch(`${edge.url}/api/v1/admin/targets`, { headers: auth(admin) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { targets: [] }).targets;
}

async function board(query = '?routing=BAG-TOTE'): Promise<Board> {
  const res = await fetch(`${edge.url}/api/v1/supervisor/board${query}`, { headers: auth(supervisor) });
  expect(res.status).toBe(200);
  return boardSchema.parse(await res.json());
}

function node(b: Board, code: string, version?: number): BoardNode {
  const routing = b.routings.find(
    (r) => r.code === 'BAG-TOTE' && (version === undefined || r.version === version),
  );
  const found = routing?.nodes.find((n) => n.code === code);
  if (!found) throw new Error(`no node ${code} on the board`);
  return found;
}

/** What the board's shift target must be, from the board's own times (SV-17). */
const shiftTargetOf = (b: Board, perHour: number) =>
  Math.floor((perHour * (Date.parse(b.generatedAt) - Date.parse(b.shiftStart))) / 3_600_000 + 1e-9);

describe('targets per node', () => {
  it('SV-17: the shift target so far is per hour × the hours since the shift began, rounded down', () => {
    const start = new Date('2026-12-01T06:00:00Z');
    expect(shiftTargetSoFar(30, start, start)).toBe(0);
    expect(shiftTargetSoFar(30, start, new Date('2026-12-01T06:59:00Z'))).toBe(29);
    expect(shiftTargetSoFar(30, start, new Date('2026-12-01T08:00:00Z'))).toBe(60);
    expect(shiftTargetSoFar(7.5, start, new Date('2026-12-01T07:20:00Z'))).toBe(10);
    expect(shiftTargetSoFar(30, start, new Date('2026-12-01T05:00:00Z'))).toBe(0);
  });

  it('SV-2, SV-17: an admin sets a target; the board shows it beside the units done, hour and shift', async () => {
    const before = await board();
    expect(node(before, 'CUT')).toMatchObject({ targetPerHour: null, targetThisShift: null });

    const res = await target('BAG-TOTE', 'CUT', 'PUT', { unitsPerHour: 30 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      routing: 'BAG-TOTE',
      node: 'CUT',
      unitsPerHour: 30,
      setBy: 'admin',
      setAt: expect.any(String),
    });

    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    await cut.send('start', 'BV-DEMO-0001', 'CUT');
    await cut.send('complete', 'BV-DEMO-0001', 'CUT');
    const b = await board();
    const shown = node(b, 'CUT');
    expect(shown.targetPerHour).toBe(30);
    expect(shown.targetThisShift).toBe(shiftTargetOf(b, 30));
    expect(shown.doneThisHour.units).toBe(1);
    // Nodes without a target say so.
    expect(node(b, 'EDGE-BODY')).toMatchObject({ targetPerHour: null, targetThisShift: null });

    // Setting it again replaces it.
    expect((await target('BAG-TOTE', 'CUT', 'PUT', { unitsPerHour: 12.5 })).status).toBe(200);
    expect(node(await board(), 'CUT').targetPerHour).toBe(12.5);
    expect(await listed()).toEqual([
      expect.objectContaining({ routing: 'BAG-TOTE', node: 'CUT', unitsPerHour: 12.5, setBy: 'admin' }),
    ]);
  });

  it('SV-17: a ticket filter shows no target (its done figures are one ticket’s share of the node’s work)', async () => {
    const b = await board('?ticket=DEMO-TOTE');
    expect(node(b, 'CUT')).toMatchObject({ targetPerHour: null, targetThisShift: null });
  });

  it('SV-18: a new version of the routing keeps the targets of the nodes whose codes stay', async () => {
    const routing = loadFixture('routing-bag-dag.json') as { version: number; name: string };
    const next = { ...routing, version: routing.version + 1, name: `${routing.name} (revised)` };
    const res = await fetch(`${edge.url}/api/v1/admin/routings`, {
      method: 'POST',
      headers: { ...auth(admin), ...json },
      body: JSON.stringify(next),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const b = await board();
    // The old version still holds the demo's tokens, so both are on the board, each with the target.
    expect(b.routings.map((r) => r.version)).toEqual([routing.version, routing.version + 1]);
    expect(node(b, 'CUT', routing.version).targetPerHour).toBe(12.5);
    expect(node(b, 'CUT', routing.version + 1).targetPerHour).toBe(12.5);
  });

  it('SV-18: clearing a target takes it off the board and the list; clearing again is harmless', async () => {
    expect((await target('BAG-TOTE', 'CUT', 'DELETE')).status).toBe(204);
    expect(node(await board(), 'CUT')).toMatchObject({ targetPerHour: null, targetThisShift: null });
    expect(await listed()).toEqual([]);
    expect((await target('BAG-TOTE', 'CUT', 'DELETE')).status).toBe(204);
  });

  it('SV-18: an unknown routing or node is a 404 naming it; a bad body a 400 naming the field', async () => {
    for (const method of ['PUT', 'DELETE'] as const) {
      const noRouting = await target(
        'NO-SUCH',
        'CUT',
        method,
        method === 'PUT' ? { unitsPerHour: 5 } : undefined,
      );
      expect(noRouting.status).toBe(404);
      expect(((await noRouting.json()) as { error: { message: string } }).error.message).toMatch(
        /^routing: .*NO-SUCH/,
      );
      const noNode = await target(
        'BAG-TOTE',
        'NOPE',
        method,
        method === 'PUT' ? { unitsPerHour: 5 } : undefined,
      );
      expect(noNode.status).toBe(404);
      expect(((await noNode.json()) as { error: { message: string } }).error.message).toMatch(
        /^node: .*NOPE/,
      );
    }
    for (const body of [
      {},
      { unitsPerHour: 0 },
      { unitsPerHour: -3 },
      { unitsPerHour: '30' },
      { unitsPerHour: 100_001 },
    ]) {
      const res = await target('BAG-TOTE', 'CUT', 'PUT', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json()), JSON.stringify(body)).toContain('unitsPerHour');
    }
    const notJson = await fetch(`${edge.url}/api/v1/admin/routings/BAG-TOTE/nodes/CUT/target`, {
      method: 'PUT',
      headers: { ...auth(admin), ...json },
      body: '{"unitsPerHour":',
    });
    expect(notJson.status).toBe(400);
    // A split does no work: it takes no target.
    const split = await target('BAG-TOTE', 'SPLIT-PANELS', 'PUT', { unitsPerHour: 5 });
    expect(split.status).toBe(400);
    expect(((await split.json()) as { error: { message: string } }).error.message).toMatch(
      /^node: SPLIT-PANELS/,
    );
    expect(await listed()).toEqual([]);
  });

  it('SV-11, SV-18: from the console (its cookie) a PUT needs the server’s own Origin', async () => {
    const login = await fetch(`${edge.url}/api/v1/auth/console-login`, {
      method: 'POST',
      headers: { ...json, origin: edge.url },
      body: JSON.stringify(edge.demo.admin),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const put = (origin: string) =>
      fetch(`${edge.url}/api/v1/admin/routings/BAG-TOTE/nodes/CUT/target`, {
        method: 'PUT',
        headers: { ...json, cookie, origin },
        body: JSON.stringify({ unitsPerHour: 20 }),
      });
    expect((await put('https://elsewhere.example')).status).toBe(403);
    expect(await listed()).toEqual([]);
    const res = await put(edge.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ unitsPerHour: 20, setBy: 'admin' });
    expect((await target('BAG-TOTE', 'CUT', 'DELETE')).status).toBe(204);
  });

  it('SV-18: only an admin sets, clears or lists targets (supervisors and stations 403)', async () => {
    const station = edge.stationToken('WC-CUT');
    for (const token of [supervisor, station]) {
      expect((await target('BAG-TOTE', 'CUT', 'PUT', { unitsPerHour: 5 }, token)).status).toBe(403);
      expect((await target('BAG-TOTE', 'CUT', 'DELETE', undefined, token)).status).toBe(403);
      expect((await fetch(`${edge.url}/api/v1/admin/targets`, { headers: auth(token) })).status).toBe(403);
    }
    expect((await target('BAG-TOTE', 'CUT', 'PUT', { unitsPerHour: 5 }, 'nonsense')).status).toBe(401);
    expect(await listed()).toEqual([]);
  });
});
