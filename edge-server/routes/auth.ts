/** @module POST /api/v1/auth/login and /logout: supervisor and admin sessions. */
import { Hono } from 'hono';
import { z } from 'zod';
import { describeIssues } from '../../shared/protocol';
import { login, logout } from '../auth';
import { ApiError } from '../errors';
import { RateLimiter } from '../rate-limit';
import type { Site } from '../site';
import { readJsonBody } from './body';

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

/** Password guesses per username: a burst of 5, then one every 5 s. */
const LOGIN_RATE_PER_SECOND = 0.2;
const LOGIN_BURST = 5;

export function authRoutes(site: Site): Hono {
  const limiter = new RateLimiter(LOGIN_RATE_PER_SECOND, LOGIN_BURST);
  return new Hono()
    .post('/login', async (c) => {
      const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, 16 * 1024));
      if (!parsed.success)
        throw new ApiError('BAD_REQUEST', `Invalid login: ${describeIssues(parsed.error)}`);
      const wait = limiter.take(`user:${parsed.data.username}`, site.clock().getTime());
      if (wait > 0) {
        throw new ApiError(
          'RATE_LIMITED',
          `Too many sign-in attempts for ${parsed.data.username}; retry in ${wait} s`,
          [],
          { 'Retry-After': String(wait) },
        );
      }
      return c.json(await login(site.db, parsed.data.username, parsed.data.password, site.clock()));
    })
    .post('/logout', (c) => {
      logout(site.db, c.req.header('authorization'));
      return c.body(null, 204);
    });
}
