/**
 * @module Wall displays (SPEC SV-60 … SV-69): a read-only credential for a TV, issued by name by an
 * admin (the secret shown once, in the link; only its SHA-256 is kept, as for station tokens: it is
 * random, so a fast hash is enough and a lookup stays one index probe), listed without secrets,
 * revoked at once. A revoked name may be issued again: a new secret, the old one stays dead.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Display } from '../../shared/display-api';
import { DISPLAY_NAME_PATTERN, DISPLAY_SECRET_PREFIX, wallLinkPath } from '../../shared/display-api';
import type { Config } from '../config';
import { lanAddresses, originOf } from '../ops/tls';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { hashToken, newSecret } from '../auth/secrets';
import { parseOrThrow } from './parse';

export const issueDisplaySchema = z.object({
  name: z
    .string()
    .trim()
    .regex(DISPLAY_NAME_PATTERN, 'letters, digits, dot, - and _ only, 1 to 64 of them')
    .describe('What the admin calls this screen, e.g. line-1-tv'),
});

/** How often a display's last contact is written at most (a TV asks every few seconds). */
export const LAST_SEEN_EVERY_MS = 60_000;

interface DisplayRow {
  id: number;
  name: string;
  secret_hash: string;
  issued_by: string;
  issued_at: string;
  revoked_at: string | null;
  last_seen_at: string | null;
}

/** The display a secret names, revoked or not (the caller decides what a revoked one gets). */
export interface DisplayEntry {
  id: number;
  name: string;
  secretHash: string;
  revoked: boolean;
}

const asDisplay = (r: DisplayRow): Display => ({
  name: r.name,
  issuedBy: r.issued_by,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  lastSeenAt: r.last_seen_at,
});

export function issueDisplay(
  db: Database.Database,
  input: unknown,
  issuedBy: string,
  now: string,
): Result<{ display: Display; secret: string }> {
  return attempt(() => {
    const { name } = parseOrThrow(issueDisplaySchema, input, 'display');
    return db
      .transaction(() => {
        const previous = db.prepare('SELECT id, revoked_at FROM display WHERE name = ?').get(name) as
          { id: number; revoked_at: string | null } | undefined;
        if (previous && previous.revoked_at === null) {
          throw new DomainError(
            'conflict',
            `Display ${name} already exists; revoke it or choose another name`,
          );
        }
        const secret = `${DISPLAY_SECRET_PREFIX}${newSecret()}`;
        if (previous) {
          db.prepare(
            `UPDATE display SET secret_hash = ?, issued_by = ?, issued_at = ?, revoked_at = NULL,
             last_seen_at = NULL WHERE id = ?`,
          ).run(hashToken(secret), issuedBy, now, previous.id);
        } else {
          db.prepare('INSERT INTO display (name, secret_hash, issued_by, issued_at) VALUES (?, ?, ?, ?)').run(
            name,
            hashToken(secret),
            issuedBy,
            now,
          );
        }
        const display: Display = { name, issuedBy, issuedAt: now, revokedAt: null, lastSeenAt: null };
        return { display, secret };
      })
      .immediate();
  });
}

/** Every display, the ones in use first, then by name; never a secret. */
export function listDisplays(db: Database.Database): Display[] {
  const rows = db
    .prepare('SELECT * FROM display ORDER BY revoked_at IS NOT NULL, name')
    .all() as DisplayRow[];
  return rows.map(asDisplay);
}

/** Revokes a display; answers its secret's hash, so that its open streams can be ended now. */
export function revokeDisplay(db: Database.Database, name: string, now: string): Result<string> {
  return attempt(() => {
    const row = db
      .prepare('SELECT secret_hash FROM display WHERE name = ? AND revoked_at IS NULL')
      .get(name) as { secret_hash: string } | undefined;
    if (!row)
      throw new DomainError('not-found', `No display named ${name} in use (unknown or already revoked)`);
    db.prepare('UPDATE display SET revoked_at = ? WHERE name = ?').run(now, name);
    return row.secret_hash;
  });
}

/** The display a secret's hash belongs to, or undefined. */
export function displayBySecretHash(db: Database.Database, secretHash: string): DisplayEntry | undefined {
  const row = db
    .prepare('SELECT id, name, secret_hash, revoked_at FROM display WHERE secret_hash = ?')
    .get(secretHash) as Pick<DisplayRow, 'id' | 'name' | 'secret_hash' | 'revoked_at'> | undefined;
  return row && { id: row.id, name: row.name, secretHash: row.secret_hash, revoked: row.revoked_at !== null };
}

/** A display made contact: written when the last write is older than LAST_SEEN_EVERY_MS. */
export function touchDisplay(db: Database.Database, id: number, now: Date): void {
  const stale = new Date(now.getTime() - LAST_SEEN_EVERY_MS).toISOString();
  db.prepare(
    'UPDATE display SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)',
  ).run(now.toISOString(), id, stale);
}

/**
 * The wall links the CLI prints for a new display: this machine over HTTP, and each LAN address
 * over HTTPS when it listens (as enrollment links are made, admin/stations.ts).
 */
export function wallLinks(
  config: Pick<Config, 'port' | 'host' | 'https'>,
  secret: string,
  addresses?: string[],
): string[] {
  const path = wallLinkPath(secret);
  const httpsPort = config.https?.port ?? 0;
  const lan = httpsPort === 0 ? [] : lanAddresses(config.host, addresses);
  return [
    ...lan.map((address) => `${originOf('https', address, httpsPort)}${path}`),
    `http://localhost:${config.port}${path}`,
  ];
}
