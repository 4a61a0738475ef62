/**
 * @module Stations: enrolled with the nodes they serve and the language their screen speaks (token
 * shown once, stored hashed), listed, given a new enrollment link, their language changed, revoked.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { DeskStation } from '../../shared/people-desk-api';
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

/** A new one-time enrollment code for a station (only its hash is kept); call inside a transaction. */
function issueEnrollmentCode(
  db: Database.Database,
  stationId: number,
  now: string,
): { enrollCode: string; enrollExpiresAt: string } {
  const enrollCode = `${ENROLLMENT_CODE_PREFIX}${newSecret(18)}`;
  const enrollExpiresAt = new Date(Date.parse(now) + ENROLLMENT_TTL_MS).toISOString();
  db.prepare(
    'INSERT INTO station_enrollment (code_hash, station_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  ).run(hashToken(enrollCode), stationId, now, enrollExpiresAt);
  return { enrollCode, enrollExpiresAt };
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
        const { enrollCode, enrollExpiresAt } = issueEnrollmentCode(db, stationId, now);
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

/** A new enrollment link's code (shown once) for an enrolled station. */
export interface StationLinkCode {
  name: string;
  enrollCode: string;
  enrollExpiresAt: string;
}

/**
 * A new one-time enrollment link for an enrolled, unrevoked station (SPEC DK-31): its earlier link,
 * if not yet opened, stops working; browsers already enrolled keep their credentials.
 */
export function newEnrollmentLink(db: Database.Database, name: string, now: string): Result<StationLinkCode> {
  return attempt(() =>
    db
      .transaction((): StationLinkCode => {
        const station = db
          .prepare('SELECT id FROM station WHERE name = ? AND revoked_at IS NULL')
          .get(name) as { id: number } | undefined;
        if (!station) throw new DomainError('not-found', `No enrolled (unrevoked) station named ${name}`);
        db.prepare('DELETE FROM station_enrollment WHERE station_id = ? AND used_at IS NULL').run(station.id);
        return { name, ...issueEnrollmentCode(db, station.id, now) };
      })
      .immediate(),
  );
}

interface DeskStationRow {
  id: number;
  name: string;
  work_center: string | null;
  language: StationLanguage | null;
  enrolled_at: string;
  revoked_at: string | null;
  last_seen_at: string | null;
  reported_at: string | null;
  devices: number;
  link_expires_at: string | null;
}

/**
 * Every station as the desk lists it (SPEC DK-30), by name: its work center and nodes, the language
 * its screen speaks, enrolled and revoked when, last heard from (a push or a heartbeat), how many
 * browsers enrolled through a link, and whether a link waits to be opened. No secret.
 */
export function listStations(
  db: Database.Database,
  siteLanguage: StationLanguage,
  now: string,
): DeskStation[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.name, wc.code AS work_center, s.language, s.enrolled_at, s.revoked_at, s.last_seen_at,
         r.reported_at,
         (SELECT count(*) FROM station_device d WHERE d.station_id = s.id) AS devices,
         (SELECT max(e.expires_at) FROM station_enrollment e
           WHERE e.station_id = s.id AND e.used_at IS NULL AND e.expires_at > @now) AS link_expires_at
       FROM station s LEFT JOIN work_center wc ON wc.id = s.work_center_id
       LEFT JOIN station_report r ON r.station_id = s.id ORDER BY s.name`,
    )
    .all({ now }) as DeskStationRow[];
  const nodes = db
    .prepare(
      `SELECT DISTINCT sn.station_id, n.code FROM station_node sn JOIN routing_node n ON n.id = sn.node_id
       ORDER BY n.code`,
    )
    .all() as { station_id: number; code: string }[];
  const codesOf = new Map<number, string[]>();
  for (const n of nodes) {
    const codes = codesOf.get(n.station_id);
    if (codes) codes.push(n.code);
    else codesOf.set(n.station_id, [n.code]);
  }
  return rows.map((s) => ({
    name: s.name,
    workCenter: s.work_center,
    nodeCodes: codesOf.get(s.id) ?? [],
    ...languageOf(s.language, siteLanguage),
    enrolledAt: s.enrolled_at,
    revokedAt: s.revoked_at,
    lastSeenAt: laterOf(s.last_seen_at, s.reported_at),
    devices: s.devices,
    linkExpiresAt: s.revoked_at === null ? s.link_expires_at : null,
  }));
}

/** The later of two ISO times (either may be missing). */
function laterOf(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
