/** @module /api/v1/auth: supervisor and admin sessions, as bearer tokens (the API) or the console's cookie. */
import type { Context } from 'hono';
import { z } from 'zod';
import { describeIssues } from '../../../shared/protocol';
import type { Session, SessionVia } from '../../auth/sessions';
import { ROLES, login, logout, userBySession } from '../../auth/sessions';
import { consoleCookie, consoleToken, crossOriginProblem } from '../../auth/console-cookie';
import { hashToken } from '../../auth/secrets';
import { ApiRoutes } from '../api-routes';
import { bearer } from '../authenticate';
import { ApiError, unwrap } from '../errors';
import { LoginThrottle } from '../../auth/login-throttle';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import { readJsonBody } from '../body';
import {
  firstAdminCreatedSchema,
  firstAdminNeededSchema,
  firstAdminRequestSchema,
} from '../../../shared/first-admin-api';
import { clientAddress, isHttps, refuseSignInFromOtherOrigin } from '../request-info';

const MAX_LOGIN_BYTES = 16 * 1024;

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

/** What auth/sessions.ts login() answers. */
const sessionSchema = z.object({
  token: z.string().describe('The session token: send it as Authorization: Bearer <token>'),
  expiresAt: z.string(),
  role: z.enum(ROLES),
  username: z.string(),
});

/** A console session: who, until when; the token is in the HttpOnly cookie, never in a body. */
const consoleSessionSchema = sessionSchema.omit({ token: true });

const THROTTLE_NOTE =
  'Failed sign-ins are slowed per client address and per username, each further failure doubling the wait up to 15 minutes (429 with Retry-After).';

/** The throttle's "username" for setup code guesses (no account is named so: it has a space). */
const SETUP_THROTTLE_KEY = 'first admin setup';

function tooManyTries(seconds: number, what: string): ApiError {
  return new ApiError(
    'RATE_LIMITED',
    `Too many failed ${what} from this device; try again in ${seconds} s`,
    [],
    { 'Retry-After': String(seconds) },
  );
}

export function authRoutes(core: EdgeCore): ApiRoutes {
  const throttle = new LoginThrottle();
  /** Checks the password (throttled) and opens a session that travels `via`. */
  const signIn = async (c: Context, via: SessionVia): Promise<Session> => {
    const parsed = loginSchema.safeParse(await readJsonBody(c.req.raw, MAX_LOGIN_BYTES));
    if (!parsed.success) throw new ApiError('BAD_REQUEST', `Invalid login: ${describeIssues(parsed.error)}`);
    const { username, password } = parsed.data;
    const address = clientAddress(c);
    const now = core.clock().getTime();
    const waitMs = throttle.waitFor(username, address, now);
    if (waitMs > 0) throw tooManyTries(Math.ceil(waitMs / 1000), `sign-ins for ${username}`);
    const session = await login(core.db, username, password, core.clock(), via);
    if (session.ok) throttle.succeeded(username, address);
    else if (session.error.kind === 'unauthorized') throttle.failed(username, address, now);
    return unwrap(session);
  };
  return new ApiRoutes({ tags: [TAGS.auth] })
    .post(
      '/login',
      {
        operationId: 'login',
        summary: 'Sign in as a supervisor or admin: a session token for 12 hours',
        description: THROTTLE_NOTE,
        body: { name: 'Login', schema: loginSchema, maxBytes: MAX_LOGIN_BYTES },
        responses: { 200: { description: 'Signed in', json: { name: 'Session', schema: sessionSchema } } },
        errors: [401, 429],
      },
      async (c) => c.json(await signIn(c, 'bearer')),
    )
    .post(
      '/console-login',
      {
        operationId: 'consoleLogin',
        summary: 'Sign in to the supervisor console: a session cookie for 12 hours (no token in the body)',
        description: `Sets the console's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. The console's requests and its live stream use it; a request that changes something must also send an Origin header naming this server (otherwise 403). A request sent from another origin is refused (403). ${THROTTLE_NOTE}`,
        body: { name: 'Login', schema: loginSchema, maxBytes: MAX_LOGIN_BYTES },
        responses: {
          200: { description: 'Signed in', json: { name: 'ConsoleSession', schema: consoleSessionSchema } },
        },
        errors: [401, 403, 429],
      },
      async (c) => {
        // Login CSRF: another origin must not sign this browser in (to an account of its choosing).
        refuseSignInFromOtherOrigin(c);
        const { token, ...session } = await signIn(c, 'cookie');
        const maxAgeSeconds = Math.round((Date.parse(session.expiresAt) - core.clock().getTime()) / 1000);
        c.header('Set-Cookie', consoleCookie(token, { secure: isHttps(c), maxAgeSeconds }));
        c.header('Cache-Control', 'no-store');
        return c.json(session);
      },
    )
    .route('/', firstAdminRoutes(core, throttle))
    .get(
      '/session',
      {
        operationId: 'getSession',
        summary: 'Who is signed in (bearer session, or the console cookie): 401 when nobody',
        security: [{ session: [] }, { consoleCookie: [] }],
        responses: {
          200: { description: 'The session', json: { name: 'ConsoleSession', schema: consoleSessionSchema } },
        },
        errors: [401],
      },
      (c) => {
        const token = bearer(c.req.header('authorization'));
        const cookie = token === null ? consoleToken(c.req.header('cookie')) : null;
        const user =
          token !== null
            ? userBySession(core.db, token, core.clock(), 'bearer')
            : cookie !== null
              ? userBySession(core.db, cookie, core.clock(), 'cookie')
              : undefined;
        if (!user) throw new ApiError('UNAUTHORIZED', 'Not signed in, or the session ended');
        return c.json({ username: user.username, role: user.role, expiresAt: user.expiresAt });
      },
    )
    .post(
      '/logout',
      {
        operationId: 'logout',
        summary:
          'End the session whose token is sent, or the console’s (its cookie is removed, its live streams end); without one, nothing happens',
        description:
          'With the console cookie (no Authorization header), the request must send an Origin header naming this server (403 otherwise), as every change signed in by the cookie.',
        security: [{ session: [] }, { consoleCookie: [] }, {}],
        responses: { 204: { description: 'Signed out' } },
        errors: [403],
      },
      (c) => {
        const token = bearer(c.req.header('authorization'));
        if (token !== null) {
          logout(core.db, token);
          core.live.endSession(hashToken(token));
          return c.body(null, 204);
        }
        const cookie = consoleToken(c.req.header('cookie'));
        if (cookie !== null) {
          const problem = crossOriginProblem(c.req.url, c.req.header('origin'));
          if (problem !== null) throw new ApiError('FORBIDDEN', problem);
          logout(core.db, cookie);
          core.live.endSession(hashToken(cookie));
        }
        // Removed in the browser either way (an ended session's cookie is of no use).
        c.header('Set-Cookie', consoleCookie('', { secure: isHttps(c), maxAgeSeconds: 0 }));
        return c.body(null, 204);
      },
    );
}

/** A new site's first admin (DK-2): whether one is needed, and the setup form. */
function firstAdminRoutes(core: EdgeCore, throttle: LoginThrottle): ApiRoutes {
  return new ApiRoutes({ tags: [TAGS.auth] })
    .get(
      '/first-admin',
      {
        operationId: 'getFirstAdminSetup',
        summary: 'Whether this site still needs its first admin (the console then offers the setup form)',
        responses: {
          200: {
            description: 'needed: no admin account exists yet',
            json: { name: 'FirstAdminSetup', schema: firstAdminNeededSchema },
          },
        },
      },
      (c) => c.json({ needed: core.firstAdmin.needed() }),
    )
    .post(
      '/first-admin',
      {
        operationId: 'createFirstAdmin',
        summary: 'Create a new site’s first admin with the setup code from the server’s log (once)',
        description: `Only while the site has no admin (409 after). The code is made when the server starts without an admin and printed in its log with a link to the console; a wrong code is 401. ${THROTTLE_NOTE} Sent from another origin: 403.`,
        body: { name: 'FirstAdmin', schema: firstAdminRequestSchema, maxBytes: MAX_LOGIN_BYTES },
        responses: {
          201: {
            description: 'The admin account exists: sign in with it',
            json: { name: 'FirstAdminCreated', schema: firstAdminCreatedSchema },
          },
        },
        errors: [401, 403, 409, 429],
      },
      async (c) => {
        refuseSignInFromOtherOrigin(c);
        const parsed = firstAdminRequestSchema.safeParse(await readJsonBody(c.req.raw, MAX_LOGIN_BYTES));
        if (!parsed.success)
          throw new ApiError('BAD_REQUEST', `Invalid first admin: ${describeIssues(parsed.error)}`);
        // Guessing the code is throttled like guessing a password, per address.
        const address = clientAddress(c);
        const now = core.clock().getTime();
        const waitMs = throttle.waitFor(SETUP_THROTTLE_KEY, address, now);
        if (waitMs > 0) throw tooManyTries(Math.ceil(waitMs / 1000), 'setup codes');
        const made = core.firstAdmin.redeem(parsed.data, core.clock().toISOString());
        if (!made.ok && made.error.kind === 'unauthorized') throttle.failed(SETUP_THROTTLE_KEY, address, now);
        return c.json(unwrap(made), 201);
      },
    );
}
