/** @module POST /api/v1/auth/login and /logout: supervisor and admin sessions. */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import { describeIssues } from '../../../shared/protocol';
import { login, logout } from '../../auth/sessions';
import { bearer } from '../authenticate';
import { ApiError, unwrap } from '../errors';
import { LoginThrottle } from '../../auth/login-throttle';
import type { EdgeCore } from '../../edge';
import { readJsonBody } from '../body';

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export function authRoutes(core: EdgeCore): Hono {
  const throttle = new LoginThrottle();
  return new Hono()
    .post('/login', async (c) => {
      const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, 16 * 1024));
      if (!parsed.success)
        throw new ApiError('BAD_REQUEST', `Invalid login: ${describeIssues(parsed.error)}`);
      const { username, password } = parsed.data;
      const address = clientAddress(c);
      const now = core.clock().getTime();
      const waitMs = throttle.waitFor(username, address, now);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new ApiError(
          'RATE_LIMITED',
          `Too many failed sign-ins from this device or for ${username}; try again in ${seconds} s`,
          [],
          { 'Retry-After': String(seconds) },
        );
      }
      const session = await login(core.db, username, password, core.clock());
      if (session.ok) throttle.succeeded(username, address);
      else if (session.error.kind === 'unauthorized') throttle.failed(username, address, now);
      return c.json(unwrap(session));
    })
    .post('/logout', (c) => {
      const token = bearer(c.req.header('authorization'));
      if (token !== null) logout(core.db, token);
      return c.body(null, 204);
    });
}

/** The TCP peer's address (no proxy sits in front of an edge server, so headers are not trusted). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}
