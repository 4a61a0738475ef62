/**
 * @module Who is calling: a station (Bearer station token) or a user (Bearer session token from
 * /auth/login). Unknown or missing credentials are 401; a credential of the wrong kind or role is 403.
 */
import type Database from 'better-sqlite3';
import { createMiddleware } from 'hono/factory';
import { ApiError } from './errors';
import type { SiteEntry } from './hub';
import { siteByCredential } from './hub';
import type { StationEntry } from './reference-data';
import { DUMMY_PASSWORD_HASH, hashToken, newSecret, verifySecretAsync } from './secrets';
import type { Site } from './site';

export type Role = 'supervisor' | 'admin';

export type Principal =
  | { kind: 'station'; station: StationEntry }
  | { kind: 'user'; userId: number; username: string; role: Role }
  /** Another site forwarding to this one as its hub. */
  | { kind: 'site'; site: SiteEntry };

export interface AuthEnv {
  Variables: { principal: Principal };
}

/** Sessions last one shift and a half; supervisors sign in again after that. */
const SESSION_MS = 12 * 60 * 60 * 1000;

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

function userBySession(db: Database.Database, tokenHash: string, nowIso: string) {
  return db
    .prepare(
      `SELECT u.id, u.username, u.role FROM user_session s JOIN app_user u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    )
    .get(tokenHash, nowIso) as { id: number; username: string; role: Role } | undefined;
}

export function authenticate(site: Site) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (token === null) {
      throw new ApiError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
    }
    const hash = hashToken(token);
    // One read of the reference counter: an enrollment or a revocation made by the CLI (another
    // process) counts from this request on, on every route.
    site.reference.refresh();
    const station = site.reference.stationByTokenHash(hash);
    if (station && !station.revoked) {
      c.set('principal', { kind: 'station', station });
      return next();
    }
    const user = userBySession(site.db, hash, site.clock().toISOString());
    if (user) {
      c.set('principal', { kind: 'user', userId: user.id, username: user.username, role: user.role });
      return next();
    }
    const sender = siteByCredential(site.db, hash);
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
}

export const requireStation = createMiddleware<AuthEnv>(async (c, next) => {
  if (c.get('principal').kind !== 'station') {
    throw new ApiError('FORBIDDEN', 'Only an enrolled station may call this endpoint');
  }
  return next();
});

/** Supervisors read and resolve; admins also change reference data. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (principal.kind !== 'user' || !roles.includes(principal.role)) {
      throw new ApiError('FORBIDDEN', `This endpoint needs a ${roles.join(' or ')} account`);
    }
    return next();
  });
}

export function stationOf(principal: Principal): StationEntry {
  if (principal.kind !== 'station')
    throw new ApiError('FORBIDDEN', 'Only an enrolled station may call this endpoint');
  return principal.station;
}

export async function login(
  db: Database.Database,
  username: string,
  password: string,
  now: Date,
): Promise<{ token: string; expiresAt: string; role: Role; username: string }> {
  const user = db
    .prepare('SELECT id, username, role, password_hash FROM app_user WHERE username = ?')
    .get(username) as { id: number; username: string; role: Role; password_hash: string } | undefined;
  // An unknown user costs the same check, so that timing does not tell which usernames exist.
  const matches = await verifySecretAsync(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !matches) {
    throw new ApiError('UNAUTHORIZED', 'Wrong username or password');
  }
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_MS).toISOString();
  db.prepare('DELETE FROM user_session WHERE expires_at <= ?').run(now.toISOString());
  db.prepare(
    'INSERT INTO user_session (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  ).run(hashToken(token), user.id, now.toISOString(), expiresAt);
  return { token, expiresAt, role: user.role, username: user.username };
}

export function logout(db: Database.Database, authorization: string | undefined): void {
  const token = bearer(authorization);
  if (token !== null) db.prepare('DELETE FROM user_session WHERE token_hash = ?').run(hashToken(token));
}
