/**
 * Who may call what (protocol.md "Authentication"): every endpoint against every kind of caller,
 * over real HTTP; and how credentials are kept at rest.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { loadFixture } from '../../edge-server/ops/demo';
import { push, startTestEdge } from '../support/edge';

type Caller =
  'none' | 'garbage' | 'station' | 'revoked station' | 'supervisor' | 'admin' | 'logged-out session';
type Audience = 'station' | 'supervisor' | 'admin';
type Expected = 401 | 403 | 'allowed';

interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  audience: Audience;
  /** A fresh valid body per call, so that an allowed call succeeds. */
  body?: (n: number) => unknown;
}

const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/api/v1/events',
    audience: 'station',
    body: () => ({ stationClock: new Date().toISOString(), events: [] }),
  },
  { method: 'GET', path: '/api/v1/station/snapshot', audience: 'station' },
  { method: 'GET', path: '/api/v1/supervisor/queues', audience: 'supervisor' },
  { method: 'GET', path: '/api/v1/supervisor/stations', audience: 'supervisor' },
  { method: 'GET', path: '/api/v1/supervisor/conflicts', audience: 'supervisor' },
  { method: 'GET', path: '/api/v1/supervisor/parked', audience: 'supervisor' },
  { method: 'GET', path: '/api/v1/supervisor/tokens/BV-DEMO-0001', audience: 'supervisor' },
  {
    method: 'POST',
    path: '/api/v1/admin/routings',
    audience: 'admin',
    body: () => loadFixture('routing-bag-dag.json'),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/tickets',
    audience: 'admin',
    body: (n) => ({ code: `AUTH-T-${n}`, routing: 'WALLET-LINEAR', qty: 1, serialPrefix: `AUTH-T-${n}-` }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/stations',
    audience: 'admin',
    body: (n) => ({ name: `AUTH-S-${n}`, workCenter: 'WC-CUT' }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/operators',
    audience: 'admin',
    body: (n) => ({ badge: `AUTH-OP-${n}` }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/users',
    audience: 'admin',
    body: (n) => ({ username: `auth-user-${n}`, role: 'supervisor', password: 'a long enough password' }),
  },
  { method: 'DELETE', path: '/api/v1/admin/stations/AUTH-X', audience: 'admin' },
];

const CALLERS: Caller[] = [
  'none',
  'garbage',
  'station',
  'revoked station',
  'supervisor',
  'admin',
  'logged-out session',
];

/** The matrix of protocol.md: missing/unknown credential 401, wrong kind or role 403. */
function expected(caller: Caller, audience: Audience): Expected {
  switch (caller) {
    case 'none':
    case 'garbage':
    case 'revoked station':
    case 'logged-out session':
      return 401;
    case 'station':
      return audience === 'station' ? 'allowed' : 403;
    case 'supervisor':
      return audience === 'supervisor' ? 'allowed' : 403;
    case 'admin':
      return audience === 'station' ? 403 : 'allowed';
  }
}

const CASES = ENDPOINTS.flatMap((endpoint) =>
  CALLERS.map((caller) => ({
    caller,
    endpoint,
    expected: expected(caller, endpoint.audience),
    label: `${endpoint.method} ${endpoint.path}`,
  })),
);

async function adminCall(edge: TestEdge, token: string, method: string, path: string, body?: unknown) {
  return fetch(`${edge.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function expectError(res: Response, status: number, code: string): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text);
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return body;
}

describe('the auth matrix', () => {
  let edge: TestEdge;
  const tokens = new Map<Caller, string | null>();
  let n = 0;

  beforeAll(async () => {
    edge = await startTestEdge();
    const admin = await edge.login('admin');
    const enroll = async (name: string): Promise<string> => {
      const res = await adminCall(edge, admin, 'POST', '/api/v1/admin/stations', {
        name,
        workCenter: 'WC-CUT',
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    };
    const revoked = await enroll('AUTH-REVOKED');
    expect((await adminCall(edge, admin, 'DELETE', '/api/v1/admin/stations/AUTH-REVOKED')).status).toBe(204);
    await enroll('AUTH-X');

    const loggedOut = await edge.login('admin');
    const out = await fetch(`${edge.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${loggedOut}` },
    });
    expect(out.status).toBe(204);

    tokens.set('none', null);
    tokens.set('garbage', 'Zm9vYmFyYmF6-not-a-real-token');
    tokens.set('station', edge.stationToken('WC-CUT'));
    tokens.set('revoked station', revoked);
    tokens.set('supervisor', await edge.login('supervisor'));
    tokens.set('admin', admin);
    tokens.set('logged-out session', loggedOut);
  });

  afterAll(async () => {
    await edge.close();
  });

  it.each(CASES)('AU-1, AU-2: $caller × $label → $expected', async ({ caller, endpoint, expected: want }) => {
    const token = tokens.get(caller) ?? null;
    const body = endpoint.body?.(++n);
    const headers: Record<string, string> = {};
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${edge.url}${endpoint.path}`, {
      method: endpoint.method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (want === 'allowed') {
      const text = await res.text();
      expect(res.status, text).toBeGreaterThanOrEqual(200);
      expect(res.status, text).toBeLessThan(300);
    } else {
      await expectError(res, want, want === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    }
  });

  it('AU-1, HT-1: a refused admin call changed nothing', () => {
    const db = edge.core.db;
    // Only the admin's calls went through: one of each.
    expect(db.prepare("SELECT count(*) AS n FROM job_ticket WHERE code LIKE 'AUTH-T-%'").get()).toEqual({
      n: 1,
    });
    expect(db.prepare("SELECT count(*) AS n FROM station WHERE name LIKE 'AUTH-S-%'").get()).toEqual({
      n: 1,
    });
    expect(db.prepare("SELECT count(*) AS n FROM operator WHERE badge LIKE 'AUTH-OP-%'").get()).toEqual({
      n: 1,
    });
    expect(db.prepare("SELECT count(*) AS n FROM app_user WHERE username LIKE 'auth-user-%'").get()).toEqual({
      n: 1,
    });
  });
});

describe('sign-in and credentials at rest', () => {
  let edge: TestEdge;
  const others: TestEdge[] = [];

  beforeAll(async () => {
    edge = await startTestEdge();
  });

  afterAll(async () => {
    await edge.close();
  });

  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
  });

  const login = (body: unknown, target: TestEdge = edge) =>
    fetch(`${target.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('AU-2: login returns a session token with its role; it opens the endpoints of that role', async () => {
    const res = await login(edge.demo.supervisor);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; role: string; username: string; expiresAt: string };
    expect(body).toMatchObject({ role: 'supervisor', username: 'supervisor' });
    expect(body.token.length).toBeGreaterThanOrEqual(32);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const queues = await fetch(`${edge.url}/api/v1/supervisor/queues`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(queues.status).toBe(200);
  });

  it('AU-5: a wrong password or an unknown user is 401, with the same message', async () => {
    const sessions = () => edge.core.db.prepare('SELECT count(*) AS n FROM user_session').get();
    const before = sessions();
    const wrong = await expectError(
      await login({ username: edge.demo.admin.username, password: `${edge.demo.admin.password}x` }),
      401,
      'UNAUTHORIZED',
    );
    const unknown = await expectError(
      await login({ username: 'nobody', password: 'whatever-it-is' }),
      401,
      'UNAUTHORIZED',
    );
    expect(unknown.error.message).toBe(wrong.error.message);
    expect(sessions()).toEqual(before);
  });

  it('HT-1, HT-2: a login body that is not {username, password} is 400', async () => {
    await expectError(await login({ username: 'admin' }), 400, 'BAD_REQUEST');
    await expectError(await login([]), 400, 'BAD_REQUEST');
    const notJson = await fetch(`${edge.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{username',
    });
    await expectError(notJson, 400, 'BAD_REQUEST');
  });

  it('AU-2: a session ends after its lifetime (401 then)', async () => {
    let now = Date.now();
    const timed = await startTestEdge({ clock: () => new Date(now) });
    others.push(timed);
    const token = await timed.login('supervisor');
    const get = () =>
      fetch(`${timed.url}/api/v1/supervisor/queues`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    now += 13 * 60 * 60 * 1000;
    await expectError(await get(), 401, 'UNAUTHORIZED');
  });

  it('AU-1: station tokens are stored hashed: no token string is in the station table or the database files', () => {
    const rows = edge.core.db.prepare('SELECT * FROM station').all() as Record<string, unknown>[];
    expect(rows.length).toBe(edge.demo.stations.length);
    const dump = JSON.stringify(rows);
    const files = databaseFiles(edge);
    for (const s of edge.demo.stations) {
      expect(s.token.length).toBeGreaterThanOrEqual(32);
      expect(dump).not.toContain(s.token);
      for (const [file, bytes] of files) expect(bytes.includes(s.token), file).toBe(false);
    }
  });

  it('AU-1, AD-3: passwords and session tokens are not stored in clear', async () => {
    const session = await edge.login('admin');
    const users = edge.core.db.prepare('SELECT * FROM app_user').all() as { password_hash: string }[];
    expect(users.length).toBe(2);
    const dump = JSON.stringify([users, edge.core.db.prepare('SELECT * FROM user_session').all()]);
    const files = databaseFiles(edge);
    for (const secret of [edge.demo.admin.password, edge.demo.supervisor.password, session]) {
      expect(dump).not.toContain(secret);
      for (const [file, bytes] of files) expect(bytes.includes(secret), file).toBe(false);
    }
    for (const user of users) expect(user.password_hash.length).toBeGreaterThan(40);
  });

  it('AU-4, SN-3: a revoked station is 401 on both of its endpoints and says it was revoked', async () => {
    const admin = await edge.login('admin');
    const enrolled = await adminCall(edge, admin, 'POST', '/api/v1/admin/stations', {
      name: 'AUTH-REVOKE-ME',
      workCenter: 'WC-EDGE',
    });
    const { token } = (await enrolled.json()) as { token: string };
    const snapshot = () =>
      fetch(`${edge.url}/api/v1/station/snapshot`, { headers: { authorization: `Bearer ${token}` } });
    expect((await snapshot()).status).toBe(200);
    expect((await push(edge.url, token, [])).status).toBe(200);
    expect((await adminCall(edge, admin, 'DELETE', '/api/v1/admin/stations/AUTH-REVOKE-ME')).status).toBe(
      204,
    );
    const refused = await expectError(await snapshot(), 401, 'UNAUTHORIZED');
    expect(refused.error.message).toMatch(/revoked/i);
    expect((await push(edge.url, token, [])).status).toBe(401);
  });
});

/** The bytes of the SQLite file and its WAL, where secrets would show if stored in clear. */
function databaseFiles(edge: TestEdge): [string, string][] {
  const base = edge.core.config.databaseFile;
  return [base, `${base}-wal`]
    .filter((file) => fs.existsSync(file))
    .map((file): [string, string] => [file, fs.readFileSync(file).toString('latin1')]);
}
