/** @module POST /api/v1/auth/login and /logout: supervisor and admin sessions. */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import { describeIssues } from '../../shared/protocol';
import { login, logout } from '../auth';
import { ApiError } from '../errors';
import { LoginThrottle } from '../login-throttle';
import type { Site } from '../site';
import { readJsonBody } from './body';

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export function authRoutes(site: Site): Hono {
  const throttle = new LoginThrottle();
  return new Hono()
    .post('/login', async (c) => {
      const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, 16 * 1024));
      if (!parsed.success)
        throw new ApiError('BAD_REQUEST', `Invalid login: ${describeIssues(parsed.error)}`);
      const { username, password } = parsed.data;
      const address = clientAddress(c);
      const now = site.clock().getTime();
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
      try {
        const session = await login(site.db, username, password, site.clock());
        throttle.succeeded(username, address);
        return c.json(session);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED')
          throttle.failed(username, address, now);
        throw error;
      }
    })
    .post('/logout', (c) => {
      logout(site.db, c.req.header('authorization'));
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
