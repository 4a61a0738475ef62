/**
 * @module Enrollment links: a browser opens `/#enroll=<code>` and exchanges the one-time code for a
 * credential of its own for that station (POST /api/v1/enroll). A code works once, until it expires.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { bumpReferenceSeq } from '../reference/reference-data';
import { hashToken, newSecret } from '../auth/secrets';

/** The station this browser now is, and its own credential (shown once). */
export const enrollmentRedeemedSchema = z.object({ station: z.string(), token: z.string() });
export type EnrollmentRedeemed = z.infer<typeof enrollmentRedeemedSchema>;

export function redeemEnrollment(
  db: Database.Database,
  code: string,
  now: string,
): Result<EnrollmentRedeemed> {
  return attempt(() => {
    return db
      .transaction(() => {
        const row = db
          .prepare(
            `SELECT e.station_id, e.expires_at, e.used_at, s.name, s.revoked_at FROM station_enrollment e
             JOIN station s ON s.id = e.station_id WHERE e.code_hash = ?`,
          )
          .get(hashToken(code)) as
          | {
              station_id: number;
              expires_at: string;
              used_at: string | null;
              name: string;
              revoked_at: string | null;
            }
          | undefined;
        if (!row || row.used_at !== null || row.expires_at <= now || row.revoked_at !== null) {
          throw new DomainError(
            'not-found',
            row?.used_at
              ? 'This enrollment link was already used; ask a supervisor for a new one'
              : 'This enrollment link is unknown or expired; ask a supervisor for a new one',
          );
        }
        const token = newSecret();
        db.prepare('INSERT INTO station_device (token_hash, station_id, enrolled_at) VALUES (?, ?, ?)').run(
          hashToken(token),
          row.station_id,
          now,
        );
        db.prepare('UPDATE station_enrollment SET used_at = ? WHERE code_hash = ?').run(now, hashToken(code));
        bumpReferenceSeq(db);
        return { station: row.name, token };
      })
      .immediate();
  });
}
