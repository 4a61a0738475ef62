/**
 * The floor board and the paged lists (SV-1 … SV-15) on a real edge server with the demo: the
 * figures after a tote goes through the split and the join, keyset paging that lists every row
 * once, bad parameters named in a 400, and station credentials refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../edge-server/config';
import type { Board, BoardNode } from '../../shared/supervisor-api';
import {
  boardSchema,
  conflictPageSchema,
  parkedPageSchema,
  tokenPageSchema,
} from '../../shared/supervisor-api';
import {
  readCountFigures,
  recountCountFigures,
  readDoneFigures,
  recountDoneFigures,
} from '../../edge-server/supervisor/floor-figures';
import type { NodeQueue } from '../../edge-server/supervisor/queries';
import { QUEUE_SHOWN } from '../../edge-server/supervisor/queries';
import { adminSender } from '../support/admin-api';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';

let edge: TestEdge;
let supervisor: string;

async function get(path: string, token = supervisor): Promise<{ status: number; body: any }> {
  const res = await fetch(`${edge.url}/api/v1/supervisor${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

async function board(query = ''): Promise<Board> {
  const res = await get(`/board${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return boardSchema.parse(res.body);
}

function node(b: Board, routing: string, code: string): BoardNode {
  const found = b.routings.find((r) => r.code === routing)?.nodes.find((n) => n.code === code);
  if (!found) throw new Error(`no node ${routing}/${code} on the board`);
  return found;
}

const station = (wc: string): TestStation => new TestStation(edge.url, edge.stationToken(wc));

beforeAll(async () => {
  edge = await startTestEdge();
  supervisor = await edge.login('supervisor');
});
afterAll(async () => edge.close());

describe('floor board', () => {
  it('SV-1, SV-2, SV-13: a tote through the split and the join moves the figures node by node', async () => {
    const start = await board('?routing=BAG-TOTE');
    expect(start.routings.map((r) => r.code)).toEqual(['BAG-TOTE']);
    expect(start.cursor).toBeGreaterThanOrEqual(0);
    const cut0 = node(start, 'BAG-TOTE', 'CUT');
    expect(cut0).toMatchObject({ ready: 10, active: 0, depth: 0, lane: 0, starved: false, blocked: false });
    expect(cut0.oldestSince).not.toBeNull();
    // The branches side by side, the join after them.
    const edgeBody = node(start, 'BAG-TOTE', 'EDGE-BODY');
    const strap = node(start, 'BAG-TOTE', 'STITCH-STRAP');
    expect(edgeBody.depth).toBe(strap.depth);
    expect([edgeBody.lane, strap.lane].sort()).toEqual([0, 1]);
    expect(node(start, 'BAG-TOTE', 'JOIN-PANELS').depth).toBe(edgeBody.depth + 1);
    // Nothing at the branches while cutting holds ten: starved. Assembly's upstream holds nothing.
    expect(edgeBody.starved).toBe(true);
    expect(node(start, 'BAG-TOTE', 'ASSEMBLE').starved).toBe(false);

    const cut = station('WC-CUT');
    await cut.send('start', 'BV-DEMO-0001', 'CUT');
    let b = await board('?routing=BAG-TOTE');
    expect(node(b, 'BAG-TOTE', 'CUT')).toMatchObject({ ready: 9, active: 1 });
    expect(node(b, 'BAG-TOTE', 'CUT').activeTokens).toEqual([
      expect.objectContaining({ code: 'BV-DEMO-0001', operator: 'OP-0001' }),
    ]);
    expect(b.cursor).toBeGreaterThan(start.cursor);

    await cut.send('complete', 'BV-DEMO-0001', 'CUT');
    b = await board('?routing=BAG-TOTE');
    expect(node(b, 'BAG-TOTE', 'CUT')).toMatchObject({ ready: 9, active: 0 });
    expect(node(b, 'BAG-TOTE', 'CUT').doneThisHour).toEqual({ completions: 1, units: 1 });
    expect(node(b, 'BAG-TOTE', 'CUT').doneThisShift).toEqual({ completions: 1, units: 1 });
    expect(node(b, 'BAG-TOTE', 'EDGE-BODY')).toMatchObject({ ready: 1, starved: false });
    expect(node(b, 'BAG-TOTE', 'STITCH-STRAP')).toMatchObject({ ready: 1 });

    const edgeStation = station('WC-EDGE');
    await edgeStation.send('start', 'BV-DEMO-0001', 'EDGE-BODY');
    await edgeStation.send('complete', 'BV-DEMO-0001', 'EDGE-BODY');
    b = await board('?routing=BAG-TOTE');
    expect(node(b, 'BAG-TOTE', 'JOIN-PANELS')).toMatchObject({ waiting: 1 });
    expect(node(b, 'BAG-TOTE', 'JOIN-PANELS').oldestSince).not.toBeNull();
    expect(node(b, 'BAG-TOTE', 'EDGE-BODY').doneThisHour.completions).toBe(1);

    const stitch = station('WC-STITCH');
    await stitch.send('start', 'BV-DEMO-0001', 'STITCH-STRAP');
    await stitch.send('complete', 'BV-DEMO-0001', 'STITCH-STRAP');
    b = await board('?routing=BAG-TOTE');
    expect(node(b, 'BAG-TOTE', 'JOIN-PANELS')).toMatchObject({ waiting: 0, oldestSince: null });
    expect(node(b, 'BAG-TOTE', 'ASSEMBLE')).toMatchObject({ ready: 1 });
    expect(node(b, 'BAG-TOTE', 'STITCH-STRAP')).toMatchObject({ ready: 0, active: 0 });
    expect(readCountFigures(edge.core.db)).toEqual(recountCountFigures(edge.core.db));
    expect(readDoneFigures(edge.core.db)).toEqual(recountDoneFigures(edge.core.db));
  });

  it('SV-14: filters by ticket (its tokens and work only) and by work center', async () => {
    const tote = await board('?ticket=DEMO-TOTE');
    expect(tote.routings.map((r) => r.code)).toEqual(['BAG-TOTE']);
    expect(node(tote, 'BAG-TOTE', 'ASSEMBLE')).toMatchObject({ ready: 1 });
    expect(node(tote, 'BAG-TOTE', 'CUT').doneThisShift.completions).toBe(1);
    const wallet = await board('?ticket=DEMO-WALLET');
    expect(wallet.routings.map((r) => r.code)).not.toContain('BAG-TOTE');

    const qc = await board('?workCenter=WC-QC');
    expect(qc.routings.flatMap((r) => r.nodes.map((n) => n.workCenter))).toEqual(
      qc.routings.flatMap((r) => r.nodes.map(() => 'WC-QC')),
    );
    expect(qc.routings.length).toBeGreaterThan(0);
  });

  it('SV-14: a filter that matches nothing is a 404 naming it', async () => {
    for (const [query, name] of [
      ['?routing=NOPE', 'routing'],
      ['?ticket=NOPE', 'ticket'],
      ['?workCenter=NOPE', 'workCenter'],
    ] as const) {
      const res = await get(`/board${query}`);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain(name);
    }
  });
});

describe('paged lists', () => {
  it('SV-5: the token list returns every live token once across pages, oldest first', async () => {
    const all = new Set(
      (
        edge.core.db
          .prepare("SELECT id FROM flow_token WHERE status IN ('ready', 'active', 'paused', 'waiting')")
          .pluck()
          .all() as number[]
      ).map(String),
    );
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/tokens?limit=4${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      const page = tokenPageSchema.parse(res.body);
      expect(page.tokens.length).toBeLessThanOrEqual(4);
      seen.push(...page.tokens.map((t) => String(t.id)));
      after = page.next;
      pages++;
    } while (after !== null && pages < 50);
    expect(seen).toHaveLength(all.size);
    expect(new Set(seen)).toEqual(all);

    const cut = tokenPageSchema.parse((await get('/tokens?routing=BAG-TOTE&node=CUT&status=ready')).body);
    expect(cut.tokens).toHaveLength(9);
    expect(cut.tokens.map((t) => t.since)).toEqual([...cut.tokens.map((t) => t.since)].sort());
    const ticket = tokenPageSchema.parse((await get('/tokens?ticket=DEMO-WALLET&limit=500')).body);
    expect(ticket.tokens.every((t) => t.ticket === 'DEMO-WALLET')).toBe(true);
    expect(ticket.next).toBeNull();
  });

  it('SV-5: conflicts and parked events page too, in the shape they had plus `next`', async () => {
    const qc = station('WC-QC');
    // Three events for a node the bags have not reached: parked.
    for (const code of ['BV-DEMO-0002', 'BV-DEMO-0003', 'BV-DEMO-0004']) {
      expect((await qc.send('start', code, 'QC-FINAL')).status).toBe('parked');
    }
    const first = parkedPageSchema.parse((await get('/parked?limit=2')).body);
    expect(first.parked).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = parkedPageSchema.parse((await get(`/parked?limit=2&after=${first.next}`)).body);
    expect(second.parked).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(new Set([...first.parked, ...second.parked].map((p) => p.code)).size).toBe(3);
    expect(parkedPageSchema.parse((await get('/parked?station=nobody')).body).parked).toEqual([]);

    const conflicts = conflictPageSchema.parse((await get('/conflicts?all&limit=1')).body);
    expect(conflicts.next).toBeNull();
  });

  it('SV-15: bad parameters answer 400 naming the parameter', async () => {
    for (const [path, name] of [
      ['/tokens?limit=0', 'limit'],
      ['/tokens?limit=501', 'limit'],
      ['/tokens?limit=ten', 'limit'],
      ['/tokens?after=garbage', 'after'],
      ['/tokens?after=WzEsMl0', 'after'],
      ['/tokens?status=lost', 'status'],
      ['/tokens?node=CUT', 'node'],
      ['/conflicts?limit=-1', 'limit'],
      ['/conflicts?after=eyJ4IjoxfQ', 'after'],
      ['/parked?limit=1.5', 'limit'],
      ['/parked?after=%%%', 'after'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toMatch(new RegExp(`^${name}:`));
    }
    expect((await get('/tokens?routing=NOPE')).status).toBe(404);
    expect((await get('/tokens?ticket=NOPE')).status).toBe(404);
  });

  it('SV-15: a station credential gets 403 on the board and the lists', async () => {
    const token = edge.stationToken('WC-CUT');
    for (const path of ['/board', '/tokens', '/conflicts', '/parked']) {
      expect((await get(path, token)).status, path).toBe(403);
    }
  });
});

describe('floor settings', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ DATA_DIR: '/tmp/unused', ...env });

  it('SV-13, SV-20, SV-44: SHIFT_HOURS, BLOCKED_QUEUE, PARKED_ALERT_MINUTES and STATION_QUIET_SECONDS are read with the other settings', () => {
    const config = load({
      SHIFT_HOURS: '22:00, 06:00,14:00',
      BLOCKED_QUEUE: '7',
      PARKED_ALERT_MINUTES: '0',
      STATION_QUIET_SECONDS: '45',
    })();
    expect(config.floor).toEqual({
      shiftStarts: [6 * 60, 14 * 60, 22 * 60],
      blockedQueue: 7,
      stationQuietSeconds: 45,
    });
    expect(config.stationQuietSeconds).toBe(45);
    expect(config.parkedAlertMinutes).toBe(0);
    expect(load({})().floor.blockedQueue).toBe(20);
    expect(load({})().stationQuietSeconds).toBe(120);
  });

  it('SV-13, SV-20: a bad value stops the start with a message naming the setting', () => {
    expect(load({ SHIFT_HOURS: '25:00' })).toThrow(ConfigError);
    expect(load({ SHIFT_HOURS: '25:00' })).toThrow('SHIFT_HOURS: "25:00" is not a time of day as HH:MM');
    expect(load({ BLOCKED_QUEUE: '0' })).toThrow('BLOCKED_QUEUE: a whole number of tokens, 1 or more');
    expect(load({ BLOCKED_QUEUE: 'lots' })).toThrow('BLOCKED_QUEUE: a whole number of tokens, 1 or more');
    expect(load({ PARKED_ALERT_MINUTES: '-5' })).toThrow('PARKED_ALERT_MINUTES: a whole number of minutes');
    expect(load({ STATION_QUIET_SECONDS: '0' })).toThrow('STATION_QUIET_SECONDS: a whole number of seconds');
  });
});

describe('queues per node', () => {
  it('SV-5: a node with more tokens than a list shows answers the longest-waiting ones and counts them all', async () => {
    const admin = adminSender(
      () => edge.url,
      () => edge.login('admin'),
    );
    const serials = Array.from({ length: QUEUE_SHOWN + 10 }, (_, i) => `QUEUE-${String(i).padStart(3, '0')}`);
    const released = await admin('POST', '/api/v1/admin/tickets', {
      code: 'TICKET-QUEUE',
      routing: 'BAG-TOTE',
      processMode: 'piece',
      qty: serials.length,
      serials,
    });
    expect(released.status, released.text).toBe(201);
    const ready = (await get('/tokens?routing=BAG-TOTE&node=CUT&status=ready&limit=500')).body.tokens as {
      code: string;
    }[];
    expect(ready.length).toBeGreaterThan(QUEUE_SHOWN);

    const res = await get('/queues');
    expect(res.status).toBe(200);
    const cut = (res.body.nodes as NodeQueue[]).find((n) => n.routing === 'BAG-TOTE' && n.nodeCode === 'CUT');
    expect(cut?.counts.waiting).toBe(ready.length);
    expect(cut?.waiting.map((t) => t.code)).toEqual(ready.slice(0, QUEUE_SHOWN).map((t) => t.code));
    for (const n of res.body.nodes as NodeQueue[]) {
      for (const list of ['waiting', 'active', 'paused', 'blocked'] as const)
        expect(n[list].length).toBe(Math.min(QUEUE_SHOWN, n.counts[list]));
    }
  });
});
