/**
 * What an outside black-box probe and a chaos run found (issue "Hardening"), each as a check over
 * real HTTP against a real edge server on a real SQLite file: large routings, a body cut short,
 * a station revoked by another process, security headers, sign-in throttling, another station's
 * event id, and two parking departures.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTls } from '../../edge-server/ops/tls';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent, TestStation, tok } from '../support/edge';
import { chainRouting, wideSplit } from '../support/large-routings';
import { waitFor } from '../support/wait';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');

let edges: TestEdge[] = [];
afterEach(async () => {
  for (const e of edges) await e.close();
  edges = [];
});

async function edge(options: Parameters<typeof startTestEdge>[0] = {}): Promise<TestEdge> {
  const e = await startTestEdge(options);
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
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A routing drawn with the large-routing helpers, on the demo's own cutting work center. */
function routingOf(code: string, shape: { nodes: any[]; edges: any[] }) {
  return {
    code,
    name: `${code} (generated)`,
    version: 1,
    workCenters: [
      { code: 'WC-OP', name: 'Operations', behavior: 'ASSEMBLY' },
      { code: 'WC-QC', name: 'Inspection', behavior: 'QC' },
    ],
    ...shape,
  };
}

describe('large routings (findings 1 and 2)', () => {
  it('RG-12: a split into 10,000 branches is checked and published (201), and a push made meanwhile is applied', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const importing = api(e, admin, 'POST', '/api/v1/admin/routings', routingOf('WIDE', wideSplit(10_000)));
    const cut = new TestStation(e.url, e.stationToken('WC-CUT'));
    const pushed = await cut.send('start', 'BV-DEMO-0001', 'CUT');
    expect(pushed).toEqual({
      id: expect.any(String),
      status: 'applied',
      token: tok('BV-DEMO-0001', null, 'CUT', 'active'),
    });
    const imported = await importing;
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ code: 'WIDE', version: 1, created: true });
    // Published whole: every node is there, and importing it again is harmless.
    const nodes = e.core.db
      .prepare(
        'SELECT count(*) FROM routing_node n JOIN routing_graph g ON g.id = n.graph_id WHERE g.code = ?',
      )
      .pluck()
      .get('WIDE');
    expect(nodes).toBe(10_004);
    const again = await api(e, admin, 'POST', '/api/v1/admin/routings', routingOf('WIDE', wideSplit(10_000)));
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
  });

  it('RG-12, RG-8: a linear task list of 10,000 tasks is published, not answered 500', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const { nodes } = chainRouting(10_000);
    const res = await api(e, admin, 'POST', '/api/v1/admin/routings', {
      code: 'LONG',
      name: 'A long task list',
      version: 1,
      routingMode: 'linear',
      workCenters: [{ code: 'WC-OP', name: 'Operations', behavior: 'ASSEMBLY' }],
      tasks: nodes.map((n) => ({ code: n.code, workCenter: 'WC-OP' })),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'LONG', routingMode: 'linear', created: true });
  });

  it('RG-12, RG-2: a 10,000-node routing with a cycle is refused with the cycle named, and nothing is stored', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const { nodes, edges: links } = chainRouting(10_000);
    const res = await api(e, admin, 'POST', '/api/v1/admin/routings', {
      ...routingOf('LOOP', { nodes, edges: [...links, { from: 'T10000', to: 'T9998' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'RG-2 normal edges form a cycle: T9998 -> T9999 -> T10000 -> T9998',
    );
    expect(res.body.error.details[0]).toMatchObject({ rule: 'RG-2', nodes: ['T9998', 'T9999', 'T10000'] });
    expect(
      e.core.db.prepare("SELECT count(*) FROM routing_graph WHERE code LIKE '%LOOP%'").pluck().get(),
    ).toBe(0);
  });

  it('HT-2: a routing body over 4 MiB is 413, whatever it holds', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const res = await api(e, admin, 'POST', '/api/v1/admin/routings', {
      padding: 'x'.repeat(4 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('request bodies (findings 3 and 4)', () => {
  it('HT-2, FW-4: the dead-letter resend reads at most 16 KiB: 8 MiB is 413; an empty body still resends all', async () => {
    const e = await edge();
    const supervisor = await e.login('supervisor');
    const big = await api(e, supervisor, 'POST', '/api/v1/supervisor/upstream/dead/resend', {
      outboxId: 1,
      padding: 'x'.repeat(8 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const res = await fetch(`${e.url}/api/v1/supervisor/upstream/dead/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ resent: 0 });
  });

  it('HT-2, OP-11: a client that sends half a body and hangs up is a 400 in the metrics, not a 500 nor an error in the log', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const e = await edge({ log });
    const token = e.stationToken('WC-CUT');
    for (let i = 0; i < 3; i++) {
      const socket = net.connect(e.server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"stationClock": "2026-11-30T08:00:00.000Z", "events": [',
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
      socket.destroy();
    }
    const counted = await waitFor(async () => {
      const metrics = await (await fetch(`${e.url}/metrics`)).text();
      return /scan_http_requests_total\{route="\/api\/v1\/events",status="400"\} 3/.test(metrics)
        ? metrics
        : null;
    });
    expect(counted).not.toMatch(/status="5\d\d"/);
    expect(lines.filter((l) => /unhandled|"level":50/.test(l))).toEqual([]);
    // The server goes on as before.
    const ok = await new TestStation(e.url, token).send('start', 'BV-DEMO-0001', 'CUT');
    expect(ok.status).toBe('applied');
  });
});

describe('credentials (findings 5 and 7)', () => {
  it('AU-4: a station revoked from the command line (another process) is refused on every route at once', async () => {
    const e = await edge();
    const token = e.stationToken('WC-CUT');
    const before = await api(e, token, 'GET', '/api/v1/station/upstream?ids=x');
    expect(before.status).toBe(200);
    await run(
      process.execPath,
      ['--import', 'tsx', 'edge-server/cli.ts', 'revoke-station', '--name', 'WC-CUT-1'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: e.dataDir, LOG_LEVEL: 'silent' },
      },
    );
    for (const route of ['/api/v1/station/upstream?ids=x', '/api/v1/station/snapshot']) {
      const after = await api(e, token, 'GET', route);
      expect(after.status).toBe(401);
      expect(after.body.error.message).toMatch(/revoked/);
    }
  });

  /** A sign-in from a given loopback address (127.0.0.x: one machine, several addresses). */
  function signIn(e: TestEdge, from: string, username: string, password: string) {
    return new Promise<{ status: number; retryAfter: number | null }>((resolve, reject) => {
      const body = JSON.stringify({ username, password });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: e.server.port,
          localAddress: from,
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const retry = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, retryAfter: retry === undefined ? null : Number(retry) });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('AU-3: five wrong passwords slow that username from that address only: its owner signs in from another address', async () => {
    const e = await edge();
    const { username, password } = e.demo.supervisor;
    for (let i = 0; i < 5; i++)
      expect((await signIn(e, '127.0.0.2', username, `guess-${i}`)).status).toBe(401);
    const slowed = await signIn(e, '127.0.0.2', username, password);
    expect(slowed.status).toBe(429);
    expect(slowed.retryAfter).toBeGreaterThan(0);
    expect((await signIn(e, '127.0.0.3', username, password)).status).toBe(200);
  });

  it('AU-3: guesses spread over many usernames from one address are slowed too, with waits that grow', async () => {
    let now = Date.parse('2026-11-30T08:00:00.000Z');
    const e = await edge({ clock: () => new Date(now) });
    const waits: number[] = [];
    for (let i = 0; i < 10; i++)
      expect((await signIn(e, '127.0.0.4', `nobody-${i}`, 'guess')).status).toBe(401);
    for (let round = 0; round < 3; round++) {
      const refused = await signIn(e, '127.0.0.4', `another-${round}`, 'guess');
      expect(refused.status).toBe(429);
      waits.push(refused.retryAfter ?? 0);
      now += (refused.retryAfter ?? 0) * 1000;
      expect((await signIn(e, '127.0.0.4', `another-${round}`, 'guess')).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
    // Another address is not slowed by this one's guesses.
    expect((await signIn(e, '127.0.0.5', e.demo.admin.username, e.demo.admin.password)).status).toBe(200);
  });
});

describe('security headers (finding 6)', () => {
  const expectHardened = (headers: Headers) => {
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  };

  it('HT-3: the app, the API (errors too) and the CA page carry a CSP and the other headers; HSTS only over HTTPS', async () => {
    const e = await edge();
    const app = await fetch(`${e.url}/`, { headers: { accept: 'text/html' } });
    expectHardened(app.headers);
    expect(app.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(app.headers.get('strict-transport-security')).toBeNull();
    expectHardened((await fetch(`${e.url}/api/v1/health`)).headers);
    const refused = await fetch(`${e.url}/api/v1/supervisor/queues`);
    expect(refused.status).toBe(401);
    expectHardened(refused.headers);
    const ca = await fetch(`${e.url}/ca`);
    expect(ca.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(ca.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('HT-3: over HTTPS the answer also carries Strict-Transport-Security', async () => {
    const probe = await edge();
    const tls = await loadTls(probe.core.config, { addresses: () => ['127.0.0.1'] });
    const e = await edge({ https: { port: 0, tls } });
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      https
        .get(
          { host: '127.0.0.1', port: e.server.httpsPort ?? 0, path: '/api/v1/health', ca: tls.ca?.pem },
          (res) => {
            res.resume();
            resolve(res.headers);
          },
        )
        .on('error', reject);
    });
    expect(headers['strict-transport-security']).toBe('max-age=31536000');
    expect(headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('event identity (finding 8)', () => {
  it("IN-3: station B sending station A's event (same id, same body) is refused, not answered with A's outcome", async () => {
    const e = await edge();
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const first = await push(e.url, e.stationToken('WC-CUT'), [event]);
    expect(first.body.results[0].status).toBe('applied');
    const other = await push(e.url, e.stationToken('WC-EDGE'), [event]);
    expect(other.body.results[0]).toEqual({
      id: event['id'],
      status: 'rejected',
      reason: {
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: `Event id ${String(event['id'])} was already used by another station; give each event a new id`,
      },
    });
    const again = await push(e.url, e.stationToken('WC-CUT'), [event]);
    expect(again.body.results[0]).toEqual({
      id: event['id'],
      status: 'duplicate',
      token: tok('BV-DEMO-0001', null, 'CUT', 'active'),
    });
  });
});

describe('parking (findings 9 and 10)', () => {
  it("PK-4: a start at EDGE-BODY after the join is a conflict at once and does not hold back that station's later events", async () => {
    const e = await edge();
    const [cut, edgeSt, strap] = ['WC-CUT', 'WC-EDGE', 'WC-STITCH'].map(
      (wc) => new TestStation(e.url, e.stationToken(wc)),
    ) as [TestStation, TestStation, TestStation];
    await cut.send('start', 'BV-DEMO-0001', 'CUT');
    await cut.send('complete', 'BV-DEMO-0001', 'CUT');
    await edgeSt.send('start', 'BV-DEMO-0001', 'EDGE-BODY');
    await edgeSt.send('complete', 'BV-DEMO-0001', 'EDGE-BODY');
    await strap.send('start', 'BV-DEMO-0001', 'STITCH-STRAP');
    await strap.send('complete', 'BV-DEMO-0001', 'STITCH-STRAP');
    const late = await edgeSt.send('start', 'BV-DEMO-0001', 'EDGE-BODY');
    expect(late).toMatchObject({
      status: 'parked',
      reason: { code: 'NODE_PASSED' },
      token: tok('BV-DEMO-0001', null, 'ASSEMBLE', 'ready'),
    });
    const supervisor = await e.login('supervisor');
    const conflicts = await api(e, supervisor, 'GET', '/api/v1/supervisor/conflicts');
    expect(conflicts.body.conflicts.map((c: any) => c.reason?.code ?? c.reasonCode)).toContain('NODE_PASSED');
    expect((await api(e, supervisor, 'GET', '/api/v1/supervisor/parked')).body.parked).toEqual([]);
    // Its next event for the tote is not held behind the dead start.
    const note = await edgeSt.send('note', 'BV-DEMO-0001', 'EDGE-BODY', { text: 'body edges done twice?' });
    expect(note.status).toBe('applied');
  });

  it('PK-6: two stations at CUT: the later station’s events arrive first; the earlier batch applies in its order, then they do', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const second = await api(e, admin, 'POST', '/api/v1/admin/stations', {
      name: 'WC-CUT-2',
      workCenter: 'WC-CUT',
    });
    expect(second.status).toBe(201);
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 8, minute)).toISOString();
    const ev = (seq: number, type: string, minute: number) =>
      stationEvent({ seq, type, code: 'BV-DEMO-0001', nodeCode: 'CUT', occurredAt: at(minute) });
    const clock = at(30);
    const later = await push(
      e.url,
      second.body.token,
      [ev(1, 'pause', 4), ev(2, 'resume', 5), ev(3, 'complete', 6)],
      clock,
    );
    expect(later.body.results.map((r: any) => r.status)).toEqual(['parked', 'parked', 'parked']);
    const earlier = await push(
      e.url,
      e.stationToken('WC-CUT'),
      [ev(1, 'start', 1), ev(2, 'pause', 2), ev(3, 'resume', 3)],
      clock,
    );
    expect(earlier.body.results.map((r: any) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const supervisor = await e.login('supervisor');
    expect((await api(e, supervisor, 'GET', '/api/v1/supervisor/parked')).body.parked).toEqual([]);
    expect((await api(e, supervisor, 'GET', '/api/v1/supervisor/conflicts')).body.conflicts).toEqual([]);
    const root = e.core.db
      .prepare(
        "SELECT node_code, status FROM flow_token WHERE code = 'BV-DEMO-0001' AND parent_token_id IS NULL",
      )
      .get();
    expect(root).toEqual({ node_code: 'SPLIT-PANELS', status: 'split' });
  });
});

describe('the protocol version', () => {
  it('HT-3: every API answer names the version it speaks; a caller speaking another version is refused before anything runs', async () => {
    const e = await edge();
    const health = await fetch(`${e.url}/api/v1/health`);
    expect(health.headers.get('scan-protocol-version')).toBe('1');
    const event = stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' });
    const future = await fetch(`${e.url}/api/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${e.stationToken('WC-CUT')}`,
        'content-type': 'application/json',
        'scan-protocol-version': '2',
      },
      body: JSON.stringify({ stationClock: new Date().toISOString(), events: [event] }),
    });
    expect(future.status).toBe(400);
    expect((await future.json()).error.code).toBe('UNSUPPORTED_PROTOCOL');
    expect(
      e.core.db.prepare('SELECT count(*) FROM token_event WHERE event_id = ?').pluck().get(event['id']),
    ).toBe(0);
    const current = await push(e.url, e.stationToken('WC-CUT'), [event]);
    expect(current.body.results[0].status).toBe('applied');
  });
});
