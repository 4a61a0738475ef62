/**
 * A year on an edge box: a full disk, a database kept bounded by archiving, backups and restores,
 * and a graceful stop, each against a real edge server on a real SQLite file over real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent } from '../support/edge';
import { waitFor } from '../support/wait';

let edges: TestEdge[] = [];
afterEach(async () => {
  // Sites before the hubs they forward to.
  for (const e of edges.reverse()) await e.close();
  edges = [];
});

async function edge(env: Record<string, string> = {}): Promise<TestEdge> {
  const e = await startTestEdge({ env: { DISK_WARN_FREE_MB: '0', ...env } });
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
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as any };
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
  it('pushes answer 507 STORAGE_FULL and store nothing; what was acknowledged stays; health and forwarding say why; freeing space resumes all by itself', async () => {
    const { hub, site } = await siteWithHub();
    const token = site.stationToken('WC-CUT');
    const db = site.site.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    // The database may grow by 40 pages (160 KB) and no more: a disk that is about to fill.
    db.pragma(`max_page_count = ${pages + 40}`);

    const acknowledged: string[] = [];
    let refused: { events: Record<string, unknown>[]; answer: Awaited<ReturnType<typeof push>> } | null = null;
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
          (id) => hub.site.db.prepare('SELECT 1 FROM hub_record WHERE record_id = ?').pluck().get(id) === 1,
        ),
      { what: 'every note at the hub' },
    );
    expect(
      hub.site.db.prepare('SELECT count(*) FROM hub_record WHERE record_id IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(all)),
    ).toBe(all.length);
  });

  it('the health endpoint warns when the disk holding DATA_DIR has less free space than DISK_WARN_FREE_MB', async () => {
    const e = await edge({ DISK_WARN_FREE_MB: String(1024 * 1024 * 1024) });
    const health = await json(e, null, 'GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('warning');
    expect(health.body.warnings[0]).toMatch(/^Only \d+ MB free on the disk holding .* \(warning below 1073741824 MB\)/);
    expect(health.body.disk.warnBelowBytes).toBe(1024 ** 5);
  });
});
