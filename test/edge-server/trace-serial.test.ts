/**
 * Traceability (SV-30 … SV-35) on a real edge server with the demo: a tote traced through the split
 * and the join, a component bound on a branch and recalled once the tote finished, the CSV and JSON
 * exports downloaded and parsed (a note with quotes and commas), an unknown serial and an empty
 * recall said so, a timeline longer than one read batch streamed whole, index lookups, and station
 * credentials refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recallSchema,
  serialTraceSchema,
  TIMELINE_COLUMNS,
  RECALL_COLUMNS,
  traceSearchSchema,
} from '../../shared/trace-api';
import { forwardingStatusOf } from '../../edge-server/ingest/applied-order';
import { BATCH_ROWS } from '../../edge-server/trace/timeline';
import { BINDINGS_OF_SERIAL, BOUND_SERIALS } from '../../edge-server/trace/recall';
import type { TestEdge } from '../support/edge';
import { TestStation, finishToteFromStitch, push, stationEvent, startTestEdge } from '../support/edge';
import { parseCsv } from '../support/csv';

let edge: TestEdge;
let supervisor: string;
const SERIAL = 'BV-DEMO-0002';
const COMPONENT = 'HIDE-LOT-42';
const NOTE = 'Scuff on the "left" panel, polished out; ok';

async function get(path: string, token = supervisor): Promise<Response> {
  return fetch(`${edge.url}/api/v1/supervisor/trace${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

async function json(path: string): Promise<{ status: number; body: any }> {
  const res = await get(path);
  return { status: res.status, body: await res.json() };
}

const station = (wc: string): TestStation => new TestStation(edge.url, edge.stationToken(wc));

beforeAll(async () => {
  edge = await startTestEdge();
  supervisor = await edge.login('supervisor');
});
afterAll(async () => edge.close());

describe('trace', () => {
  it('SV-33: a component bound on a branch is not recalled while its tote is unfinished; it is with ?all', async () => {
    const cut = station('WC-CUT');
    await cut.send('start', SERIAL, 'CUT');
    await cut.send('complete', SERIAL, 'CUT');
    const edgeSt = station('WC-EDGE');
    await edgeSt.send('start', SERIAL, 'EDGE-BODY');
    expect(
      (await edgeSt.send('bind_component', SERIAL, 'EDGE-BODY', { componentSerial: COMPONENT })).status,
    ).toBe('applied');
    expect((await edgeSt.send('note', SERIAL, 'EDGE-BODY', { text: NOTE })).status).toBe('applied');
    const unfinished = await json(`/recall?component=${COMPONENT}`);
    expect(unfinished.status).toBe(200);
    expect(recallSchema.parse(unfinished.body)).toEqual({ component: COMPONENT, all: false, tokens: [] });
    const all = recallSchema.parse((await json(`/recall?component=${COMPONENT}&all`)).body);
    expect(all.tokens).toEqual([
      expect.objectContaining({ serial: SERIAL, finished: false, boundOnBranch: 'EDGE-BODY' }),
    ]);
  });

  it('SV-31, SV-32, SV-33: a tote traced through the split and the join; the component recalled once it finished', async () => {
    await station('WC-EDGE').send('complete', SERIAL, 'EDGE-BODY');
    expect((await finishToteFromStitch(station, SERIAL)).status).toBe('applied');

    const res = await json(`/serials/${SERIAL}`);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const trace = serialTraceSchema.parse(res.body);
    expect(trace.serial).toMatchObject({
      code: SERIAL,
      ticket: 'DEMO-TOTE',
      status: 'completed',
      finished: true,
    });
    // Backward and forward: the root split into two branches, both joined back into it.
    const [root, ...branches] = trace.genealogy.members;
    expect(root).toMatchObject({ isRoot: true, branch: null, parentBranch: null, status: 'completed' });
    expect(root?.children.sort()).toEqual(['EDGE-BODY', 'STITCH-STRAP']);
    expect(
      branches.map((b) => [b.branch, b.siblings, b.status, b.joinedInto?.nodeCode, b.joinedInto?.branch]),
    ).toEqual([
      ['EDGE-BODY', ['STITCH-STRAP'], 'completed', 'JOIN-PANELS', null],
      ['STITCH-STRAP', ['EDGE-BODY'], 'completed', 'JOIN-PANELS', null],
    ]);
    expect(trace.genealogy.components).toEqual([
      expect.objectContaining({
        componentSerial: COMPONENT,
        branch: 'EDGE-BODY',
        nodeCode: 'EDGE-BODY',
        station: 'WC-EDGE-1',
      }),
    ]);
    // Every event, station and system, with its times and where it stands upstream.
    const types = trace.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'start',
        'complete',
        'split',
        'spawn',
        'join',
        'bind_component',
        'note',
        'qc_pass',
      ]),
    );
    const bind = trace.events.find((e) => e.type === 'bind_component');
    expect(bind).toMatchObject({
      componentSerial: COMPONENT,
      branch: 'EDGE-BODY',
      station: 'WC-EDGE-1',
      operatorBadge: 'OP-0001',
      operatorName: 'Operator 1',
      status: 'applied',
      upstream: 'no-upstream',
      archived: false,
    });
    expect(bind?.occurredAtCorrected).toMatch(/^\d{4}-/);
    expect(bind?.receivedAt).toMatch(/^\d{4}-/);
    expect(trace.events.find((e) => e.type === 'note')?.note).toBe(NOTE);

    const recall = recallSchema.parse((await json(`/recall?component=${COMPONENT}`)).body);
    expect(recall.tokens).toEqual([
      expect.objectContaining({
        componentSerial: COMPONENT,
        serial: SERIAL,
        ticket: 'DEMO-TOTE',
        status: 'completed',
        finished: true,
        nodeCode: 'PACK',
        boundOnBranch: 'EDGE-BODY',
        boundAtNode: 'EDGE-BODY',
        boundByStation: 'WC-EDGE-1',
      }),
    ]);
    expect(recall.tokens[0]?.finishedAt).toMatch(/^\d{4}-/);
  });

  it('SV-34: the timeline CSV downloads as an attachment, UTF-8 with a BOM, RFC 4180 (quotes and commas kept)', async () => {
    const res = await get(`/serials/${SERIAL}/timeline.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="trace-${SERIAL}.csv"; filename*=UTF-8''trace-${SERIAL}.csv`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the BOM, as spreadsheet readers do.
    const rows = parseCsv(new TextDecoder('utf-8').decode(bytes));
    expect(rows[0]).toEqual([...TIMELINE_COLUMNS]);
    const trace = serialTraceSchema.parse((await json(`/serials/${SERIAL}`)).body);
    expect(rows).toHaveLength(trace.events.length + 1);
    const col = (name: (typeof TIMELINE_COLUMNS)[number]) => TIMELINE_COLUMNS.indexOf(name);
    const note = rows.find((r) => r[col('type')] === 'note');
    expect(note?.[col('note')]).toBe(NOTE);
    expect(note?.[col('serial')]).toBe(SERIAL);
    expect(JSON.parse(note?.[col('data')] ?? '')).toEqual({ text: NOTE });
    expect(rows.slice(1).map((r) => r[col('eventId')])).toEqual(trace.events.map((e) => e.id));
  });

  it('SV-34: the recall and the timeline download as JSON too', async () => {
    const res = await get(`/recall.json?component=${COMPONENT}`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="recall-HIDE-LOT-42.json"/);
    expect(recallSchema.parse(await res.json()).tokens).toHaveLength(1);
    const csv = await get(`/recall.csv?component=${COMPONENT}`);
    const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual([...RECALL_COLUMNS]);
    expect(rows[1]?.[RECALL_COLUMNS.indexOf('serial')]).toBe(SERIAL);
    const timeline = await get(`/serials/${SERIAL}/timeline.json`);
    expect(timeline.headers.get('content-disposition')).toMatch(
      /^attachment; filename="trace-BV-DEMO-0002.json"/,
    );
    expect(serialTraceSchema.parse(await timeline.json()).serial.code).toBe(SERIAL);
  });

  it('SV-30: search finds a serial, a ticket and a component serial, exactly or by their beginning', async () => {
    const serial = traceSearchSchema.parse((await json(`/search?q=${SERIAL}`)).body);
    expect(serial.serials).toEqual([
      expect.objectContaining({ code: SERIAL, exact: true, status: 'completed' }),
    ]);
    expect(serial.message).toBeNull();
    const prefix = traceSearchSchema.parse((await json('/search?q=BV-DEMO-00')).body);
    expect(prefix.serials.length).toBe(10);
    expect(prefix.serials.every((s) => !s.exact)).toBe(true);
    const ticket = traceSearchSchema.parse((await json('/search?q=DEMO-TOTE')).body);
    expect(ticket.tickets).toEqual([
      expect.objectContaining({ code: 'DEMO-TOTE', exact: true, serialCount: 10, routing: 'BAG-TOTE' }),
    ]);
    expect(ticket.tickets[0]?.serials[0]).toBe('BV-DEMO-0001');
    const component = traceSearchSchema.parse((await json('/search?q=HIDE-LOT')).body);
    expect(component.components).toEqual([
      expect.objectContaining({
        componentSerial: COMPONENT,
        serial: SERIAL,
        branch: 'EDGE-BODY',
        exact: false,
      }),
    ]);
  });

  it('SV-35: an unknown serial is said so; a component bound nowhere recalls nothing; missing input is a 400', async () => {
    const search = await json('/search?q=NO-SUCH-SERIAL');
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({
      serials: [],
      tickets: [],
      components: [],
      code: 'TRACE_NOT_FOUND',
      message: 'Nothing on this site has the serial, ticket or component serial "NO-SUCH-SERIAL"',
    });
    const trace = await json('/serials/NO-SUCH-SERIAL');
    expect(trace.status).toBe(404);
    expect(trace.body.error.message).toMatch(/^No serial NO-SUCH-SERIAL on this site/);
    expect((await get('/serials/NO-SUCH-SERIAL/timeline.csv')).status).toBe(404);
    const recall = await json('/recall?component=NEVER-BOUND');
    expect(recall.status).toBe(200);
    expect(recall.body).toEqual({ component: 'NEVER-BOUND', all: false, tokens: [] });
    const csv = await get('/recall.csv?component=NEVER-BOUND');
    expect(parseCsv((await csv.text()).replace(/^\uFEFF/, ''))).toEqual([[...RECALL_COLUMNS]]);
    for (const [path, name] of [
      ['/search', 'q'],
      ['/search?q=%20', 'q'],
      ['/recall', 'component'],
      [`/recall.csv?component=${'x'.repeat(201)}`, 'component'],
    ] as const) {
      const res = await json(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${name}:`));
    }
  });

  it('SV-34: a timeline longer than one read batch streams whole, in order', async () => {
    const code = 'BV-DEMO-0003';
    const token = edge.stationToken('WC-CUT');
    const count = BATCH_ROWS + 20;
    let seq = 1000;
    for (let sent = 0; sent < count; sent += 300) {
      const events = Array.from({ length: Math.min(300, count - sent) }, (_, i) =>
        stationEvent({ seq: ++seq, type: 'note', code, nodeCode: 'CUT', data: { text: `n${sent + i}` } }),
      );
      expect((await push(edge.url, token, events)).status).toBe(200);
    }
    const trace = serialTraceSchema.parse((await json(`/serials/${code}`)).body);
    const notes = trace.events.filter((e) => e.type === 'note').map((e) => e.note);
    expect(notes).toEqual(Array.from({ length: count }, (_, i) => `n${i}`));
    const csv = parseCsv((await (await get(`/serials/${code}/timeline.csv`)).text()).replace(/^\uFEFF/, ''));
    expect(csv).toHaveLength(trace.events.length + 1);
  });

  it('SV-30, SV-33: search, a timeline and a recall are index lookups', () => {
    // A scalar subquery's own line only heads the steps under it; every step that reads a table
    // must be a SEARCH.
    const plan = (sql: string, ...args: unknown[]): string[] =>
      (edge.core.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .filter((d) => !/^(CORRELATED )?SCALAR SUBQUERY \d+$/.test(d));
    // The statements recall runs: one serial's bindings in id order from the serial index (no
    // sort), and which of a level's serials were bound at all.
    const recall = plan(BINDINGS_OF_SERIAL, 'X', 0, 10);
    const bound = plan(BOUND_SERIALS, '["X", "Y"]').filter(
      (d) => !/^(LIST SUBQUERY \d+|SCAN json_each VIRTUAL TABLE.*)$/.test(d),
    );
    const timeline = plan(
      `SELECT e.id, ${forwardingStatusOf('e')} AS outbox_status FROM token_event e
       WHERE e.root_token_id = ? AND e.id > ? ORDER BY e.id`,
      1,
      0,
    );
    const serials = plan(
      'SELECT code FROM flow_token WHERE parent_token_id IS NULL AND code >= ? AND code < ?',
      'A',
      'B',
    );
    for (const detail of [...recall, ...bound, ...timeline, ...serials])
      expect(detail, detail).toMatch(/^SEARCH /);
    expect(recall.join('\n')).toContain('component_binding_serial');
    expect(bound.join('\n')).toContain('component_binding_serial');
    expect(timeline.join('\n')).toContain('token_event_root');
    expect(serials.join('\n')).toContain('flow_token_root_code');
  });

  it('SV-26: station credentials get 403 on every trace route', async () => {
    const token = edge.stationToken('WC-CUT');
    for (const path of [
      `/search?q=${SERIAL}`,
      `/serials/${SERIAL}`,
      `/serials/${SERIAL}/timeline.csv`,
      `/recall?component=${COMPONENT}`,
      `/recall.csv?component=${COMPONENT}`,
    ]) {
      expect((await get(path, token)).status, path).toBe(403);
    }
  });

  it('SV-33: a serial that holds the component and is bound into another tote as a sub-assembly recalls that tote too', async () => {
    const HOLDER = 'BV-DEMO-0004';
    const bound = await station('WC-CUT').send('bind_component', HOLDER, 'CUT', { componentSerial: SERIAL });
    expect(bound.status).toBe('applied');

    const all = recallSchema.parse((await json(`/recall?component=${COMPONENT}&all`)).body);
    expect(all.tokens.map((t) => [t.serial, t.depth, t.componentSerial, t.finished])).toEqual([
      [SERIAL, 1, COMPONENT, true],
      [HOLDER, 2, SERIAL, false],
    ]);
    expect(all.tokens[1]).toMatchObject({
      boundAtNode: 'CUT',
      boundByStation: 'WC-CUT-1',
      boundOnBranch: null,
    });
    // Finished products only: the holder is still being made.
    const finished = recallSchema.parse((await json(`/recall?component=${COMPONENT}`)).body);
    expect(finished.tokens.map((t) => t.serial)).toEqual([SERIAL]);
    // The sub-assembly recalled itself finds the holder directly.
    const direct = recallSchema.parse((await json(`/recall?component=${SERIAL}&all`)).body);
    expect(direct.tokens.map((t) => [t.serial, t.depth])).toEqual([[HOLDER, 1]]);
  });
});
