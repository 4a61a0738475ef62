/**
 * @module The answers the supervisor console reads (SPEC SV-*): the floor board, the paged token
 * list, the paged conflicts and parked events, as zod/mini schemas (the console parses each answer
 * before it uses it; the mini build keeps its bundle small, as for the station app). The edge
 * server declares its routes with these same schemas.
 *
 * Paged lists answer `{<items>: [...], next}`: `next` is an opaque cursor to pass as `after` for the
 * following page, null on the last page (keyset paging: a row changed or added between two pages
 * is never listed twice, and a row that exists throughout is listed once).
 */
import * as z from 'zod/mini';
import { NODE_TYPES, TOKEN_STATUSES } from './domain';
import { reasonSchema } from './station-api';

/** The most rows one page may hold, and how many it holds unless `limit` says otherwise. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;
/** How many of a node's active tokens the board names (the token list has them all). */
export const BOARD_ACTIVE_SHOWN = 5;

const doneSchema = z.object({ completions: z.number(), units: z.number() });

export const boardActiveTokenSchema = z.object({
  code: z.string(),
  branch: z.nullable(z.string()),
  operator: z.nullable(z.string()),
  since: z.string(),
  elapsedSeconds: z.number(),
});

export const boardNodeSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(NODE_TYPES),
  workCenter: z.nullable(z.string()),
  /** Column (longest forward distance from the start) and row within it (branches side by side). */
  depth: z.number(),
  lane: z.number(),
  ready: z.number(),
  active: z.number(),
  paused: z.number(),
  /** Tokens waiting at a join for their siblings. */
  waiting: z.number(),
  /** Units (qty summed) of the tokens ready, active, paused and waiting. */
  units: z.number(),
  /** Since when the longest-waiting ready (else paused, else waiting) token has waited. */
  oldestSince: z.nullable(z.string()),
  oldestWaitSeconds: z.nullable(z.number()),
  activeTokens: z.array(boardActiveTokenSchema),
  doneThisHour: doneSchema,
  doneThisShift: doneSchema,
  /** SV-17: the units per hour an admin expects here (null: no target set). */
  targetPerHour: z.nullable(z.number()),
  /** The shift's target so far: targetPerHour × the hours since the shift began, rounded down. */
  targetThisShift: z.nullable(z.number()),
  starved: z.boolean(),
  blocked: z.boolean(),
});
export type BoardNode = z.infer<typeof boardNodeSchema>;

export const boardRoutingSchema = z.object({
  code: z.string(),
  version: z.number(),
  name: z.string(),
  nodes: z.array(boardNodeSchema),
});

/**
 * SV-6: how complete the figures are. Stations record offline and send later: until every station
 * has sent what it holds, the board's counts are provisional. From each station's last heartbeat.
 */
export const boardCompletenessSchema = z.object({
  /** Stations whose last report held unsent events, and how many events in all. */
  stationsWithUnsent: z.number(),
  unsentEvents: z.number(),
  /** Stations (enrolled, not revoked) that reported before but not within quietAfterSeconds. */
  stationsQuiet: z.number(),
  /** Stations that never reported: what they hold is unknown. */
  stationsNeverReported: z.number(),
  quietAfterSeconds: z.number(),
  /** When the next reporting station turns quiet if it is not heard from (null: none reporting). */
  nextQuietAt: z.nullable(z.string()),
});
export type BoardCompleteness = z.infer<typeof boardCompletenessSchema>;

export const boardSchema = z.object({
  /** The change counter the figures are at: a live stream continues from it. */
  cursor: z.number(),
  generatedAt: z.string(),
  hourStart: z.string(),
  shiftStart: z.string(),
  blockedQueue: z.number(),
  filters: z.object({
    routing: z.nullable(z.string()),
    ticket: z.nullable(z.string()),
    workCenter: z.nullable(z.string()),
  }),
  routings: z.array(boardRoutingSchema),
  completeness: boardCompletenessSchema,
});
export type Board = z.infer<typeof boardSchema>;

export const listedTokenSchema = z.object({
  id: z.number(),
  code: z.string(),
  branch: z.nullable(z.string()),
  ticket: z.string(),
  routing: z.string(),
  routingVersion: z.number(),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
  qty: z.number(),
  operator: z.nullable(z.string()),
  since: z.string(),
  elapsedSeconds: z.number(),
});
export type ListedToken = z.infer<typeof listedTokenSchema>;

export const tokenPageSchema = z.object({
  tokens: z.array(listedTokenSchema),
  next: z.nullable(z.string()),
});

/** A conflict and the event it holds (GET /supervisor/conflicts). */
export const conflictSchema = z.object({
  id: z.number(),
  reason: reasonSchema,
  createdAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  resolution: z.nullable(z.enum(['applied', 'discarded'])),
  note: z.nullable(z.string()),
  event: z.object({
    id: z.string(),
    type: z.string(),
    code: z.string(),
    nodeCode: z.nullable(z.string()),
    operatorBadge: z.nullable(z.string()),
    occurredAt: z.string(),
    station: z.nullable(z.string()),
    seq: z.nullable(z.number()),
  }),
});
export type ConflictItem = z.infer<typeof conflictSchema>;

export const conflictPageSchema = z.object({
  conflicts: z.array(conflictSchema),
  next: z.nullable(z.string()),
});

/** An event parked until its token is ready (GET /supervisor/parked). */
export const parkedEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  code: z.string(),
  nodeCode: z.nullable(z.string()),
  station: z.string(),
  seq: z.number(),
  parkedAt: z.string(),
  expiresAt: z.string(),
  reasonCode: z.string(),
  reason: z.string(),
});
export type ParkedItem = z.infer<typeof parkedEventSchema>;

export const parkedPageSchema = z.object({
  parked: z.array(parkedEventSchema),
  next: z.nullable(z.string()),
});

// --- Station health (GET /supervisor/stations, SPEC SV-44 … SV-47) -------------------------------

export const STATION_STATES = ['reporting', 'quiet', 'never'] as const;
export type StationState = (typeof STATION_STATES)[number];

/** What a station last reported of itself (its heartbeat, shared/station-api.ts). */
export const stationReportSchema = z.object({
  reportedAt: z.string(),
  appVersion: z.string(),
  pending: z.number(),
  oldestPendingAt: z.nullable(z.string()),
  refusedCount: z.number(),
  storage: z.nullable(z.object({ usedBytes: z.number(), quotaBytes: z.number() })),
  onlineSince: z.nullable(z.string()),
});
export type StationReport = z.infer<typeof stationReportSchema>;

export const seqGapSchema = z.object({
  fromSeq: z.number(),
  toSeq: z.number(),
  missing: z.number(),
  detectedAt: z.string(),
});

/** One station's health as supervisors see it. */
export const stationHealthSchema = z.object({
  name: z.string(),
  workCenter: z.nullable(z.string()),
  nodes: z.array(z.object({ routing: z.string(), nodeCode: z.string() })),
  enrolledAt: z.string(),
  revoked: z.boolean(),
  /** Its last push. */
  lastSeenAt: z.nullable(z.string()),
  secondsSinceSeen: z.nullable(z.number()),
  /** Its last push or heartbeat, whichever is later; null: never. */
  lastContactAt: z.nullable(z.string()),
  secondsSinceContact: z.nullable(z.number()),
  /** reporting: heard from within quietAfterSeconds; quiet: not since; never: not once. */
  state: z.enum(STATION_STATES),
  lastSeq: z.number(),
  /** The station's clock minus the server's, at its last push or heartbeat. */
  clockSkewMs: z.nullable(z.number()),
  /** The skew is beyond CLOCK_SKEW_THRESHOLD_SECONDS. */
  clockSkewFlagged: z.boolean(),
  parkedEvents: z.number(),
  /** Seq numbers that never arrived: events lost on the device. */
  seqGaps: z.array(seqGapSchema),
  /** Its last heartbeat; null: it never sent one. */
  report: z.nullable(stationReportSchema),
});
export type StationHealth = z.infer<typeof stationHealthSchema>;

export const stationsHealthSchema = z.object({
  generatedAt: z.string(),
  /** STATION_QUIET_SECONDS: a station not heard from for longer is "not reporting". */
  quietAfterSeconds: z.number(),
  clockSkewThresholdSeconds: z.number(),
  stations: z.array(stationHealthSchema),
});
export type StationsHealth = z.infer<typeof stationsHealthSchema>;
