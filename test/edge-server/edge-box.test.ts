/**
 * A year on an edge box: a full disk, a database kept bounded by archiving, backups and restores,
 * and a graceful stop, each against a real edge server on a real SQLite file over real HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge, stationEvent, tok } from '../support/edge';
import { waitFor } from '../support/wait';

let edges: TestEdge[] = [];
afterEach(async () => {
  // Sites before the hubs they forward to.
  for (const e of edges.reverse()) await e.close();
  edges = [];
});

async function edge(env: Record<string, string> = {}, clock?: () => Date): Promise<TestEdge> {
  const e = await startTestEdge({ env: { DISK_WARN_FREE_MB: '0', ...env }, ...(clock ? { clock } : {}) });
  edges.push(e);
  return e;
}

async function json(e: TestEdge, token: string | null, method: string, url: string, body?: unknown) {
  const res = await fetch(`${e.url}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed: any = await res.json().catch(() => null);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A hub, and a site forwarding to it over HTTP with quick retries. */
async function siteWithHub(): Promise<{ hub: TestEdge; site: TestEdge }> {
  const hub = await edge({ SITE_CODE: 'HUB' });
  const admin = await hub.login('admin');
  const enrolled = await json(hub, admin, 'POST', '/api/v1/admin/sites', { code: 'BKK-1' });
  const site = await edge({
    SITE_CODE: 'BKK-1',
    UPSTREAM_URL: hub.url,
    UPSTREAM_CREDENTIAL: enrolled.body.credential,
    FORWARD_BACKOFF_BASE_MS: '20',
    FORWARD_BACKOFF_MAX_SECONDS: '0.3',
    FORWARD_IDLE_MS: '50',
  });
  return { hub, site };
}

/** Notes on the demo tote: each one a row of about a kilobyte. */
function notes(from: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    stationEvent({
      seq: from + i,
      type: 'note',
      code: 'BV-DEMO-0001',
      nodeCode: 'CUT',
      data: { text: `note ${from + i}: ${'x'.repeat(800)}` },
    }),
  );
}

describe('a full disk', () => {
  it('OP-2: pushes answer 507 STORAGE_FULL and store nothing; what was acknowledged stays; health and forwarding say why; freeing space resumes all by itself', async () => {
    const { hub, site } = await siteWithHub();
    const token = site.stationToken('WC-CUT');
    const db = site.core.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    // The database may grow by 40 pages (160 KB) and no more: a disk that is about to fill.
    db.pragma(`max_page_count = ${pages + 40}`);

    const acknowledged: string[] = [];
    let refused: { events: Record<string, unknown>[]; answer: Awaited<ReturnType<typeof push>> } | null =
      null;
    for (let batch = 0; batch < 100 && !refused; batch++) {
      const events = notes(batch * 20 + 1, 20);
      const answer = await push(site.url, token, events);
      if (answer.status === 200) acknowledged.push(...events.map((e) => String(e['id'])));
      else refused = { events, answer };
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused?.answer.status).toBe(507);
    expect(refused?.answer.body.error.code).toBe('STORAGE_FULL');
    expect(refused?.answer.body.error.message).toMatch(/disk .*full.*nothing of this request was stored/);
    expect(Number(refused?.answer.headers.get('retry-after'))).toBeGreaterThan(0);

    const stored = (ids: string[]) =>
      ids.filter(
        (id) => db.prepare('SELECT 1 FROM token_event WHERE event_id = ?').pluck().get(id) !== undefined,
      ).length;
    const refusedIds = (refused?.events ?? []).map((e) => String(e['id']));
    expect(stored(acknowledged)).toBe(acknowledged.length);
    expect(stored(refusedIds)).toBe(0);

    const health = await json(site, null, 'GET', '/api/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'failing',
      storage: { writable: false, problem: 'full', failingSince: expect.any(String) },
      disk: { freeBytes: expect.any(Number), totalBytes: expect.any(Number) },
    });
    expect(health.body.warnings.join(' ')).toMatch(/disk .*full/);
    const supervisor = await site.login('supervisor');
    const upstream = await json(site, supervisor, 'GET', '/api/v1/supervisor/upstream');
    expect(upstream.body.storage).toMatchObject({ writable: false, problem: 'full' });
    const metrics = await (await fetch(`${site.url}/metrics`)).text();
    expect(metrics).toMatch(/scan_storage_writable 0/);
    expect(metrics).not.toMatch(/status="500"/);

    // Space is freed: the station's retry goes through and everything goes on without a restart.
    db.pragma('max_page_count = 1073741823');
    const retry = await push(site.url, token, refused?.events ?? []);
    expect(retry.status).toBe(200);
    expect(retry.body.results.every((r: any) => r.status === 'applied')).toBe(true);
    expect((await json(site, null, 'GET', '/api/v1/health')).body).toMatchObject({
      status: 'ok',
      storage: { writable: true, failingSince: null },
    });
    const all = [...acknowledged, ...refusedIds];
    await waitFor(
      () =>
        all.every(
          (id) => hub.core.db.prepare('SELECT 1 FROM hub_record WHERE record_id = ?').pluck().get(id) === 1,
        ),
      { what: 'every note at the hub' },
    );
    expect(
      hub.core.db
        .prepare('SELECT count(*) FROM hub_record WHERE record_id IN (SELECT value FROM json_each(?))')
        .pluck()
        .get(JSON.stringify(all)),
    ).toBe(all.length);
  });

  it('OP-2: the health endpoint warns when the disk holding DATA_DIR has less free space than DISK_WARN_FREE_MB', async () => {
    const e = await edge({ DISK_WARN_FREE_MB: String(1024 * 1024 * 1024) });
    const health = await json(e, null, 'GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('warning');
    expect(health.body.warnings[0]).toMatch(
      /^Only \d+ MB free on the disk holding .* \(warning below 1073741824 MB\)/,
    );
    expect(health.body.disk.warnBelowBytes).toBe(1024 ** 5);
  });
});

describe('a bounded database', () => {
  it('OP-3: events older than RETENTION_DAYS move to a monthly archive file by the server itself; a serial’s trace reads both; parked events and bindings stay live', async () => {
    let now = Date.parse('2026-09-10T08:00:00.000Z');
    // The server's own archive job, run often here; its clock is the test's.
    const e = await edge({ RETENTION_DAYS: '30', ARCHIVE_INTERVAL_HOURS: '0.0002' }, () => new Date(now));
    const [cut, edgeSt, strap, pack] = ['WC-CUT', 'WC-EDGE', 'WC-STITCH', 'WC-PACK'].map(
      (wc) => new TestStation(e.url, e.stationToken(wc)),
    ) as [TestStation, TestStation, TestStation, TestStation];
    await cut.send('start', 'BV-DEMO-0001', 'CUT');
    await cut.send('complete', 'BV-DEMO-0001', 'CUT');
    await edgeSt.send('start', 'BV-DEMO-0001', 'EDGE-BODY');
    await edgeSt.send('bind_component', 'BV-DEMO-0001', 'EDGE-BODY', { componentSerial: 'LEATHER-77' });
    const early = await pack.send('start', 'BV-DEMO-0001', 'PACK');
    expect(early.status).toBe('parked');
    const db = e.core.db;
    const septemberRows = db.prepare('SELECT count(*) FROM token_event').pluck().get() as number;

    now = Date.parse('2026-11-20T08:00:00.000Z');
    await edgeSt.send('complete', 'BV-DEMO-0001', 'EDGE-BODY');
    await strap.send('start', 'BV-DEMO-0001', 'STITCH-STRAP');
    const file = path.join(e.dataDir, 'archive', 'events-2026-09.sqlite');
    await waitFor(
      () =>
        fs.existsSync(file) &&
        db
          .prepare('SELECT count(*) FROM token_event WHERE received_ms < ?')
          .pluck()
          .get(Date.parse('2026-10-01')) === 2,
      {
        what: 'September’s settled events in the archive',
      },
    );

    // Kept live: the parked start (it may still apply) and the binding's event (recalls need it).
    const live = db
      .prepare(
        "SELECT event_type, status FROM token_event WHERE received_ms < ? AND origin = 'station' ORDER BY id",
      )
      .all(Date.parse('2026-10-01'));
    expect(live).toEqual([
      { event_type: 'bind_component', status: 'applied' },
      { event_type: 'start', status: 'parked' },
    ]);
    const root = db
      .prepare("SELECT id FROM flow_token WHERE code = 'BV-DEMO-0001' AND parent_token_id IS NULL")
      .pluck()
      .get();
    const archived = new Database(file, { readonly: true });
    const inFile = archived.prepare('SELECT count(*) FROM token_event').pluck().get() as number;
    const familyInFile = archived
      .prepare('SELECT count(*) FROM token_event WHERE root_token_id = ?')
      .pluck()
      .get(root) as number;
    archived.close();
    expect(inFile).toBe(septemberRows - 2);
    const familyLive = db
      .prepare('SELECT count(*) FROM token_event WHERE root_token_id = ?')
      .pluck()
      .get(root) as number;

    const supervisor = await e.login('supervisor');
    const trace = await json(e, supervisor, 'GET', '/api/v1/supervisor/tokens/BV-DEMO-0001');
    const stationEvents = trace.body.events.filter((ev: any) => ev.origin === 'station');
    expect(stationEvents.map((ev: any) => [ev.type, ev.nodeCode, ev.archived])).toEqual([
      ['start', 'CUT', true],
      ['complete', 'CUT', true],
      ['start', 'EDGE-BODY', true],
      ['bind_component', 'EDGE-BODY', false],
      ['start', 'PACK', false],
      ['complete', 'EDGE-BODY', false],
      ['start', 'STITCH-STRAP', false],
    ]);
    expect(stationEvents[0]).toMatchObject({
      station: 'WC-CUT-1',
      operatorBadge: 'OP-0001',
      status: 'applied',
    });
    expect(trace.body.events.length).toBe(familyInFile + familyLive);
    expect(familyInFile).toBeGreaterThan(3);
    expect((await json(e, supervisor, 'GET', '/api/v1/supervisor/parked')).body.parked).toHaveLength(1);
    // The tote goes on; the archive changes nothing for the stations.
    expect((await strap.send('complete', 'BV-DEMO-0001', 'STITCH-STRAP')).token).toEqual(
      tok('BV-DEMO-0001', 'STITCH-STRAP', 'JOIN-PANELS', 'completed'),
    );
  });

  it('OP-3: with an upstream, events not yet delivered stay live however old they are', async () => {
    let now = Date.parse('2026-09-10T08:00:00.000Z');
    // An upstream that never answers: nothing is ever delivered.
    const e = await edge(
      { RETENTION_DAYS: '30', UPSTREAM_URL: 'http://127.0.0.1:9', UPSTREAM_CREDENTIAL: 'x' },
      () => new Date(now),
    );
    await new TestStation(e.url, e.stationToken('WC-CUT')).send('start', 'BV-DEMO-0001', 'CUT');
    const before = e.core.db.prepare('SELECT count(*) FROM token_event').pluck().get();
    now = Date.parse('2026-11-30T08:00:00.000Z');
    expect(e.core.archive.run(new Date(now)).events).toBe(0);
    expect(e.core.db.prepare('SELECT count(*) FROM token_event').pluck().get()).toBe(before);
  });
});
