/**
 * @module Publishing routings: validated against the publish rules (RG-*), stored with their
 * nodes and edges; re-importing the same routing or the same work centers is harmless.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { validateGraph } from '../../shared/graph-validation';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import { canonicalJson } from '../canonical-json';
import { ApiError } from '../errors';
import { bumpReferenceSeq } from '../reference-data';
import { parseOrThrow } from './parse';

export interface ImportResult {
  graphId: number;
  code: string;
  version: number;
  routingMode: 'linear' | 'dag';
  created: boolean;
  workCenters: { created: string[]; unchanged: string[] };
}

/** Publishes a routing; re-importing the same one (or the same work centers) is harmless. */
export function importRouting(db: Database.Database, input: unknown, now: string): ImportResult {
  const routing = parseOrThrow(routingInputSchema, input, 'routing');
  const graph = routingGraphFromInput(routing);
  const errors = validateGraph(graph, new Set(routing.workCenters.map((w) => w.code)));
  const seen = new Set<string>();
  for (const wc of routing.workCenters) {
    if (seen.has(wc.code)) {
      errors.push({ rule: 'RG-1', message: `work center ${wc.code} is listed twice`, nodes: [] });
    }
    seen.add(wc.code);
  }
  if (errors.length > 0) {
    throw new ApiError(
      'BAD_REQUEST',
      `Routing ${routing.code} cannot be published: ${errors.map((e) => `${e.rule} ${e.message}`).join('; ')}`,
      errors,
    );
  }
  // Hash what the routing means (the graph and its work centers), not how it was written.
  const contentHash = createHash('sha256')
    .update(canonicalJson({ graph, workCenters: routing.workCenters }))
    .digest('hex');
  return db
    .transaction((): ImportResult => {
      const created: string[] = [];
      const unchanged: string[] = [];
      const wcIds = new Map<string, number>();
      for (const wc of routing.workCenters) {
        const row = db.prepare('SELECT id, behavior FROM work_center WHERE code = ?').get(wc.code) as
          { id: number; behavior: string } | undefined;
        if (row && row.behavior !== wc.behavior) {
          throw new ApiError(
            'CONFLICT',
            `Work center ${wc.code} already exists with behavior ${row.behavior}, not ${wc.behavior}`,
            [{ workCenter: wc.code, existing: row.behavior, imported: wc.behavior }],
          );
        }
        if (row) {
          unchanged.push(wc.code);
          wcIds.set(wc.code, row.id);
        } else {
          const info = db
            .prepare('INSERT INTO work_center (code, name, behavior, created_at) VALUES (?, ?, ?, ?)')
            .run(wc.code, wc.name, wc.behavior, now);
          created.push(wc.code);
          wcIds.set(wc.code, Number(info.lastInsertRowid));
        }
      }
      const existing = db
        .prepare('SELECT id, content_hash FROM routing_graph WHERE code = ? AND version = ?')
        .get(routing.code, routing.version) as { id: number; content_hash: string } | undefined;
      const result = {
        code: routing.code,
        version: routing.version,
        routingMode: graph.routingMode,
        workCenters: { created, unchanged },
      };
      if (existing) {
        if (existing.content_hash !== contentHash) {
          throw new ApiError(
            'CONFLICT',
            `Routing ${routing.code} version ${routing.version} is already published with other content; publish the change as a new version`,
            [{ routing: routing.code, version: routing.version }],
          );
        }
        if (created.length > 0) bumpReferenceSeq(db);
        return { ...result, graphId: existing.id, created: false };
      }
      const info = db
        .prepare(
          `INSERT INTO routing_graph (code, version, name, routing_mode, content_hash, source_json, published_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          routing.code,
          routing.version,
          routing.name,
          graph.routingMode,
          contentHash,
          JSON.stringify(routing),
          now,
        );
      const graphId = Number(info.lastInsertRowid);
      const nodeIds = new Map<string, number>();
      graph.nodes.forEach((node, position) => {
        const n = db
          .prepare(
            'INSERT INTO routing_node (graph_id, code, node_type, name, work_center_id, position) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(
            graphId,
            node.code,
            node.type,
            node.name,
            node.workCenter ? (wcIds.get(node.workCenter) ?? null) : null,
            position,
          );
        nodeIds.set(node.code, Number(n.lastInsertRowid));
      });
      linkNewNodesToStations(db, graphId);
      graph.edges.forEach((edge, position) => {
        db.prepare(
          `INSERT INTO routing_edge (graph_id, from_node_id, to_node_id, edge_type, rule_json, is_default, position)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          graphId,
          nodeIds.get(edge.from),
          nodeIds.get(edge.to),
          edge.type,
          edge.when ? JSON.stringify(edge.when) : null,
          edge.isDefault ? 1 : 0,
          position,
        );
      });
      bumpReferenceSeq(db);
      return { ...result, graphId, created: true };
    })
    .immediate();
}

/**
 * A new routing (or version) is served by the stations already enrolled for it: those enrolled for
 * the node's work center, and those that serve a node of the same code on another routing.
 */
function linkNewNodesToStations(db: Database.Database, graphId: number): void {
  db.prepare(
    `INSERT OR IGNORE INTO station_node (station_id, node_id)
     SELECT s.id, n.id FROM routing_node n JOIN station s ON s.revoked_at IS NULL
     WHERE n.graph_id = ? AND n.node_type = 'operation' AND (
       (s.serves_work_center = 1 AND s.work_center_id = n.work_center_id)
       OR EXISTS (SELECT 1 FROM station_node sn JOIN routing_node o ON o.id = sn.node_id
                  WHERE sn.station_id = s.id AND o.code = n.code AND o.graph_id <> n.graph_id))`,
  ).run(graphId);
}
