/**
 * @module The floor board (GET /supervisor/board, SPEC SV-1 … SV-4): per routing its nodes in
 * routing order with their figures (floor-figures.ts), work done this hour and this shift, the
 * starved and blocked flags (shared/floor-board.ts), how complete the figures are (stations holding
 * unsent events, quiet or never heard from: SV-6), and the change cursor the figures are at, all
 * read in one read transaction. Cost: a few rows per node, not a scan of tokens; a ticket filter
 * counts that ticket's tokens instead (index flow_token_ticket; bounded by the ticket's size,
 * since figures are kept per node, not per ticket), while its done figures are exact (floor_done
 * is kept per ticket). Each node's target (SV-17, migration 0010: per routing code and node code,
 * so every version of a routing shows it) comes from one small table read whole in the same
 * transaction; the shift's target so far is the hourly one times the hours the shift has run.
 */
import type Database from 'better-sqlite3';
import type { EdgeType, NodeType } from '../../shared/domain';
import { hourBucket, nodeFlags, placeNodes, shiftStart } from '../../shared/floor-board';
import { shiftTargetSoFar } from '../../shared/node-targets';
import type { Board, BoardCompleteness, BoardNode } from '../../shared/supervisor-api';
import { BOARD_ACTIVE_SHOWN } from '../../shared/supervisor-api';
import { DomainError, attempt } from '../errors';
import type { Result } from '../errors';
import { publishedRouting } from '../reference/reference-data';

/** The board's settings (SHIFT_HOURS and BLOCKED_QUEUE, read with the rest in config.ts). */
export interface FloorSettings {
  /** Shift starts, minutes after local midnight, sorted. */
  shiftStarts: number[];
  blockedQueue: number;
  /** STATION_QUIET_SECONDS, for the board's completeness (SV-6); 120 when not given. */
  stationQuietSeconds?: number;
}

const DEFAULT_QUIET_SECONDS = 120;

export interface BoardFilters {
  routing?: string | undefined;
  ticket?: string | undefined;
  workCenter?: string | undefined;
}

/** A routing version and a node as the board and the shift figures read them. */
export interface GraphRow {
  id: number;
  code: string;
  version: number;
  name: string;
}
export interface NodeRow {
  code: string;
  name: string;
  node_type: NodeType;
  work_center: string | null;
}
interface EdgeRow {
  from: string;
  to: string;
  type: EdgeType;
}
interface CountRow {
  graph_id: number;
  node_code: string;
  status: string;
  tokens: number;
  units: number;
  oldest_since: string | null;
}
interface DoneRow {
  graph_id: number;
  node_code: string;
  hour_completions: number;
  hour_units: number;
  shift_completions: number;
  shift_units: number;
}

/** Prepared once per connection. */
class BoardStatements {
  readonly graphs: Database.Statement;
  readonly nodes: Database.Statement;
  readonly edges: Database.Statement;
  readonly counts: Database.Statement;
  readonly ticketCounts: Database.Statement;
  readonly done: Database.Statement;
  readonly ticket: Database.Statement;
  readonly active: Database.Statement;
  readonly activeOfTicket: Database.Statement;
  readonly contact: Database.Statement;
  readonly targets: Database.Statement;

  constructor(db: Database.Database) {
    this.targets = db.prepare('SELECT routing_code, node_code, units_per_hour FROM node_target');
    this.contact = db.prepare(
      `SELECT s.last_seen_at, r.reported_at, r.pending FROM station s
       LEFT JOIN station_report r ON r.station_id = s.id WHERE s.revoked_at IS NULL`,
    );
    // Every routing's latest published version, and older versions that still hold live tokens.
    this.graphs = db.prepare(
      `SELECT g.id, g.code, g.version, g.name FROM routing_graph g WHERE ${publishedRouting('g')}
         AND (g.version = (SELECT max(version) FROM routing_graph h WHERE h.code = g.code)
           OR EXISTS (SELECT 1 FROM floor_count f WHERE f.graph_id = g.id AND f.tokens > 0))
       ORDER BY g.code, g.version`,
    );
    this.nodes = db.prepare(
      `SELECT n.code, n.name, n.node_type, wc.code AS work_center FROM routing_node n
       LEFT JOIN work_center wc ON wc.id = n.work_center_id WHERE n.graph_id = ? ORDER BY n.position`,
    );
    this.edges = db.prepare(
      `SELECT a.code AS "from", b.code AS "to", e.edge_type AS type FROM routing_edge e
       JOIN routing_node a ON a.id = e.from_node_id JOIN routing_node b ON b.id = e.to_node_id
       WHERE e.graph_id = ? ORDER BY e.position`,
    );
    this.counts = db.prepare(
      'SELECT graph_id, node_code, status, tokens, units, oldest_since FROM floor_count WHERE tokens > 0',
    );
    this.ticketCounts = db.prepare(
      `SELECT graph_id, node_code, status, count(*) AS tokens, sum(qty) AS units, min(status_since) AS oldest_since
       FROM flow_token WHERE ticket_id = ? AND status IN ('ready', 'active', 'paused', 'waiting', 'split')
       GROUP BY graph_id, node_code, status`,
    );
    this.done = db.prepare(
      `SELECT graph_id, node_code,
         sum(CASE WHEN hour >= @hour THEN completions ELSE 0 END) AS hour_completions,
         sum(CASE WHEN hour >= @hour THEN units ELSE 0 END) AS hour_units,
         sum(completions) AS shift_completions, sum(units) AS shift_units
       FROM floor_done WHERE hour >= @shift AND (@ticket IS NULL OR ticket_id = @ticket)
       GROUP BY graph_id, node_code`,
    );
    this.ticket = db.prepare('SELECT id, graph_id FROM job_ticket WHERE code = ?');
    this.active = db.prepare(
      `SELECT code, branch, active_operator AS operator, status_since AS since FROM flow_token
       WHERE graph_id = ? AND node_code = ? AND status = 'active' ORDER BY status_since, id LIMIT ${BOARD_ACTIVE_SHOWN}`,
    );
    this.activeOfTicket = db.prepare(
      `SELECT code, branch, active_operator AS operator, status_since AS since FROM flow_token
       WHERE ticket_id = ? AND status = 'active' AND graph_id = ? AND node_code = ?
       ORDER BY status_since, id LIMIT ${BOARD_ACTIVE_SHOWN}`,
    );
  }
}

const prepared = new WeakMap<Database.Database, BoardStatements>();

function statements(db: Database.Database): BoardStatements {
  let s = prepared.get(db);
  if (!s) {
    s = new BoardStatements(db);
    prepared.set(db, s);
  }
  return s;
}

const seconds = (now: Date, since: string): number =>
  Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000));

/** The board, or not-found naming a filter that matches nothing. */
export function readBoard(
  db: Database.Database,
  settings: FloorSettings,
  filters: BoardFilters,
  now: Date,
): Result<Board> {
  return attempt(() => db.transaction(() => buildBoard(db, settings, filters, now)).deferred());
}

function buildBoard(db: Database.Database, settings: FloorSettings, filters: BoardFilters, now: Date): Board {
  const s = statements(db);
  let ticket: { id: number; graph_id: number } | undefined;
  if (filters.ticket !== undefined) {
    ticket = s.ticket.get(filters.ticket) as { id: number; graph_id: number } | undefined;
    if (!ticket) throw new DomainError('not-found', `ticket: no ticket ${filters.ticket}`);
  }
  let graphs = s.graphs.all() as GraphRow[];
  if (filters.routing !== undefined) {
    graphs = graphs.filter((g) => g.code === filters.routing);
    if (graphs.length === 0) throw new DomainError('not-found', `routing: no routing ${filters.routing}`);
  }
  if (ticket) graphs = graphs.filter((g) => g.id === ticket.graph_id);
  const counts = (ticket ? s.ticketCounts.all(ticket.id) : s.counts.all()) as CountRow[];
  const countsOf = groupBy(counts, (r) => `${r.graph_id}\n${r.node_code}`);
  const hour = hourBucket(now);
  const shift = shiftStart(now, settings.shiftStarts);
  const done = new Map(
    (s.done.all({ hour, shift: hourBucket(shift), ticket: ticket?.id ?? null }) as DoneRow[]).map((d) => [
      `${d.graph_id}\n${d.node_code}`,
      d,
    ]),
  );
  const targets = new Map(
    (s.targets.all() as { routing_code: string; node_code: string; units_per_hour: number }[]).map((t) => [
      `${t.routing_code}\n${t.node_code}`,
      t.units_per_hour,
    ]),
  );
  // A target is for all the node's work: a ticket filter's done figures are one ticket's share of
  // it, so the board shows no target then (a ticket "behind" the node's target would be wrong).
  const targetOf = (routing: string, node: string): Target => {
    const perHour = ticket ? null : (targets.get(`${routing}\n${node}`) ?? null);
    return {
      targetPerHour: perHour,
      targetThisShift: perHour === null ? null : shiftTargetSoFar(perHour, shift, now),
    };
  };
  const routings = graphs.map((g) => {
    const nodes = s.nodes.all(g.id) as NodeRow[];
    const edges = s.edges.all(g.id) as EdgeRow[];
    const places = placeNodes(
      nodes.map((n) => ({ code: n.code, type: n.node_type })),
      edges,
    );
    const built = nodes.map((n) => {
      const key = `${g.id}\n${n.code}`;
      const active = (
        (countsOf.get(key) ?? []).some((r) => r.status === 'active')
          ? ticket
            ? s.activeOfTicket.all(ticket.id, g.id, n.code)
            : s.active.all(g.id, n.code)
          : []
      ) as { code: string; branch: string | null; operator: string | null; since: string }[];
      const figures = nodeFigures(n, countsOf.get(key) ?? [], done.get(key), active, places.get(n.code), now);
      return { ...figures, ...targetOf(g.code, n.code) };
    });
    const flags = nodeFlags(
      built.map((n) => ({ ...n, type: n.type })),
      edges,
      settings.blockedQueue,
    );
    const shown = built
      .map((n) => ({ ...n, ...(flags.get(n.code) ?? { starved: false, blocked: false }) }))
      .filter((n) => filters.workCenter === undefined || n.workCenter === filters.workCenter);
    return { code: g.code, version: g.version, name: g.name, nodes: shown };
  });
  if (filters.workCenter !== undefined && !routings.some((r) => r.nodes.length > 0)) {
    const known = db.prepare('SELECT 1 FROM work_center WHERE code = ?').get(filters.workCenter);
    if (!known) throw new DomainError('not-found', `workCenter: no work center ${filters.workCenter}`);
  }
  return {
    cursor: liveCursor(db),
    generatedAt: now.toISOString(),
    hourStart: hour,
    shiftStart: shift.toISOString(),
    blockedQueue: settings.blockedQueue,
    filters: {
      routing: filters.routing ?? null,
      ticket: filters.ticket ?? null,
      workCenter: filters.workCenter ?? null,
    },
    routings: routings.filter((r) => filters.workCenter === undefined || r.nodes.length > 0),
    completeness: completeness(s, settings.stationQuietSeconds ?? DEFAULT_QUIET_SECONDS, now),
  };
}

/**
 * SV-6: what the figures may still be missing, from every enrolled station's last contact and last
 * heartbeat: who holds unsent events (and how many), who went quiet, who never reported. A few
 * rows per station, read in the board's transaction.
 */
function completeness(s: BoardStatements, quietAfterSeconds: number, now: Date): BoardCompleteness {
  const rows = s.contact.all() as {
    last_seen_at: string | null;
    reported_at: string | null;
    pending: number | null;
  }[];
  const result: BoardCompleteness = {
    stationsWithUnsent: 0,
    unsentEvents: 0,
    stationsQuiet: 0,
    stationsNeverReported: 0,
    quietAfterSeconds,
    nextQuietAt: null,
  };
  let nextQuietMs = Infinity;
  for (const row of rows) {
    const contacts = [row.last_seen_at, row.reported_at].filter((t): t is string => t !== null);
    const lastMs = Math.max(...contacts.map((t) => Date.parse(t)));
    if ((row.pending ?? 0) > 0) {
      result.stationsWithUnsent += 1;
      result.unsentEvents += row.pending ?? 0;
    }
    if (contacts.length === 0) result.stationsNeverReported += 1;
    else if (now.getTime() - lastMs > quietAfterSeconds * 1000) result.stationsQuiet += 1;
    else nextQuietMs = Math.min(nextQuietMs, lastMs + quietAfterSeconds * 1000 + 1);
  }
  if (Number.isFinite(nextQuietMs)) result.nextQuietAt = new Date(nextQuietMs).toISOString();
  return result;
}

type Target = Pick<BoardNode, 'targetPerHour' | 'targetThisShift'>;

function nodeFigures(
  n: NodeRow,
  counts: readonly CountRow[],
  done: DoneRow | undefined,
  active: readonly { code: string; branch: string | null; operator: string | null; since: string }[],
  place: { depth: number; lane: number } | undefined,
  now: Date,
): Omit<BoardNode, 'starved' | 'blocked' | keyof Target> {
  const of = (status: string) => counts.find((r) => r.status === status);
  // The oldest wait: tokens waiting for someone (ready, paused) or for their siblings (waiting).
  const oldest =
    ['ready', 'paused', 'waiting']
      .map((st) => of(st)?.oldest_since ?? null)
      .filter((v): v is string => v !== null)
      .sort()[0] ?? null;
  return {
    code: n.code,
    name: n.name,
    type: n.node_type,
    workCenter: n.work_center,
    depth: place?.depth ?? 0,
    lane: place?.lane ?? 0,
    ready: of('ready')?.tokens ?? 0,
    active: of('active')?.tokens ?? 0,
    paused: of('paused')?.tokens ?? 0,
    waiting: of('waiting')?.tokens ?? 0,
    units: counts.filter((r) => r.status !== 'split').reduce((sum, r) => sum + r.units, 0),
    oldestSince: oldest,
    oldestWaitSeconds: oldest === null ? null : seconds(now, oldest),
    activeTokens: active.map((a) => ({ ...a, elapsedSeconds: seconds(now, a.since) })),
    doneThisHour: { completions: done?.hour_completions ?? 0, units: done?.hour_units ?? 0 },
    doneThisShift: { completions: done?.shift_completions ?? 0, units: done?.shift_units ?? 0 },
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * The live stream's cursor (edge-server/live/, migration 0004) the figures are at: a console opens
 * the stream after it and misses no change made after this read.
 */
function liveCursor(db: Database.Database): number {
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'live_change'").get() as
    { seq: number } | undefined;
  return row?.seq ?? 0;
}
