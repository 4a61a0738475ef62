/**
 * @module Publishing routings: validated against the publish rules (RG-*), stored with their
 * nodes and edges; re-importing the same routing or the same work centers is harmless.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { validateGraph } from '../../shared/graph-validation';
import { describeIssues } from '../../shared/protocol';
import type { RoutingGraph } from '../../shared/routing';
import type { WorkCenterInput } from '../../shared/routing-import';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import { canonicalJson } from '../../shared/canonical-json';
import type { RoutingPublished } from '../../shared/routing-desk-api';
import type { Result } from '../errors';
import { DomainError, attempt, attemptAsync } from '../errors';
import { STAGING_PREFIX, bumpReferenceSeq, publishedRouting } from '../reference/reference-data';

/** The answer to an import, as the console reads it (one schema, in shared/). */
export { routingPublishedSchema as importResultSchema } from '../../shared/routing-desk-api';

/** A routing that passed every publish rule, ready to store (what the check worker hands back). */
export interface CheckedRouting {
  code: string;
  name: string;
  version: number;
  workCenters: WorkCenterInput[];
  graph: RoutingGraph;
  /** What the routing means (its graph and work centers), hashed: re-importing it is harmless. */
  contentHash: string;
  sourceJson: string;
}

/** A check's verdict, plain data (it crosses from the worker thread): a refusal is always invalid input. */
export type RoutingCheck =
  { ok: true; routing: CheckedRouting } | { ok: false; error: { message: string; details: unknown[] } };

/** Parses and validates a routing (RG-*), nothing stored; every error names its nodes. */
export function checkRouting(input: unknown): RoutingCheck {
  const parsed = routingInputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        message: `Invalid routing: ${describeIssues(parsed.error)}`,
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    };
  }
  const routing = parsed.data;
  const graph = routingGraphFromInput(routing);
  const errors = validateGraph(
    graph,
    routing.workCenters.map((w) => w.code),
  );
  if (errors.length > 0) {
    return {
      ok: false,
      error: {
        message: `Routing ${routing.code} cannot be published: ${errors.map((e) => `${e.rule} ${e.message}`).join('; ')}`,
        details: errors,
      },
    };
  }
  // Hash what the routing means (the graph and its work centers), not how it was written.
  const contentHash = createHash('sha256')
    .update(canonicalJson({ graph, workCenters: routing.workCenters }))
    .digest('hex');
  return {
    ok: true,
    routing: {
      code: routing.code,
      name: routing.name,
      version: routing.version,
      workCenters: routing.workCenters,
      graph,
      contentHash,
      sourceJson: JSON.stringify(routing),
    },
  };
}

function checkedOrThrow(check: RoutingCheck): CheckedRouting {
  if (check.ok) return check.routing;
  throw new DomainError('invalid', check.error.message, check.error.details);
}

/** Publishes a routing synchronously (the CLI and the demo; the API checks in a worker first). */
export function importRouting(db: Database.Database, input: unknown, now: string): Result<RoutingPublished> {
  return attempt(() => publishRouting(db, checkedOrThrow(checkRouting(input)), now));
}

/**
 * A routing's nodes and edges are written a few thousand rows per transaction (a few ms each), so
 * that stations' pushes go on between them, under a staging code (STAGING_PREFIX); one short
 * transaction then gives it its code. Until then no reader sees it.
 */
const ROWS_PER_STEP = 2_000;

/** Stores a checked routing in one go (small routings, the CLI). */
function publishRouting(db: Database.Database, routing: CheckedRouting, now: string): RoutingPublished {
  const steps = publishSteps(db, routing, now);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Stores what the check passed in steps, letting other requests run between them. */
export function publishRoutingInSteps(
  db: Database.Database,
  check: RoutingCheck,
  now: string,
  published: (routing: RoutingPublished) => void = () => undefined,
): Promise<Result<RoutingPublished>> {
  return attemptAsync(async () => {
    const steps = publishSteps(db, checkedOrThrow(check), now, published);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise<void>((resume) => setImmediate(resume));
    }
  });
}

/** Removes what an import that stopped half-way (a crash) staged; run at start. */
export function deleteStagedRoutings(db: Database.Database): number {
  return db
    .transaction(() => {
      const ids = db
        .prepare(`SELECT id FROM routing_graph WHERE code LIKE '${STAGING_PREFIX}%'`)
        .pluck()
        .all() as number[];
      for (const id of ids) deleteGraphRows(db, id);
      return ids.length;
    })
    .immediate();
}

function deleteGraphRows(db: Database.Database, graphId: number): void {
  db.prepare(
    'DELETE FROM station_node WHERE node_id IN (SELECT id FROM routing_node WHERE graph_id = ?)',
  ).run(graphId);
  db.prepare('DELETE FROM routing_edge WHERE graph_id = ?').run(graphId);
  db.prepare('DELETE FROM routing_node WHERE graph_id = ?').run(graphId);
  db.prepare('DELETE FROM routing_graph WHERE id = ?').run(graphId);
}

/** Each `yield` ends a transaction; the caller may let other work run before the next. */
function* publishSteps(
  db: Database.Database,
  routing: CheckedRouting,
  now: string,
  /** Runs in the transaction that publishes it (its audit line, DK-1); not for a routing already there. */
  published: (routing: RoutingPublished) => void = () => undefined,
): Generator<void, RoutingPublished, void> {
  const first = db.transaction(() => stage(db, routing, now)).immediate();
  const result = {
    code: routing.code,
    version: routing.version,
    routingMode: routing.graph.routingMode,
    workCenters: { created: first.created, unchanged: first.unchanged },
  };
  if (first.existing !== null) return { ...result, graphId: first.existing, created: false };
  const graphId = first.graphId;
  try {
    const nodeIds = yield* writeNodesAndEdges(db, routing.graph, graphId, first.wcIds);
    // The stations that serve its nodes, a slice per transaction.
    const links = stationsServing(db, routing.graph, nodeIds, first.wcIds);
    const insertLink = db.prepare('INSERT OR IGNORE INTO station_node (station_id, node_id) VALUES (?, ?)');
    yield* inSlices(db, links, ([stationId, nodeId]) => insertLink.run(stationId, nodeId));
    yield;
    // Published: its code, and the reference data reloads.
    return db
      .transaction((): RoutingPublished => {
        const existing = existingOrConflict(db, routing);
        if (existing !== null) {
          // Another import of the same routing finished first.
          deleteGraphRows(db, graphId);
          return { ...result, graphId: existing, created: false };
        }
        db.prepare('UPDATE routing_graph SET code = ? WHERE id = ?').run(routing.code, graphId);
        bumpReferenceSeq(db);
        const done = { ...result, graphId, created: true };
        published(done);
        return done;
      })
      .immediate();
  } catch (error) {
    db.transaction(() => deleteGraphRows(db, graphId)).immediate();
    throw error;
  }
}

/** The id of the same routing already published, null if there is none; another content is a conflict. */
function existingOrConflict(db: Database.Database, routing: CheckedRouting): number | null {
  const existing = db
    .prepare('SELECT id, content_hash FROM routing_graph WHERE code = ? AND version = ?')
    .get(routing.code, routing.version) as { id: number; content_hash: string } | undefined;
  if (!existing) return null;
  if (existing.content_hash !== routing.contentHash) {
    throw new DomainError(
      'conflict',
      `Routing ${routing.code} version ${routing.version} is already published with other content; publish the change as a new version`,
      [{ routing: routing.code, version: routing.version }],
    );
  }
  return existing.id;
}

/** Work centers (created or checked), and the routing's own row under a staging code. */
function stage(db: Database.Database, routing: CheckedRouting, now: string) {
  const created: string[] = [];
  const unchanged: string[] = [];
  const wcIds = new Map<string, number>();
  const find = db.prepare('SELECT id, behavior FROM work_center WHERE code = ?');
  const insert = db.prepare('INSERT INTO work_center (code, name, behavior, created_at) VALUES (?, ?, ?, ?)');
  for (const wc of routing.workCenters) {
    const row = find.get(wc.code) as { id: number; behavior: string } | undefined;
    if (row && row.behavior !== wc.behavior) {
      throw new DomainError(
        'conflict',
        `Work center ${wc.code} already exists with behavior ${row.behavior}, not ${wc.behavior}`,
        [{ workCenter: wc.code, existing: row.behavior, imported: wc.behavior }],
      );
    }
    if (row) {
      unchanged.push(wc.code);
      wcIds.set(wc.code, row.id);
    } else {
      created.push(wc.code);
      wcIds.set(wc.code, Number(insert.run(wc.code, wc.name, wc.behavior, now).lastInsertRowid));
    }
  }
  if (created.length > 0) bumpReferenceSeq(db);
  const existing = existingOrConflict(db, routing);
  if (existing !== null) return { created, unchanged, wcIds, existing, graphId: existing };
  const staged = db
    .prepare(
      `INSERT INTO routing_graph (code, version, name, routing_mode, content_hash, source_json, published_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      `${STAGING_PREFIX}${randomUUID()}`,
      routing.version,
      routing.name,
      routing.graph.routingMode,
      routing.contentHash,
      routing.sourceJson,
      now,
    );
  return { created, unchanged, wcIds, existing: null, graphId: Number(staged.lastInsertRowid) };
}

/** Nodes, then edges, a slice per transaction; returns the nodes' row ids by code. */
function* writeNodesAndEdges(
  db: Database.Database,
  graph: RoutingGraph,
  graphId: number,
  wcIds: ReadonlyMap<string, number>,
): Generator<void, Map<string, number>, void> {
  const insertNode = db.prepare(
    'INSERT INTO routing_node (graph_id, code, node_type, name, work_center_id, position) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertEdge = db.prepare(
    `INSERT INTO routing_edge (graph_id, from_node_id, to_node_id, edge_type, rule_json, is_default, position)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const nodeIds = new Map<string, number>();
  yield* inSlices(db, graph.nodes, (node, position) => {
    const workCenterId = node.workCenter ? (wcIds.get(node.workCenter) ?? null) : null;
    const info = insertNode.run(graphId, node.code, node.type, node.name, workCenterId, position);
    nodeIds.set(node.code, Number(info.lastInsertRowid));
  });
  yield* inSlices(db, graph.edges, (edge, position) => {
    const rule = edge.when ? JSON.stringify(edge.when) : null;
    insertEdge.run(
      graphId,
      nodeIds.get(edge.from),
      nodeIds.get(edge.to),
      edge.type,
      rule,
      edge.isDefault ? 1 : 0,
      position,
    );
  });
  return nodeIds;
}

/** Writes `rows` ROWS_PER_STEP per transaction, yielding before each. */
function* inSlices<T>(
  db: Database.Database,
  rows: readonly T[],
  write: (row: T, index: number) => void,
): Generator<void, void, void> {
  for (let from = 0; from < rows.length; from += ROWS_PER_STEP) {
    yield;
    db.transaction(() =>
      rows.slice(from, from + ROWS_PER_STEP).forEach((row, i) => write(row, from + i)),
    ).immediate();
  }
}

/**
 * A new routing (or version) is served by the stations already enrolled for it: those enrolled for
 * the node's work center, and those that serve a node of the same code on another routing.
 * Worked out in memory (a join per node would cost seconds on a 10,000-node routing).
 */
function stationsServing(
  db: Database.Database,
  graph: RoutingGraph,
  nodeIds: ReadonlyMap<string, number>,
  workCenterIds: ReadonlyMap<string, number>,
): [number, number][] {
  const stations = db
    .prepare('SELECT id, work_center_id, serves_work_center FROM station WHERE revoked_at IS NULL')
    .all() as { id: number; work_center_id: number | null; serves_work_center: number }[];
  const servedCodes = new Map<number, Set<string>>();
  const rows = db
    .prepare(
      `SELECT sn.station_id, n.code FROM station_node sn JOIN routing_node n ON n.id = sn.node_id
       JOIN routing_graph g ON g.id = n.graph_id WHERE ${publishedRouting('g')}`,
    )
    .all() as { station_id: number; code: string }[];
  for (const row of rows) {
    const codes = servedCodes.get(row.station_id) ?? new Set<string>();
    codes.add(row.code);
    servedCodes.set(row.station_id, codes);
  }
  const links: [number, number][] = [];
  for (const node of graph.nodes) {
    if (node.type !== 'operation') continue;
    const nodeId = nodeIds.get(node.code);
    const workCenterId = node.workCenter === null ? undefined : workCenterIds.get(node.workCenter);
    if (nodeId === undefined) continue;
    for (const station of stations) {
      const byWorkCenter = station.serves_work_center === 1 && station.work_center_id === workCenterId;
      if (byWorkCenter || servedCodes.get(station.id)?.has(node.code)) links.push([station.id, nodeId]);
    }
  }
  return links;
}
