/**
 * The supervisor console's cookie session over real HTTP: its attributes, what it opens, the CSRF
 * rule (a change signed in by the cookie must come from this server's own origin), who is refused,
 * and signing out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge-server/http/app';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import { openSse } from '../support/sse';

let edge: TestEdge;

beforeAll(async () => {
  edge = await startTestEdge();
});
afterAll(async () => {
  edge.core.live.close();
  await edge.close();
});

const json = { 'content-type': 'application/json' };

/** Signs in to the console; returns the Set-Cookie header and the `name=value` pair to send back. */
async function consoleLogin(
  who: 'supervisor' | 'admin' = 'supervisor',
  headers: Record<string, string> = {},
): Promise<{ status: number; setCookie: string; cookie: string; body: any }> {
  const res = await fetch(`${edge.url}/api/v1/auth/console-login`, {
    method: 'POST',
    headers: { ...json, origin: edge.url, ...headers },
    body: JSON.stringify(who === 'admin' ? edge.demo.admin : edge.demo.supervisor),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, setCookie, cookie: setCookie.split(';')[0] ?? '', body: await res.json() };
}

const resend = (headers: Record<string, string>) =>
  fetch(`${edge.url}/api/v1/supervisor/upstream/dead/resend`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: '{}',
  });

describe('console sign-in (SV-11)', () => {
  it('SV-11: sets an HttpOnly, SameSite=Strict, Path=/ cookie for 12 h (not Secure over plain HTTP); the body holds no token', async () => {
    const { status, setCookie, body } = await consoleLogin();
    expect(status).toBe(200);
    expect(body).toEqual({ username: 'supervisor', role: 'supervisor', expiresAt: expect.any(String) });
    const attributes = setCookie.split(';').map((a) => a.trim());
    expect(attributes[0]).toMatch(/^edge_console_session=[A-Za-z0-9_-]{40,}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    // 12 h, less the moment the password check took.
    expect(Number(attributes.find((a) => a.startsWith('Max-Age='))?.slice(8))).toBeGreaterThan(43_190);
    expect(attributes).not.toContain('Secure');
    expect(JSON.stringify(body)).not.toContain(attributes[0]?.split('=')[1] ?? '-');
  });

  it('SV-11: over HTTPS the cookie is Secure', async () => {
    const res = await createApp(edge.core).request('https://edge.example/api/v1/auth/console-login', {
      method: 'POST',
      headers: { ...json, origin: 'https://edge.example' },
      body: JSON.stringify(edge.demo.admin),
    });
    expect(res.status).toBe(200);
    expect((res.headers.get('set-cookie') ?? '').split(';').map((a) => a.trim())).toContain('Secure');
  });

  it('SV-11: a sign-in sent from another origin is refused (403), a wrong password is 401 and sets no cookie', async () => {
    const foreign = await consoleLogin('supervisor', { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.setCookie).toBe('');
    const res = await fetch(`${edge.url}/api/v1/auth/console-login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'supervisor', password: 'wrong-password' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('what the cookie opens (SV-11)', () => {
  it('SV-11: the cookie reads the supervisor routes, the session and the live stream', async () => {
    const { cookie } = await consoleLogin();
    const queues = await fetch(`${edge.url}/api/v1/supervisor/queues`, { headers: { cookie } });
    expect(queues.status).toBe(200);
    const who = await fetch(`${edge.url}/api/v1/auth/session`, { headers: { cookie } });
    expect(await who.json()).toMatchObject({ username: 'supervisor', role: 'supervisor' });
    const stream = await openSse(`${edge.url}/api/v1/supervisor/stream`, { cookie });
    await stream.next((m) => m.event === 'ready');
    stream.close();
  });

  it('SV-11: a change signed in by the cookie needs this server’s Origin (CSRF): none or another is 403', async () => {
    const { cookie } = await consoleLogin();
    for (const origin of [
      undefined,
      'http://evil.example',
      'null',
      edge.url.replace('127.0.0.1', 'localhost'),
    ]) {
      const res = await resend({ cookie, ...(origin === undefined ? {} : { origin }) });
      expect(res.status, String(origin)).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toContain('console cookie');
    }
    expect((await resend({ cookie, origin: edge.url })).status).toBe(200);
  });

  it('SV-11: a bearer token gets no Origin check (the API stays as it is); a bearer token is no cookie and a cookie no bearer token', async () => {
    const bearer = await edge.login('supervisor');
    expect((await resend({ authorization: `Bearer ${bearer}`, origin: 'http://evil.example' })).status).toBe(
      200,
    );
    const { cookie } = await consoleLogin();
    const cookieToken = cookie.split('=')[1] ?? '';
    const asBearer = await fetch(`${edge.url}/api/v1/supervisor/queues`, {
      headers: { authorization: `Bearer ${cookieToken}` },
    });
    expect(asBearer.status).toBe(401);
    const asCookie = await fetch(`${edge.url}/api/v1/supervisor/queues`, {
      headers: { cookie: `edge_console_session=${bearer}` },
    });
    expect(asCookie.status).toBe(401);
  });

  it('SV-11, AU-1: station and site credentials get 403 on the supervisor routes and the stream', async () => {
    const station = edge.stationToken('WC-CUT');
    for (const path of ['/api/v1/supervisor/queues', '/api/v1/supervisor/stream']) {
      const res = await fetch(`${edge.url}${path}`, { headers: { authorization: `Bearer ${station}` } });
      expect(res.status, path).toBe(403);
    }
  });

  it('SV-11: signing out ends the session on the server and removes the cookie; the cookie then opens nothing', async () => {
    const { cookie } = await consoleLogin();
    const stream = await openSse(`${edge.url}/api/v1/supervisor/stream`, { cookie });
    await stream.next((m) => m.event === 'ready');

    const foreign = await fetch(`${edge.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await fetch(`${edge.url}/api/v1/supervisor/queues`, { headers: { cookie } })).status).toBe(200);

    const res = await fetch(`${edge.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: edge.url },
    });
    expect(res.status).toBe(204);
    const cleared = (res.headers.get('set-cookie') ?? '').split(';').map((a) => a.trim());
    expect(cleared).toEqual(expect.arrayContaining(['edge_console_session=', 'Max-Age=0', 'HttpOnly']));
    await stream.ended;
    for (const path of ['/api/v1/supervisor/queues', '/api/v1/supervisor/stream', '/api/v1/auth/session']) {
      expect((await fetch(`${edge.url}${path}`, { headers: { cookie } })).status, path).toBe(401);
    }
  });
});
