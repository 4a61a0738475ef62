/**
 * @module Targets per node (SPEC SV-17, SV-18): an admin sets, lists and clears the units per hour
 * expected of a node. Keyed by routing code and node code (migration 0010), so a new version of a
 * routing keeps the targets of the nodes whose codes stay. Only operation nodes take one: work is
 * done (and counted, SV-13) only there.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { MAX_UNITS_PER_HOUR } from '../../shared/node-targets';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { publishedRouting } from '../reference/reference-data';
import { parseOrThrow } from './parse';

export const setTargetSchema = z.object({
  unitsPerHour: z
    .number()
    .positive()
    .max(MAX_UNITS_PER_HOUR)
    .describe(`Units expected per hour at this node: more than 0, at most ${MAX_UNITS_PER_HOUR}`),
});

export const nodeTargetSchema = z.object({
  routing: z.string().describe('The routing’s code (the target holds for every version of it)'),
  node: z.string().describe('The node’s code'),
  unitsPerHour: z.number(),
  setBy: z.string().describe('The admin’s username, or cli'),
  setAt: z.string(),
});
export type NodeTarget = z.infer<typeof nodeTargetSchema>;

export const nodeTargetListSchema = z.object({ targets: z.array(nodeTargetSchema) });

interface TargetRow {
  routing_code: string;
  node_code: string;
  units_per_hour: number;
  set_by: string;
  set_at: string;
}

const asTarget = (r: TargetRow): NodeTarget => ({
  routing: r.routing_code,
  node: r.node_code,
  unitsPerHour: r.units_per_hour,
  setBy: r.set_by,
  setAt: r.set_at,
});

/**
 * The routing and node must exist (some published version of the routing has a node of that code)
 * and the node must be an operation; else a 404 naming the routing or the node, or a 400.
 */
function checkNode(db: Database.Database, routing: string, node: string): void {
  const known = db
    .prepare(`SELECT 1 FROM routing_graph g WHERE g.code = ? AND ${publishedRouting('g')} LIMIT 1`)
    .get(routing);
  if (!known) throw new DomainError('not-found', `routing: no routing ${routing}`);
  const types = db
    .prepare(
      `SELECT DISTINCT n.node_type FROM routing_node n JOIN routing_graph g ON g.id = n.graph_id
       WHERE g.code = ? AND ${publishedRouting('g')} AND n.code = ?`,
    )
    .pluck()
    .all(routing, node) as string[];
  if (types.length === 0) throw new DomainError('not-found', `node: routing ${routing} has no node ${node}`);
  if (!types.includes('operation')) {
    throw new DomainError(
      'invalid',
      `node: ${node} is a ${types[0]} node; work is done and counted only at operation nodes`,
      [{ path: 'node', message: 'not an operation node' }],
    );
  }
}

/** Sets (or replaces) a node's target. */
export function setTarget(
  db: Database.Database,
  routing: string,
  node: string,
  input: unknown,
  setBy: string,
  now: string,
): Result<NodeTarget> {
  return attempt(() => {
    const { unitsPerHour } = parseOrThrow(setTargetSchema, input, 'target');
    return db
      .transaction(() => {
        checkNode(db, routing, node);
        db.prepare(
          `INSERT INTO node_target (routing_code, node_code, units_per_hour, set_by, set_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (routing_code, node_code) DO UPDATE SET
             units_per_hour = excluded.units_per_hour, set_by = excluded.set_by, set_at = excluded.set_at`,
        ).run(routing, node, unitsPerHour, setBy, now);
        return { routing, node, unitsPerHour, setBy, setAt: now };
      })
      .immediate();
  });
}

/**
 * Clears a node's target (idempotent: a node without one stays without; answers whether one was
 * cleared); an unknown routing or node is a 404 naming it.
 */
export function clearTarget(db: Database.Database, routing: string, node: string): Result<boolean> {
  return attempt(() =>
    db
      .transaction(() => {
        checkNode(db, routing, node);
        const { changes } = db
          .prepare('DELETE FROM node_target WHERE routing_code = ? AND node_code = ?')
          .run(routing, node);
        return changes > 0;
      })
      .immediate(),
  );
}

/** Every target, by routing and node. */
export function listTargets(db: Database.Database): NodeTarget[] {
  const rows = db.prepare('SELECT * FROM node_target ORDER BY routing_code, node_code').all() as TargetRow[];
  return rows.map(asTarget);
}
