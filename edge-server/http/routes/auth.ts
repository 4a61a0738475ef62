/** @module POST /api/v1/auth/login and /logout: supervisor and admin sessions. */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import { describeIssues } from '../../../shared/protocol';
import { ROLES, login, logout } from '../../auth/sessions';
import { ApiRoutes } from '../api-routes';
import { bearer } from '../authenticate';
import { ApiError, unwrap } from '../errors';
import { LoginThrottle } from '../../auth/login-throttle';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import { readJsonBody } from '../body';

const MAX_LOGIN_BYTES = 16 * 1024;

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

/** What auth/sessions.ts login() answers. */
const sessionSchema = z.object({
  token: z.string().describe('The session token: send it as Authorization: Bearer <token>'),
  expiresAt: z.string(),
  role: z.enum(ROLES),
  username: z.string(),
});

export function authRoutes(core: EdgeCore): ApiRoutes {
  const throttle = new LoginThrottle();
  return new ApiRoutes({ tags: [TAGS.auth] })
    .post(
      '/login',
      {
        operationId: 'login',
        summary: 'Sign in as a supervisor or admin: a session token for 12 hours',
        description:
          'Failed sign-ins are slowed per client address and per username, each further failure doubling the wait up to 15 minutes (429 with Retry-After).',
        body: { name: 'Login', schema: loginSchema, maxBytes: MAX_LOGIN_BYTES },
        responses: { 200: { description: 'Signed in', json: { name: 'Session', schema: sessionSchema } } },
        errors: [401, 429],
      },
      async (c) => {
        const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, MAX_LOGIN_BYTES));
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
      },
    )
    .post(
      '/logout',
      {
        operationId: 'logout',
        summary: 'End the session whose token is sent (without one, nothing happens)',
        security: [{ session: [] }, {}],
        responses: { 204: { description: 'Signed out' } },
      },
      (c) => {
        const token = bearer(c.req.header('authorization'));
        if (token !== null) logout(core.db, token);
        return c.body(null, 204);
      },
    );
}

/** The TCP peer's address (no proxy sits in front of an edge server, so headers are not trusted). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}
