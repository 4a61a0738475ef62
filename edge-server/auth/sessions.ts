/**
 * @module Supervisor and admin sessions: a sign-in checks the password (off the event loop) and
 * issues a session token (12 h, stored as its hash); a session token names its user and role.
 * A session is either a bearer token (the API) or a console cookie (HttpOnly: the page's script
 * never sees it), and is accepted only the way it was issued (`via`).
 */
import type Database from 'better-sqlite3';
import type { Result } from '../errors';
import { DomainError, attemptAsync } from '../errors';
import { DUMMY_PASSWORD_HASH, hashToken, newSecret, verifySecretAsync } from './secrets';

export const ROLES = ['supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Sessions last one shift and a half; supervisors sign in again after that. */
const SESSION_MS = 12 * 60 * 60 * 1000;

export interface Session {
  token: string;
  expiresAt: string;
  role: Role;
  username: string;
}

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

/** How a session's token travels: an Authorization header, or the console's cookie. */
export type SessionVia = 'bearer' | 'cookie';

export interface SessionLookup extends SessionUser {
  expiresAt: string;
}

export function login(
  db: Database.Database,
  username: string,
  password: string,
  now: Date,
  via: SessionVia = 'bearer',
): Promise<Result<Session>> {
  return attemptAsync(async () => {
    const user = db
      .prepare('SELECT id, username, role, password_hash FROM app_user WHERE username = ?')
      .get(username) as (SessionUser & { password_hash: string }) | undefined;
    // An unknown user costs the same check, so that timing does not tell which usernames exist.
    const matches = await verifySecretAsync(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!user || !matches) throw new DomainError('unauthorized', 'Wrong username or password');
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + SESSION_MS).toISOString();
    db.prepare('DELETE FROM user_session WHERE expires_at <= ?').run(now.toISOString());
    db.prepare(
      'INSERT INTO user_session (token_hash, user_id, created_at, expires_at, via) VALUES (?, ?, ?, ?, ?)',
    ).run(hashToken(token), user.id, now.toISOString(), expiresAt, via);
    return { token, expiresAt, role: user.role, username: user.username };
  });
}

/** The user a session token belongs to, while it lasts, if it was issued for this way of travelling. */
export function userBySession(
  db: Database.Database,
  token: string,
  now: Date,
  via: SessionVia = 'bearer',
): SessionLookup | undefined {
  return db
    .prepare(
      `SELECT u.id, u.username, u.role, s.expires_at AS expiresAt
       FROM user_session s JOIN app_user u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ? AND s.via = ?`,
    )
    .get(hashToken(token), now.toISOString(), via) as SessionLookup | undefined;
}

export function logout(db: Database.Database, token: string): void {
  db.prepare('DELETE FROM user_session WHERE token_hash = ?').run(hashToken(token));
}
