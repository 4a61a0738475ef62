/**
 * @module Who is calling: a station (Bearer station token) or a user (Bearer session token from
 * /auth/login, or the console's session cookie from /auth/console-login when no Authorization
 * header is sent). Unknown or missing credentials are 401; a credential of the wrong kind or role
 * is 403, and so is a change signed in by the cookie that does not come from this server's own
 * origin (auth/console-cookie.ts: the CSRF rule).
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
  | { kind: 'site'; site: SiteEntry };

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
    security: [{ stationToken: [] }, { session: [] }, { consoleCookie: [] }, { siteCredential: [] }],
    errors: [401, 403],
  });
}

/** No Authorization header: the console's cookie session, if any (CSRF-checked for changes). */
async function consoleSession(core: EdgeCore, c: Context<AuthEnv>, next: Next): Promise<void> {
  const token = consoleToken(c.req.header('cookie'));
  if (token === null) {
    throw new ApiError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
  }
  const user = userBySession(core.db, token, core.clock(), 'cookie');
  if (!user) throw new ApiError('UNAUTHORIZED', 'The console session ended; sign in again');
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
    if (c.get('principal').kind === 'user') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
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

export function stationOf(principal: Principal): StationEntry {
  if (principal.kind !== 'station') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
  return principal.station;
}
