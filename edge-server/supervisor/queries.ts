/**
 * @module What supervisors read: station queues, stations' health (last contact, what they hold
 * unsent, seq gaps, clock skew) and the full history of one serial (paging.ts lists conflicts and parked events, board.ts
 * the floor board).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { TOKEN_STATUSES } from '../../shared/domain';
import { tokenRefSchema } from '../../shared/protocol';
import type { StationHealth, StationState } from '../../shared/supervisor-api';
import type { EventArchive } from '../ops/archive';
import { publishedRouting } from '../reference/reference-data';
import { DomainError, attempt } from '../errors';
import { isoOf } from '../db/sql-time';

/** What stationHealth needs to know: when a station turns quiet, when its skew is flagged. */
export interface StationHealthSettings {
  quietAfterSeconds: number;
  clockSkewThresholdMs: number;
}

interface StationRow {
  id: number;
  name: string;
  work_center: string | null;
  enrolled_at: string;
  revoked_at: string | null;
  last_seen_at: string | null;
  last_seq: number;
  clock_skew_ms: number | null;
  clock_skew_at: string | null;
  parked: number;
  reported_at: string | null;
  report_skew_ms: number | null;
  app_version: string | null;
  pending: number | null;
  oldest_pending_at: string | null;
  refused_count: number | null;
  storage_used: number | null;
  storage_quota: number | null;
  online_since: string | null;
}

const secondsBetween = (now: Date, then: string): number =>
  Math.max(0, Math.round((now.getTime() - Date.parse(then)) / 1000));

/** The later of two ISO times (either may be missing). */
function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** SV-44: reporting within the threshold, quiet after it, never without any contact. */
export function stationState(
  lastContactAt: string | null,
  now: Date,
  quietAfterSeconds: number,
): StationState {
  if (lastContactAt === null) return 'never';
  return now.getTime() - Date.parse(lastContactAt) > quietAfterSeconds * 1000 ? 'quiet' : 'reporting';
}

/**
 * Every station's health (GET /supervisor/stations, SPEC SV-44 … SV-47): last contact (a push or a
 * heartbeat), its state, what it last reported holding, seq gaps, clock skew (from the later of its
 * last push and its last heartbeat), parked events. A few rows per station.
 */
export function stationHealth(
  db: Database.Database,
  settings: StationHealthSettings,
  now: Date,
): StationHealth[] {
  const stations = db
    .prepare(
      `SELECT s.id, s.name, wc.code AS work_center, s.enrolled_at, s.revoked_at, s.last_seen_at, s.last_seq,
         s.clock_skew_ms, s.clock_skew_at,
         (SELECT count(*) FROM parked_event p WHERE p.station_id = s.id) AS parked,
         r.reported_at, r.clock_skew_ms AS report_skew_ms, r.app_version, r.pending, r.oldest_pending_at,
         r.refused_count, r.storage_used, r.storage_quota, r.online_since
       FROM station s LEFT JOIN work_center wc ON wc.id = s.work_center_id
       LEFT JOIN station_report r ON r.station_id = s.id ORDER BY s.name`,
    )
    .all() as StationRow[];
  const gaps = db
    .prepare(
      'SELECT station_id, from_seq, to_seq, detected_at FROM station_seq_gap WHERE filled_at IS NULL ORDER BY id',
    )
    .all() as { station_id: number; from_seq: number; to_seq: number; detected_at: string }[];
  const nodes = db
    .prepare(
      `SELECT sn.station_id, g.code AS routing, n.code FROM station_node sn
       JOIN routing_node n ON n.id = sn.node_id JOIN routing_graph g ON g.id = n.graph_id ORDER BY g.code, n.position`,
    )
    .all() as { station_id: number; routing: string; code: string }[];
  return stations.map((s) => {
    const lastContactAt = later(s.last_seen_at, s.reported_at);
    // The skew of whichever came last: a heartbeat measures it as a push does.
    const heartbeatLater = s.reported_at !== null && later(s.clock_skew_at, s.reported_at) === s.reported_at;
    const skew = heartbeatLater ? s.report_skew_ms : s.clock_skew_ms;
    return {
      name: s.name,
      workCenter: s.work_center,
      nodes: nodes
        .filter((n) => n.station_id === s.id)
        .map((n) => ({ routing: n.routing, nodeCode: n.code })),
      enrolledAt: s.enrolled_at,
      revoked: s.revoked_at !== null,
      lastSeenAt: s.last_seen_at,
      secondsSinceSeen: s.last_seen_at === null ? null : secondsBetween(now, s.last_seen_at),
      lastContactAt,
      secondsSinceContact: lastContactAt === null ? null : secondsBetween(now, lastContactAt),
      state: stationState(lastContactAt, now, settings.quietAfterSeconds),
      lastSeq: s.last_seq,
      clockSkewMs: skew,
      clockSkewFlagged: skew !== null && Math.abs(skew) > settings.clockSkewThresholdMs,
      parkedEvents: s.parked,
      seqGaps: gaps
        .filter((g) => g.station_id === s.id)
        .map((g) => ({
          fromSeq: g.from_seq,
          toSeq: g.to_seq,
          missing: g.to_seq - g.from_seq + 1,
          detectedAt: g.detected_at,
        })),
      report:
        s.reported_at === null
          ? null
          : {
              reportedAt: s.reported_at,
              appVersion: s.app_version ?? '',
              pending: s.pending ?? 0,
              oldestPendingAt: s.oldest_pending_at,
              refusedCount: s.refused_count ?? 0,
              storage:
                s.storage_used === null || s.storage_quota === null
                  ? null
                  : { usedBytes: s.storage_used, quotaBytes: s.storage_quota },
              onlineSince: s.online_since,
            },
    };
  });
}

export const queuedTokenSchema = z.object({
  code: z.string(),
  branch: z.string().nullable(),
  qty: z.number().int(),
  operator: z.string().nullable(),
  since: z.string(),
  elapsedSeconds: z.number().int(),
});

/** How many tokens each of a node's lists shows: the longest-waiting; the counts say how many there are. */
export const QUEUE_SHOWN = 50;

const queueCountsSchema = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  paused: z.number().int(),
  blocked: z.number().int(),
});

/**
 * One node's queue (GET /supervisor/queues); `blocked` are tokens waiting at a join. Each list holds
 * at most QUEUE_SHOWN tokens, longest-waiting first; `counts` has them all (the rest are paged by
 * GET /supervisor/tokens with the routing, node and status).
 */
export const nodeQueueSchema = z.object({
  routing: z.string(),
  routingVersion: z.number().int(),
  nodeCode: z.string(),
  name: z.string(),
  workCenter: z.string().nullable(),
  counts: queueCountsSchema,
  waiting: z.array(queuedTokenSchema),
  active: z.array(queuedTokenSchema),
  paused: z.array(queuedTokenSchema),
  blocked: z.array(queuedTokenSchema),
});
export type NodeQueue = z.infer<typeof nodeQueueSchema>;

interface QueuedRow {
  code: string;
  branch: string | null;
  qty: number;
  active_operator: string | null;
  status_since: string;
}

/**
 * Per operation node: what waits, what is in progress (with operator and since when), what is
 * paused. Read per node and status from the index on (graph, node, status, status_since), so the
 * answer stays small and quick however many tokens the floor holds.
 */
export function stationQueues(db: Database.Database, now: Date): NodeQueue[] {
  const nodes = db
    .prepare(
      `SELECT n.graph_id, g.code AS routing, g.version, n.code, n.name, wc.code AS work_center
       FROM routing_node n JOIN routing_graph g ON g.id = n.graph_id LEFT JOIN work_center wc ON wc.id = n.work_center_id
       WHERE n.node_type IN ('operation', 'join') AND ${publishedRouting('g')} ORDER BY g.code, g.version, n.position`,
    )
    .all() as {
    graph_id: number;
    routing: string;
    version: number;
    code: string;
    name: string;
    work_center: string | null;
  }[];
  const oldest = db.prepare(
    `SELECT code, branch, qty, active_operator, status_since FROM flow_token
     WHERE graph_id = ? AND node_code = ? AND status = ? ORDER BY status_since, id LIMIT ${QUEUE_SHOWN}`,
  );
  const counted = db.prepare(
    'SELECT count(*) AS n FROM flow_token WHERE graph_id = ? AND node_code = ? AND status = ?',
  );
  return nodes.map((n) => {
    const view = (status: string) =>
      (oldest.all(n.graph_id, n.code, status) as QueuedRow[]).map((t) => ({
        code: t.code,
        branch: t.branch,
        qty: t.qty,
        operator: t.active_operator,
        since: t.status_since,
        elapsedSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(t.status_since)) / 1000)),
      }));
    const count = (status: string) => (counted.get(n.graph_id, n.code, status) as { n: number }).n;
    return {
      routing: n.routing,
      routingVersion: n.version,
      nodeCode: n.code,
      name: n.name,
      workCenter: n.work_center,
      counts: {
        waiting: count('ready'),
        active: count('active'),
        paused: count('paused'),
        blocked: count('waiting'),
      },
      waiting: view('ready'),
      active: view('active'),
      paused: view('paused'),
      blocked: view('waiting'),
    };
  });
}

type TraceRow = Record<string, unknown> & {
  rowId: number;
  id: string;
  data_json: string;
  token_after_json: string | null;
  archived: number;
};

const traceEventSchema = z.object({
  id: z.string(),
  origin: z.enum(['station', 'system']),
  type: z.string(),
  station: z.string().nullable(),
  seq: z.number().int().nullable(),
  nodeCode: z.string().nullable(),
  operatorBadge: z.string().nullable(),
  occurredAt: z.string(),
  occurredAtCorrected: z.string(),
  receivedAt: z.string(),
  appliedAt: z.string().nullable(),
  status: z.enum(['applied', 'parked', 'conflict', 'rejected', 'discarded']),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  qty: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()),
  token: z.nullable(tokenRefSchema).describe('The family member the event addressed, after it'),
  archived: z.boolean().describe('Read from a monthly archive file'),
});

/** The history and genealogy of one serial (GET /supervisor/tokens/:code). */
export const tokenTraceSchema = z.object({
  code: z.string(),
  ticket: z.string(),
  processMode: z.string(),
  routingMode: z.string(),
  routing: z.object({ code: z.string(), version: z.number().int() }),
  members: z.array(
    z.object({
      id: z.number().int(),
      branch: z.string().nullable(),
      parentId: z.number().int().nullable(),
      nodeCode: z.string(),
      status: z.enum(TOKEN_STATUSES),
      qty: z.number().int(),
      operator: z.string().nullable(),
      since: z.string(),
    }),
  ),
  components: z.array(
    z.object({ componentSerial: z.string(), boundAt: z.string(), branch: z.string().nullable() }),
  ),
  events: z.array(traceEventSchema),
});

/**
 * Traceability: every event of a serial (station and system, from the live database and the
 * archive files alike, in the order they were received), its family and bound components.
 */
export function traceToken(db: Database.Database, code: string, archive?: EventArchive) {
  return attempt(() => readTrace(db, code, archive));
}

function readTrace(db: Database.Database, code: string, archive?: EventArchive) {
  const root = db
    .prepare(
      `SELECT t.id, t.code, j.code AS ticket, j.process_mode, j.routing_mode, g.code AS routing, g.version
       FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id JOIN routing_graph g ON g.id = t.graph_id
       WHERE t.code = ? AND t.parent_token_id IS NULL`,
    )
    .get(code) as
    | {
        id: number;
        code: string;
        ticket: string;
        process_mode: string;
        routing_mode: string;
        routing: string;
        version: number;
      }
    | undefined;
  if (!root) throw new DomainError('not-found', `No work item with code ${code}`);
  const members = db
    .prepare(
      `SELECT id, branch, parent_token_id AS parentId, node_code AS nodeCode, status, qty, active_operator AS operator,
         status_since AS since FROM flow_token WHERE root_token_id = ? ORDER BY id`,
    )
    .all(root.id);
  const events = db
    .prepare(
      `SELECT e.id AS rowId, e.event_id AS id, e.origin, e.event_type AS type, s.name AS station, e.seq, e.node_code AS nodeCode,
         e.operator_badge AS operatorBadge, ${isoOf('e.occurred_ms')} AS occurredAt,
         ${isoOf('e.corrected_ms')} AS occurredAtCorrected, ${isoOf('e.received_ms')} AS receivedAt,
         ${isoOf('e.applied_ms')} AS appliedAt, e.status, e.reason_code AS reasonCode,
         e.reason_message AS reason, e.qty, e.data_json, e.token_after_json, 0 AS archived
       FROM token_event e LEFT JOIN station s ON s.id = e.station_id WHERE e.root_token_id = ? ORDER BY e.id`,
    )
    .all(root.id) as TraceRow[];
  // Archived events keep their row ids; an event caught in both (an archive run cut short) is read live.
  const live = new Set(events.map((e) => e.id));
  const stationNames = new Map(
    (db.prepare('SELECT id, name FROM station').all() as { id: number; name: string }[]).map((s) => [
      s.id,
      s.name,
    ]),
  );
  const archived: TraceRow[] = (archive?.eventsOfFamily(root.id) ?? [])
    .filter((e) => !live.has(e.event_id as string))
    .map((e) => ({
      rowId: e.id as number,
      id: e.event_id as string,
      origin: e.origin,
      type: e.event_type,
      station: e.station_id === null ? null : (stationNames.get(e.station_id as number) ?? null),
      seq: e.seq,
      nodeCode: e.node_code,
      operatorBadge: e.operator_badge,
      occurredAt: e.occurred_at,
      occurredAtCorrected: e.occurred_at_corrected,
      receivedAt: e.received_at,
      appliedAt: e.applied_at,
      status: e.status,
      reasonCode: e.reason_code,
      reason: e.reason_message,
      qty: e.qty,
      data_json: e.data_json as string,
      token_after_json: e.token_after_json as string | null,
      archived: 1,
    }));
  const all = [...archived, ...events].sort((a, b) => a.rowId - b.rowId);
  const components = db
    .prepare(
      `SELECT b.component_serial AS componentSerial, b.bound_at AS boundAt, t.branch FROM component_binding b
       JOIN flow_token t ON t.id = b.token_id WHERE t.root_token_id = ? ORDER BY b.id`,
    )
    .all(root.id);
  return {
    code: root.code,
    ticket: root.ticket,
    processMode: root.process_mode,
    routingMode: root.routing_mode,
    routing: { code: root.routing, version: root.version },
    members,
    components,
    events: all.map(({ rowId: _rowId, data_json, token_after_json, archived: inArchive, ...e }) => ({
      ...e,
      data: JSON.parse(data_json) as unknown,
      token: token_after_json === null ? null : (JSON.parse(token_after_json) as unknown),
      archived: inArchive === 1,
    })),
  };
}
