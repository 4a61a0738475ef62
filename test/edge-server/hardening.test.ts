/**
 * What a review of the edge server found, kept as checks: a busy database waits instead of failing,
 * password guessing is slowed, a hub binds records to the site that sends them, a resend of an
 * event with reordered nested data is a duplicate, and a station sees only its own events' status.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent, TestStation } from '../support/edge';
import { waitFor } from '../support/wait';

let edges: TestEdge[] = [];
afterEach(async () => {
  for (const e of edges) await e.close();
  edges = [];
});

async function edge(env: Record<string, string> = {}): Promise<TestEdge> {
  const e = await startTestEdge({ env });
  edges.push(e);
  return e;
}

async function api(e: TestEdge, token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${e.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const parsed: any = await res.json().catch(() => null);
  return { status: res.status, body: parsed };
}

describe('hardening', () => {
  it('IN-4: a push while another process holds the write lock waits for it (busy_timeout) and applies', async () => {
    const e = await edge();
    // Another process (as the CLI would be) holds a write transaction, and says when it lets go.
    // Its hold is a time on purpose: while the push waits, this process is blocked inside SQLite
    // and cannot tell it when. Long enough for the push to arrive on a loaded machine, well under
    // busy_timeout (5 s).
    const HOLD_MS = 2000;
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(${JSON.stringify(path.join(e.dataDir, 'edge.sqlite'))});` +
          `db.exec('BEGIN IMMEDIATE');console.log('locked');` +
          `setTimeout(()=>{const at=Date.now();db.exec('COMMIT');console.log('released '+at);process.exit(0)},${HOLD_MS});`,
      ],
      { cwd: path.join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    holder.stdout.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    await waitFor(() => said.includes('locked'), { what: 'the other process to hold the lock' });
    const cut = new TestStation(e.url, e.stationToken('WC-CUT'));
    const result = await cut.send('start', 'BV-DEMO-0001', 'CUT');
    const answeredAt = Date.now();
    expect(result.status).toBe('applied');
    await exited;
    const releasedAt = Number(/released (\d+)/.exec(said)?.[1]);
    // The push arrived while the lock was held, and its answer came after the lock was let go.
    const { receivedAt } = e.core.db
      .prepare('SELECT received_ms AS receivedAt FROM token_event WHERE event_id = ?')
      .get(result.id) as { receivedAt: number };
    expect(receivedAt).toBeLessThan(releasedAt);
    expect(answeredAt).toBeGreaterThanOrEqual(releasedAt);
  });

  it('AU-3: password guessing for one username is rate limited after five tries (429 with Retry-After)', async () => {
    const e = await edge();
    const attempt = (password: string) =>
      fetch(`${e.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'supervisor', password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const limited = await attempt('wrong-again');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const limitedBody: any = await limited.json();
    expect(limitedBody.error.code).toBe('RATE_LIMITED');
  });

  it('FW-7, HT-2: a hub refuses a site’s record claiming another site (FOREIGN_SITE), answers 413 beyond 500 records, and rejects too-deep data', async () => {
    const hub = await edge({ SITE_CODE: 'HUB' });
    const admin = await hub.login('admin');
    const { body: enrolled } = await api(hub, admin, 'POST', '/api/v1/admin/sites', { code: 'SITE-A' });
    const now = new Date().toISOString();
    const record = (site: string, data: unknown = {}) => ({
      id: uuidv7(),
      site,
      type: 'start',
      origin: 'station',
      station: 'S',
      seq: 1,
      code: 'X-1',
      nodeCode: 'CUT',
      operatorBadge: 'OP',
      occurredAt: now,
      receivedAt: now,
      appliedAt: now,
      qty: 1,
      data,
      token: null,
    });
    // 5,000 levels of nesting, written as text (JSON.stringify itself would overflow the stack).
    const deepRecord = JSON.stringify(record('SITE-A', { deep: 'DEEP' })).replace(
      '"DEEP"',
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    );
    const body = `{"site":"SITE-A","records":[${JSON.stringify(record('SITE-A'))},${JSON.stringify(record('SITE-B'))},${deepRecord}]}`;
    const res = await api(hub, enrolled.credential, 'POST', '/api/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(res.body.results[1].reason.code).toBe('FOREIGN_SITE');
    expect(res.body.results[2].reason.code).toBe('INVALID_RECORD');
    const tooMany = await api(hub, enrolled.credential, 'POST', '/api/v1/events', {
      site: 'SITE-A',
      records: Array.from({ length: 501 }, () => record('SITE-A')),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('IN-2: resending an event whose nested data lists its keys in another order is a duplicate', async () => {
    const e = await edge();
    const id = uuidv7();
    const base = {
      id,
      seq: 1,
      type: 'note',
      code: 'BV-DEMO-0001',
      nodeCode: 'CUT',
      occurredAt: new Date().toISOString(),
    };
    const first = await push(e.url, e.stationToken('WC-CUT'), [
      stationEvent({ ...base, data: { text: 'glue', m: { a: 1, b: 2 } } }),
    ]);
    const again = await push(e.url, e.stationToken('WC-CUT'), [
      stationEvent({ ...base, data: { m: { b: 2, a: 1 }, text: 'glue' } }),
    ]);
    expect(first.body.results[0].status).toBe('applied');
    expect(again.body.results[0]).toEqual({ id, status: 'duplicate', token: first.body.results[0].token });
  });

  it('FW-8, HT-1: a station sees the upstream status of its own events only; a bad resend body is 400, not 500', async () => {
    const e = await edge();
    const cut = new TestStation(e.url, e.stationToken('WC-CUT'));
    const event = cut.event('start', 'BV-DEMO-0001', 'CUT');
    const eventId = String(event['id']);
    await push(e.url, e.stationToken('WC-CUT'), [event]);
    const own = await api(e, e.stationToken('WC-CUT'), 'GET', `/api/v1/station/upstream?ids=${eventId}`);
    expect(own.body.events).toEqual([{ id: event['id'], status: 'pending' }]);
    const other = await api(e, e.stationToken('WC-EDGE'), 'GET', `/api/v1/station/upstream?ids=${eventId}`);
    expect(other.body.events).toEqual([{ id: event['id'], status: 'unknown' }]);
    const supervisor = await e.login('supervisor');
    for (const body of ['null', '7', '{"outboxId": 3', '{"outboxId": "x"}']) {
      const res = await api(e, supervisor, 'POST', '/api/v1/supervisor/upstream/dead/resend', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
  });
});
