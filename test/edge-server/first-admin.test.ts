/**
 * A new site's first admin from the browser (SPEC DK-2), over real HTTP on an empty site: the setup
 * code the server holds (and prints) makes one admin, once; a wrong code is refused and throttled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeCore } from '../../edge-server/edge';
import { firstAdminNeededSchema } from '../../shared/first-admin-api';
import type { EmptySite } from '../support/empty-site';
import { startEmptySite } from '../support/empty-site';

describe('first admin (DK-2)', () => {
  let site: EmptySite;
  let core: EdgeCore;
  let url: string;
  beforeEach(async () => {
    site = await startEmptySite();
    ({ core, url } = site);
  });
  afterEach(async () => {
    await site.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify(body),
    });
  const needed = async () =>
    firstAdminNeededSchema.parse(await (await fetch(`${url}/api/v1/auth/first-admin`)).json()).needed;

  it('DK-2: the code from the log makes the first admin, who signs in; the form is then gone for good', async () => {
    expect(await needed()).toBe(true);
    const code = core.firstAdmin.pendingCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Typed by hand: lower case, without the dashes.
    const typed = code!.toLowerCase().replace(/-/g, '');
    const made = await post('/api/v1/auth/first-admin', {
      code: typed,
      username: 'nok',
      password: 'a-long-password',
    });
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ username: 'nok', role: 'admin' });
    expect(await needed()).toBe(false);
    const login = await post('/api/v1/auth/login', { username: 'nok', password: 'a-long-password' });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { role: string }).role).toBe('admin');
    // Once an admin exists, the same code (or any) makes nobody.
    const again = await post('/api/v1/auth/first-admin', {
      code: typed,
      username: 'mallory',
      password: 'a-long-password',
    });
    expect(again.status).toBe(409);
    expect(core.firstAdmin.pendingCode()).toBeNull();
    // The change is in the audit trail, by the new admin.
    const token = (
      (await (await post('/api/v1/auth/login', { username: 'nok', password: 'a-long-password' })).json()) as {
        token: string;
      }
    ).token;
    const changes = await fetch(`${url}/api/v1/admin/changes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await changes.json()) as { changes: { action: string; subject: string }[] }).changes).toEqual([
      expect.objectContaining({ action: 'user.add', subject: 'nok' }),
    ]);
  });

  it('DK-2: a wrong code is 401 and makes nobody; guesses are slowed; a short password is 400 naming it', async () => {
    const wrong = await post('/api/v1/auth/first-admin', {
      code: 'AAAA-AAAA-AAAA',
      username: 'x',
      password: 'a-long-password',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('code');
    const short = await post('/api/v1/auth/first-admin', {
      code: core.firstAdmin.pendingCode(),
      username: 'nok',
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('password');
    expect(await needed()).toBe(true);
    let status = 401;
    for (let i = 0; i < 10 && status === 401; i++) {
      status = (
        await post('/api/v1/auth/first-admin', {
          code: 'BBBB-BBBB-BBBB',
          username: 'x',
          password: 'a-long-password',
        })
      ).status;
    }
    expect(status).toBe(429);
  });

  it('DK-2: from another origin the form is refused (403)', async () => {
    const res = await fetch(`${url}/api/v1/auth/first-admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({
        code: core.firstAdmin.pendingCode(),
        username: 'nok',
        password: 'a-long-password',
      }),
    });
    expect(res.status).toBe(403);
    expect(await needed()).toBe(true);
  });
});
