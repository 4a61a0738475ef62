/**
 * @module The shift figures (GET /supervisor/figures, SPEC SV-50 … SV-55): per routing and node,
 * work done in each hour of a shift (floor_done, migration 0003), first-pass yield at QC nodes,
 * scrap and rework (floor_quality, migration 0009), and WIP ageing of the tokens waiting now.
 *
 * Cost: the hour figures are a range of floor_done and floor_quality rows (index on hour: nodes ×
 * hours × tickets active in the shift), never the event log. WIP ageing reads live tokens through the
 * covering index flow_token_node (graph, node, status, status_since): per (node, status) with
 * tokens waiting, only the entries that have waited 15 minutes or more are scanned (the youngest
 * bucket is the total in floor_count minus those), so the cost is bounded by the older waiting
 * tokens on the floor, and a (node, status) whose oldest token is younger is not read at all.
 *
 * Also the recount of floor_quality from the event log with the pure rules of
 * shared/shift-figures.ts, which the consistency tests hold the triggers' table equal to.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import { QC_BEHAVIOR } from '../../shared/domain';
import { hourBucket, shiftStart } from '../../shared/floor-board';
import type { FiguresNode, ShiftFigures } from '../../shared/figures-api';
import type { QcEvent } from '../../shared/shift-figures';
import {
  AGE_LIMITS_MINUTES,
  ageCutoffs,
  bucketsFromCumulative,
  firstPass,
  firstPassYield,
  isQcEvent,
  lossOf,
  shiftAround,
  shiftHourBuckets,
} from '../../shared/shift-figures';
import { DomainError, attempt } from '../errors';
import type { Result } from '../errors';
import { publishedRouting } from '../reference/reference-data';
import type { FloorSettings } from './board';
import type { GraphRow, NodeRow } from './board';

export interface FiguresQuery {
  routing?: string | undefined;
  /** An instant (ISO 8601 with a zone): the shift it falls in; absent: the shift on now. */
  shift?: string | undefined;
}

interface QualityNodeRow extends NodeRow {
  behavior: string | null;
}
interface HourRow {
  graph_id: number;
  node_code: string;
  hour: string;
  completions: number;
  units: number;
}
interface QualityRow {
  graph_id: number;
  node_code: string;
  first_qc: number;
  first_pass: number;
  scrap_count: number;
  scrap_units: number;
  rework_count: number;
  rework_units: number;
}
interface WaitingRow {
  graph_id: number;
  node_code: string;
  status: string;
  tokens: number;
  oldest_since: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Prepared once per connection. */
class FigureStatements {
  readonly graphs: Database.Statement;
  readonly nodes: Database.Statement;
  readonly hours: Database.Statement;
  readonly quality: Database.Statement;
  readonly waiting: Database.Statement;
  readonly older: Database.Statement;

  constructor(db: Database.Database) {
    // Each routing's latest version, and older ones that hold live tokens or did work in the shift.
    this.graphs = db.prepare(
      `SELECT g.id, g.code, g.version, g.name FROM routing_graph g WHERE ${publishedRouting('g')}
         AND (g.version = (SELECT max(version) FROM routing_graph h WHERE h.code = g.code)
           OR EXISTS (SELECT 1 FROM floor_count f WHERE f.graph_id = g.id AND f.tokens > 0)
           OR EXISTS (SELECT 1 FROM floor_done d WHERE d.graph_id = g.id AND d.hour >= @from AND d.hour < @to))
       ORDER BY g.code, g.version`,
    );
    this.nodes = db.prepare(
      `SELECT n.code, n.name, n.node_type, wc.code AS work_center, wc.behavior FROM routing_node n
       LEFT JOIN work_center wc ON wc.id = n.work_center_id WHERE n.graph_id = ? ORDER BY n.position`,
    );
    this.hours = db.prepare(
      `SELECT graph_id, node_code, hour, sum(completions) AS completions, sum(units) AS units
       FROM floor_done WHERE hour >= @from AND hour < @to GROUP BY graph_id, node_code, hour`,
    );
    this.quality = db.prepare(
      `SELECT graph_id, node_code, sum(first_qc) AS first_qc, sum(first_pass) AS first_pass,
         sum(scrap_count) AS scrap_count, sum(scrap_units) AS scrap_units,
         sum(rework_count) AS rework_count, sum(rework_units) AS rework_units
       FROM floor_quality WHERE hour >= @from AND hour < @to GROUP BY graph_id, node_code`,
    );
    this.waiting = db.prepare(
      `SELECT graph_id, node_code, status, tokens, oldest_since FROM floor_count
       WHERE tokens > 0 AND status IN ('ready', 'paused', 'waiting')`,
    );
    // Covered by flow_token_node; scans only the tokens that have waited 15 minutes or more.
    this.older = db.prepare(
      `SELECT ${AGE_LIMITS_MINUTES.map((_, i) => `coalesce(sum(status_since <= @c${i}), 0)`).join(', ')}
       FROM flow_token WHERE graph_id = @graph AND node_code = @node AND status = @status AND status_since <= @c0`,
    );
  }
}

const prepared = new WeakMap<Database.Database, FigureStatements>();

function statements(db: Database.Database): FigureStatements {
  let s = prepared.get(db);
  if (!s) {
    s = new FigureStatements(db);
    prepared.set(db, s);
  }
  return s;
}

/** The shift the query names (or the one on now); a 400 naming `shift` when it is not an instant or has not begun. */
function whichShift(
  shift: string | undefined,
  settings: FloorSettings,
  now: Date,
): { start: Date; end: Date } {
  if (shift === undefined) return shiftAround(now, settings.shiftStarts);
  const at = ISO_INSTANT.test(shift) ? new Date(shift) : null;
  if (at === null || Number.isNaN(at.getTime()))
    throw new DomainError(
      'invalid',
      `shift: "${shift}" is not a time as ISO 8601 with a zone (e.g. 2026-12-01T06:00:00+07:00)`,
    );
  if (at.getTime() > now.getTime())
    throw new DomainError('invalid', `shift: ${shift} is in the future; the shift on now is the latest`);
  return shiftAround(at, settings.shiftStarts);
}

export function readShiftFigures(
  db: Database.Database,
  settings: FloorSettings,
  query: FiguresQuery,
  now: Date,
): Result<ShiftFigures> {
  return attempt(() => {
    const shift = whichShift(query.shift, settings, now);
    return db.transaction(() => buildFigures(db, settings, query, shift, now)).deferred();
  });
}

const keyOf = (graph: number, node: string): string => `${graph}\n${node}`;

function buildFigures(
  db: Database.Database,
  settings: FloorSettings,
  query: FiguresQuery,
  shift: { start: Date; end: Date },
  now: Date,
): ShiftFigures {
  const s = statements(db);
  const hours = shiftHourBuckets(shift.start, shift.end);
  const window = { from: hours[0] ?? hourBucket(shift.start), to: hourBucket(shift.end) };
  let graphs = s.graphs.all(window) as GraphRow[];
  if (query.routing !== undefined) {
    graphs = graphs.filter((g) => g.code === query.routing);
    if (graphs.length === 0) throw new DomainError('not-found', `routing: no routing ${query.routing}`);
  }
  const hourIndex = new Map(hours.map((h, i) => [h, i]));
  const throughput = new Map<string, { completions: number; units: number }[]>();
  for (const row of s.hours.all(window) as HourRow[]) {
    const key = keyOf(row.graph_id, row.node_code);
    let list = throughput.get(key);
    if (!list) {
      list = hours.map(() => ({ completions: 0, units: 0 }));
      throughput.set(key, list);
    }
    const i = hourIndex.get(row.hour);
    if (i !== undefined) list[i] = { completions: row.completions, units: row.units };
  }
  const quality = new Map(
    (s.quality.all(window) as QualityRow[]).map((q) => [keyOf(q.graph_id, q.node_code), q]),
  );
  const shown = new Set(graphs.map((g) => g.id));
  const wip = wipAgeing(s, now, shown);
  const routings = graphs.map((g) => ({
    code: g.code,
    version: g.version,
    name: g.name,
    nodes: (s.nodes.all(g.id) as QualityNodeRow[]).map((n): FiguresNode => {
      const key = keyOf(g.id, n.code);
      const perHour = throughput.get(key) ?? hours.map(() => ({ completions: 0, units: 0 }));
      const q = quality.get(key);
      const qc = n.behavior === QC_BEHAVIOR;
      return {
        code: n.code,
        name: n.name,
        type: n.node_type,
        workCenter: n.work_center,
        qc,
        throughput: perHour,
        done: perHour.reduce(
          (sum, h) => ({ completions: sum.completions + h.completions, units: sum.units + h.units }),
          { completions: 0, units: 0 },
        ),
        firstPass: qc
          ? {
              firstTime: q?.first_qc ?? 0,
              passed: q?.first_pass ?? 0,
              yield: firstPassYield(q?.first_pass ?? 0, q?.first_qc ?? 0),
            }
          : null,
        scrap: { count: q?.scrap_count ?? 0, units: q?.scrap_units ?? 0 },
        rework: { count: q?.rework_count ?? 0, units: q?.rework_units ?? 0 },
        wip: wip.get(key) ?? { buckets: bucketsFromCumulative(0, []), tokens: 0, oldestSince: null },
      };
    }),
  }));
  return {
    generatedAt: now.toISOString(),
    shiftStart: shift.start.toISOString(),
    shiftEnd: shift.end.toISOString(),
    current: shift.start.getTime() === shiftStart(now, settings.shiftStarts).getTime(),
    previousShiftStart: shiftStart(new Date(shift.start.getTime() - 1), settings.shiftStarts).toISOString(),
    hours,
    ageLimitsMinutes: [...AGE_LIMITS_MINUTES],
    filters: { routing: query.routing ?? null },
    routings,
  };
}

/** SV-53: per node of the graphs shown, the tokens waiting now, by how long they have waited. */
function wipAgeing(
  s: FigureStatements,
  now: Date,
  graphs: ReadonlySet<number>,
): Map<string, FiguresNode['wip']> {
  const cutoffs = ageCutoffs(now);
  const params = Object.fromEntries(cutoffs.map((c, i) => [`c${i}`, c]));
  const result = new Map<string, FiguresNode['wip']>();
  for (const row of s.waiting.all() as WaitingRow[]) {
    if (!graphs.has(row.graph_id)) continue;
    // Nobody there has waited 15 minutes: all of them are in the first bucket, nothing to read.
    const atLeast =
      row.oldest_since !== null && row.oldest_since <= (cutoffs[0] ?? '')
        ? (s.older
            .raw()
            .get({ ...params, graph: row.graph_id, node: row.node_code, status: row.status }) as number[])
        : cutoffs.map(() => 0);
    const buckets = bucketsFromCumulative(row.tokens, atLeast);
    const key = keyOf(row.graph_id, row.node_code);
    const before = result.get(key);
    result.set(key, {
      buckets: before ? before.buckets.map((b, i) => b + (buckets[i] ?? 0)) : buckets,
      tokens: (before?.tokens ?? 0) + row.tokens,
      oldestSince: [before?.oldestSince, row.oldest_since].filter((v): v is string => !!v).sort()[0] ?? null,
    });
  }
  return result;
}

/** One row of floor_quality (the figures of one node, hour and ticket). */
export interface QualityFigure {
  graph_id: number;
  node_code: string;
  hour: string;
  ticket_id: number;
  first_qc: number;
  first_pass: number;
  scrap_count: number;
  scrap_units: number;
  rework_count: number;
  rework_units: number;
}

const figureOrder = (a: QualityFigure, b: QualityFigure): number =>
  a.graph_id - b.graph_id ||
  a.node_code.localeCompare(b.node_code) ||
  a.hour.localeCompare(b.hour) ||
  a.ticket_id - b.ticket_id;

/** floor_quality as the triggers keep it, in a stable order. */
export function readQualityFigures(db: Database.Database): QualityFigure[] {
  return (db.prepare('SELECT * FROM floor_quality').all() as QualityFigure[]).sort(figureOrder);
}

interface EventRow {
  event_type: string;
  node_code: string;
  token: number;
  graph_id: number;
  ticket_id: number;
  hour: string;
  qty: number | null;
  token_qty: number | null;
  status_after: TokenStatus | null;
  data_json: string;
}

/**
 * floor_quality recounted from the applied station events, in application order, with the rules of
 * shared/shift-figures.ts (for the consistency tests; it reads the whole log).
 */
export function recountQualityFigures(db: Database.Database): QualityFigure[] {
  const rows = db
    .prepare(
      `SELECT e.event_type, e.node_code, coalesce(e.token_id, e.root_token_id) AS token, r.graph_id, r.ticket_id,
         strftime('%Y-%m-%dT%H:00:00Z', e.corrected_ms / 1000, 'unixepoch') AS hour, e.qty, t.qty AS token_qty,
         e.token_after_json ->> '$.status' AS status_after, e.data_json
       FROM token_event e JOIN flow_token r ON r.id = e.root_token_id LEFT JOIN flow_token t ON t.id = e.token_id
       WHERE e.status = 'applied' AND e.origin = 'station' AND e.node_code IS NOT NULL
       ORDER BY e.applied_ms, e.id`,
    )
    .all() as EventRow[];
  const figures = new Map<string, QualityFigure>();
  const figure = (e: EventRow): QualityFigure => {
    const key = [e.graph_id, e.node_code, e.hour, e.ticket_id].join('\n');
    let f = figures.get(key);
    if (!f) {
      f = {
        graph_id: e.graph_id,
        node_code: e.node_code,
        hour: e.hour,
        ticket_id: e.ticket_id,
        first_qc: 0,
        first_pass: 0,
        scrap_count: 0,
        scrap_units: 0,
        rework_count: 0,
        rework_units: 0,
      };
      figures.set(key, f);
    }
    return f;
  };
  const decisions = new Map<string, QcEvent[]>();
  for (const e of rows) {
    const loss = lossOf({
      type: e.event_type,
      qty: e.qty,
      tokenQty: e.token_qty,
      statusAfter: e.status_after,
      data: JSON.parse(e.data_json) as Record<string, unknown>,
    });
    if (loss) {
      const f = figure(e);
      f[`${loss.kind}_count`] += 1;
      f[`${loss.kind}_units`] += loss.units;
    }
    if (!isQcEvent(e.event_type)) continue;
    const key = `${e.token}\n${e.node_code}`;
    const seen = decisions.get(key) ?? [];
    seen.push(e.event_type);
    decisions.set(key, seen);
    if (seen.length > 1) continue;
    const f = figure(e);
    f.first_qc += 1;
    if (firstPass(seen)) f.first_pass += 1;
  }
  return [...figures.values()].sort(figureOrder);
}
