/**
 * The planning desk's routings over real HTTP with the demo admin (SPEC DK-10 … DK-13): the
 * published routings with their versions, one version's source, and the check that stores
 * nothing (the invalid cycle fixture names A and B; a 10,000-node routing is answered while a
 * station's push goes on).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../../edge-server/ops/demo';
import {
  problemsOf,
  routingCheckedSchema,
  routingListSchema,
  routingSourceSchema,
} from '../../shared/routing-desk-api';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge, tok } from '../support/edge';
import { adminSender } from '../support/admin-api';
import { chainRouting } from '../support/large-routings';

let edge: TestEdge;
let adminToken: string;

beforeEach(async () => {
  edge = await startTestEdge();
  adminToken = await edge.login('admin');
});

afterEach(async () => {
  await edge.close();
});

const send = adminSender(
  () => edge.url,
  () => adminToken,
  '/api/v1/admin',
);

function storedRoutings(): number {
  return edge.core.db.prepare('SELECT count(*) FROM routing_graph').pluck().get() as number;
}

const bagTote = () => loadFixture('routing-bag-dag.json') as Record<string, any>;

describe('the routings list and sources', () => {
  it('DK-10: the published routings are listed by code with every version, node count, mode and tickets', async () => {
    const v4 = { ...bagTote(), version: 4, name: 'Leather tote bag, new strap' };
    expect((await send('POST', '/routings', v4)).status).toBe(201);
    const res = await send('GET', '/routings');
    expect(res.status, res.text).toBe(200);
    const list = routingListSchema.parse(res.body);
    expect(list.routings.map((r) => r.code)).toEqual(['BAG-TOTE', 'WALLET-LINEAR']);
    const [bag, wallet] = list.routings;
    expect(bag?.versions).toEqual([
      {
        version: 4,
        name: 'Leather tote bag, new strap',
        routingMode: 'dag',
        nodes: 10,
        publishedAt: expect.any(String),
        tickets: 0,
      },
      {
        version: 3,
        name: 'Leather tote bag',
        routingMode: 'dag',
        nodes: 10,
        publishedAt: expect.any(String),
        tickets: 1,
      },
    ]);
    expect(wallet?.versions).toEqual([
      expect.objectContaining({ version: 1, routingMode: 'linear', tickets: 1 }),
    ]);
  });

  it('DK-11: a version’s source is the routing as it was imported, to draw', async () => {
    const res = await send('GET', '/routings/BAG-TOTE/versions/3');
    expect(res.status, res.text).toBe(200);
    const { source, ...version } = routingSourceSchema.parse(res.body);
    expect(version).toEqual({ code: 'BAG-TOTE', version: 3, publishedAt: expect.any(String) });
    const fixture = bagTote();
    expect(source.routingMode).toBe('dag');
    expect(source.nodes?.map((n) => n.code)).toEqual(fixture['nodes'].map((n: { code: string }) => n.code));
    expect(source.edges).toContainEqual({ from: 'QC-FINAL', to: 'ASSEMBLE', type: 'rework' });
    const linear = routingSourceSchema.parse((await send('GET', '/routings/WALLET-LINEAR/versions/1')).body);
    expect(linear.source.routingMode).toBe('linear');
    expect(linear.source.tasks?.length).toBeGreaterThan(1);
  });

  it('DK-11: an unknown code or version is a 404 naming it; a version that is no number is a 400', async () => {
    const unknownCode = await send('GET', '/routings/NO-SUCH/versions/1');
    expect(unknownCode.status).toBe(404);
    expect(unknownCode.body.error.message).toBe('No routing NO-SUCH is published');
    expect(unknownCode.body.error.details).toEqual([{ path: 'code', message: 'NO-SUCH is not published' }]);
    const unknownVersion = await send('GET', '/routings/BAG-TOTE/versions/9');
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body.error.message).toBe('Routing BAG-TOTE has no published version 9');
    const notANumber = await send('GET', '/routings/BAG-TOTE/versions/three');
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.error.details[0].path).toBe('version');
  });

  it('DK-10: a supervisor is refused the desk’s routings (403)', async () => {
    const supervisor = await edge.login('supervisor');
    expect((await send('GET', '/routings', undefined, supervisor)).status).toBe(403);
    expect((await send('POST', '/routings/check', bagTote(), supervisor)).status).toBe(403);
  });
});

describe('the check that stores nothing', () => {
  it('DK-12, RG-2: the invalid cycle fixture is refused (400) with the cycle naming A and B, and nothing is stored', async () => {
    const before = storedRoutings();
    const res = await send('POST', '/routings/check', loadFixture('routing-bad-cycle.json'));
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    const refused = problemsOf(res.body);
    expect(refused?.message).toContain('RG-2 normal edges form a cycle: A -> B -> A');
    expect(refused?.problems).toEqual([
      { rule: 'RG-2', message: expect.stringContaining('A -> B -> A'), nodes: ['A', 'B'] },
      // With every node on the cycle there is no start node either: no node to name for that one.
      { rule: 'RG-3', message: expect.stringContaining('no start node'), nodes: [] },
    ]);
    expect(storedRoutings()).toBe(before);
  });

  it('DK-12: a routing that passes is answered with its size and that publishing it would be new; nothing is stored', async () => {
    const before = storedRoutings();
    const res = await send('POST', '/routings/check', { ...bagTote(), code: 'BAG-NEW' });
    expect(res.status, res.text).toBe(200);
    expect(routingCheckedSchema.parse(res.body)).toEqual({
      ok: true,
      code: 'BAG-NEW',
      name: 'Leather tote bag',
      version: 3,
      routingMode: 'dag',
      nodes: 10,
      edges: 11,
      workCenters: 6,
      publish: 'new',
    });
    expect(storedRoutings()).toBe(before);
    expect((await send('GET', '/routings/BAG-NEW/versions/3')).status).toBe(404);
  });

  it('DK-13, AD-1: the check says the same routing is already published, and a changed one under that version is refused by publish (409)', async () => {
    expect((await send('POST', '/routings/check', bagTote())).body.publish).toBe('same');
    const changed: Record<string, any> = { ...bagTote(), name: 'Leather tote bag (renamed)' };
    changed['nodes'] = [...changed['nodes'], { code: 'EXTRA', type: 'operation', workCenter: 'WC-PACK' }];
    changed['edges'] = [...changed['edges'], { from: 'PACK', to: 'EXTRA' }];
    expect((await send('POST', '/routings/check', changed)).body.publish).toBe('changed');
    const published = await send('POST', '/routings', changed);
    expect(published.status).toBe(409);
    expect(published.body.error.details).toEqual([{ routing: 'BAG-TOTE', version: 3 }]);
  });

  it('DK-12, AD-6: a field of the format that is wrong is named by its path; a body that is not JSON says so', async () => {
    const res = await send('POST', '/routings/check', { ...bagTote(), version: 0 });
    expect(res.status).toBe(400);
    expect(problemsOf(res.body)?.problems).toContainEqual({ path: 'version', message: expect.any(String) });
    const notJson = await send('POST', '/routings/check', '{"code": "X",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/^The body is not valid JSON/);
  });

  it('DK-12, RG-5: every error of a refused publish names its nodes (a conditional edge off an operation node)', async () => {
    const bad = bagTote();
    bad['edges'] = bad['edges'].map((e: Record<string, unknown>) =>
      e['from'] === 'CUT' ? { ...e, type: 'conditional', when: { field: 'x', equals: 1 } } : e,
    );
    const res = await send('POST', '/routings', { ...bad, code: 'BAD-COND' });
    expect(res.status).toBe(400);
    const problems = problemsOf(res.body)?.problems ?? [];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.nodes?.length, p.message).toBeGreaterThan(0);
    expect(problems).toContainEqual(expect.objectContaining({ rule: 'RG-5', nodes: ['CUT'] }));
  });

  it('DK-12, RG-12: a 10,000-node routing is checked on the worker thread: its answer arrives, and a push made meanwhile is applied', async () => {
    const { nodes, edges } = chainRouting(10_000);
    const routing = {
      code: 'LONG-CHECK',
      name: 'A generated chain',
      version: 1,
      workCenters: [{ code: 'WC-OP', name: 'Operations', behavior: 'ASSEMBLY' }],
      nodes,
      edges: [...edges, { from: 'T10000', to: 'T9999' }],
    };
    const checking = send('POST', '/routings/check', routing);
    const cut = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    expect(await cut.send('start', 'BV-DEMO-0001', 'CUT')).toEqual({
      id: expect.any(String),
      status: 'applied',
      token: tok('BV-DEMO-0001', null, 'CUT', 'active'),
    });
    expect((await send('GET', '/routings')).status).toBe(200);
    const checked = await checking;
    expect(checked.status).toBe(400);
    expect(problemsOf(checked.body)?.problems).toEqual([
      expect.objectContaining({ rule: 'RG-2', nodes: ['T9999', 'T10000'] }),
    ]);
    const fixed = await send('POST', '/routings/check', { ...routing, edges });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ ok: true, nodes: 10_000, edges: 9_999, publish: 'new' });
    expect(
      edge.core.db.prepare("SELECT count(*) FROM routing_graph WHERE code LIKE '%LONG%'").pluck().get(),
    ).toBe(0);
  });

  it('DK-12, HT-2: a check body over 4 MiB is 413', async () => {
    const res = await send('POST', '/routings/check', { padding: 'x'.repeat(4 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });
});
