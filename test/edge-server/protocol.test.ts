/**
 * The wire contract v1 (shared/docs/protocol.md) checked over real HTTP against a real edge server on
 * a temp SQLite file: every result status, every rejection code, and every whole-request error.
 */
import Database from 'better-sqlite3';
import { uuidv7 } from 'uuidv7';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge, stationEvent } from '../support/edge';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let edge: TestEdge;
const extraEdges: TestEdge[] = [];

beforeEach(async () => {
  edge = await startTestEdge();
});

afterEach(async () => {
  await edge.close();
  for (const other of extraEdges.splice(0)) await other.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** A body sent as is (not JSON-encoded). */
  raw?: string;
  headers?: Record<string, string>;
}

function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined && options.token !== null)
    headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers['content-type'] === undefined)
    headers['content-type'] = 'application/json';
  return fetch(`${edge.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

/** protocol.md "Errors": `{"error": {"code", "message", "details": [...]}}` and nothing else. */
async function expectError(res: Response, status: number, code: string): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = JSON.parse(text);
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  expect(body.error.message.trim().length).toBeGreaterThan(0);
  return body;
}

function tokenRow(code: string): { node_code: string; status: string } {
  return edge.core.db
    .prepare('SELECT node_code, status FROM flow_token WHERE code = ? AND parent_token_id IS NULL')
    .get(code) as { node_code: string; status: string };
}

function count(table: string): number {
  return (edge.core.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Everything that an event could change, to show that a duplicate changed nothing. */
function siteState(): unknown {
  const db = edge.core.db;
  return {
    tokens: db.prepare('SELECT * FROM flow_token ORDER BY id').all(),
    events: count('token_event'),
    outbox: count('upstream_record'),
    parked: count('parked_event'),
    conflicts: count('conflict'),
    bindings: count('component_binding'),
    counters: db.prepare('SELECT * FROM site_counter ORDER BY name').all(),
    gaps: db.prepare('SELECT * FROM station_seq_gap ORDER BY id').all(),
  };
}

function outboxRowsFor(eventId: string): { id: number; record_json: string }[] {
  return edge.core.db
    .prepare(
      `SELECT o.id, o.record_json FROM upstream_record o JOIN token_event e ON e.id = o.event_row_id
       WHERE e.event_id = ?`,
    )
    .all(eventId) as { id: number; record_json: string }[];
}

async function supervisorGet(path: string): Promise<any> {
  const res = await call('GET', path, { token: await edge.login('supervisor') });
  expect(res.status).toBe(200);
  return res.json();
}

async function stationHealth(name: string): Promise<any> {
  const body = await supervisorGet('/api/v1/supervisor/stations');
  return body.stations.find((s: { name: string }) => s.name === name);
}

function station(workCenter: string, badge = 'OP-0001'): TestStation {
  return new TestStation(edge.url, edge.stationToken(workCenter), badge);
}

async function adminPost(path: string, body: unknown): Promise<Response> {
  return call('POST', path, { token: await edge.login('admin'), body });
}

// ---------------------------------------------------------------------------------------------

describe('push: 200 with one result per event', () => {
  it('IN-1: the response is {serverTime, results}, one result per event, in request order', async () => {
    const cut = edge.stationToken('WC-CUT');
    // Ids sorted against the request order, so that an answer sorted by id would show.
    const [first, second, third, fourth] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()].reverse() as [
      string,
      string,
      string,
      string,
    ];
    const ids = [first, second, third, fourth];
    const events = [
      stationEvent({ id: first, seq: 1, type: 'start', code: 'BV-DEMO-0002', nodeCode: 'CUT' }),
      stationEvent({ id: second, seq: 2, type: 'start', code: 'BV-2411-999999', nodeCode: 'CUT' }),
      stationEvent({ id: third, seq: 3, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
      stationEvent({ id: fourth, seq: 4, type: 'pause', code: 'BV-DEMO-0002', nodeCode: 'CUT' }),
    ];
    const before = Date.now();
    const res = await push(edge.url, cut, events);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['results', 'serverTime']);
    expect(res.body.serverTime).toMatch(ISO_MS);
    expect(Math.abs(Date.parse(res.body.serverTime) - before)).toBeLessThan(60_000);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
  });

  it('IN-9: applied: the result carries the token {code, branch, nodeCode, status} after the event', async () => {
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.status).toBe(200);
    expect(res.body.results).toStrictEqual([
      {
        id: event['id'],
        status: 'applied',
        token: { code: 'BV-DEMO-0001', branch: null, nodeCode: 'CUT', status: 'active' },
      },
    ]);
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'active' });
  });

  it('IN-9: applied: a split child is named by its branch (RT-3)', async () => {
    const cut = station('WC-CUT');
    await cut.send('start', 'BV-DEMO-0001', 'CUT');
    const done = await cut.send('complete', 'BV-DEMO-0001', 'CUT');
    expect(done.status).toBe('applied');
    const edgeResult = await station('WC-EDGE').send('start', 'BV-DEMO-0001', 'EDGE-BODY');
    expect(edgeResult).toStrictEqual({
      id: expect.any(String),
      status: 'applied',
      token: { code: 'BV-DEMO-0001', branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'active' },
    });
  });

  it('IN-2: a resent event is `duplicate`, repeats the first outcome token, and nothing happens again', async () => {
    const cut = edge.stationToken('WC-CUT');
    const start = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const first = await push(edge.url, cut, [start]);
    expect(first.body.results[0].status).toBe('applied');
    const firstToken = first.body.results[0].token;

    // The token moves on, so the first outcome's token differs from its state now.
    const complete = stationEvent({ seq: 2, type: 'complete', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    expect((await push(edge.url, cut, [complete])).body.results[0].status).toBe('applied');

    const before = siteState();
    const outboxBefore = outboxRowsFor(start['id'] as string);
    expect(outboxBefore).toHaveLength(1);
    const again = await push(edge.url, cut, [start]);
    expect(again.status).toBe(200);
    expect(again.body.results).toStrictEqual([{ id: start['id'], status: 'duplicate', token: firstToken }]);
    expect(firstToken).toEqual({ code: 'BV-DEMO-0001', branch: null, nodeCode: 'CUT', status: 'active' });
    expect(siteState()).toEqual(before);
    expect(outboxRowsFor(start['id'] as string)).toEqual(outboxBefore);
    expect(
      edge.core.db.prepare('SELECT count(*) AS n FROM token_event WHERE event_id = ?').get(start['id']),
    ).toEqual({ n: 1 });
  });

  it('IN-2: a duplicate within the same batch is applied once and answered `duplicate`', async () => {
    const start = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0003', nodeCode: 'CUT' });
    const outboxBefore = count('upstream_record');
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [start, start]);
    expect(res.status).toBe(200);
    const token = { code: 'BV-DEMO-0003', branch: null, nodeCode: 'CUT', status: 'active' };
    expect(res.body.results).toStrictEqual([
      { id: start['id'], status: 'applied', token },
      { id: start['id'], status: 'duplicate', token },
    ]);
    expect(count('upstream_record')).toBe(outboxBefore + 1);
    expect(outboxRowsFor(start['id'] as string)).toHaveLength(1);
  });

  it('IN-3: the same id with other content is rejected IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const cut = edge.stationToken('WC-CUT');
    const start = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    await push(edge.url, cut, [start]);
    const before = siteState();
    const reused = { ...start, code: 'BV-DEMO-0002' };
    const res = await push(edge.url, cut, [reused]);
    expect(res.status).toBe(200);
    expect(res.body.results).toStrictEqual([
      {
        id: start['id'],
        status: 'rejected',
        reason: { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) },
      },
    ]);
    expect(siteState()).toEqual(before);
    expect(tokenRow('BV-DEMO-0002')).toEqual({ node_code: 'CUT', status: 'ready' });
    // Within one batch too, and its resend gets the same answer.
    const again = await push(edge.url, cut, [reused, reused]);
    expect(again.body.results.map((r: { reason?: { code: string } }) => r.reason?.code)).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_REUSED',
    ]);
  });

  it('IN-3/IN-6: the seq of an IDEMPOTENCY_KEY_REUSED rejection is not taken for a gap', async () => {
    // protocol.md: a rejected event is logged "so its seq is not taken for a gap".
    const cut = edge.stationToken('WC-CUT');
    const first = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    await push(edge.url, cut, [first]);
    const reused = { ...first, seq: 2, code: 'BV-DEMO-0002' };
    expect((await push(edge.url, cut, [reused])).body.results[0].reason.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const third = stationEvent({ seq: 3, type: 'start', code: 'BV-DEMO-0003', nodeCode: 'CUT' });
    expect((await push(edge.url, cut, [third])).body.results[0].status).toBe('applied');
    const health = await stationHealth('WC-CUT-1');
    expect(health.lastSeq).toBe(3);
    expect(health.seqGaps).toEqual([]);
  });

  it('PK-1: an event that does not fit yet is `parked`, and applies when the CUT complete arrives', async () => {
    const edgeStation = station('WC-EDGE');
    const early = edgeStation.event('start', 'BV-DEMO-0001', 'EDGE-BODY');
    const parked = await push(edge.url, edgeStation.token, [early]);
    expect(parked.status).toBe(200);
    expect(parked.body.results).toHaveLength(1);
    expect(parked.body.results[0]).toMatchObject({ id: early['id'], status: 'parked' });
    expect(Object.keys(parked.body.results[0])).not.toContain('error');
    // Stored (delivered), waiting, and not forwarded upstream yet.
    expect(outboxRowsFor(early['id'] as string)).toEqual([]);
    const waiting = await supervisorGet('/api/v1/supervisor/parked');
    expect(waiting.parked.map((p: { id: string }) => p.id)).toEqual([early['id']]);
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });

    const cut = station('WC-CUT');
    expect((await cut.send('start', 'BV-DEMO-0001', 'CUT')).status).toBe('applied');
    const complete = cut.event('complete', 'BV-DEMO-0001', 'CUT');
    expect((await push(edge.url, cut.token, [complete])).body.results[0].status).toBe('applied');

    const trace = await supervisorGet('/api/v1/supervisor/tokens/BV-DEMO-0001');
    const traced = trace.events.find((e: { id: string }) => e.id === early['id']);
    expect(traced).toMatchObject({
      status: 'applied',
      station: 'WC-EDGE-1',
      type: 'start',
      nodeCode: 'EDGE-BODY',
      token: { code: 'BV-DEMO-0001', branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'active' },
    });
    expect(traced.appliedAt).toMatch(ISO_MS);
    expect(trace.members).toContainEqual(
      expect.objectContaining({ branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'active' }),
    );
    expect((await supervisorGet('/api/v1/supervisor/parked')).parked).toEqual([]);

    // Forwarded once, after the complete that let it through (application order).
    const [row] = outboxRowsFor(early['id'] as string);
    const [completeRow] = outboxRowsFor(complete['id'] as string);
    expect(row).toBeDefined();
    expect(completeRow).toBeDefined();
    expect(row!.id).toBeGreaterThan(completeRow!.id);
    expect(JSON.parse(row!.record_json)).toMatchObject({
      id: early['id'],
      type: 'start',
      origin: 'station',
      station: 'WC-EDGE-1',
      token: { code: 'BV-DEMO-0001', branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'active' },
    });

    // A resend is a duplicate: it is not parked or applied a second time.
    const before = siteState();
    const resent = await push(edge.url, edgeStation.token, [early]);
    expect(resent.body.results[0]).toMatchObject({ id: early['id'], status: 'duplicate' });
    expect(siteState()).toEqual(before);
  });
});

describe('push: rejected events', () => {
  const invalidCases: { name: string; field: string; event: () => Record<string, unknown> }[] = [
    {
      name: 'missing nodeCode',
      field: 'nodeCode',
      event: () => {
        const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
        delete event['nodeCode'];
        return event;
      },
    },
    {
      name: 'an id that is not a UUID',
      field: 'id',
      event: () =>
        stationEvent({ id: 'not-a-uuid', seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    },
    {
      name: 'an unknown type',
      field: 'type',
      event: () => stationEvent({ seq: 1, type: 'teleport', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    },
    {
      name: 'qc_fail without data.reason',
      field: 'data.reason',
      event: () => stationEvent({ seq: 1, type: 'qc_fail', code: 'BV-DEMO-0001', nodeCode: 'QC-FINAL' }),
    },
    {
      name: 'a seq that is not a positive integer',
      field: 'seq',
      event: () => stationEvent({ seq: 0, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    },
    {
      name: 'an occurredAt that is not a time',
      field: 'occurredAt',
      event: () =>
        stationEvent({
          seq: 1,
          type: 'start',
          code: 'BV-DEMO-0001',
          nodeCode: 'CUT',
          occurredAt: 'yesterday',
        }),
    },
    {
      name: 'TM-11: a piece-mode complete with a qty other than 1',
      field: 'qty',
      event: () => stationEvent({ seq: 1, type: 'complete', code: 'BV-DEMO-0001', nodeCode: 'CUT', qty: 2 }),
    },
  ];

  it.each(invalidCases)('IN-8: INVALID_EVENT names the field ($name), and its batch goes on', async (c) => {
    const cut = edge.stationToken('WC-CUT');
    const bad = c.event();
    const good = stationEvent({ seq: 2, type: 'start', code: 'BV-DEMO-0002', nodeCode: 'CUT' });
    const res = await push(edge.url, cut, [bad, good]);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results[0]).toStrictEqual({
      id: bad['id'],
      status: 'rejected',
      reason: { code: 'INVALID_EVENT', message: expect.stringContaining(c.field) },
    });
    expect(res.body.results[1]).toMatchObject({ id: good['id'], status: 'applied' });
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });
    // IN-2: its resend gets the same rejection.
    const again = await push(edge.url, cut, [bad]);
    expect(again.body.results).toStrictEqual([res.body.results[0]]);
  });

  it('IN-8: UNKNOWN_CODE: the message names the code, as in protocol.md', async () => {
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-2411-999999', nodeCode: 'CUT' });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.status).toBe(200);
    expect(res.body.results).toStrictEqual([
      {
        id: event['id'],
        status: 'rejected',
        reason: { code: 'UNKNOWN_CODE', message: 'No work item with code BV-2411-999999 is known here' },
      },
    ]);
  });

  it('IN-8: NODE_NOT_SERVED: a CUT station reporting at EDGE-BODY', async () => {
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'EDGE-BODY' });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.body.results).toStrictEqual([
      {
        id: event['id'],
        status: 'rejected',
        reason: { code: 'NODE_NOT_SERVED', message: expect.stringContaining('EDGE-BODY') },
      },
    ]);
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });
  });

  it('IN-8: UNKNOWN_OPERATOR: a badge that is not known here', async () => {
    const event = stationEvent({
      seq: 1,
      type: 'start',
      code: 'BV-DEMO-0001',
      nodeCode: 'CUT',
      operatorBadge: 'OP-9999',
    });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.body.results).toStrictEqual([
      {
        id: event['id'],
        status: 'rejected',
        reason: { code: 'UNKNOWN_OPERATOR', message: expect.stringContaining('OP-9999') },
      },
    ]);
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });
  });

  it('TM-11: qc_pass outside a QC node is rejected ACTION_NOT_ALLOWED_HERE', async () => {
    const event = stationEvent({ seq: 1, type: 'qc_pass', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.body.results).toStrictEqual([
      {
        id: event['id'],
        status: 'rejected',
        reason: { code: 'ACTION_NOT_ALLOWED_HERE', message: expect.any(String) },
      },
    ]);
  });

  it('IN-2: a rejected event resent gets the same rejection, even once its cause is gone', async () => {
    const cut = edge.stationToken('WC-CUT');
    const events = [
      stationEvent({ seq: 1, type: 'start', code: 'BV-2411-999999', nodeCode: 'CUT' }),
      stationEvent({ seq: 2, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'EDGE-BODY' }),
      stationEvent({
        seq: 3,
        type: 'start',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        operatorBadge: 'OP-0100',
      }),
    ];
    const first = await push(edge.url, cut, events);
    expect(first.body.results.map((r: { reason: { code: string } }) => r.reason.code)).toEqual([
      'UNKNOWN_CODE',
      'NODE_NOT_SERVED',
      'UNKNOWN_OPERATOR',
    ]);
    const before = siteState();
    expect((await push(edge.url, cut, events)).body.results).toStrictEqual(first.body.results);
    expect(siteState()).toEqual(before);

    // The operator now exists: the resent event still gets its first answer.
    expect((await adminPost('/api/v1/admin/operators', { badge: 'OP-0100' })).status).toBe(201);
    expect((await push(edge.url, cut, [events[2]])).body.results).toStrictEqual([first.body.results[2]]);
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });
  });

  it('FW-1, IN-6: rejected events are never forwarded upstream, and their seq is not taken for a gap', async () => {
    const cut = edge.stationToken('WC-CUT');
    const res = await push(edge.url, cut, [
      stationEvent({ seq: 1, type: 'start', code: 'BV-2411-999999', nodeCode: 'CUT' }),
      stationEvent({ seq: 2, type: 'qc_fail', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
      stationEvent({
        seq: 3,
        type: 'start',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        operatorBadge: 'OP-9999',
      }),
      stationEvent({ seq: 4, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    ]);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'applied',
    ]);
    const forwardedRejections = edge.core.db
      .prepare(
        `SELECT count(*) AS n FROM upstream_record o JOIN token_event e ON e.id = o.event_row_id
         WHERE e.status = 'rejected'`,
      )
      .get() as { n: number };
    expect(forwardedRejections.n).toBe(0);
    const health = await stationHealth('WC-CUT-1');
    expect(health.lastSeq).toBe(4);
    expect(health.seqGaps).toEqual([]);
  });

  it('IN-1, IN-8: one bad event never fails its batch: every kind of bad event beside good ones', async () => {
    const cut = edge.stationToken('WC-CUT');
    const good1 = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const good2 = stationEvent({ seq: 8, type: 'start', code: 'BV-DEMO-0002', nodeCode: 'CUT' });
    const res = await push(edge.url, cut, [
      good1,
      null,
      42,
      'start',
      [],
      {
        ...stationEvent({ seq: 2, type: 'start', code: 'BV-DEMO-0003', nodeCode: 'CUT' }),
        data: 'not an object',
      },
      stationEvent({ seq: 3, type: 'start', code: 'NOPE-1', nodeCode: 'CUT' }),
      stationEvent({ seq: 4, type: 'start', code: 'BV-DEMO-0003', nodeCode: 'STITCH-STRAP' }),
      stationEvent({
        seq: 5,
        type: 'start',
        code: 'BV-DEMO-0003',
        nodeCode: 'CUT',
        operatorBadge: 'OP-NOBODY',
      }),
      good2,
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(10);
    expect(
      res.body.results.map((r: { status: string; reason?: { code: string } }) => r.reason?.code ?? r.status),
    ).toEqual([
      'applied',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'INVALID_EVENT',
      'UNKNOWN_CODE',
      'NODE_NOT_SERVED',
      'UNKNOWN_OPERATOR',
      'applied',
    ]);
    expect(res.body.results[0].id).toBe(good1['id']);
    expect(res.body.results[9].id).toBe(good2['id']);
    expect(tokenRow('BV-DEMO-0001').status).toBe('active');
    expect(tokenRow('BV-DEMO-0002').status).toBe('active');
    expect(tokenRow('BV-DEMO-0003').status).toBe('ready');
  });
});

describe('whole-request errors', () => {
  const envelope = (events: unknown[] = []) => ({ stationClock: new Date().toISOString(), events });

  it('HT-2: 400 BAD_REQUEST: the body is not JSON', async () => {
    const token = edge.stationToken('WC-CUT');
    await expectError(
      await call('POST', '/api/v1/events', { token, raw: '{"stationClock": ' }),
      400,
      'BAD_REQUEST',
    );
    await expectError(await call('POST', '/api/v1/events', { token, raw: '' }), 400, 'BAD_REQUEST');
    await expectError(
      await call('POST', '/api/v1/events', {
        token,
        raw: JSON.stringify(envelope()),
        headers: { 'content-type': 'text/plain' },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it.each([
    { name: 'missing stationClock', body: { events: [] }, field: 'stationClock' },
    { name: 'stationClock not a time', body: { stationClock: 'now', events: [] }, field: 'stationClock' },
    {
      name: 'events not an array',
      body: { stationClock: '2026-11-22T08:15:02.120Z', events: 'x' },
      field: 'events',
    },
    { name: 'events missing', body: { stationClock: '2026-11-22T08:15:02.120Z' }, field: 'events' },
    { name: 'an array', body: [], field: '' },
    { name: 'null', body: null, field: '' },
    { name: 'a string', body: 'events', field: '' },
  ])('IN-10: 400 BAD_REQUEST: JSON but not the envelope ($name)', async ({ body, field }) => {
    const res = await call('POST', '/api/v1/events', { token: edge.stationToken('WC-CUT'), body });
    const error = await expectError(res, 400, 'BAD_REQUEST');
    expect(error.error.message).toContain(field);
  });

  it('IN-10: 400: nothing in a request that is not the envelope is applied', async () => {
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const res = await call('POST', '/api/v1/events', {
      token: edge.stationToken('WC-CUT'),
      body: { events: [event] },
    });
    await expectError(res, 400, 'BAD_REQUEST');
    expect(tokenRow('BV-DEMO-0001')).toEqual({ node_code: 'CUT', status: 'ready' });
    expect(
      edge.core.db.prepare('SELECT 1 FROM token_event WHERE event_id = ?').get(event['id']),
    ).toBeUndefined();
  });

  it('AU-1: 401 UNAUTHORIZED: missing header, unknown token, revoked station', async () => {
    const body = envelope();
    await expectError(await call('POST', '/api/v1/events', { body }), 401, 'UNAUTHORIZED');
    await expectError(
      await call('POST', '/api/v1/events', { body, token: 'no-such-token' }),
      401,
      'UNAUTHORIZED',
    );
    await expectError(
      await call('POST', '/api/v1/events', { body, headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      401,
      'UNAUTHORIZED',
    );

    const admin = await edge.login('admin');
    const enrolled = await call('POST', '/api/v1/admin/stations', {
      token: admin,
      body: { name: 'WC-CUT-9', workCenter: 'WC-CUT' },
    });
    expect(enrolled.status).toBe(201);
    const { token } = (await enrolled.json()) as { token: string };
    expect((await push(edge.url, token, [])).status).toBe(200);
    expect((await call('DELETE', '/api/v1/admin/stations/WC-CUT-9', { token: admin })).status).toBe(204);
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    await expectError(
      await call('POST', '/api/v1/events', { body: envelope([event]), token }),
      401,
      'UNAUTHORIZED',
    );
    expect(tokenRow('BV-DEMO-0001').status).toBe('ready');
  });

  it('AU-1, AU-2: 403 FORBIDDEN: a station token on supervisor/admin endpoints; a supervisor session on POST /events', async () => {
    const stationToken = edge.stationToken('WC-CUT');
    await expectError(
      await call('GET', '/api/v1/supervisor/queues', { token: stationToken }),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await call('POST', '/api/v1/admin/tickets', {
        token: stationToken,
        body: { code: 'T-403', routing: 'WALLET-LINEAR', qty: 1 },
      }),
      403,
      'FORBIDDEN',
    );
    expect(edge.core.db.prepare("SELECT 1 FROM job_ticket WHERE code = 'T-403'").get()).toBeUndefined();
    const supervisor = await edge.login('supervisor');
    await expectError(
      await call('POST', '/api/v1/events', { token: supervisor, body: envelope() }),
      403,
      'FORBIDDEN',
    );
  });

  it('HT-1: 404 NOT_FOUND: an unknown route', async () => {
    await expectError(await call('GET', '/no/such/route'), 404, 'NOT_FOUND');
    await expectError(
      await call('GET', '/api/v1/no-such-route', { token: edge.stationToken('WC-CUT') }),
      404,
      'NOT_FOUND',
    );
    await expectError(
      await call('GET', '/api/v1/supervisor/tokens/NO-SUCH-CODE', { token: await edge.login('supervisor') }),
      404,
      'NOT_FOUND',
    );
  });

  it('HT-2: 413 PAYLOAD_TOO_LARGE: 501 events; 500 are fine', async () => {
    const token = edge.stationToken('WC-CUT');
    const events = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) =>
        stationEvent({
          seq: from + i,
          type: 'note',
          code: 'BV-DEMO-0001',
          nodeCode: 'CUT',
          data: { text: 'n' },
        }),
      );
    const tooMany = events(501, 1);
    await expectError(
      await call('POST', '/api/v1/events', { token, body: envelope(tooMany) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(count("token_event WHERE origin = 'station'")).toBe(0);

    const ok = await push(edge.url, token, events(500, 1));
    expect(ok.status).toBe(200);
    expect(ok.body.results).toHaveLength(500);
    expect(ok.body.results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
  });

  it('HT-2: 413 PAYLOAD_TOO_LARGE: a body over 1 MiB, with or without Content-Length', async () => {
    const token = edge.stationToken('WC-CUT');
    const event = stationEvent({
      seq: 1,
      type: 'note',
      code: 'BV-DEMO-0001',
      nodeCode: 'CUT',
      data: { text: 'x'.repeat(1024 * 1024) },
    });
    await expectError(
      await call('POST', '/api/v1/events', { token, body: envelope([event]) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );

    // Streamed (chunked), so the server only learns the size while reading.
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 1.5 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${edge.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(
      edge.core.db.prepare('SELECT 1 FROM token_event WHERE event_id = ?').get(event['id']),
    ).toBeUndefined();
  });

  it('IN-11: 429 RATE_LIMITED with Retry-After when a station pushes too fast; nothing of it is applied', async () => {
    const limited = await startTestEdge({ env: { STATION_RATE_PER_SECOND: '1' } });
    extraEdges.push(limited);
    const token = limited.stationToken('WC-CUT');
    const responses: { status: number; retryAfter: string | null; body: unknown; id: unknown }[] = [];
    for (let i = 1; i <= 6; i++) {
      const event = stationEvent({
        seq: i,
        type: 'note',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        data: { text: 'n' },
      });
      const res = await fetch(`${limited.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stationClock: new Date().toISOString(), events: [event] }),
      });
      responses.push({
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: await res.json(),
        id: event['id'],
      });
    }
    expect(responses[0]?.status).toBe(200);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.body).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.any(String), details: expect.any(Array) },
      });
      expect(r.retryAfter).toMatch(/^\d+$/);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(
        limited.core.db.prepare('SELECT 1 FROM token_event WHERE event_id = ?').get(r.id),
      ).toBeUndefined();
    }
    // Another station is not held back by this one.
    expect((await push(limited.url, limited.stationToken('WC-EDGE'), [])).status).toBe(200);
  });

  it('HT-1: no input a client can send causes a 500', async () => {
    const token = edge.stationToken('WC-CUT');
    const bodies = [
      'null',
      '[]',
      '"x"',
      '12',
      '{"stationClock": 5, "events": []}',
      '{"stationClock": "2026-11-22T08:15:02.120Z", "events": [{"__proto__": {"id": 1}}]}',
      '{"stationClock": "0001-01-01T00:00:00Z", "events": []}',
      `{"stationClock": "9999-12-31T23:59:59.999Z", "events": [${JSON.stringify(
        stationEvent({
          seq: Number.MAX_SAFE_INTEGER,
          type: 'start',
          code: 'BV-DEMO-0001',
          nodeCode: 'CUT',
          occurredAt: '0000-01-01T00:00:00+14:00',
        }),
      )}]}`,
      `{"stationClock": "2026-11-22T08:15:02.120Z", "events": [${JSON.stringify(
        stationEvent({
          seq: 1,
          type: 'note',
          code: 'x'.repeat(10_000),
          nodeCode: 'CUT',
          data: { text: 't' },
        }),
      )}]}`,
      `{"stationClock": "2026-11-22T08:15:02.120Z", "events": [${JSON.stringify(
        stationEvent({ seq: 2, type: 'complete', code: 'BV-DEMO-0001', nodeCode: 'CUT', qty: -1 }),
      )}]}`,
    ];
    for (const raw of bodies) {
      const res = await call('POST', '/api/v1/events', { token, raw });
      expect(res.status, `${raw.slice(0, 120)} -> ${await res.clone().text()}`).toBeLessThan(500);
    }
    const snapshots = ['?since=garbage', '?since=1.2.3', '?since=999999999999999999999.1'];
    for (const query of snapshots) {
      const res = await call('GET', `/api/v1/station/snapshot${query}`, { token });
      expect(res.status, query).toBeLessThan(500);
    }
  });
});

describe('durability: a 200 means the events are on disk', () => {
  it('IN-4: after a push returns, a new connection to the SQLite file finds the event and its outbox row', async () => {
    expect(edge.core.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0004', nodeCode: 'CUT' });
    const res = await push(edge.url, edge.stationToken('WC-CUT'), [event]);
    expect(res.body.results[0].status).toBe('applied');

    const other = new Database(edge.core.config.databaseFile, { readonly: true, fileMustExist: true });
    try {
      const row = other
        .prepare(
          `SELECT e.status, e.event_type, e.code, e.node_code, e.seq, s.name AS station
           FROM token_event e JOIN station s ON s.id = e.station_id WHERE e.event_id = ?`,
        )
        .get(event['id']);
      expect(row).toEqual({
        status: 'applied',
        event_type: 'start',
        code: 'BV-DEMO-0004',
        node_code: 'CUT',
        seq: 1,
        station: 'WC-CUT-1',
      });
      const outbox = other
        .prepare(
          `SELECT o.record_json FROM upstream_record o JOIN token_event e ON e.id = o.event_row_id
           WHERE e.event_id = ?`,
        )
        .all(event['id']) as { record_json: string }[];
      expect(outbox).toHaveLength(1);
      expect(JSON.parse(outbox[0]!.record_json)).toMatchObject({
        id: event['id'],
        origin: 'station',
        station: 'WC-CUT-1',
        seq: 1,
        token: { code: 'BV-DEMO-0004', branch: null, nodeCode: 'CUT', status: 'active' },
      });
      expect(
        other
          .prepare("SELECT status FROM flow_token WHERE code = 'BV-DEMO-0004' AND parent_token_id IS NULL")
          .get(),
      ).toEqual({ status: 'active' });
    } finally {
      other.close();
    }
  });
});
