/**
 * Wall displays over real HTTP (SPEC SV-60 … SV-64): an admin issues one (its link shown once),
 * lists and revokes it; the wall exchanges its link for a cookie and reads the board and the live
 * stream, and nothing else; revoking it ends its stream and its next request is a 401.
 */
import fs from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayIssuedSchema, displayListSchema } from '../../shared/display-api';
import { liveChangesMessageSchema } from '../../shared/live-api';
import { boardSchema } from '../../shared/supervisor-api';
import { revokeDisplay } from '../../edge-server/admin/displays';
import { openEdgeCore } from '../../edge-server/edge';
import { startServer } from '../../edge-server/http/server';
import { loadDemo } from '../../edge-server/ops/demo';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge, tempDir, testConfig } from '../support/edge';
import type { SseMessage } from '../support/sse';
import { openSse } from '../support/sse';

let edge: TestEdge;
let admin: string;
let supervisor: string;

beforeAll(async () => {
  edge = await startTestEdge();
  admin = await edge.login('admin');
  supervisor = await edge.login('supervisor');
});
afterAll(async () => {
  edge.core.live.close();
  await edge.close();
});

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function issue(name: string, token = admin): Promise<Response> {
  return fetch(`${edge.url}/api/v1/admin/displays`, {
    method: 'POST',
    headers: { ...json, ...bearer(token) },
    body: JSON.stringify({ name }),
  });
}

/** Issues a display and exchanges its link for the wall's cookie, as the wall's page does. */
async function wallOf(name: string): Promise<{ secret: string; cookie: string; setCookie: string }> {
  const issued = displayIssuedSchema.parse(await (await issue(name)).json());
  const res = await fetch(`${edge.url}/api/v1/wall/session`, {
    method: 'POST',
    headers: { ...json, origin: edge.url },
    body: JSON.stringify({ secret: issued.secret }),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { secret: issued.secret, cookie: setCookie.split(';')[0] ?? '', setCookie };
}

const revoke = (name: string, token = admin) =>
  fetch(`${edge.url}/api/v1/admin/displays/${encodeURIComponent(name)}`, {
    method: 'DELETE',
    headers: bearer(token),
  });

const changesOf = (m: SseMessage) =>
  m.event === 'changes' ? liveChangesMessageSchema.parse(JSON.parse(m.data)).changes : [];

describe('issuing, listing and revoking displays (SV-60)', () => {
  it('SV-60: an admin issues a display: its link to /supervisor/wall carries the secret, shown once; the list never shows it', async () => {
    const res = await issue('line-1-tv');
    expect(res.status).toBe(201);
    const issued = displayIssuedSchema.parse(await res.json());
    expect(issued.display).toMatchObject({
      name: 'line-1-tv',
      issuedBy: 'admin',
      revokedAt: null,
      lastSeenAt: null,
    });
    expect(issued.secret).toMatch(/^dsp_[A-Za-z0-9_-]{40,}$/);
    expect(issued.linkPath).toBe(`/supervisor/wall#display=${issued.secret}`);
    expect(issued.link).toBe(`${edge.url}/supervisor/wall#display=${issued.secret}`);

    const list = await fetch(`${edge.url}/api/v1/admin/displays`, { headers: bearer(admin) });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(issued.secret);
    const { displays } = displayListSchema.parse(JSON.parse(text));
    expect(displays.find((d) => d.name === 'line-1-tv')).toMatchObject({
      issuedBy: 'admin',
      revokedAt: null,
    });
    // Only the hash is stored.
    const row = edge.core.db.prepare("SELECT secret_hash FROM display WHERE name = 'line-1-tv'").get() as {
      secret_hash: string;
    };
    expect(row.secret_hash).not.toContain(issued.secret);
  });

  it('SV-60: a name in use is 409; bad names are 400 naming the field; a revoked name may be issued again', async () => {
    expect((await issue('dup-tv')).status).toBe(201);
    const again = await issue('dup-tv');
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain('dup-tv');
    for (const bad of ['', 'has space', 'x'.repeat(65), 'ไทย']) {
      const res = await issue(bad);
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error.message).toContain('name');
    }
    const noBody = await fetch(`${edge.url}/api/v1/admin/displays`, {
      method: 'POST',
      headers: { ...json, ...bearer(admin) },
      body: '{}',
    });
    expect(noBody.status).toBe(400);
    expect((await revoke('dup-tv')).status).toBe(204);
    expect((await revoke('dup-tv')).status).toBe(404);
    expect((await revoke('no-such-tv')).status).toBe(404);
    expect((await issue('dup-tv')).status).toBe(201);
  });

  it('SV-60: supervisors may not issue, list or revoke displays (403)', async () => {
    expect((await issue('sup-tv', supervisor)).status).toBe(403);
    expect((await fetch(`${edge.url}/api/v1/admin/displays`, { headers: bearer(supervisor) })).status).toBe(
      403,
    );
    expect((await revoke('line-1-tv', supervisor)).status).toBe(403);
  });
});

describe('the wall signs in and reads the board (SV-61, SV-62)', () => {
  it('SV-62: the link’s secret becomes an HttpOnly, SameSite=Strict cookie for /api/v1/wall only', async () => {
    const { setCookie, secret } = await wallOf('cookie-tv');
    const attributes = setCookie.split(';').map((a) => a.trim());
    expect(attributes[0]).toBe(`edge_wall_display=${secret}`);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/api/v1/wall', 'HttpOnly', 'SameSite=Strict']));
    expect(attributes).not.toContain('Secure');
    const listed = displayListSchema.parse(
      await (await fetch(`${edge.url}/api/v1/admin/displays`, { headers: bearer(admin) })).json(),
    );
    expect(listed.displays.find((d) => d.name === 'cookie-tv')?.lastSeenAt).not.toBeNull();
  });

  it('SV-62: a sign-in from another origin is 403; an unknown link is 401; a malformed body is 400', async () => {
    const { secret } = displayIssuedSchema.parse(await (await issue('origin-tv')).json());
    const foreign = await fetch(`${edge.url}/api/v1/wall/session`, {
      method: 'POST',
      headers: { ...json, origin: 'http://evil.example' },
      body: JSON.stringify({ secret }),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const bad = await fetch(`${edge.url}/api/v1/wall/session`, {
      method: 'POST',
      headers: json,
      body: '{"x":1}',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('secret');
  });

  it('SV-61: the display cookie reads the board (the supervisor board’s answer)', async () => {
    const { cookie } = await wallOf('board-tv');
    const res = await fetch(`${edge.url}/api/v1/wall/board`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const board = boardSchema.parse(await res.json());
    expect(board.routings.map((r) => r.code)).toContain('BAG-TOTE');
    // A supervisor may look at what a wall shows; a station may not.
    expect((await fetch(`${edge.url}/api/v1/wall/board`, { headers: bearer(supervisor) })).status).toBe(200);
    const station = await fetch(`${edge.url}/api/v1/wall/board`, {
      headers: bearer(edge.stationToken('WC-CUT')),
    });
    expect(station.status).toBe(403);
    expect((await fetch(`${edge.url}/api/v1/wall/board`)).status).toBe(401);
  });

  it('SV-61: a display (cookie or bearer secret) gets 403 on supervisor routes, the supervisor stream, admin and station routes', async () => {
    const { cookie, secret } = await wallOf('nosy-tv');
    const routes: [string, string][] = [
      ['GET', '/api/v1/supervisor/board'],
      ['GET', '/api/v1/supervisor/tokens'],
      ['GET', '/api/v1/supervisor/conflicts'],
      ['GET', '/api/v1/supervisor/stream'],
      ['GET', '/api/v1/admin/displays'],
      ['POST', '/api/v1/admin/displays'],
      ['DELETE', '/api/v1/admin/displays/nosy-tv'],
      ['GET', '/api/v1/station/snapshot'],
      ['POST', '/api/v1/events'],
    ];
    for (const credential of [{ cookie }, bearer(secret)]) {
      for (const [method, path] of routes) {
        const res = await fetch(`${edge.url}${path}`, {
          method,
          headers: { ...json, origin: edge.url, ...credential },
          ...(method === 'POST' ? { body: JSON.stringify({ name: 'x' }) } : {}),
        });
        expect(res.status, `${method} ${path} ${Object.keys(credential)[0]}`).toBe(403);
      }
    }
  });
});

describe('the wall’s live stream and revoking (SV-63, SV-64)', () => {
  it('SV-64: the wall stream carries a station’s committed push', async () => {
    const { cookie } = await wallOf('stream-tv');
    const stream = await openSse(`${edge.url}/api/v1/wall/stream`, { cookie });
    try {
      await stream.next((m) => m.event === 'ready');
      const station = new TestStation(edge.url, edge.stationToken('WC-CUT'));
      expect((await station.send('start', 'BV-DEMO-0001', 'CUT')).status).toBe('applied');
      await stream.next((m) => changesOf(m).some((c) => c.code === 'BV-DEMO-0001'), { timeoutMs: 1_000 });
    } finally {
      stream.close();
    }
  });

  it('SV-63: revoking a display ends its open stream at once; its next requests and a new sign-in are 401, saying revoked', async () => {
    const { cookie, secret } = await wallOf('revoked-tv');
    const stream = await openSse(`${edge.url}/api/v1/wall/stream`, { cookie });
    await stream.next((m) => m.event === 'ready');
    expect((await revoke('revoked-tv')).status).toBe(204);
    await stream.ended;
    const board = await fetch(`${edge.url}/api/v1/wall/board`, { headers: { cookie } });
    expect(board.status).toBe(401);
    expect((await board.json()).error.details).toEqual([{ path: 'display', message: 'revoked' }]);
    expect((await fetch(`${edge.url}/api/v1/wall/stream`, { headers: { cookie } })).status).toBe(401);
    const session = await fetch(`${edge.url}/api/v1/wall/session`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ secret }),
    });
    expect(session.status).toBe(401);
    expect(session.headers.get('set-cookie')).toBeNull();
    const listed = displayListSchema.parse(
      await (await fetch(`${edge.url}/api/v1/admin/displays`, { headers: bearer(admin) })).json(),
    );
    expect(listed.displays.find((d) => d.name === 'revoked-tv')?.revokedAt).not.toBeNull();
  });

  it('SV-62: unknown links are slowed like failed sign-ins (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${edge.url}/api/v1/wall/session`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ secret: `dsp_guess${i}xxxxxxxxxxxxxxxxxxxxxxxx` }),
      });
      statuses.push(res.status);
      retryAfter ??= res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('a display revoked by another process (the CLI) (SV-63)', () => {
  it('SV-63: its open stream ends at the next heartbeat', async () => {
    const dataDir = tempDir();
    const core = openEdgeCore(testConfig(dataDir), {
      log: pino({ level: 'silent' }),
      defaultMetrics: false,
      live: { heartbeatMs: 100 },
    });
    const demo = loadDemo(core);
    const server = await startServer(core, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(demo.admin),
      });
      const token = ((await login.json()) as { token: string }).token;
      const issued = await fetch(`${url}/api/v1/admin/displays`, {
        method: 'POST',
        headers: { ...json, ...bearer(token) },
        body: JSON.stringify({ name: 'cli-tv' }),
      });
      const { secret } = displayIssuedSchema.parse(await issued.json());
      const stream = await openSse(`${url}/api/v1/wall/stream`, bearer(secret));
      await stream.next((m) => m.event === 'ready');
      // The CLI writes the database; no endSession() reaches this server.
      expect(revokeDisplay(core.db, 'cli-tv', new Date().toISOString()).ok).toBe(true);
      await stream.ended;
    } finally {
      core.live.close();
      await server.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
