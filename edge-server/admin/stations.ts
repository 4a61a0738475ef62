/**
 * @module Stations: enrolled with the nodes they serve and the language their screen speaks (token
 * shown once, stored hashed), their language changed, revoked.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { StationLanguage } from '../../shared/protocol';
import { STATION_LANGUAGES } from '../../shared/protocol';
import type { Config } from '../config';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { bumpReferenceSeq } from '../reference/reference-data';
import { hashToken, newSecret } from '../auth/secrets';
import { lanAddresses, originOf } from '../ops/tls';
import { parseOrThrow } from './parse';

export const enrollStationSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, - and _ only'),
  workCenter: z.string().trim().min(1).optional(),
  /** The node codes it reports at; by default every operation node of its work center. */
  nodeCodes: z.array(z.string().trim().min(1).max(64)).min(1).max(200).optional(),
  language: z
    .enum(STATION_LANGUAGES)
    .optional()
    .describe('The language its screen speaks; by default the site’s STATION_LANGUAGE'),
});

/** What a station's screen speaks, and whether that is its own language or the site's. */
const languageFields = {
  language: z.enum(STATION_LANGUAGES).describe('The language its screen speaks (in its snapshot)'),
  followsSiteLanguage: z
    .boolean()
    .describe('true: it has no language of its own and speaks the site’s STATION_LANGUAGE'),
};

export const setStationLanguageSchema = z.object({
  language: z
    .enum(STATION_LANGUAGES)
    .nullable()
    .describe('The language its screen speaks from its next snapshot on; null: the site’s STATION_LANGUAGE'),
});

export const stationLanguageSchema = z.object({ name: z.string(), ...languageFields });
export type StationLanguageAnswer = z.infer<typeof stationLanguageSchema>;

export const enrollResultSchema = z.object({
  stationId: z.number().int(),
  name: z.string(),
  workCenter: z.string().nullable(),
  nodeCodes: z.array(z.string()),
  ...languageFields,
  token: z.string().describe('The station token, shown once: only its hash is stored'),
  enrollCode: z
    .string()
    .describe('A one-time code that one browser exchanges for its own credential (POST /api/v1/enroll)'),
  enrollExpiresAt: z.string(),
});
export type EnrollResult = z.infer<typeof enrollResultSchema>;

/** How long an enrollment link stays usable. */
export const ENROLLMENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const ENROLLMENT_CODE_PREFIX = 'enr_';

/**
 * The links that enroll a browser as a station: on this machine over HTTP, and at each LAN address
 * over HTTPS. They come from the configured ports: no LAN link while HTTPS is off or HTTPS_PORT=0
 * (its port is known only once it listens), nor when HOST is loopback.
 */
export function enrollmentLinks(
  config: Pick<Config, 'port' | 'host' | 'https'>,
  enrollCode: string,
  addresses?: string[],
): { enrollUrl: string; lanEnrollUrls: string[] } {
  const fragment = `/#enroll=${enrollCode}`;
  const httpsPort = config.https?.port ?? 0;
  const lan = httpsPort === 0 ? [] : lanAddresses(config.host, addresses);
  return {
    enrollUrl: `http://localhost:${config.port}${fragment}`,
    lanEnrollUrls: lan.map((address) => `${originOf('https', address, httpsPort)}${fragment}`),
  };
}

/** What the snapshot says a station speaks: its own language, else the site's (STATION_LANGUAGE). */
export function languageOf(
  own: StationLanguage | null,
  siteLanguage: StationLanguage,
): Pick<EnrollResult, 'language' | 'followsSiteLanguage'> {
  return { language: own ?? siteLanguage, followsSiteLanguage: own === null };
}

/** `siteLanguage`: the site's STATION_LANGUAGE, which a station enrolled without a language speaks. */
export function enrollStation(
  db: Database.Database,
  input: unknown,
  now: string,
  siteLanguage: StationLanguage = 'th',
): Result<EnrollResult> {
  return attempt(() => {
    const s = parseOrThrow(enrollStationSchema, input, 'station');
    if (!s.workCenter && !s.nodeCodes) {
      throw new DomainError('invalid', 'Invalid station: give its workCenter, its nodeCodes, or both');
    }
    return db
      .transaction((): EnrollResult => {
        const previous = db.prepare('SELECT id, revoked_at FROM station WHERE name = ?').get(s.name) as
          { id: number; revoked_at: string | null } | undefined;
        if (previous && previous.revoked_at === null) {
          throw new DomainError(
            'conflict',
            `Station ${s.name} is already enrolled; revoke it or choose another name`,
          );
        }
        let workCenterId: number | null = null;
        if (s.workCenter) {
          const wc = db.prepare('SELECT id FROM work_center WHERE code = ?').get(s.workCenter) as
            { id: number } | undefined;
          if (!wc)
            throw new DomainError(
              'not-found',
              `No work center ${s.workCenter}; import a routing that defines it first`,
            );
          workCenterId = wc.id;
        }
        const nodes = (
          s.nodeCodes
            ? db
                .prepare(
                  `SELECT id, code, node_type FROM routing_node WHERE code IN (${s.nodeCodes.map(() => '?').join(',')})`,
                )
                .all(...s.nodeCodes)
            : db
                .prepare(
                  "SELECT id, code, node_type FROM routing_node WHERE work_center_id = ? AND node_type = 'operation'",
                )
                .all(workCenterId)
        ) as { id: number; code: string; node_type: string }[];
        const missing = (s.nodeCodes ?? []).filter((c) => !nodes.some((n) => n.code === c));
        if (missing.length > 0)
          throw new DomainError('not-found', `No routing has the node(s) ${missing.join(', ')}`, missing);
        const notOperations = [
          ...new Set(nodes.filter((n) => n.node_type !== 'operation').map((n) => n.code)),
        ];
        if (notOperations.length > 0) {
          throw new DomainError(
            'invalid',
            `Stations report at operation nodes only; not: ${notOperations.join(', ')}`,
          );
        }
        if (nodes.length === 0) {
          throw new DomainError(
            'invalid',
            `Work center ${s.workCenter} has no operation nodes on any routing yet`,
          );
        }
        const token = newSecret();
        const servesWorkCenter = s.nodeCodes === undefined ? 1 : 0;
        // Without a language the station follows the site's setting, also when that changes later.
        const language = s.language ?? null;
        let stationId: number;
        if (previous) {
          // Re-enrolling a revoked station: a new device and token under the old name, counting seq
          // from the start again; its history stays with it.
          db.prepare(
            `UPDATE station SET work_center_id = ?, token_hash = ?, serves_work_center = ?, language = ?,
             enrolled_at = ?, revoked_at = NULL, last_seq = 0 WHERE id = ?`,
          ).run(workCenterId, hashToken(token), servesWorkCenter, language, now, previous.id);
          db.prepare('DELETE FROM station_node WHERE station_id = ?').run(previous.id);
          // A new device: the old one's links and credentials go.
          db.prepare('DELETE FROM station_device WHERE station_id = ?').run(previous.id);
          db.prepare('DELETE FROM station_enrollment WHERE station_id = ?').run(previous.id);
          stationId = previous.id;
        } else {
          const info = db
            .prepare(
              `INSERT INTO station (name, work_center_id, token_hash, serves_work_center, language, enrolled_at)
               VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(s.name, workCenterId, hashToken(token), servesWorkCenter, language, now);
          stationId = Number(info.lastInsertRowid);
        }
        const link = db.prepare('INSERT INTO station_node (station_id, node_id) VALUES (?, ?)');
        for (const node of nodes) link.run(stationId, node.id);
        const enrollCode = `${ENROLLMENT_CODE_PREFIX}${newSecret(18)}`;
        const enrollExpiresAt = new Date(Date.parse(now) + ENROLLMENT_TTL_MS).toISOString();
        db.prepare(
          'INSERT INTO station_enrollment (code_hash, station_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
        ).run(hashToken(enrollCode), stationId, now, enrollExpiresAt);
        bumpReferenceSeq(db);
        return {
          stationId,
          name: s.name,
          workCenter: s.workCenter ?? null,
          nodeCodes: [...new Set(nodes.map((n) => n.code))],
          ...languageOf(language, siteLanguage),
          token,
          enrollCode,
          enrollExpiresAt,
        };
      })
      .immediate();
  });
}

export function revokeStation(db: Database.Database, name: string, now: string): Result<void> {
  return attempt(() => {
    const info = db
      .prepare('UPDATE station SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
      .run(now, name);
    if (info.changes === 0)
      throw new DomainError('not-found', `No enrolled (unrevoked) station named ${name}`);
    bumpReferenceSeq(db);
  });
}

/**
 * Sets the language an enrolled station's screen speaks (null: the site's STATION_LANGUAGE again).
 * The reference counter moves, so the station's next snapshot, delta or full, carries it.
 */
export function setStationLanguage(
  db: Database.Database,
  name: string,
  input: unknown,
  siteLanguage: StationLanguage,
): Result<StationLanguageAnswer> {
  return attempt(() => {
    const { language } = parseOrThrow(setStationLanguageSchema, input, 'station language');
    return db
      .transaction((): StationLanguageAnswer => {
        const info = db
          .prepare('UPDATE station SET language = ? WHERE name = ? AND revoked_at IS NULL')
          .run(language, name);
        if (info.changes === 0)
          throw new DomainError('not-found', `No enrolled (unrevoked) station named ${name}`);
        bumpReferenceSeq(db);
        return { name, ...languageOf(language, siteLanguage) };
      })
      .immediate();
  });
}
