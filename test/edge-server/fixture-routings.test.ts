/**
 * @module The fixture routings end to end over HTTP: a tote through the BAG-TOTE DAG (split, join,
 * rework, decision), the wallet's linear routing, a batch ticket, and what the supervisor trace and
 * the upstream outbox say about each step.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppliedEventRecord, TokenRef } from '../../shared/protocol';
import { appliedEventRecordSchema } from '../../shared/protocol';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge, tok } from '../support/edge';

/** The fields of an applied-event record (protocol.md "Upstream forwarding"), no more, no less. */
const RECORD_FIELDS = [
  'id',
  'site',
  'type',
  'origin',
  'station',
  'seq',
  'code',
  'nodeCode',
  'operatorBadge',
  'occurredAt',
  'receivedAt',
  'appliedAt',
  'qty',
  'data',
  'token',
].sort();

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let edge: TestEdge;
/** Every station event sent in a test, by id, to compare with what the server recorded. */
let sent: Map<string, { station: string; event: Record<string, unknown> }>;
let supervisor: string;

beforeEach(async () => {
  edge = await startTestEdge();
  sent = new Map();
  supervisor = await edge.login('supervisor');
});

afterEach(async () => {
  await edge.close();
});

/** One demo station (named `<work center>-1`), numbering its own events. */
interface Station {
  name: string;
  client: TestStation;
}

function station(workCenter: string, badge = 'OP-0001'): Station {
  return { name: `${workCenter}-1`, client: new TestStation(edge.url, edge.stationToken(workCenter), badge) };
}

/** Sends one event from a station and returns its result. */
async function send(
  st: Station,
  type: string,
  code: string,
  nodeCode: string,
  data: Record<string, unknown> = {},
  qty?: number,
): Promise<any> {
  const event = st.client.event(type, code, nodeCode, data, qty);
  sent.set(event['id'] as string, { station: st.name, event });
  const res = await push(edge.url, st.client.token, [event]);
  expect(res.status).toBe(200);
  expect(res.body.results).toHaveLength(1);
  return res.body.results[0];
}

/** Sends one event that must apply and leave the addressed member as `token`. */
async function applies(
  st: Station,
  type: string,
  code: string,
  nodeCode: string,
  token: TokenRef,
  data: Record<string, unknown> = {},
  qty?: number,
): Promise<void> {
  const result = await send(st, type, code, nodeCode, data, qty);
  expect(result, `${type} of ${code} at ${nodeCode} by ${st.name}`).toEqual({
    id: expect.any(String),
    status: 'applied',
    token,
  });
}

async function get(path: string, token = supervisor): Promise<{ status: number; body: any }> {
  const res = await fetch(`${edge.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

async function trace(code: string): Promise<any> {
  const res = await get(`/supervisor/tokens/${code}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** What the members of a family are, without row ids. */
function membersOf(body: any): { branch: string | null; nodeCode: string; status: string; qty: number }[] {
  return body.members.map((m: any) => ({
    branch: m.branch,
    nodeCode: m.nodeCode,
    status: m.status,
    qty: m.qty,
  }));
}

/** One line per event of a trace or the outbox: who (station or `system`), what, where. */
const line = (e: { station: string | null; type: string; nodeCode: string | null }): string =>
  `${e.station ?? 'system'} ${e.type} ${e.nodeCode ?? '-'}`;

function outbox(): { eventRowId: number; record: AppliedEventRecord }[] {
  const rows = edge.core.db
    .prepare('SELECT event_row_id, record_json FROM upstream_record ORDER BY id')
    .all() as { event_row_id: number; record_json: string }[];
  return rows.map((r) => ({
    eventRowId: r.event_row_id,
    record: JSON.parse(r.record_json) as AppliedEventRecord,
  }));
}

function outboxOf(code: string): AppliedEventRecord[] {
  return outbox()
    .map((r) => r.record)
    .filter((r) => r.code === code);
}

/**
 * IN-5 / protocol.md: the upstream outbox holds exactly one applied-event record per applied event
 * of the trace (station and system), in the same order, each with the fields of the contract and
 * the values the event was sent and applied with.
 */
async function expectOutboxMatchesTrace(
  code: string,
): Promise<{ events: any[]; records: AppliedEventRecord[] }> {
  const { events } = (await trace(code)) as { events: any[] };
  const applied = events.filter((e) => e.status === 'applied');
  const records = outboxOf(code);
  expect(records.map((r) => r.id)).toEqual(applied.map((e) => e.id));
  for (const [i, record] of records.entries()) {
    const e = applied[i];
    expect(Object.keys(record).sort(), `fields of ${line(record)}`).toEqual(RECORD_FIELDS);
    expect(() => appliedEventRecordSchema.parse(record)).not.toThrow();
    expect(record).toMatchObject({
      site: edge.core.config.siteCode,
      type: e.type,
      origin: e.origin,
      station: e.station,
      seq: e.seq,
      code,
      nodeCode: e.nodeCode,
      operatorBadge: e.operatorBadge,
      occurredAt: e.occurredAt,
      receivedAt: e.receivedAt,
      appliedAt: e.appliedAt,
      qty: e.qty,
      data: e.data,
      token: e.token,
    });
    expect(record.occurredAt).toMatch(ISO_MS);
    expect(record.receivedAt).toMatch(ISO_MS);
    expect(record.appliedAt).toMatch(ISO_MS);
    if (record.origin === 'system') {
      expect(record).toMatchObject({ station: null, seq: null, operatorBadge: null });
      continue;
    }
    const mine = sent.get(record.id);
    expect(mine, `station record ${record.id} was sent by this test`).toBeDefined();
    const ev = mine?.event ?? {};
    expect(record).toMatchObject({
      station: mine?.station,
      seq: ev['seq'],
      type: ev['type'],
      nodeCode: ev['nodeCode'],
      operatorBadge: ev['operatorBadge'],
      occurredAt: ev['occurredAt'],
      qty: ev['qty'] ?? null,
      data: ev['data'],
    });
  }
  return { events, records };
}

/** EdgeCore-wide: one outbox row per applied event row, and the record is that event's. */
function expectOneOutboxRowPerAppliedEvent(): void {
  const applied = edge.core.db
    .prepare("SELECT id, event_id FROM token_event WHERE status = 'applied' ORDER BY id")
    .all() as { id: number; event_id: string }[];
  const rows = outbox();
  expect(rows.map((r) => r.eventRowId).sort((a, b) => a - b)).toEqual(applied.map((a) => a.id));
  const idByRow = new Map(applied.map((a) => [a.id, a.event_id]));
  for (const row of rows) expect(row.record.id).toBe(idByRow.get(row.eventRowId));
}

describe('BAG-TOTE: a tote through the DAG over HTTP', () => {
  it('RT-1..RT-5, TM-1, TM-3, TM-4: CUT, split, both branches, join, ASSEMBLE, a QC fail and rework, QC pass grade A to PACK, complete', async () => {
    const code = 'BV-DEMO-0001';
    const cut = station('WC-CUT');
    const edgeSt = station('WC-EDGE', 'OP-0002');
    const stitch = station('WC-STITCH', 'OP-0003');
    const asm = station('WC-ASM', 'OP-0004');
    const qc = station('WC-QC', 'OP-0005');
    const pack = station('WC-PACK');

    await applies(cut, 'start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    // RT-3: the parent becomes `split`; one child per branch, named by the branch's first node.
    await applies(cut, 'complete', code, 'CUT', tok(code, null, 'SPLIT-PANELS', 'split'));
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'SPLIT-PANELS', status: 'split', qty: 1 },
      { branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'ready', qty: 1 },
      { branch: 'STITCH-STRAP', nodeCode: 'STITCH-STRAP', status: 'ready', qty: 1 },
    ]);

    await applies(edgeSt, 'start', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'EDGE-BODY', 'active'));
    // RT-4: the first branch at the join waits there.
    await applies(edgeSt, 'complete', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'JOIN-PANELS', 'waiting'));
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'SPLIT-PANELS', status: 'split', qty: 1 },
      { branch: 'EDGE-BODY', nodeCode: 'JOIN-PANELS', status: 'waiting', qty: 1 },
      { branch: 'STITCH-STRAP', nodeCode: 'STITCH-STRAP', status: 'ready', qty: 1 },
    ]);

    await applies(stitch, 'start', code, 'STITCH-STRAP', tok(code, 'STITCH-STRAP', 'STITCH-STRAP', 'active'));
    // RT-4: the second closes both branches and the parent goes on from the join.
    await applies(
      stitch,
      'complete',
      code,
      'STITCH-STRAP',
      tok(code, 'STITCH-STRAP', 'JOIN-PANELS', 'completed'),
    );
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'ASSEMBLE', status: 'ready', qty: 1 },
      { branch: 'EDGE-BODY', nodeCode: 'JOIN-PANELS', status: 'completed', qty: 1 },
      { branch: 'STITCH-STRAP', nodeCode: 'JOIN-PANELS', status: 'completed', qty: 1 },
    ]);

    await applies(asm, 'start', code, 'ASSEMBLE', tok(code, null, 'ASSEMBLE', 'active'));
    await applies(asm, 'complete', code, 'ASSEMBLE', tok(code, null, 'QC-FINAL', 'ready'));
    await applies(qc, 'start', code, 'QC-FINAL', tok(code, null, 'QC-FINAL', 'active'));
    // TM-4: a QC fail follows the rework edge back to ASSEMBLE.
    await applies(qc, 'qc_fail', code, 'QC-FINAL', tok(code, null, 'ASSEMBLE', 'ready'), {
      reason: 'glue marks on the body',
    });
    await applies(asm, 'start', code, 'ASSEMBLE', tok(code, null, 'ASSEMBLE', 'active'));
    await applies(asm, 'complete', code, 'ASSEMBLE', tok(code, null, 'QC-FINAL', 'ready'));
    await applies(qc, 'start', code, 'QC-FINAL', tok(code, null, 'QC-FINAL', 'active'));
    // RT-5: the decision GRADE takes the rule grade = A at once.
    await applies(qc, 'qc_pass', code, 'QC-FINAL', tok(code, null, 'PACK', 'ready'), { grade: 'A' });
    await applies(pack, 'start', code, 'PACK', tok(code, null, 'PACK', 'active'));
    // RT-1: past an end node the token is completed and stays at that node's code.
    await applies(pack, 'complete', code, 'PACK', tok(code, null, 'PACK', 'completed'));

    const body = await trace(code);
    expect(body).toMatchObject({
      code,
      ticket: 'DEMO-TOTE',
      processMode: 'piece',
      routingMode: 'dag',
      routing: { code: 'BAG-TOTE', version: 3 },
    });
    expect(membersOf(body)).toEqual([
      { branch: null, nodeCode: 'PACK', status: 'completed', qty: 1 },
      { branch: 'EDGE-BODY', nodeCode: 'JOIN-PANELS', status: 'completed', qty: 1 },
      { branch: 'STITCH-STRAP', nodeCode: 'JOIN-PANELS', status: 'completed', qty: 1 },
    ]);
    // Every station event and every system event, in the order they happened.
    expect(body.events.map(line)).toEqual([
      'system spawn CUT',
      'WC-CUT-1 start CUT',
      'WC-CUT-1 complete CUT',
      'system split SPLIT-PANELS',
      'system spawn EDGE-BODY',
      'system spawn STITCH-STRAP',
      'WC-EDGE-1 start EDGE-BODY',
      'WC-EDGE-1 complete EDGE-BODY',
      'WC-STITCH-1 start STITCH-STRAP',
      'WC-STITCH-1 complete STITCH-STRAP',
      'system join JOIN-PANELS',
      'WC-ASM-1 start ASSEMBLE',
      'WC-ASM-1 complete ASSEMBLE',
      'WC-QC-1 start QC-FINAL',
      'WC-QC-1 qc_fail QC-FINAL',
      'WC-ASM-1 start ASSEMBLE',
      'WC-ASM-1 complete ASSEMBLE',
      'WC-QC-1 start QC-FINAL',
      'WC-QC-1 qc_pass QC-FINAL',
      'system route GRADE',
      'WC-PACK-1 start PACK',
      'WC-PACK-1 complete PACK',
    ]);
    expect(body.events.every((e: any) => e.status === 'applied')).toBe(true);
    const stationEvents = body.events.filter((e: any) => e.origin === 'station');
    expect(stationEvents.map((e: any) => e.id)).toEqual([...sent.keys()]);
    expect(stationEvents.map((e: any) => `${e.station}#${e.seq} ${e.operatorBadge}`)).toEqual([
      'WC-CUT-1#1 OP-0001',
      'WC-CUT-1#2 OP-0001',
      'WC-EDGE-1#1 OP-0002',
      'WC-EDGE-1#2 OP-0002',
      'WC-STITCH-1#1 OP-0003',
      'WC-STITCH-1#2 OP-0003',
      'WC-ASM-1#1 OP-0004',
      'WC-ASM-1#2 OP-0004',
      'WC-QC-1#1 OP-0005',
      'WC-QC-1#2 OP-0005',
      'WC-ASM-1#3 OP-0004',
      'WC-ASM-1#4 OP-0004',
      'WC-QC-1#3 OP-0005',
      'WC-QC-1#4 OP-0005',
      'WC-PACK-1#1 OP-0001',
      'WC-PACK-1#2 OP-0001',
    ]);
    const system = body.events.filter((e: any) => e.origin === 'system');
    expect(system.map((e: any) => ({ type: e.type, nodeCode: e.nodeCode, token: e.token }))).toEqual([
      { type: 'spawn', nodeCode: 'CUT', token: tok(code, null, 'CUT', 'ready') },
      { type: 'split', nodeCode: 'SPLIT-PANELS', token: tok(code, null, 'SPLIT-PANELS', 'split') },
      { type: 'spawn', nodeCode: 'EDGE-BODY', token: tok(code, 'EDGE-BODY', 'EDGE-BODY', 'ready') },
      { type: 'spawn', nodeCode: 'STITCH-STRAP', token: tok(code, 'STITCH-STRAP', 'STITCH-STRAP', 'ready') },
      { type: 'join', nodeCode: 'JOIN-PANELS', token: tok(code, null, 'ASSEMBLE', 'ready') },
      { type: 'route', nodeCode: 'GRADE', token: tok(code, null, 'PACK', 'ready') },
    ]);
    expect(system.find((e: any) => e.type === 'split').data).toEqual({
      branches: ['EDGE-BODY', 'STITCH-STRAP'],
    });
    expect(system.find((e: any) => e.type === 'join').data).toEqual({
      branches: ['EDGE-BODY', 'STITCH-STRAP'],
    });
    expect(system.find((e: any) => e.type === 'route').data).toEqual({ to: 'PACK', rule: 'grade = A' });
    expect(stationEvents.find((e: any) => e.type === 'qc_fail').data).toEqual({
      reason: 'glue marks on the body',
    });

    const { records } = await expectOutboxMatchesTrace(code);
    expect(records.map(line)).toEqual(body.events.map(line));
    expectOneOutboxRowPerAppliedEvent();
  });

  it('RT-5: QC pass with grade B takes the default edge of GRADE to PACK-OUTLET', async () => {
    const code = 'BV-DEMO-0002';
    const cut = station('WC-CUT');
    const edgeSt = station('WC-EDGE');
    const stitch = station('WC-STITCH');
    const asm = station('WC-ASM');
    const qc = station('WC-QC');
    const pack = station('WC-PACK');

    await applies(cut, 'start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    await applies(cut, 'complete', code, 'CUT', tok(code, null, 'SPLIT-PANELS', 'split'));
    // The other branch first this time: the join does not care which arrives first.
    await applies(stitch, 'start', code, 'STITCH-STRAP', tok(code, 'STITCH-STRAP', 'STITCH-STRAP', 'active'));
    await applies(
      stitch,
      'complete',
      code,
      'STITCH-STRAP',
      tok(code, 'STITCH-STRAP', 'JOIN-PANELS', 'waiting'),
    );
    await applies(edgeSt, 'start', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'EDGE-BODY', 'active'));
    await applies(edgeSt, 'complete', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'JOIN-PANELS', 'completed'));
    await applies(asm, 'start', code, 'ASSEMBLE', tok(code, null, 'ASSEMBLE', 'active'));
    await applies(asm, 'complete', code, 'ASSEMBLE', tok(code, null, 'QC-FINAL', 'ready'));
    await applies(qc, 'start', code, 'QC-FINAL', tok(code, null, 'QC-FINAL', 'active'));
    await applies(qc, 'qc_pass', code, 'QC-FINAL', tok(code, null, 'PACK-OUTLET', 'ready'), { grade: 'B' });
    await applies(pack, 'start', code, 'PACK-OUTLET', tok(code, null, 'PACK-OUTLET', 'active'));
    await applies(pack, 'complete', code, 'PACK-OUTLET', tok(code, null, 'PACK-OUTLET', 'completed'));

    const body = await trace(code);
    const route = body.events.filter((e: any) => e.type === 'route');
    expect(route).toHaveLength(1);
    expect(route[0]).toMatchObject({
      origin: 'system',
      nodeCode: 'GRADE',
      data: { to: 'PACK-OUTLET', rule: 'default' },
      token: tok(code, null, 'PACK-OUTLET', 'ready'),
    });
    expect(body.events.map(line).slice(-5)).toEqual([
      'WC-QC-1 start QC-FINAL',
      'WC-QC-1 qc_pass QC-FINAL',
      'system route GRADE',
      'WC-PACK-1 start PACK-OUTLET',
      'WC-PACK-1 complete PACK-OUTLET',
    ]);
    await expectOutboxMatchesTrace(code);
    expectOneOutboxRowPerAppliedEvent();
  });

  it('TM-7, TM-9: scrapping a child scraps the whole family, and the other branch can no longer act on it', async () => {
    const code = 'BV-DEMO-0003';
    const cut = station('WC-CUT');
    const edgeSt = station('WC-EDGE');
    const stitch = station('WC-STITCH');

    await applies(cut, 'start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    await applies(cut, 'complete', code, 'CUT', tok(code, null, 'SPLIT-PANELS', 'split'));
    await applies(edgeSt, 'scrap', code, 'EDGE-BODY', tok(code, 'EDGE-BODY', 'EDGE-BODY', 'scrapped'));
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'SPLIT-PANELS', status: 'scrapped', qty: 1 },
      { branch: 'EDGE-BODY', nodeCode: 'EDGE-BODY', status: 'scrapped', qty: 1 },
      { branch: 'STITCH-STRAP', nodeCode: 'STITCH-STRAP', status: 'scrapped', qty: 1 },
    ]);

    // The strap's station did not hear of it: its start can never apply (PK-4: a conflict at once).
    const late = await send(stitch, 'start', code, 'STITCH-STRAP');
    expect(late).toMatchObject({ status: 'parked', reason: { code: 'TOKEN_FINISHED' } });
    const conflicts = await get('/supervisor/conflicts');
    expect(conflicts.body.conflicts).toHaveLength(1);
    expect(conflicts.body.conflicts[0]).toMatchObject({
      reason: { code: 'TOKEN_FINISHED' },
      event: { id: late.id, code, nodeCode: 'STITCH-STRAP', station: 'WC-STITCH-1' },
    });
    expect(membersOf(await trace(code)).map((m) => m.status)).toEqual(['scrapped', 'scrapped', 'scrapped']);
    await expectOutboxMatchesTrace(code);
    expectOneOutboxRowPerAppliedEvent();
  });
});

describe('WALLET-LINEAR: the linear routing over HTTP', () => {
  it('RG-8, RT-1, RT-2: a wallet goes CUT -> SEW -> EDGE -> FINISH and is completed', async () => {
    const code = 'WL-DEMO-0001';
    const cut = station('WC-CUT');
    const sew = station('WC-SEW');
    const edgeSt = station('WC-EDGE');
    const fin = station('WC-FIN');

    await applies(cut, 'start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    await applies(cut, 'complete', code, 'CUT', tok(code, null, 'SEW', 'ready'));
    await applies(sew, 'start', code, 'SEW', tok(code, null, 'SEW', 'active'));
    await applies(sew, 'complete', code, 'SEW', tok(code, null, 'EDGE', 'ready'));
    await applies(edgeSt, 'start', code, 'EDGE', tok(code, null, 'EDGE', 'active'));
    await applies(edgeSt, 'complete', code, 'EDGE', tok(code, null, 'FINISH', 'ready'));
    await applies(fin, 'start', code, 'FINISH', tok(code, null, 'FINISH', 'active'));
    await applies(fin, 'complete', code, 'FINISH', tok(code, null, 'FINISH', 'completed'));

    const body = await trace(code);
    expect(body).toMatchObject({
      code,
      ticket: 'DEMO-WALLET',
      processMode: 'piece',
      routingMode: 'linear',
      routing: { code: 'WALLET-LINEAR', version: 1 },
    });
    expect(membersOf(body)).toEqual([{ branch: null, nodeCode: 'FINISH', status: 'completed', qty: 1 }]);
    expect(body.events.map(line)).toEqual([
      'system spawn CUT',
      'WC-CUT-1 start CUT',
      'WC-CUT-1 complete CUT',
      'WC-SEW-1 start SEW',
      'WC-SEW-1 complete SEW',
      'WC-EDGE-1 start EDGE',
      'WC-EDGE-1 complete EDGE',
      'WC-FIN-1 start FINISH',
      'WC-FIN-1 complete FINISH',
    ]);
    await expectOutboxMatchesTrace(code);
    expectOneOutboxRowPerAppliedEvent();
  });

  it('TM-3, PK-4: a batch goes on with the good qty of its complete; a complete above its qty parks as a conflict', async () => {
    const admin = await edge.login('admin');
    const created = await fetch(`${edge.url}/api/v1/admin/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'WB-2026-01', routing: 'WALLET-LINEAR', processMode: 'batch', qty: 20 }),
    });
    expect(created.status).toBe(201);
    const ticket = await created.json();
    expect(ticket).toMatchObject({
      code: 'WB-2026-01',
      routing: 'WALLET-LINEAR',
      routingVersion: 1,
      processMode: 'batch',
      tokens: ['WB-2026-01'],
    });
    const code = 'WB-2026-01';
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'CUT', status: 'ready', qty: 20 },
    ]);

    const cut = station('WC-CUT');
    const sew = station('WC-SEW');
    await applies(cut, 'start', code, 'CUT', tok(code, null, 'CUT', 'active'));
    await applies(cut, 'complete', code, 'CUT', tok(code, null, 'SEW', 'ready'), { scrapQty: 2 }, 18);
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'SEW', status: 'ready', qty: 18 },
    ]);

    await applies(sew, 'start', code, 'SEW', tok(code, null, 'SEW', 'active'));
    // On the wire it is `parked` (the station treats it as delivered); a qty never grows back, so
    // the server makes it a conflict for a supervisor at once (PK-4) rather than let it wait.
    const over = await send(sew, 'complete', code, 'SEW', {}, 25);
    expect(over).toEqual({
      id: expect.any(String),
      status: 'parked',
      token: tok(code, null, 'SEW', 'active'),
      reason: { code: 'QTY_EXCEEDS', message: expect.stringContaining('25') },
    });
    expect(membersOf(await trace(code))).toEqual([
      { branch: null, nodeCode: 'SEW', status: 'active', qty: 18 },
    ]);
    const conflicts = await get('/supervisor/conflicts');
    expect(conflicts.body.conflicts).toEqual([
      expect.objectContaining({
        reason: { code: 'QTY_EXCEEDS', message: expect.stringContaining('exceeds the 18 pieces') },
        event: expect.objectContaining({ id: over.id, code, nodeCode: 'SEW', station: 'WC-SEW-1' }),
      }),
    ]);
    expect((await get('/supervisor/parked')).body.parked).toEqual([]);

    const { events, records } = await expectOutboxMatchesTrace(code);
    expect(events.map((e: any) => `${line(e)} ${e.status} qty ${e.qty}`)).toEqual([
      'system spawn CUT applied qty 20',
      'WC-CUT-1 start CUT applied qty null',
      'WC-CUT-1 complete CUT applied qty 18',
      'WC-SEW-1 start SEW applied qty null',
      'WC-SEW-1 complete SEW conflict qty 25',
    ]);
    const complete = records.find((r) => r.type === 'complete');
    expect(complete).toMatchObject({
      qty: 18,
      data: { scrapQty: 2 },
      token: tok(code, null, 'SEW', 'ready'),
    });
    expect(records.find((r) => r.type === 'spawn')).toMatchObject({
      qty: 20,
      data: { ticket: code, routing: 'WALLET-LINEAR', processMode: 'batch' },
    });
    expectOneOutboxRowPerAppliedEvent();
  });
});
