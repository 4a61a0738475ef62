/**
 * The planning desk's job tickets over real HTTP with the demo admin (SPEC DK-20 … DK-29): the
 * serial counter that never gives a serial twice, every refusal naming its field, the list and one
 * ticket with its serials and its routing's steps, and the released tokens on the floor board.
 */
import { MAX_PIECE_SERIALS } from '../../shared/ticket-release';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardSchema } from '../../shared/supervisor-api';
import { ticketDetailSchema, ticketListSchema } from '../../shared/ticket-desk-api';
import { operationSteps } from '../../shared/ticket-release';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import { loadFixture } from '../../edge-server/ops/demo';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';
import { adminSender } from '../support/admin-api';

let edge: TestEdge;
let admin: string;

beforeAll(async () => {
  edge = await startTestEdge();
  admin = await edge.login('admin');
});

afterAll(async () => {
  await edge?.close();
});

const send = adminSender(
  () => edge.url,
  () => admin,
);

const release = (body: Record<string, unknown>) => send('POST', '/api/v1/admin/tickets', body);

const count = (sql: string, ...params: unknown[]): number =>
  (edge.core.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;

const serials = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(4, '0')}`);

/** The 400 a refused release answers: its details, after checking that nothing was stored (DK-23). */
async function refusal(body: Record<string, unknown>): Promise<{ path: string; values?: string[] }[]> {
  const tokens = count('flow_token');
  const res = await release(body);
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe('BAD_REQUEST');
  expect(count('flow_token')).toBe(tokens);
  expect(count('job_ticket WHERE code = ?', body['code'])).toBe(0);
  expect(count('admin_change WHERE subject = ?', body['code'])).toBe(0);
  return res.body.error.details;
}

describe('serials generated from a prefix', () => {
  it('DK-21: two tickets with the same prefix get consecutive serials, never the same one twice', async () => {
    const first = await release({ code: 'BV-A', routing: 'BAG-TOTE', qty: 20, serialPrefix: 'BV-' });
    expect(first.status, first.text).toBe(201);
    expect(first.body.tokens).toEqual(serials('BV-', 1, 20));
    const second = await release({ code: 'BV-B', routing: 'BAG-TOTE', qty: 3, serialPrefix: 'BV-' });
    expect(second.status, second.text).toBe(201);
    expect(second.body.tokens).toEqual(serials('BV-', 21, 23));
  });

  it('DK-21: the preview says which serials a prefix gives next, and reserves nothing', async () => {
    const preview = await send('GET', '/api/v1/admin/serials/next?prefix=BV-&qty=2');
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toEqual({ prefix: 'BV-', qty: 2, first: 'BV-0024', last: 'BV-0025' });
    expect((await send('GET', '/api/v1/admin/serials/next?prefix=NEW-')).body).toMatchObject({
      first: 'NEW-0001',
      last: 'NEW-0001',
    });
    const next = await release({ code: 'BV-C', routing: 'BAG-TOTE', qty: 2, serialPrefix: 'BV-' });
    expect(next.body.tokens).toEqual(['BV-0024', 'BV-0025']);
    for (const query of ['prefix=BV-&qty=0', 'prefix=BV-&qty=x', 'qty=2', 'prefix=BV-&qty=100001']) {
      const bad = await send('GET', `/api/v1/admin/serials/next?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.details[0].path, query).toBe(query.startsWith('qty') ? 'prefix' : 'qty');
    }
  });

  it('DK-21: the counter skips serials pasted on another ticket and serials released before it', async () => {
    // Pasted serials take BX-0002 and BX-0003; the demo released BV-DEMO-0001 … 0010 before any counter.
    const pasted = await release({
      code: 'BX-P',
      routing: 'BAG-TOTE',
      qty: 2,
      serials: ['BX-0002', 'BX-0003'],
    });
    expect(pasted.status, pasted.text).toBe(201);
    const generated = await release({ code: 'BX-G', routing: 'BAG-TOTE', qty: 3, serialPrefix: 'BX-' });
    expect(generated.body.tokens).toEqual(['BX-0001', 'BX-0004', 'BX-0005']);
    const demo = await release({
      code: 'BV-DEMO-MORE',
      routing: 'BAG-TOTE',
      qty: 2,
      serialPrefix: 'BV-DEMO-',
    });
    expect(demo.body.tokens).toEqual(['BV-DEMO-0011', 'BV-DEMO-0012']);
    // Then pasting one of the counter's serials is refused: it is in use.
    const details = await refusal({ code: 'BX-AGAIN', routing: 'BAG-TOTE', qty: 1, serials: ['BX-0004'] });
    expect(details).toEqual([expect.objectContaining({ path: 'serials', values: ['BX-0004'] })]);
  });

  it('DK-21: without a prefix, the ticket code and a dash; a refused ticket leaves the counter where it was', async () => {
    await refusal({ code: 'TOTE-77', routing: 'NO-SUCH-ROUTING', qty: 2 });
    const res = await release({ code: 'TOTE-77', routing: 'BAG-TOTE', qty: 2 });
    expect(res.status, res.text).toBe(201);
    expect(res.body.tokens).toEqual(['TOTE-77-0001', 'TOTE-77-0002']);
  });

  it('DK-21: pasted serials are trimmed and used in the order given', async () => {
    const res = await release({
      code: 'PASTE-1',
      routing: 'WALLET-LINEAR',
      qty: 2,
      serials: ['  SN-Z ', 'SN-Y'],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.tokens).toEqual(['SN-Z', 'SN-Y']);
  });
});

describe('a refused release names its field', () => {
  it('DK-22: an unknown routing is 400 naming routing; an unpublished version names routingVersion', async () => {
    const details = await refusal({ code: 'R-1', routing: 'NO-SUCH-ROUTING', qty: 1 });
    expect(details).toEqual([expect.objectContaining({ path: 'routing' })]);
    const version = await refusal({ code: 'R-1', routing: 'BAG-TOTE', routingVersion: 7, qty: 1 });
    expect(version).toEqual([expect.objectContaining({ path: 'routingVersion' })]);
    expect((await release({ code: 'R-1', routing: 'BAG-TOTE', routingVersion: 3, qty: 1 })).status).toBe(201);
  });

  it('DK-22: serials already in use are 400 naming serials and listing them', async () => {
    const details = await refusal({
      code: 'S-1',
      routing: 'BAG-TOTE',
      qty: 3,
      serials: ['BV-DEMO-0001', 'FRESH-1', 'WL-DEMO-0002'],
    });
    expect(details).toEqual([
      expect.objectContaining({
        path: 'serials',
        reason: 'in-use',
        values: ['BV-DEMO-0001', 'WL-DEMO-0002'],
      }),
    ]);
  });

  it('DK-22: a serial listed twice in the paste is 400 naming serials and the serial', async () => {
    const details = await refusal({
      code: 'S-2',
      routing: 'BAG-TOTE',
      qty: 3,
      serials: ['D-1', 'D-2', ' D-1'],
    });
    expect(details).toEqual([
      expect.objectContaining({ path: 'serials', reason: 'repeated', values: ['D-1'] }),
    ]);
  });

  it('DK-22: as many serials as the qty, with nothing blank or spaced inside', async () => {
    const short = await refusal({ code: 'S-3', routing: 'BAG-TOTE', qty: 3, serials: ['C-1', 'C-2'] });
    expect(short).toEqual([expect.objectContaining({ path: 'serials', reason: 'count' })]);
    const spaced = await refusal({ code: 'S-3', routing: 'BAG-TOTE', qty: 1, serials: ['C-1\tC-2'] });
    expect(spaced).toEqual([expect.objectContaining({ path: 'serials', values: ['C-1\tC-2'] })]);
  });

  it.each([0, -3, 2.5, 100_001])('DK-22: a qty of %s is 400 naming qty', async (qty) => {
    const details = await refusal({ code: 'Q-1', routing: 'BAG-TOTE', qty });
    expect(details).toEqual([expect.objectContaining({ path: 'qty' })]);
  });

  it('DK-22: a piece ticket of more serials than one release may hold is 400 naming qty; a batch of as many is released', async () => {
    const details = await refusal({ code: 'BIG-1', routing: 'BAG-TOTE', qty: MAX_PIECE_SERIALS + 1 });
    expect(details).toEqual([
      expect.objectContaining({ path: 'qty', message: expect.stringContaining(String(MAX_PIECE_SERIALS)) }),
    ]);
    const batch = await release({
      code: 'BIG-2',
      routing: 'BAG-TOTE',
      processMode: 'batch',
      qty: MAX_PIECE_SERIALS + 1,
    });
    expect(batch.status).toBe(201);
  });

  it('DK-22: generated serials cannot carry a space: a ticket code with one (the default prefix) names code, a prefix with a tab names serialPrefix', async () => {
    expect(await refusal({ code: 'T 1', routing: 'BAG-TOTE', qty: 2 })).toEqual([
      expect.objectContaining({ path: 'code' }),
    ]);
    expect(await refusal({ code: 'T-2', routing: 'BAG-TOTE', qty: 2, serialPrefix: 'A\tB-' })).toEqual([
      expect.objectContaining({ path: 'serialPrefix' }),
    ]);
  });

  it('DK-22: a batch code in use is 400 naming batchCode', async () => {
    const details = await refusal({
      code: 'B-1',
      routing: 'BAG-TOTE',
      processMode: 'batch',
      qty: 5,
      batchCode: 'BV-DEMO-0003',
    });
    expect(details).toEqual([expect.objectContaining({ path: 'batchCode', values: ['BV-DEMO-0003'] })]);
  });

  it('DK-23: a ticket code already used stays a 409 (a conflict with that ticket)', async () => {
    const res = await release({ code: 'DEMO-TOTE', routing: 'BAG-TOTE', qty: 1 });
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.message).toContain('DEMO-TOTE');
  });
});

describe('the list and one ticket', () => {
  it('DK-24: tickets newest first, a page at a time, with their tokens and how many are done', async () => {
    const done = await release({ code: 'LIST-W', routing: 'WALLET-LINEAR', qty: 2, serialPrefix: 'LW-' });
    expect(done.status).toBe(201);
    // One wallet goes through all four tasks: done 1 of 2.
    const tasks = [
      ['WC-CUT', 'CUT'],
      ['WC-SEW', 'SEW'],
      ['WC-EDGE', 'EDGE'],
      ['WC-FIN', 'FINISH'],
    ] as const;
    for (const [workCenter, node] of tasks) {
      const station = new TestStation(edge.url, edge.stationToken(workCenter));
      await station.send('start', 'LW-0001', node);
      expect(await station.send('complete', 'LW-0001', node)).toMatchObject({ status: 'applied' });
    }
    const batch = await release({ code: 'LIST-B', routing: 'BAG-TOTE', processMode: 'batch', qty: 12 });
    expect(batch.status).toBe(201);

    const first = await send('GET', '/api/v1/admin/tickets?limit=2');
    expect(first.status, first.text).toBe(200);
    const page = ticketListSchema.parse(first.body);
    expect(page.tickets.map((t) => t.code)).toEqual(['LIST-B', 'LIST-W']);
    expect(page.tickets[0]).toEqual({
      code: 'LIST-B',
      routing: 'BAG-TOTE',
      routingVersion: 3,
      routingName: 'Leather tote bag',
      processMode: 'batch',
      qty: 12,
      product: 'Leather tote bag',
      createdAt: expect.any(String),
      tokens: 1,
      done: 0,
    });
    expect(page.tickets[1]).toMatchObject({ processMode: 'piece', qty: 2, tokens: 2, done: 1 });
    expect(page.next).not.toBeNull();
    const second = ticketListSchema.parse(
      (await send('GET', `/api/v1/admin/tickets?limit=2&after=${page.next}`)).body,
    );
    expect(second.tickets.map((t) => t.code)).not.toContain('LIST-W');
    // Every ticket once across the pages, the demo's first one last.
    const all: string[] = [...page.tickets, ...second.tickets].map((t) => t.code);
    let next = second.next;
    while (next !== null) {
      const more = ticketListSchema.parse(
        (await send('GET', `/api/v1/admin/tickets?limit=2&after=${next}`)).body,
      );
      all.push(...more.tickets.map((t) => t.code));
      next = more.next;
    }
    expect(all).toHaveLength(count('job_ticket'));
    expect(new Set(all).size).toBe(all.length);
    expect(all.at(-1)).toBe('DEMO-TOTE');
    expect((await send('GET', '/api/v1/admin/tickets?after=nonsense')).status).toBe(400);
  });

  it('DK-25: one piece ticket: its serials in release order and the DAG’s steps walked from its start', async () => {
    const res = await release({
      code: 'DETAIL-1',
      routing: 'BAG-TOTE',
      qty: 3,
      serials: ['Z-3', 'Z-1', 'Z-2'],
    });
    expect(res.status).toBe(201);
    const detail = await send('GET', '/api/v1/admin/tickets/DETAIL-1');
    expect(detail.status, detail.text).toBe(200);
    const ticket = ticketDetailSchema.parse(detail.body);
    expect(ticket.ticket).toMatchObject({ code: 'DETAIL-1', routing: 'BAG-TOTE', tokens: 3, done: 0 });
    expect(ticket.serials).toEqual(['Z-3', 'Z-1', 'Z-2']);
    // Cut, then the split's two branches one after the other, then what follows the join; the
    // decision's two packing steps in the order of its edges. No split, join or decision node.
    expect(ticket.steps).toEqual([
      { node: 'CUT', name: 'Cut panels', workCenter: 'WC-CUT', workCenterName: 'Cutting' },
      { node: 'EDGE-BODY', name: 'Paint body edges', workCenter: 'WC-EDGE', workCenterName: 'Edge painting' },
      { node: 'STITCH-STRAP', name: 'Stitch strap', workCenter: 'WC-STITCH', workCenterName: 'Stitching' },
      { node: 'ASSEMBLE', name: 'Assemble bag', workCenter: 'WC-ASM', workCenterName: 'Assembly' },
      { node: 'QC-FINAL', name: 'Final inspection', workCenter: 'WC-QC', workCenterName: 'Quality control' },
      { node: 'PACK', name: 'Pack for boutique', workCenter: 'WC-PACK', workCenterName: 'Packing' },
      { node: 'PACK-OUTLET', name: 'Pack for outlet', workCenter: 'WC-PACK', workCenterName: 'Packing' },
    ]);
  });

  it('DK-25: a batch ticket’s one code; a linear routing’s tasks in order; an unknown ticket is a 404 naming it', async () => {
    await release({
      code: 'DETAIL-B',
      routing: 'WALLET-LINEAR',
      processMode: 'batch',
      qty: 40,
      batchCode: 'LOT-9',
    });
    const batch = ticketDetailSchema.parse((await send('GET', '/api/v1/admin/tickets/DETAIL-B')).body);
    expect(batch.serials).toEqual(['LOT-9']);
    expect(batch.steps.map((s) => s.node)).toEqual(['CUT', 'SEW', 'EDGE', 'FINISH']);
    const missing = await send('GET', '/api/v1/admin/tickets/NO-SUCH-TICKET');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('NO-SUCH-TICKET');
  });

  it('DK-25: steps of a wide DAG: each branch whole, every step after the steps that lead to it', () => {
    const graph = routingGraphFromInput(routingInputSchema.parse(loadFixture('routing-bag-dag.json')));
    const reversed = { ...graph, edges: [...graph.edges].reverse() };
    // The order of the edges decides which branch comes first, never whether a step precedes its cause.
    expect(operationSteps(reversed).map((s) => s.code)).toEqual([
      'CUT',
      'STITCH-STRAP',
      'EDGE-BODY',
      'ASSEMBLE',
      'QC-FINAL',
      'PACK-OUTLET',
      'PACK',
    ]);
  });

  it('DK-26: a supervisor may not list tickets (admin only)', async () => {
    const supervisor = await edge.login('supervisor');
    expect((await send('GET', '/api/v1/admin/tickets', undefined, supervisor)).status).toBe(403);
  });
});

describe('the floor board', () => {
  it('DK-27: a released ticket’s tokens are on the board, ready at the start node', async () => {
    const res = await release({ code: 'BOARD-20', routing: 'BAG-TOTE', qty: 20, serialPrefix: 'BD-' });
    expect(res.status).toBe(201);
    const supervisor = await edge.login('supervisor');
    const answer = await send('GET', '/api/v1/supervisor/board?ticket=BOARD-20', undefined, supervisor);
    expect(answer.status, answer.text).toBe(200);
    const board = boardSchema.parse(answer.body);
    const routing = board.routings.find((r) => r.code === 'BAG-TOTE');
    expect(routing?.nodes.find((n) => n.code === 'CUT')).toMatchObject({ ready: 20, units: 20 });
    const elsewhere = routing?.nodes.filter((n) => n.code !== 'CUT') ?? [];
    expect(elsewhere.every((n) => n.ready + n.active + n.paused + n.waiting === 0)).toBe(true);
    // And the release is in the audit trail, with who did it.
    const changes = await send('GET', '/api/v1/admin/changes?subject=BOARD-20');
    expect(changes.body.changes).toEqual([
      expect.objectContaining({ action: 'ticket.release', by: 'admin', detail: { tokens: 20 } }),
    ]);
  });
});
