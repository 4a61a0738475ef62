/**
 * The admin API over real HTTP with the demo admin: publishing routings (RG-*), job tickets and
 * their tokens, stations and their tokens, operators and users; plus the public endpoints
 * (health, metrics; the OpenAPI description has openapi.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../../edge-server/ops/demo';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge, stationEvent } from '../support/edge';

let edge: TestEdge;
let adminToken: string;

beforeEach(async () => {
  edge = await startTestEdge();
  adminToken = await edge.login('admin');
});

afterEach(async () => {
  await edge.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function send(method: string, path: string, body?: unknown, token: string | null = adminToken) {
  const headers: Record<string, string> = {};
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${edge.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: text === '' ? null : JSON.parse(text),
    headers: res.headers,
  };
}

const post = (path: string, body: unknown) => send('POST', path, body);

/** protocol.md "Errors": `{"error": {"code", "message", "details": [...]}}` and nothing else. */
function expectError(res: { status: number; text: string; body: any }, status: number, code: string): any {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return res.body.error;
}

function count(sql: string, ...params: unknown[]): number {
  return (edge.core.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;
}

function routingCounts() {
  return {
    graphs: count('routing_graph'),
    nodes: count('routing_node'),
    edges: count('routing_edge'),
    workCenters: count('work_center'),
  };
}

function bagTote(): Record<string, any> {
  return loadFixture('routing-bag-dag.json') as Record<string, any>;
}

async function snapshot(token: string, since?: string): Promise<any> {
  const res = await send(
    'GET',
    `/api/v1/station/snapshot${since === undefined ? '' : `?since=${since}`}`,
    undefined,
    token,
  );
  expect(res.status, res.text).toBe(200);
  return res.body;
}

// ---------------------------------------------------------------------------------------------

describe('routings', () => {
  it('RG-2, AD-1: the bad-cycle fixture is 400, naming the cycle A -> B -> A in the message and details', async () => {
    const before = routingCounts();
    const res = await post('/api/v1/admin/routings', loadFixture('routing-bad-cycle.json'));
    const error = expectError(res, 400, 'BAD_REQUEST');
    expect(error.message).toContain('A -> B -> A');
    expect(error.details.length).toBeGreaterThan(0);
    expect(JSON.stringify(error.details)).toContain('A -> B -> A');
    expect(routingCounts()).toEqual(before);
    expect(count("work_center WHERE code = 'WC-A'")).toBe(0);
  });

  it('AD-1: re-importing BAG-TOTE (same version, same content) is 200 created: false and adds nothing', async () => {
    const graphId = (
      edge.core.db.prepare("SELECT id FROM routing_graph WHERE code = 'BAG-TOTE' AND version = 3").get() as {
        id: number;
      }
    ).id;
    const before = routingCounts();
    const res = await post('/api/v1/admin/routings', bagTote());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      code: 'BAG-TOTE',
      version: 3,
      routingMode: 'dag',
      created: false,
      graphId,
    });
    expect(routingCounts()).toEqual(before);

    // The same routing with its keys in another order is the same content.
    const reordered = Object.fromEntries(Object.entries(bagTote()).reverse());
    const again = await post('/api/v1/admin/routings', reordered);
    expect(again.status, again.text).toBe(200);
    expect(again.body.created).toBe(false);
    expect(routingCounts()).toEqual(before);

    // And the demo still works on it.
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    expect((await cut.send('start', 'BV-DEMO-0001', 'CUT')).status).toBe('applied');
  });

  it('AD-1: the same code and version with other content is 409', async () => {
    const before = routingCounts();
    const changed = { ...bagTote(), name: 'Leather tote bag, new stitching' };
    const error = expectError(await post('/api/v1/admin/routings', changed), 409, 'CONFLICT');
    expect(error.message).toContain('BAG-TOTE');
    expect(routingCounts()).toEqual(before);
    const stored = edge.core.db
      .prepare("SELECT name FROM routing_graph WHERE code = 'BAG-TOTE' AND version = 3")
      .get() as { name: string };
    expect(stored.name).toBe('Leather tote bag');
  });

  it('AD-1: a new version is 201 created: true, beside the old one', async () => {
    const before = routingCounts();
    const res = await post('/api/v1/admin/routings', { ...bagTote(), version: 4 });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ code: 'BAG-TOTE', version: 4, routingMode: 'dag', created: true });
    expect(res.body.workCenters.created).toEqual([]);
    expect(routingCounts()).toEqual({
      ...before,
      graphs: before.graphs + 1,
      nodes: before.nodes + bagTote()['nodes'].length,
      edges: before.edges + bagTote()['edges'].length,
    });
    expect(count("routing_graph WHERE code = 'BAG-TOTE'")).toBe(2);
  });

  it("AD-3: a new version's tokens can be worked by the stations of its work centers", async () => {
    expect((await post('/api/v1/admin/routings', { ...bagTote(), version: 4 })).status).toBe(201);
    const ticket = await post('/api/v1/admin/tickets', { code: 'TOTE-V4', routing: 'BAG-TOTE', qty: 1 });
    expect(ticket.status, ticket.text).toBe(201);
    expect(ticket.body).toMatchObject({ routingVersion: 4, tokens: ['TOTE-V4-0001'] });
    // The demo CUT station serves "every operation node of its work center": CUT of v4 too.
    const cutToken = edge.stationToken('WC-CUT');
    const codes = (await snapshot(cutToken)).tokens.map((t: { code: string }) => t.code);
    expect(codes).toContain('TOTE-V4-0001');
    const result = await new TestStation(edge.url, cutToken).send('start', 'TOTE-V4-0001', 'CUT');
    expect(result).toMatchObject({ status: 'applied', token: { nodeCode: 'CUT', status: 'active' } });
  });

  it('AD-4: a work center that exists with another behavior is 409, and nothing of the routing is published', async () => {
    const before = routingCounts();
    const routing = {
      code: 'CLASH',
      name: 'Cutting that stitches',
      version: 1,
      routingMode: 'linear',
      workCenters: [
        { code: 'WC-NEW', name: 'New', behavior: 'PACK' },
        { code: 'WC-CUT', name: 'Cutting', behavior: 'STITCH' },
      ],
      tasks: [
        { code: 'ONE', workCenter: 'WC-NEW' },
        { code: 'TWO', workCenter: 'WC-CUT' },
      ],
    };
    const error = expectError(await post('/api/v1/admin/routings', routing), 409, 'CONFLICT');
    expect(error.message).toContain('WC-CUT');
    expect(routingCounts()).toEqual(before);
    expect(count("work_center WHERE code = 'WC-NEW'")).toBe(0);
    expect(edge.core.db.prepare("SELECT behavior FROM work_center WHERE code = 'WC-CUT'").get()).toEqual({
      behavior: 'CUT',
    });
  });
});

describe('job tickets', () => {
  it('AD-2, IN-5: a piece ticket makes one token per serial, ready at the start node', async () => {
    const cutToken = edge.stationToken('WC-CUT');
    const cursor = (await snapshot(cutToken)).cursor as string;
    const res = await post('/api/v1/admin/tickets', {
      code: 'WALLET-42',
      routing: 'WALLET-LINEAR',
      qty: 3,
      serialPrefix: 'WL-42-',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      code: 'WALLET-42',
      routing: 'WALLET-LINEAR',
      routingVersion: 1,
      processMode: 'piece',
      tokens: ['WL-42-0001', 'WL-42-0002', 'WL-42-0003'],
    });

    // The CUT station sees them, in a full snapshot and in the delta since before.
    for (const snap of [await snapshot(cutToken), await snapshot(cutToken, cursor)]) {
      const mine = snap.tokens.filter((t: { ticket: string }) => t.ticket === 'WALLET-42');
      expect(mine).toHaveLength(3);
      for (const [i, t] of mine.entries()) {
        expect(t).toMatchObject({
          code: `WL-42-000${i + 1}`,
          branch: null,
          routing: 'WALLET-LINEAR',
          nodeCode: 'CUT',
          status: 'ready',
          qty: 1,
          processMode: 'piece',
        });
      }
    }
    // Each token has a spawn system event queued upstream (IN-5).
    expect(
      count(
        `token_event e JOIN upstream_record o ON o.event_row_id = e.id
         WHERE e.event_type = 'spawn' AND e.code LIKE 'WL-42-%'`,
      ),
    ).toBe(3);
    // Given serials are used as they are.
    const listed = await post('/api/v1/admin/tickets', {
      code: 'WALLET-43',
      routing: 'WALLET-LINEAR',
      qty: 2,
      serials: ['SN-A', 'SN-B'],
    });
    expect(listed.status, listed.text).toBe(201);
    expect(listed.body.tokens).toEqual(['SN-A', 'SN-B']);
  });

  it('AD-2: a batch ticket makes one token carrying the qty, in the queue of its start node', async () => {
    const res = await post('/api/v1/admin/tickets', {
      code: 'TOTE-BATCH-7',
      routing: 'BAG-TOTE',
      processMode: 'batch',
      qty: 25,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ processMode: 'batch', tokens: ['TOTE-BATCH-7'], routingVersion: 3 });
    expect(count('flow_token WHERE ticket_id = ?', res.body.ticketId)).toBe(1);

    const supervisor = await edge.login('supervisor');
    const queues = await send('GET', '/api/v1/supervisor/queues', undefined, supervisor);
    expect(queues.status).toBe(200);
    const cutNode = queues.body.nodes.find(
      (n: { routing: string; nodeCode: string }) => n.routing === 'BAG-TOTE' && n.nodeCode === 'CUT',
    );
    expect(cutNode.waiting).toContainEqual(
      expect.objectContaining({ code: 'TOTE-BATCH-7', qty: 25, branch: null }),
    );

    const snap = await snapshot(edge.stationToken('WC-CUT'));
    expect(snap.tokens).toContainEqual(
      expect.objectContaining({
        code: 'TOTE-BATCH-7',
        qty: 25,
        processMode: 'batch',
        status: 'ready',
        nodeCode: 'CUT',
      }),
    );
  });

  it('AD-2: a duplicate ticket code is 409 and makes no tokens', async () => {
    const tokensBefore = count('flow_token');
    const error = expectError(
      await post('/api/v1/admin/tickets', {
        code: 'DEMO-TOTE',
        routing: 'BAG-TOTE',
        qty: 1,
        serialPrefix: 'NEW-',
      }),
      409,
      'CONFLICT',
    );
    expect(error.message).toContain('DEMO-TOTE');
    expect(count('flow_token')).toBe(tokensBefore);
  });

  it('AD-2, DK-22: a serial that is already in use is 400 naming serials', async () => {
    const tokensBefore = count('flow_token');
    const error = expectError(
      await post('/api/v1/admin/tickets', {
        code: 'T-SERIAL',
        routing: 'BAG-TOTE',
        qty: 1,
        serials: ['BV-DEMO-0001'],
      }),
      400,
      'BAD_REQUEST',
    );
    expect(error.details).toEqual([expect.objectContaining({ path: 'serials', values: ['BV-DEMO-0001'] })]);
    expect(count('flow_token')).toBe(tokensBefore);
    expect(count("job_ticket WHERE code = 'T-SERIAL'")).toBe(0);
  });

  it('AD-2, DK-22: an unknown routing (or version) is 400 naming the field', async () => {
    const error = expectError(
      await post('/api/v1/admin/tickets', { code: 'T-404', routing: 'NO-SUCH-ROUTING', qty: 1 }),
      400,
      'BAD_REQUEST',
    );
    expect(error.message).toContain('NO-SUCH-ROUTING');
    expect(error.details).toEqual([expect.objectContaining({ path: 'routing' })]);
    const version = expectError(
      await post('/api/v1/admin/tickets', { code: 'T-404', routing: 'BAG-TOTE', routingVersion: 99, qty: 1 }),
      400,
      'BAD_REQUEST',
    );
    expect(version.details).toEqual([expect.objectContaining({ path: 'routingVersion' })]);
    expect(count("job_ticket WHERE code = 'T-404'")).toBe(0);
  });
});

describe('stations', () => {
  it('AD-3, AU-4: enrolling returns a token once; that token can push; revoking makes it 401', async () => {
    const res = await post('/api/v1/admin/stations', { name: 'WC-CUT-2', workCenter: 'WC-CUT' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: 'WC-CUT-2', workCenter: 'WC-CUT', token: expect.any(String) });
    expect([...res.body.nodeCodes].sort()).toEqual(['CUT']);
    const token = res.body.token as string;

    const result = await new TestStation(edge.url, token).send('start', 'BV-DEMO-0005', 'CUT');
    expect(result).toMatchObject({ status: 'applied', token: { code: 'BV-DEMO-0005', status: 'active' } });

    // Shown once: no other answer carries it.
    const supervisor = await edge.login('supervisor');
    const health = await send('GET', '/api/v1/supervisor/stations', undefined, supervisor);
    expect(health.text).toContain('WC-CUT-2');
    expect(health.text).not.toContain(token);
    expect((await snapshot(token)).station.name).toBe('WC-CUT-2');
    expect(JSON.stringify(await snapshot(token))).not.toContain(token);

    const revoked = await send('DELETE', '/api/v1/admin/stations/WC-CUT-2');
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');
    const event = stationEvent({ seq: 2, type: 'pause', code: 'BV-DEMO-0005', nodeCode: 'CUT' });
    const refused = await push(edge.url, token, [event]);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    expect(count('token_event WHERE event_id = ?', event['id'])).toBe(0);
    expect((await send('GET', '/api/v1/station/snapshot', undefined, token)).status).toBe(401);

    // Revoking twice, or a station that does not exist, is 404.
    expectError(await send('DELETE', '/api/v1/admin/stations/WC-CUT-2'), 404, 'NOT_FOUND');
    expectError(await send('DELETE', '/api/v1/admin/stations/NO-SUCH-STATION'), 404, 'NOT_FOUND');
  });

  it('AD-5: a revoked station can be enrolled again under its name, with a new token', async () => {
    const first = await post('/api/v1/admin/stations', { name: 'TABLET-7', workCenter: 'WC-CUT' });
    expect(first.status).toBe(201);
    expect((await send('DELETE', '/api/v1/admin/stations/TABLET-7')).status).toBe(204);
    // The 401 a revoked station gets says: "enroll it again to get a new token".
    const again = await post('/api/v1/admin/stations', { name: 'TABLET-7', workCenter: 'WC-CUT' });
    expect(again.status, again.text).toBe(201);
    expect(again.body.token).not.toBe(first.body.token);
    expect((await push(edge.url, again.body.token, [])).status).toBe(200);
    expect((await push(edge.url, first.body.token, [])).status).toBe(401);
  });

  it('AD-3: a station enrolled at given nodes serves those; other nodes are refused', async () => {
    const res = await post('/api/v1/admin/stations', { name: 'QC-TABLET', nodeCodes: ['QC-FINAL'] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: 'QC-TABLET', workCenter: null, nodeCodes: ['QC-FINAL'] });
    const snap = await snapshot(res.body.token);
    expect(snap.station.nodes.map((n: { nodeCode: string }) => n.nodeCode)).toEqual(['QC-FINAL']);

    expectError(
      await post('/api/v1/admin/stations', { name: 'QC-TABLET', nodeCodes: ['QC-FINAL'] }),
      409,
      'CONFLICT',
    );
    expectError(
      await post('/api/v1/admin/stations', { name: 'SPLITTER', nodeCodes: ['SPLIT-PANELS'] }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await post('/api/v1/admin/stations', { name: 'NOWHERE', nodeCodes: ['NO-NODE'] }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await post('/api/v1/admin/stations', { name: 'NOWHERE', workCenter: 'WC-NONE' }),
      404,
      'NOT_FOUND',
    );
    expect(count("station WHERE name IN ('SPLITTER', 'NOWHERE')")).toBe(0);
  });

  it('HT-1: no admin input causes a 500: a station with very many nodeCodes is refused as a bad request', async () => {
    // 40 000 short codes fit in the 1 MiB body limit.
    const nodeCodes = Array.from({ length: 40_000 }, (_, i) => `N${i}`);
    const res = await post('/api/v1/admin/stations', { name: 'MANY-NODES', nodeCodes });
    expect(res.status, res.text).toBeLessThan(500);
    expect([400, 404, 413]).toContain(res.status);
  });
});

describe('operators and users', () => {
  it('AD-3, SN-1: an operator added with a PIN can sign events; the snapshot carries a pinHash, never the PIN', async () => {
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'), 'OP-0100');
    expect((await cut.send('start', 'BV-DEMO-0001', 'CUT')).reason.code).toBe('UNKNOWN_OPERATOR');
    const cursor = (await snapshot(cut.token)).cursor as string;

    const res = await post('/api/v1/admin/operators', { badge: 'OP-0100', name: 'Pat Lee', pin: '4821' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ badge: 'OP-0100', name: 'Pat Lee', hasPin: true, language: null });
    expect(res.text).not.toContain('4821');

    for (const snap of [await snapshot(cut.token), await snapshot(cut.token, cursor)]) {
      const op = snap.operators.find((o: { badge: string }) => o.badge === 'OP-0100');
      expect(op).toEqual({ badge: 'OP-0100', name: 'Pat Lee', pinHash: expect.any(String) });
      expect(op.pinHash).not.toContain('4821');
      expect(op.pinHash.length).toBeGreaterThan(20);
      expect(JSON.stringify(snap.operators)).not.toMatch(/"pin"/);
    }
    const stored = edge.core.db.prepare("SELECT * FROM operator WHERE badge = 'OP-0100'").get();
    expect(JSON.stringify(stored)).not.toContain('4821');
    // Demo operators have no PIN.
    const demoOp = (await snapshot(cut.token)).operators.find(
      (o: { badge: string }) => o.badge === 'OP-0001',
    );
    expect(demoOp.pinHash).toBeNull();

    expect((await cut.send('start', 'BV-DEMO-0001', 'CUT')).status).toBe('applied');
    expectError(await post('/api/v1/admin/operators', { badge: 'OP-0100' }), 409, 'CONFLICT');
  });

  it('AD-3, AU-2: an added user can sign in with its role; a duplicate username is 409', async () => {
    const res = await post('/api/v1/admin/users', {
      username: 'shift.lead',
      role: 'supervisor',
      password: 'tote bags all day',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ username: 'shift.lead', role: 'supervisor' });
    expect(res.text).not.toContain('tote bags all day');
    const login = await send(
      'POST',
      '/api/v1/auth/login',
      { username: 'shift.lead', password: 'tote bags all day' },
      null,
    );
    expect(login.status, login.text).toBe(200);
    expect(login.body.role).toBe('supervisor');
    expectError(
      await send('POST', '/api/v1/admin/routings', bagTote(), login.body.token as string),
      403,
      'FORBIDDEN',
    );
    expectError(
      await post('/api/v1/admin/users', {
        username: 'shift.lead',
        role: 'admin',
        password: 'another password',
      }),
      409,
      'CONFLICT',
    );
  });
});

describe('bad admin input is 400 naming the field', () => {
  const cases: { path: string; body: () => unknown; field: string }[] = [
    { path: '/api/v1/admin/tickets', body: () => ({ routing: 'WALLET-LINEAR', qty: 1 }), field: 'code' },
    {
      path: '/api/v1/admin/tickets',
      body: () => ({ code: 'T-0', routing: 'WALLET-LINEAR', qty: 0 }),
      field: 'qty',
    },
    {
      path: '/api/v1/admin/tickets',
      body: () => ({ code: 'T-0', routing: 'WALLET-LINEAR', qty: 1.5 }),
      field: 'qty',
    },
    {
      path: '/api/v1/admin/tickets',
      body: () => ({ code: 'T-0', routing: 'WALLET-LINEAR', qty: 2, serials: ['ONLY-ONE'] }),
      field: 'serials',
    },
    {
      path: '/api/v1/admin/tickets',
      body: () => ({ code: 'T-0', routing: 'WALLET-LINEAR', qty: 1, processMode: 'bulk' }),
      field: 'processMode',
    },
    { path: '/api/v1/admin/tickets', body: () => ({ code: 'T-0', qty: 1 }), field: 'routing' },
    {
      path: '/api/v1/admin/stations',
      body: () => ({ name: 'has spaces', workCenter: 'WC-CUT' }),
      field: 'name',
    },
    { path: '/api/v1/admin/stations', body: () => ({ name: 'NO-PLACE' }), field: 'workCenter' },
    {
      path: '/api/v1/admin/stations',
      body: () => ({ name: 'LANG', workCenter: 'WC-CUT', language: 'fr' }),
      field: 'language',
    },
    { path: '/api/v1/admin/stations', body: () => ({ name: 'EMPTY', nodeCodes: [] }), field: 'nodeCodes' },
    { path: '/api/v1/admin/operators', body: () => ({ name: 'No Badge' }), field: 'badge' },
    { path: '/api/v1/admin/operators', body: () => ({ badge: 'OP-0200', pin: '12' }), field: 'pin' },
    { path: '/api/v1/admin/operators', body: () => ({ badge: 'OP-0200', pin: 'abcd' }), field: 'pin' },
    {
      path: '/api/v1/admin/users',
      body: () => ({ username: 'boss', role: 'boss', password: 'long enough password' }),
      field: 'role',
    },
    {
      path: '/api/v1/admin/users',
      body: () => ({ username: 'shorty', role: 'supervisor', password: 'short' }),
      field: 'password',
    },
    {
      path: '/api/v1/admin/users',
      body: () => ({ username: 'with space', role: 'supervisor', password: 'long enough password' }),
      field: 'username',
    },
    { path: '/api/v1/admin/routings', body: () => ({ ...bagTote(), version: 0 }), field: 'version' },
    { path: '/api/v1/admin/routings', body: () => ({ ...bagTote(), nodes: 'CUT' }), field: 'nodes' },
    {
      path: '/api/v1/admin/routings',
      body: () => ({
        ...bagTote(),
        code: 'LOWER',
        workCenters: [{ code: 'WC-X', name: 'X', behavior: 'cut' }],
      }),
      field: 'behavior',
    },
  ];

  it.each(cases)('AD-6: $path: $field', async ({ path, body, field }) => {
    const error = expectError(await post(path, body()), 400, 'BAD_REQUEST');
    expect(error.message).toContain(field);
  });

  it.each([
    '/api/v1/admin/routings',
    '/api/v1/admin/tickets',
    '/api/v1/admin/stations',
    '/api/v1/admin/operators',
    '/api/v1/admin/users',
  ])('HT-2: %s: a body that is not JSON is 400', async (path) => {
    expectError(await send('POST', path, '{"code": '), 400, 'BAD_REQUEST');
    expectError(await send('POST', path, ''), 400, 'BAD_REQUEST');
  });
});

describe('public endpoints', () => {
  it('OP-10: GET /api/v1/health is ok without credentials', async () => {
    const res = await send('GET', '/api/v1/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', site: 'SITE-1', schemaVersion: expect.any(Number) });
    expect(res.body.serverTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('OP-11: GET /metrics counts scan_events_total after a push', async () => {
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    expect((await cut.send('start', 'BV-DEMO-0001', 'CUT')).status).toBe('applied');
    expect((await cut.send('start', 'NO-SUCH-CODE', 'CUT')).status).toBe('rejected');
    const res = await fetch(`${edge.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type') ?? '').toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('scan_events_total');
    expect(text).toMatch(/^scan_events_total\{status="applied"\} 1$/m);
    expect(text).toMatch(/^scan_events_total\{status="rejected"\} 1$/m);
  });
});
