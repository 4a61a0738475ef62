/**
 * Station health on a real edge server with the demo (SV-40 … SV-47, SV-6): a station's heartbeat
 * is kept as its latest report and is contact (a live change for the consoles); bad input is a 400
 * naming the field; only station credentials may send one; the refused events it names become
 * problems in the exceptions inbox once each, closed by discard with a reason or by the station no
 * longer holding them; GET /supervisor/stations says reporting, quiet after STATION_QUIET_SECONDS
 * or never, with unsent events, refused count, app version, storage and clock skew; the board's
 * completeness counts stations holding unsent events, quiet and never heard from.
 */
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heartbeat, RefusedReport } from '../../shared/station-api';
import { MAX_REFUSED_REPORTED, heartbeatAnswerSchema } from '../../shared/station-api';
import { boardSchema, stationsHealthSchema } from '../../shared/supervisor-api';
import { problemPageSchema } from '../../shared/exceptions-api';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';

const QUIET_SECONDS = 60;
let edge: TestEdge;
let supervisor: string;
let offsetMs = 0;
const clock = (): Date => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  edge = await startTestEdge({ clock, env: { STATION_QUIET_SECONDS: String(QUIET_SECONDS) } });
  supervisor = await edge.login('supervisor');
});
afterAll(async () => edge.close());

function heartbeat(fields: Partial<Heartbeat> = {}): Heartbeat {
  return {
    stationClock: clock().toISOString(),
    appVersion: 'build Ab12Cd34',
    pending: 0,
    oldestPendingAt: null,
    refusedCount: 0,
    refused: [],
    storage: { usedBytes: 5_000_000, quotaBytes: 2_000_000_000 },
    onlineSince: clock().toISOString(),
    ...fields,
  };
}

function refused(code: string, fields: Partial<RefusedReport> = {}): RefusedReport {
  return {
    id: uuidv7(),
    type: 'complete',
    code,
    nodeCode: 'CUT',
    reasonCode: 'WRONG_STATUS',
    reason: 'The token is ready, not active',
    occurredAt: clock().toISOString(),
    at: clock().toISOString(),
    ...fields,
  };
}

async function send(token: string | null, body: unknown, type = 'application/json') {
  const res = await fetch(`${edge.url}/api/v1/station/heartbeat`, {
    method: 'POST',
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function supervisorGet(path: string): Promise<unknown> {
  const res = await fetch(`${edge.url}/api/v1/supervisor${path}`, {
    headers: { authorization: `Bearer ${supervisor}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const stations = async () => stationsHealthSchema.parse(await supervisorGet('/stations'));
const stationNamed = async (name: string) => {
  const found = (await stations()).stations.find((s) => s.name === name);
  if (!found) throw new Error(`no station ${name}`);
  return found;
};
const refusedProblems = async (query = '') =>
  problemPageSchema.parse(await supervisorGet(`/exceptions?kind=refused${query}`)).problems;
const liveStationChanges = (): number =>
  (
    edge.core.db.prepare("SELECT count(*) AS n FROM live_change WHERE kind = 'station'").get() as {
      n: number;
    }
  ).n;

describe('station heartbeat', () => {
  it('SV-40, SV-45: a heartbeat is kept as the station’s report and is contact; consoles hear of it', async () => {
    const before = await stationNamed('WC-CUT-1');
    expect(before).toMatchObject({ state: 'never', lastContactAt: null, report: null });
    const changes = liveStationChanges();
    const oldest = new Date(clock().getTime() - 5 * 60_000).toISOString();
    const res = await send(
      edge.stationToken('WC-CUT'),
      heartbeat({
        pending: 41,
        oldestPendingAt: oldest,
        // The tablet's clock is 3 minutes fast.
        stationClock: new Date(clock().getTime() + 180_000).toISOString(),
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(heartbeatAnswerSchema.parse(res.body).quietAfterSeconds).toBe(QUIET_SECONDS);
    expect(liveStationChanges()).toBe(changes + 1);
    const after = await stationNamed('WC-CUT-1');
    expect(after).toMatchObject({
      state: 'reporting',
      lastSeenAt: null, // no push yet: the heartbeat alone is contact
      clockSkewFlagged: true,
      report: {
        appVersion: 'build Ab12Cd34',
        pending: 41,
        oldestPendingAt: oldest,
        refusedCount: 0,
        storage: { usedBytes: 5_000_000, quotaBytes: 2_000_000_000 },
      },
    });
    expect(after.lastContactAt).not.toBeNull();
    expect(after.clockSkewMs).toBeGreaterThan(179_000);
    expect(after.clockSkewMs).toBeLessThan(181_000);
  });

  it('SV-41: bad input is a 400 naming the field; a body beyond its limit is a 413; not JSON is a 400', async () => {
    const token = edge.stationToken('WC-CUT');
    const cases: [unknown, string][] = [
      [heartbeat({ pending: -1 }), 'pending'],
      [{ ...heartbeat(), pending: 'lots' }, 'pending'],
      [{ ...heartbeat(), appVersion: undefined }, 'appVersion'],
      [heartbeat({ stationClock: 'yesterday' }), 'stationClock'],
      [
        heartbeat({
          refusedCount: 60,
          refused: Array.from({ length: MAX_REFUSED_REPORTED + 1 }, () => refused('BV-DEMO-0001')),
        }),
        'refused',
      ],
      [
        heartbeat({ refusedCount: 1, refused: [{ ...refused('BV-DEMO-0001'), reasonCode: '' }] }),
        'refused.0.reasonCode',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await send(token, body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message).toContain(field);
    }
    expect((await send(token, 'not json')).status).toBe(400);
    expect((await send(token, heartbeat(), 'text/plain')).status).toBe(400);
    const huge = heartbeat({ appVersion: 'x'.repeat(70_000) });
    expect((await send(token, huge)).status).toBe(413);
  });

  it('SV-42: only a station credential may send one: a supervisor gets 403, no credential 401', async () => {
    expect((await send(supervisor, heartbeat())).status).toBe(403);
    expect((await send(null, heartbeat())).status).toBe(401);
  });
});

describe('refused events reported by stations', () => {
  let first: RefusedReport;
  let second: RefusedReport;

  it('SV-43: each refused event named becomes one problem in the inbox, in words, with its token now', async () => {
    const token = edge.stationToken('WC-EDGE');
    first = refused('BV-DEMO-0003', { nodeCode: 'EDGE-BODY' });
    second = refused('BV-DEMO-0004', { type: 'start', nodeCode: 'EDGE-BODY', reasonCode: 'NOT_AT_NODE' });
    expect((await send(token, heartbeat({ refusedCount: 2, refused: [first, second] }))).status).toBe(200);
    // Reported again in the next heartbeat: still one problem each.
    expect((await send(token, heartbeat({ refusedCount: 2, refused: [first, second] }))).status).toBe(200);
    const problems = await refusedProblems();
    expect(problems).toHaveLength(2);
    const [one] = problems;
    expect(one).toMatchObject({
      kind: 'refused',
      code: 'EVENT_REFUSED',
      state: 'open',
      actions: ['acknowledge', 'discard'],
      reason: { code: 'WRONG_STATUS', message: 'The token is ready, not active' },
      event: {
        id: first.id,
        type: 'complete',
        code: 'BV-DEMO-0003',
        nodeCode: 'EDGE-BODY',
        station: 'WC-EDGE-1',
      },
      token: { code: 'BV-DEMO-0003', ticket: 'DEMO-TOTE', status: 'ready' },
    });
    expect(one?.message).toMatch(/^complete of BV-DEMO-0003 at EDGE-BODY from WC-EDGE-1 was refused/);
    expect((await stationNamed('WC-EDGE-1')).report?.refusedCount).toBe(2);
  });

  it('SV-43: acknowledged, then discarded with a reason (it never applied here); apply is a 400 saying why', async () => {
    const [one] = await refusedProblems();
    const act = async (path: string, body: unknown) => {
      const res = await fetch(`${edge.url}/api/v1/supervisor/exceptions/refused/${one?.id}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    expect((await act('acknowledge', {})).status).toBe(200);
    const apply = await act('resolve', { action: 'apply', reason: 'move it anyway' });
    expect(apply.status).toBe(400);
    expect(apply.body.error.message).toMatch(/^action: a refused event is closed here by discard/);
    const discard = await act('resolve', { action: 'discard', reason: 'operator re-scanned it' });
    expect(discard.status, JSON.stringify(discard.body)).toBe(200);
    expect(discard.body.problem).toMatchObject({ state: 'resolved', outcome: 'discarded', actions: [] });
    expect(discard.body.audit).toMatchObject({ action: 'discard', reason: 'operator re-scanned it' });
    // The station still reports it: it stays resolved, not opened again.
    await send(edge.stationToken('WC-EDGE'), heartbeat({ refusedCount: 2, refused: [first, second] }));
    expect((await refusedProblems()).map((p) => p.event?.id)).toEqual([second.id]);
  });

  it('SV-43: a complete report without an event it named before closes that problem: the station cleared it', async () => {
    await send(edge.stationToken('WC-EDGE'), heartbeat({ refusedCount: 0, refused: [] }));
    expect(await refusedProblems()).toEqual([]);
    const resolved = await refusedProblems('&state=resolved');
    expect(resolved.find((p) => p.event?.id === second.id)).toMatchObject({
      state: 'resolved',
      stateBy: null,
      outcome: 'cleared_at_station',
    });
  });

  it('SV-43: a report cut at 50 does not close what it left out', async () => {
    const token = edge.stationToken('WC-STITCH');
    const old = refused('BV-DEMO-0005');
    await send(token, heartbeat({ refusedCount: 1, refused: [old] }));
    const recent = Array.from({ length: MAX_REFUSED_REPORTED }, () => refused('BV-DEMO-0006'));
    await send(token, heartbeat({ refusedCount: MAX_REFUSED_REPORTED + 1, refused: recent }));
    const open = await refusedProblems('&limit=500');
    expect(open.some((p) => p.event?.id === old.id)).toBe(true);
    expect(open).toHaveLength(MAX_REFUSED_REPORTED + 1);
  });
});

describe('station health and the board’s completeness', () => {
  it('SV-44, SV-46: a push is contact too; quiet once STATION_QUIET_SECONDS pass without contact; never without any', async () => {
    const qc = new TestStation(edge.url, edge.stationToken('WC-QC'));
    await qc.send('note', 'BV-DEMO-0001', 'QC', { text: 'hello' });
    expect(await stationNamed('WC-QC-1')).toMatchObject({ state: 'reporting', report: null });
    expect((await stationNamed('WC-QC-1')).lastContactAt).not.toBeNull();
    const answer = await stations();
    expect(answer.quietAfterSeconds).toBe(QUIET_SECONDS);
    expect(answer.stations.filter((s) => s.state === 'never').length).toBeGreaterThan(0);

    offsetMs += (QUIET_SECONDS + 5) * 1000;
    const later = await stationNamed('WC-QC-1');
    expect(later.state).toBe('quiet');
    expect(later.secondsSinceContact).toBeGreaterThan(QUIET_SECONDS);
    expect((await stationNamed('WC-CUT-1')).state).toBe('quiet');
    // A heartbeat brings it back.
    await send(edge.stationToken('WC-QC'), heartbeat());
    expect((await stationNamed('WC-QC-1')).state).toBe('reporting');
  });

  it('SV-6: the board says how many stations hold unsent events and how many, which are quiet, which never reported', async () => {
    const board = boardSchema.parse(await supervisorGet('/board'));
    const all = (await stations()).stations.filter((s) => !s.revoked);
    // WC-CUT-1 reported 41 unsent events, and is quiet now; WC-QC-1 reports, holding none.
    expect(board.completeness).toMatchObject({
      stationsWithUnsent: 1,
      unsentEvents: 41,
      stationsQuiet: all.filter((s) => s.state === 'quiet').length,
      stationsNeverReported: all.filter((s) => s.state === 'never').length,
      quietAfterSeconds: QUIET_SECONDS,
    });
    expect(board.completeness.stationsQuiet).toBeGreaterThanOrEqual(1);
    // WC-QC-1 turns quiet QUIET_SECONDS after its heartbeat: the console asks again then.
    const qc = await stationNamed('WC-QC-1');
    expect(Date.parse(board.completeness.nextQuietAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(qc.lastContactAt ?? '') + QUIET_SECONDS * 1000,
    );
    await send(edge.stationToken('WC-CUT'), heartbeat({ pending: 0 }));
    const after = boardSchema.parse(await supervisorGet('/board'));
    expect(after.completeness).toMatchObject({ stationsWithUnsent: 0, unsentEvents: 0 });
    expect(after.completeness.stationsQuiet).toBe(board.completeness.stationsQuiet - 1);
  });
});
