/**
 * @module Who is calling: a station (Bearer station token) or a user (Bearer session token from
 * /auth/login). Unknown or missing credentials are 401; a credential of the wrong kind or role is 403.
 */
import { createMiddleware } from 'hono/factory';
import { documented } from './api-routes';
import { ApiError } from './errors';
import type { SiteEntry } from '../hub/intake';
import { siteByCredential } from '../hub/intake';
import type { StationEntry } from '../reference/reference-data';
import { hashToken } from '../auth/secrets';
import type { Role } from '../auth/sessions';
import { userBySession } from '../auth/sessions';
import type { EdgeCore } from '../edge';

export type Principal =
  | { kind: 'station'; station: StationEntry }
  | { kind: 'user'; userId: number; username: string; role: Role }
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
    if (token === null) {
      throw new ApiError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
    }
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
      c.set('principal', { kind: 'user', userId: user.id, username: user.username, role: user.role });
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
    security: [{ stationToken: [] }, { session: [] }, { siteCredential: [] }],
    errors: [401],
  });
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
  return documented(guard, { security: [{ session: roles }], errors: [403] });
}

export function stationOf(principal: Principal): StationEntry {
  if (principal.kind !== 'station') throw new ApiError('FORBIDDEN', ONLY_STATIONS);
  return principal.station;
}
