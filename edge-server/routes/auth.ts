/** @module POST /api/v1/auth/login and /logout: supervisor and admin sessions. */
import { Hono } from 'hono';
import { z } from 'zod';
import { describeIssues } from '../../shared/protocol';
import { login, logout } from '../auth';
import { ApiError } from '../errors';
import type { Site } from '../site';
import { readJsonBody } from './body';

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export function authRoutes(site: Site): Hono {
  return new Hono()
    .post('/login', async (c) => {
      const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, 16 * 1024));
      if (!parsed.success)
        throw new ApiError('BAD_REQUEST', `Invalid login: ${describeIssues(parsed.error)}`);
      return c.json(login(site.db, parsed.data.username, parsed.data.password, site.clock()));
    })
    .post('/logout', (c) => {
      logout(site.db, c.req.header('authorization'));
      return c.body(null, 204);
    });
}
