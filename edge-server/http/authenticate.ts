/**
 * @module Who is calling: a station (Bearer station token), a user (Bearer session token from
 * /auth/login, or the console's session cookie from /auth/console-login when no Authorization
 * header is sent), or a wall display (its secret as a Bearer token, or its cookie from
 * /wall/session: it may read the wall's routes only). Unknown, revoked or missing credentials are
 * 401; a credential of the wrong kind or role is 403, and so is a change signed in by the cookie
 * that does not come from this server's own origin (auth/console-cookie.ts: the CSRF rule).
 */
import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { documented } from './api-routes';
import { ApiError } from './errors';
import type { SiteEntry } from '../hub/intake';
import { siteByCredential } from '../hub/intake';
import type { StationEntry } from '../reference/reference-data';
import { hashToken } from '../auth/secrets';
import type { Role, SessionVia } from '../auth/sessions';
import { userBySession } from '../auth/sessions';
import { consoleToken, crossOriginProblem, isSafeMethod } from '../auth/console-cookie';
import { displaySecretOf, isDisplaySecret } from '../auth/display-cookie';
import type { DisplayEntry } from '../admin/displays';
import { displayBySecretHash, touchDisplay } from '../admin/displays';
import type { EdgeCore } from '../edge';

export type Principal =
  | { kind: 'station'; station: StationEntry }
  | {
      kind: 'user';
      userId: number;
      username: string;
      role: Role;
      /** The session it signed in with (the live stream ends when it does). */
      session?: { tokenHash: string; expiresAt: string; via: SessionVia };
    }
  /** Another site forwarding to this one as its hub. */
  | { kind: 'site'; site: SiteEntry }
  /** A wall display (SV-61): the wall's board and stream, nothing else. */
  | { kind: 'display'; display: DisplayEntry };

export interface AuthEnv {
  Variables: { principal: Principal };
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** Any credential: a station token, a session, or a site credential (what the routes behind it narrow). */
export function authenticate(core: EdgeCore) {
  const guard = createMiddleware<AuthEnv>(async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (token === null) return consoleSession(core, c, next);
    if (isDisplaySecret(token)) return displaySession(core, c, token, next);
    const hash = hashToken(token);
    // One read of the reference counter: an enrollment or a revocation made by the CLI (another
    // process) counts from this request on, on every route.
    core.reference.refresh();
    const station = core.reference.stationByTokenHash(hash);
    if (station && !station.revoked) {
      c.set('principal', { kind: 'station', station });
      return next();
    }
    const user = userBySession(core.db, token, core.clock());
    if (user) {
      const session = { tokenHash: hash, expiresAt: user.expiresAt, via: 'bearer' as const };
      c.set('principal', {
        kind: 'user',
        userId: user.id,
        username: user.username,
        role: user.role,
        session,
      });
      return next();
    }
    const sender = siteByCredential(core.db, hash);
    if (sender) {
      c.set('principal', { kind: 'site', site: sender });
      return next();
    }
    throw new ApiError(
      'UNAUTHORIZED',
      station?.revoked
        ? 'This station was revoked; enroll it again to get a new token'
        : 'Unknown or expired credential; sign in again',
    );
  });
  return documented(guard, {
    security: [
      { stationToken: [] },
      { session: [] },
      { consoleCookie: [] },
      { siteCredential: [] },
      { displayToken: [] },
      { displayCookie: [] },
    ],
    errors: [401, 403],
  });
}

/** The detail a 401 carries when the display was revoked (the wall says so in words). */
export const DISPLAY_REVOKED_DETAIL = { path: 'display', message: 'revoked' };

/** A display's secret (its cookie or a Bearer token): a display principal, or 401. */
async function displaySession(
  core: EdgeCore,
  c: Context<AuthEnv>,
  secret: string,
  next: Next,
): Promise<void> {
  const display = displayBySecretHash(core.db, hashToken(secret));
  if (!display) throw new ApiError('UNAUTHORIZED', 'Unknown display credential; ask an admin for a new link');
  if (display.revoked) {
    throw new ApiError('UNAUTHORIZED', 'This display was revoked; ask an admin for a new link', [
      DISPLAY_REVOKED_DETAIL,
    ]);
  }
  touchDisplay(core.db, display.id, core.clock());
  c.set('principal', { kind: 'display', display });
  await next();
}

/**
 * No Authorization header: the console's cookie session if it is valid (CSRF-checked for changes),
 * else a display's cookie. A browser sends the display cookie to /api/v1/wall only (its Path), so
 * a console with an ended session is told to sign in again, not refused.
 */
async function consoleSession(core: EdgeCore, c: Context<AuthEnv>, next: Next): Promise<void> {
  const cookies = c.req.header('cookie');
  const token = consoleToken(cookies);
  const user = token === null ? undefined : userBySession(core.db, token, core.clock(), 'cookie');
  if (token === null || !user) {
    const secret = displaySecretOf(cookies);
    if (secret !== null) return displaySession(core, c, secret, next);
    throw new ApiError(
      'UNAUTHORIZED',
      token === null
        ? 'Sign in first: send Authorization: Bearer <token>'
        : 'The console session ended; sign in again',
    );
  }
  if (!isSafeMethod(c.req.method)) {
    const problem = crossOriginProblem(c.req.url, c.req.header('origin'));
    if (problem !== null) throw new ApiError('FORBIDDEN', problem);
  }
  const session = { tokenHash: hashToken(token), expiresAt: user.expiresAt, via: 'cookie' as const };
  c.set('principal', { kind: 'user', userId: user.id, username: user.username, role: user.role, session });
  await next();
}

const ONLY_STATIONS = 'Only an enrolled station may call this endpoint';

export const requireStation = documented(
  createMiddleware<AuthEnv>(async (c, next) => {
    if (c.get('principal').kind !== 'station') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
    return next();
  }),
  { security: [{ stationToken: [] }], errors: [403] },
);

/** A station pushing its events, or (hub mode) another site forwarding its records. */
export const requireStationOrSite = documented(
  createMiddleware<AuthEnv>(async (c, next) => {
    const { kind } = c.get('principal');
    if (kind !== 'station' && kind !== 'site') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
    return next();
  }),
  { security: [{ stationToken: [] }, { siteCredential: [] }], errors: [403] },
);

/** Supervisors read and resolve; admins also change reference data. */
export function requireRole(...roles: Role[]) {
  const guard = createMiddleware<AuthEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (principal.kind !== 'user' || !roles.includes(principal.role)) {
      throw new ApiError('FORBIDDEN', `This endpoint needs a ${roles.join(' or ')} account`);
    }
    return next();
  });
  return documented(guard, { security: [{ session: roles }, { consoleCookie: roles }], errors: [403] });
}

/**
 * The wall's routes (SV-61): a display, or a supervisor or admin (who may look at what a wall
 * shows, in their own browser, with their console session).
 */
export const requireWallReader = documented(
  createMiddleware<AuthEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (principal.kind === 'display' || principal.kind === 'user') return next();
    throw new ApiError('FORBIDDEN', 'The wall is read by a display, a supervisor or an admin');
  }),
  {
    security: [
      { displayCookie: [] },
      { displayToken: [] },
      { session: ['supervisor', 'admin'] },
      { consoleCookie: ['supervisor', 'admin'] },
    ],
    errors: [403],
  },
);

export function stationOf(principal: Principal): StationEntry {
  if (principal.kind !== 'station') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
  return principal.station;
}
