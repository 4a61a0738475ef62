/**
 * @module Offline reality over HTTP, on a server whose clock the test moves: events that arrive
 * before their token gets there park and apply later (PK-*), conflicts and a supervisor's
 * resolution, lost events (seq gaps) and tablets whose clocks drift (IN-6, IN-7).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppliedEventRecord, TokenRef } from '../../shared/protocol';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent, tok } from '../support/edge';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-11-22T08:00:00.000Z');

let edge: TestEdge | undefined;
/** The server's clock: tests move it with `advance`. */
let now = new Date(T0);

afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function start(env: Record<string, string> = {}): Promise<TestEdge> {
  now = new Date(T0);
  edge = await startTestEdge({ clock: () => now, env });
  return edge;
}

function server(): TestEdge {
  if (!edge) throw new Error('start the edge server first');
  return edge;
}

function advance(ms: number): Date {
  now = new Date(now.getTime() + ms);
  return now;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A demo station that numbers its own events; its clock agrees with the server's unless told. */
class Station {
  private seq = 0;
  readonly name: string;
  constructor(
    readonly workCenter: string,
    readonly badge = 'OP-0001',
  ) {
    this.name = `${workCenter}-1`;
  }

  event(
    type: string,
    code: string,
    nodeCode: string,
    extra: { data?: Record<string, unknown>; qty?: number; occurredAt?: string; seq?: number } = {},
  ): Record<string, unknown> {
    const seq = extra.seq ?? this.seq + 1;
    this.seq = Math.max(this.seq, seq);
    return stationEvent({
      seq,
      type,
      code,
      nodeCode,
      operatorBadge: this.badge,
      occurredAt: extra.occurredAt ?? now.toISOString(),
      data: extra.data ?? {},
      ...(extra.qty === undefined ? {} : { qty: extra.qty }),
    });
  }

  async push(events: Record<string, unknown>[], stationClock = now.toISOString()): Promise<any[]> {
    const res = await push(server().url, server().stationToken(this.workCenter), events, stationClock);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(events.length);
    return res.body.results;
  }

  async send(
    type: string,
    code: string,
    nodeCode: string,
    extra: { data?: Record<string, unknown>; qty?: number; occurredAt?: string; seq?: number } = {},
  ): Promise<any> {
    const [result] = await this.push([this.event(type, code, nodeCode, extra)]);
    return result;
  }

  /** Sends an event that must apply and leave the addressed member as `token`. */
  async applies(
    type: string,
    code: string,
    nodeCode: string,
    token: TokenRef,
    data: Record<string, unknown> = {},
  ) {
    const result = await this.send(type, code, nodeCode, { data });
    expect(result, `${type} of ${code} at ${nodeCode} by ${this.name}`).toEqual({
      id: expect.any(String),
      status: 'applied',
      token,
    });
    return result;
  }
}

let session: string | undefined;

async function supervisorSession(): Promise<string> {
  session ??= await server().login('supervisor');
  return session;
}

async function api(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server().url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await supervisorSession()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

afterEach(() => {
  session = undefined;
});

async function ok(path: string): Promise<any> {
  const res = await api('GET', path);
  expect(res.status, `GET ${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

const trace = (code: string): Promise<any> => ok(`/supervisor/tokens/${code}`);
const parked = async (): Promise<any[]> => (await ok('/supervisor/parked')).parked;
const conflicts = async (all = false): Promise<any[]> =>
  (await ok(`/supervisor/conflicts${all ? '?all' : ''}`)).conflicts;
const stationHealth = async (name: string): Promise<any> => {
  const { stations } = await ok('/supervisor/stations');
  const found = stations.find((s: any) => s.name === name);
  expect(found, `station ${name}`).toBeDefined();
  return found;
};

function eventIn(body: any, id: string): any {
  const found = body.events.find((e: any) => e.id === id);
  expect(found, `event ${id} in the trace of ${body.code}`).toBeDefined();
  return found;
}

function outboxOf(code: string): AppliedEventRecord[] {
  const rows = server().core.db.prepare('SELECT record_json FROM upstream_record ORDER BY id').all() as {
    record_json: string;
  }[];
  return rows.map((r) => JSON.parse(r.record_json) as AppliedEventRecord).filter((r) => r.code === code);
}

const line = (e: { station: string | null; type: string; nodeCode: string | null }): string =>
  `${e.station ?? 'system'} ${e.type} ${e.nodeCode ?? '-'}`;

/** Drives a wallet through its linear routing to `completed`. */
async function completeWallet(code: string, stations: Record<'cut' | 'sew' | 'edge' | 'fin', Station>) {
  await stations.cut.applies('start', code, 'CUT', tok(code, null, 'CUT', 'active'));
  await stations.cut.applies('complete', code, 'CUT', tok(code, null, 'SEW', 'ready'));
  await stations.sew.applies('start', code, 'SEW', tok(code, null, 'SEW', 'active'));
  await stations.sew.applies('complete', code, 'SEW', tok(code, null, 'EDGE', 'ready'));
  await stations.edge.applies('start', code, 'EDGE', tok(code, null, 'EDGE', 'active'));
  await stations.edge.applies('complete', code, 'EDGE', tok(code, null, 'FINISH', 'ready'));
  await stations.fin.applies('start', code, 'FINISH', tok(code, null, 'FINISH', 'active'));
  await stations.fin.applies('complete', code, 'FINISH', tok(code, null, 'FINISH', 'completed'));
}

describe('parking over HTTP', () => {
  it('PK-1, PK-2: station B’s start at EDGE-BODY that arrives before station A’s CUT complete parks, is listed, then applies', async () => {
    await start();
    const code = 'BV-DEMO-0001';
    const cut = new Station('WC-CUT');
    const edgeSt = new Station('WC-EDGE', 'OP-0002');

    await cut.applies('start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    const receivedAt = advance(MINUTE).toISOString();
    const early = await edgeSt.send('start', code, 'EDGE-BODY');
    expect(early).toEqual({
      id: expect.any(String),
      status: 'parked',
      token: tok(code, null, 'CUT', 'active'),
      reason: { code: 'NOT_AT_NODE', message: expect.stringContaining('not at EDGE-BODY') },
    });

    expect(await parked()).toEqual([
      {
        id: early.id,
        type: 'start',
        code,
        nodeCode: 'EDGE-BODY',
        station: 'WC-EDGE-1',
        seq: 1,
        parkedAt: receivedAt,
        expiresAt: iso(now.getTime() + 24 * HOUR),
        reasonCode: 'NOT_AT_NODE',
        reason: expect.stringContaining('active at CUT'),
      },
    ]);
    expect((await stationHealth('WC-EDGE-1')).parkedEvents).toBe(1);
    expect(eventIn(await trace(code), early.id)).toMatchObject({
      status: 'parked',
      reasonCode: 'NOT_AT_NODE',
      appliedAt: null,
    });
    expect(outboxOf(code).map((r) => r.id)).not.toContain(early.id);

    const appliedAt = advance(MINUTE).toISOString();
    await cut.applies('complete', code, 'CUT', tok(code, null, 'SPLIT-PANELS', 'split'));

    expect(await parked()).toEqual([]);
    expect((await stationHealth('WC-EDGE-1')).parkedEvents).toBe(0);
    const body = await trace(code);
    expect(eventIn(body, early.id)).toMatchObject({
      status: 'applied',
      receivedAt,
      appliedAt,
      token: tok(code, 'EDGE-BODY', 'EDGE-BODY', 'active'),
    });
    expect(body.members.find((m: any) => m.branch === 'EDGE-BODY')).toMatchObject({
      nodeCode: 'EDGE-BODY',
      status: 'active',
      operator: 'OP-0002',
    });
    // Upstream in the order the server applied them: the complete and its split first.
    const records = outboxOf(code);
    expect(records.map(line)).toEqual([
      'system spawn CUT',
      'WC-CUT-1 start CUT',
      'WC-CUT-1 complete CUT',
      'system split SPLIT-PANELS',
      'system spawn EDGE-BODY',
      'system spawn STITCH-STRAP',
      'WC-EDGE-1 start EDGE-BODY',
    ]);
    expect(records.at(-1)).toMatchObject({
      id: early.id,
      origin: 'station',
      station: 'WC-EDGE-1',
      seq: 1,
      operatorBadge: 'OP-0002',
      receivedAt,
      appliedAt,
      token: tok(code, 'EDGE-BODY', 'EDGE-BODY', 'active'),
    });

    // The branch really is active now: its complete applies at once.
    await edgeSt.applies('complete', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'JOIN-PANELS', 'waiting'));
  });

  it('PK-3: a station’s later events for the same token park behind its parked one and apply in seq order', async () => {
    await start();
    const code = 'BV-DEMO-0002';
    const cut = new Station('WC-CUT');
    const edgeSt = new Station('WC-EDGE', 'OP-0002');

    const first = await edgeSt.send('start', code, 'EDGE-BODY');
    expect(first).toMatchObject({ status: 'parked', reason: { code: 'NOT_AT_NODE' } });
    advance(1000);
    // A note fits any status, yet it waits for the station's earlier event.
    const second = await edgeSt.send('note', code, 'EDGE-BODY', {
      data: { text: 'edge paint a little thick' },
    });
    expect(second).toEqual({
      id: expect.any(String),
      status: 'parked',
      token: tok(code, null, 'CUT', 'ready'),
      reason: { code: 'WAITING_FOR_EARLIER_EVENT', message: expect.stringContaining('#1') },
    });
    advance(1000);
    // The tablet's clock jumped back: seq 3 says it happened before seq 1. Seq order still wins.
    const third = await edgeSt.send('complete', code, 'EDGE-BODY', { occurredAt: iso(T0 - 10 * MINUTE) });
    expect(third).toMatchObject({ status: 'parked', reason: { code: 'WAITING_FOR_EARLIER_EVENT' } });
    expect((await parked()).map((p) => [p.seq, p.reasonCode])).toEqual([
      [1, 'NOT_AT_NODE'],
      [2, 'WAITING_FOR_EARLIER_EVENT'],
      [3, 'WAITING_FOR_EARLIER_EVENT'],
    ]);

    advance(MINUTE);
    await cut.applies('start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    expect(await parked()).toHaveLength(3);
    await cut.applies('complete', code, 'CUT', tok(code, null, 'SPLIT-PANELS', 'split'));

    expect(await parked()).toEqual([]);
    const body = await trace(code);
    for (const id of [first.id, second.id, third.id]) expect(eventIn(body, id).status).toBe('applied');
    expect(eventIn(body, third.id).token).toEqual(tok(code, 'EDGE-BODY', 'JOIN-PANELS', 'waiting'));
    expect(body.members.find((m: any) => m.branch === 'EDGE-BODY')).toMatchObject({
      nodeCode: 'JOIN-PANELS',
      status: 'waiting',
    });
    const records = outboxOf(code);
    expect(records.map((r) => `${line(r)}${r.seq === null ? '' : ` #${r.seq}`}`)).toEqual([
      'system spawn CUT',
      'WC-CUT-1 start CUT #1',
      'WC-CUT-1 complete CUT #2',
      'system split SPLIT-PANELS',
      'system spawn EDGE-BODY',
      'system spawn STITCH-STRAP',
      'WC-EDGE-1 start EDGE-BODY #1',
      'WC-EDGE-1 note EDGE-BODY #2',
      'WC-EDGE-1 complete EDGE-BODY #3',
    ]);
  });

  it('PK-4, TM-9: an event on a completed token is a conflict at once, listed with its reason in words', async () => {
    await start();
    const code = 'WL-DEMO-0001';
    const stations = {
      cut: new Station('WC-CUT'),
      sew: new Station('WC-SEW'),
      edge: new Station('WC-EDGE'),
      fin: new Station('WC-FIN'),
    };
    await completeWallet(code, stations);

    advance(MINUTE);
    const late = await stations.cut.send('start', code, 'CUT');
    expect(late).toEqual({
      id: expect.any(String),
      status: 'parked',
      token: tok(code, null, 'FINISH', 'completed'),
      reason: { code: 'TOKEN_FINISHED', message: expect.any(String) },
    });
    expect(await conflicts()).toEqual([
      {
        id: expect.any(Number),
        reason: {
          code: 'TOKEN_FINISHED',
          message: `${code} is already completed at FINISH; Start at CUT can never apply`,
        },
        createdAt: now.toISOString(),
        resolvedAt: null,
        resolution: null,
        note: null,
        event: {
          id: late.id,
          type: 'start',
          code,
          nodeCode: 'CUT',
          operatorBadge: 'OP-0001',
          occurredAt: now.toISOString(),
          station: 'WC-CUT-1',
          seq: 3,
        },
      },
    ]);
    expect(await parked()).toEqual([]);
    expect(eventIn(await trace(code), late.id)).toMatchObject({
      status: 'conflict',
      reasonCode: 'TOKEN_FINISHED',
    });
    expect(outboxOf(code).map((r) => r.id)).not.toContain(late.id);
  });

  it('PK-2, PK-4, TM-7: when the family is scrapped, its parked events become conflicts at once', async () => {
    await start();
    const code = 'BV-DEMO-0006';
    const cut = new Station('WC-CUT');
    const stitch = new Station('WC-STITCH');
    const early = await stitch.send('start', code, 'STITCH-STRAP');
    expect(early).toMatchObject({ status: 'parked', reason: { code: 'NOT_AT_NODE' } });

    await cut.applies('scrap', code, 'CUT', tok(code, null, 'CUT', 'scrapped'));
    expect(await parked()).toEqual([]);
    expect(await conflicts()).toEqual([
      expect.objectContaining({
        reason: { code: 'TOKEN_FINISHED', message: expect.stringContaining('scrapped') },
        event: expect.objectContaining({ id: early.id, station: 'WC-STITCH-1' }),
      }),
    ]);
    expect(eventIn(await trace(code), early.id)).toMatchObject({
      status: 'conflict',
      reasonCode: 'TOKEN_FINISHED',
    });
    expect(outboxOf(code).map(line)).toEqual(['system spawn CUT', 'WC-CUT-1 scrap CUT']);
  });

  it('PK-4: after its parking window (PARKING_WINDOW_HOURS=1) a parked event becomes a PARKING_EXPIRED conflict', async () => {
    await start({ PARKING_WINDOW_HOURS: '1' });
    const code = 'WL-DEMO-0001';
    const cut = new Station('WC-CUT');
    const sew = new Station('WC-SEW');

    const early = await sew.send('start', code, 'SEW');
    expect(early).toMatchObject({ status: 'parked', reason: { code: 'NOT_AT_NODE' } });
    expect((await parked()).map((p) => p.expiresAt)).toEqual([iso(T0 + HOUR)]);

    expect(expireParkedEvents(server().core, new Date(T0 + HOUR - 1))).toBe(0);
    expect((await parked()).map((p) => p.id)).toEqual([early.id]);
    expect(await conflicts()).toEqual([]);

    const later = advance(HOUR);
    expect(expireParkedEvents(server().core, later)).toBe(1);
    expect(await parked()).toEqual([]);
    expect(await conflicts()).toEqual([
      expect.objectContaining({
        reason: {
          code: 'PARKING_EXPIRED',
          message: expect.stringMatching(/parking window ended: .*not at SEW/),
        },
        createdAt: later.toISOString(),
        resolvedAt: null,
        event: expect.objectContaining({ id: early.id, type: 'start', nodeCode: 'SEW', station: 'WC-SEW-1' }),
      }),
    ]);
    expect(eventIn(await trace(code), early.id)).toMatchObject({
      status: 'conflict',
      reasonCode: 'PARKING_EXPIRED',
      appliedAt: null,
    });
    expect(expireParkedEvents(server().core, advance(HOUR))).toBe(0);

    // It is the supervisor's now: the token getting there later does not apply it.
    await cut.applies('start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    await cut.applies('complete', code, 'CUT', tok(code, null, 'SEW', 'ready'));
    expect(eventIn(await trace(code), early.id).status).toBe('conflict');
    expect((await trace(code)).members).toMatchObject([{ nodeCode: 'SEW', status: 'ready' }]);
  });
});

describe('a supervisor resolves conflicts', () => {
  /** A SEW start for a wallet still at CUT, parked and then expired: an open conflict. */
  async function expiredConflict(
    code: string,
    sew: Station,
  ): Promise<{ conflictId: number; eventId: string }> {
    const early = await sew.send('start', code, 'SEW');
    expect(early).toMatchObject({ status: 'parked' });
    expect(expireParkedEvents(server().core, advance(2 * HOUR))).toBe(1);
    const open = (await conflicts()).filter((c) => c.event.id === early.id);
    expect(open).toHaveLength(1);
    return { conflictId: open[0].id as number, eventId: early.id as string };
  }

  it('PK-4: discard leaves the event not applied (discarded in the trace) and records a resolve event; twice is 409', async () => {
    await start({ PARKING_WINDOW_HOURS: '1' });
    const code = 'WL-DEMO-0002';
    const { conflictId, eventId } = await expiredConflict(code, new Station('WC-SEW'));

    const resolvedAt = advance(MINUTE).toISOString();
    const res = await api('POST', `/supervisor/conflicts/${conflictId}/resolve`, {
      action: 'discard',
      note: 'scanned the wrong wallet',
    });
    expect(res).toEqual({
      status: 200,
      body: { conflict: conflictId, resolution: 'discarded', token: null },
    });

    const body = await trace(code);
    expect(eventIn(body, eventId)).toMatchObject({ status: 'discarded', appliedAt: null });
    expect(body.members).toMatchObject([{ nodeCode: 'CUT', status: 'ready' }]);
    expect(body.events.at(-1)).toMatchObject({
      origin: 'system',
      type: 'resolve',
      nodeCode: 'SEW',
      status: 'applied',
      appliedAt: resolvedAt,
      data: {
        conflict: conflictId,
        event: eventId,
        resolution: 'discarded',
        by: 'supervisor',
        note: 'scanned the wrong wallet',
      },
    });
    const records = outboxOf(code);
    expect(records.map((r) => r.id)).not.toContain(eventId);
    expect(records.map(line)).toEqual(['system spawn CUT', 'system resolve SEW']);

    expect(await conflicts()).toEqual([]);
    expect(await conflicts(true)).toEqual([
      expect.objectContaining({
        id: conflictId,
        resolvedAt,
        resolution: 'discarded',
        note: 'scanned the wrong wallet',
      }),
    ]);

    const again = await api('POST', `/supervisor/conflicts/${conflictId}/resolve`, { action: 'apply' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already resolved'),
    });
    const missing = await api('POST', '/supervisor/conflicts/9999/resolve', { action: 'discard' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('PK-4, TM-12: apply moves the token, applies the event, and records move and resolve in the trace and upstream; twice is 409', async () => {
    await start({ PARKING_WINDOW_HOURS: '1' });
    const code = 'WL-DEMO-0003';
    const sew = new Station('WC-SEW', 'OP-0003');
    const receivedAt = now.toISOString();
    const { conflictId, eventId } = await expiredConflict(code, sew);

    const resolvedAt = advance(MINUTE).toISOString();
    const res = await api('POST', `/supervisor/conflicts/${conflictId}/resolve`, { action: 'apply' });
    expect(res).toEqual({
      status: 200,
      body: { conflict: conflictId, resolution: 'applied', token: tok(code, null, 'SEW', 'active') },
    });

    const body = await trace(code);
    expect(body.members).toMatchObject([{ nodeCode: 'SEW', status: 'active', operator: 'OP-0003' }]);
    expect(eventIn(body, eventId)).toMatchObject({
      status: 'applied',
      receivedAt,
      appliedAt: resolvedAt,
      token: tok(code, null, 'SEW', 'active'),
    });
    const system = body.events.filter((e: any) => e.origin === 'system');
    expect(system.map(line)).toEqual(['system spawn CUT', 'system move SEW', 'system resolve SEW']);
    expect(system[1]).toMatchObject({
      appliedAt: resolvedAt,
      token: tok(code, null, 'SEW', 'ready'),
      data: { from: { nodeCode: 'CUT', status: 'ready' }, by: 'supervisor', conflict: conflictId },
    });
    expect(system[2]).toMatchObject({
      appliedAt: resolvedAt,
      token: tok(code, null, 'SEW', 'active'),
      data: { conflict: conflictId, event: eventId, resolution: 'applied', by: 'supervisor' },
    });

    // Upstream: the move, then the event it let through, then the decision.
    const records = outboxOf(code);
    expect(records.map(line)).toEqual([
      'system spawn CUT',
      'system move SEW',
      'WC-SEW-1 start SEW',
      'system resolve SEW',
    ]);
    expect(records[2]).toMatchObject({
      id: eventId,
      origin: 'station',
      station: 'WC-SEW-1',
      seq: 1,
      operatorBadge: 'OP-0003',
      receivedAt,
      appliedAt: resolvedAt,
      token: tok(code, null, 'SEW', 'active'),
    });
    expect(await conflicts()).toEqual([]);
    expect(await conflicts(true)).toEqual([
      expect.objectContaining({ id: conflictId, resolution: 'applied' }),
    ]);

    const again = await api('POST', `/supervisor/conflicts/${conflictId}/resolve`, { action: 'apply' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(outboxOf(code)).toHaveLength(4);

    // The token really is active at SEW: the station's next event applies.
    await sew.applies('complete', code, 'SEW', tok(code, null, 'EDGE', 'ready'));
  });

  // Regression (fixed): conflicts.ts applyAnyway moves the *root* onto the branch node,
  // so the tote never splits and later skips its STITCH-STRAP branch and the join altogether.
  it('PK-4, TM-12, RT-3, RT-4: apply on a branch event of an unsplit tote keeps the family whole (the other branch is still to do)', async () => {
    await start({ PARKING_WINDOW_HOURS: '1' });
    const code = 'BV-DEMO-0004';
    const edgeSt = new Station('WC-EDGE', 'OP-0002');
    const early = await edgeSt.send('start', code, 'EDGE-BODY');
    expect(early).toMatchObject({ status: 'parked', token: tok(code, null, 'CUT', 'ready') });
    expect(expireParkedEvents(server().core, advance(2 * HOUR))).toBe(1);
    const [conflict] = await conflicts();
    expect(conflict).toMatchObject({ reason: { code: 'PARKING_EXPIRED' }, event: { id: early.id } });

    const res = await api('POST', `/supervisor/conflicts/${conflict.id}/resolve`, { action: 'apply' });
    expect(res.status).toBe(200);
    // The start is the EDGE-BODY branch's, as if the tote had been cut and split.
    expect(res.body.token).toEqual(tok(code, 'EDGE-BODY', 'EDGE-BODY', 'active'));
    const members = (await trace(code)).members.map(
      (m: any) => `${m.branch ?? 'root'} ${m.status} ${m.nodeCode}`,
    );
    expect(members).toContain('STITCH-STRAP ready STITCH-STRAP');

    // Completing the body branch waits at the join for the strap; the tote does not jump to ASSEMBLE.
    const done = await edgeSt.send('complete', code, 'EDGE-BODY');
    expect(done).toMatchObject({
      status: 'applied',
      token: tok(code, 'EDGE-BODY', 'JOIN-PANELS', 'waiting'),
    });
    expect((await trace(code)).members[0]).not.toMatchObject({ nodeCode: 'ASSEMBLE' });
  });
});

describe('station sync health', () => {
  it('IN-6: a seq jump is a gap shown to supervisors; late events narrow it, then close it', async () => {
    await start();
    const cut = new Station('WC-CUT');
    const results = await cut.push([
      cut.event('start', 'BV-DEMO-0001', 'CUT', { seq: 1 }),
      cut.event('start', 'BV-DEMO-0005', 'CUT', { seq: 5 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const health = await stationHealth('WC-CUT-1');
    expect(health.lastSeq).toBe(5);
    expect(health.seqGaps).toEqual([{ fromSeq: 2, toSeq: 4, missing: 3, detectedAt: now.toISOString() }]);
    expect((await stationHealth('WC-EDGE-1')).seqGaps).toEqual([]);

    advance(MINUTE);
    expect((await cut.send('start', 'BV-DEMO-0003', 'CUT', { seq: 3 })).status).toBe('applied');
    expect(
      (await stationHealth('WC-CUT-1')).seqGaps.map((g: any) => [g.fromSeq, g.toSeq, g.missing]),
    ).toEqual([
      [2, 2, 1],
      [4, 4, 1],
    ]);
    expect((await stationHealth('WC-CUT-1')).lastSeq).toBe(5);

    await cut.push([
      cut.event('start', 'BV-DEMO-0004', 'CUT', { seq: 4 }),
      cut.event('start', 'BV-DEMO-0002', 'CUT', { seq: 2 }),
    ]);
    expect((await stationHealth('WC-CUT-1')).seqGaps).toEqual([]);
  });

  // Regression (fixed): ingest.ts returns IDEMPOTENCY_KEY_REUSED before trackSeq.
  it('IN-6: the seq of a rejected event is not a gap (UNKNOWN_CODE, IDEMPOTENCY_KEY_REUSED)', async () => {
    await start();
    const cut = new Station('WC-CUT');
    const first = cut.event('start', 'BV-DEMO-0001', 'CUT');
    const unknown = cut.event('start', 'NO-SUCH-CODE', 'CUT');
    // Same id as seq 1, other content: a client bug, but the server did receive seq 3.
    const reused: Record<string, unknown> = { ...cut.event('start', 'BV-DEMO-0003', 'CUT'), id: first['id'] };
    const last = cut.event('start', 'BV-DEMO-0004', 'CUT');
    const results = await cut.push([first, unknown, reused, last]);
    expect(results.map((r) => [r.status, r.reason?.code ?? null])).toEqual([
      ['applied', null],
      ['rejected', 'UNKNOWN_CODE'],
      ['rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['applied', null],
    ]);
    expect(reused['seq']).toBe(3);
    const health = await stationHealth('WC-CUT-1');
    expect(health.lastSeq).toBe(4);
    expect(health.seqGaps).toEqual([]);
  });

  it('IN-7: a station clock 10 minutes ahead gives a skew of +600000 ms, flagged, and corrects occurredAt in the trace', async () => {
    await start();
    const cut = new Station('WC-CUT');
    const stationNow = T0 + 10 * MINUTE;
    const [result] = await cut.push(
      [cut.event('start', 'BV-DEMO-0001', 'CUT', { occurredAt: iso(stationNow - 5000) })],
      iso(stationNow),
    );
    expect(result.status).toBe('applied');
    // A station 30 s off stays under the threshold (120 s by default).
    await new Station('WC-EDGE').push([], iso(T0 + 30_000));

    expect(await stationHealth('WC-CUT-1')).toMatchObject({
      clockSkewMs: 600_000,
      clockSkewFlagged: true,
      lastSeenAt: iso(T0),
    });
    expect(await stationHealth('WC-EDGE-1')).toMatchObject({ clockSkewMs: 30_000, clockSkewFlagged: false });
    expect(await stationHealth('WC-STITCH-1')).toMatchObject({ clockSkewMs: null, clockSkewFlagged: false });

    const event = eventIn(await trace('BV-DEMO-0001'), result.id);
    expect(event.occurredAt).toBe(iso(stationNow - 5000));
    expect(event.occurredAtCorrected).toBe(iso(T0 - 5000));
    expect(Date.parse(event.occurredAt) - Date.parse(event.occurredAtCorrected)).toBe(10 * MINUTE);
  });
});
