/**
 * @module Admin operations shared by the HTTP API and the CLI: import a routing, create a job
 * ticket, enroll and revoke stations, add operators and users. Each runs in one transaction and
 * bumps the reference counter so ingest sees the change.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PROCESS_MODES } from '../shared/domain';
import { validateGraph } from '../shared/graph-validation';
import { indexGraph } from '../shared/routing-graph';
import { routingGraphFromInput, routingInputSchema } from '../shared/routing-import';
import { describeIssues } from '../shared/protocol';
import { canonicalJson } from './canonical-json';
import { ApiError } from './errors';
import { bumpReferenceSeq } from './reference-data';
import { hashPassword, hashPin, hashToken, newSecret } from './secrets';
import type { SystemEventRecorder } from './system-events';
import { TokenStore } from './token-store';

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ApiError(
      'BAD_REQUEST',
      `Invalid ${what}: ${describeIssues(parsed.error)}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

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
  return db.transaction((): ImportResult => {
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
  })();
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

const MAX_TICKET_QTY = 100_000;

export const createTicketSchema = z
  .object({
    code: z.string().trim().min(1).max(64),
    routing: z.string().trim().min(1),
    routingVersion: z.number().int().positive().optional(),
    processMode: z.enum(PROCESS_MODES).default('piece'),
    qty: z.number().int().positive().max(MAX_TICKET_QTY),
    product: z.string().trim().min(1).max(200).optional(),
    /** Piece mode: the serials to print, one per unit; else `<serialPrefix><0001…>`. */
    serials: z.array(z.string().trim().min(1).max(128)).optional(),
    serialPrefix: z.string().trim().min(1).max(100).optional(),
    /** Batch mode: the code printed on the batch's traveller; defaults to the ticket code. */
    batchCode: z.string().trim().min(1).max(128).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.serials && t.serials.length !== t.qty) {
      ctx.addIssue({
        code: 'custom',
        path: ['serials'],
        message: `${t.serials.length} serials for a qty of ${t.qty}`,
      });
    }
    if (t.serials && new Set(t.serials).size !== t.serials.length) {
      ctx.addIssue({ code: 'custom', path: ['serials'], message: 'serials must be unique' });
    }
    if (t.processMode === 'batch' && t.serials) {
      ctx.addIssue({
        code: 'custom',
        path: ['serials'],
        message: 'a batch has one code (batchCode), not serials',
      });
    }
  });
export type CreateTicketInput = z.input<typeof createTicketSchema>;

export interface TicketResult {
  ticketId: number;
  code: string;
  routing: string;
  routingVersion: number;
  processMode: 'piece' | 'batch';
  tokens: string[];
}

/** Creates a job ticket and its tokens, ready at the routing's start node (each with a spawn event). */
export function createTicket(
  db: Database.Database,
  system: SystemEventRecorder,
  input: unknown,
  now: string,
): TicketResult {
  const t = parseOrThrow(createTicketSchema, input, 'job ticket');
  return db.transaction((): TicketResult => {
    const graphRow = (
      t.routingVersion === undefined
        ? db
            .prepare(
              'SELECT id, version, routing_mode, source_json FROM routing_graph WHERE code = ? ORDER BY version DESC LIMIT 1',
            )
            .get(t.routing)
        : db
            .prepare(
              'SELECT id, version, routing_mode, source_json FROM routing_graph WHERE code = ? AND version = ?',
            )
            .get(t.routing, t.routingVersion)
    ) as { id: number; version: number; routing_mode: 'linear' | 'dag'; source_json: string } | undefined;
    if (!graphRow) {
      throw new ApiError(
        'NOT_FOUND',
        `No routing ${t.routing}${t.routingVersion ? ` version ${t.routingVersion}` : ''} is published`,
      );
    }
    if (db.prepare('SELECT 1 FROM job_ticket WHERE code = ?').get(t.code)) {
      throw new ApiError('CONFLICT', `Job ticket ${t.code} already exists`);
    }
    const graph = indexGraph(
      routingGraphFromInput(routingInputSchema.parse(JSON.parse(graphRow.source_json))),
    );
    const codes =
      t.processMode === 'batch'
        ? [t.batchCode ?? t.code]
        : (t.serials ??
          Array.from(
            { length: t.qty },
            (_, i) => `${t.serialPrefix ?? `${t.code}-`}${String(i + 1).padStart(4, '0')}`,
          ));
    const taken = codes.filter((c) =>
      db.prepare('SELECT 1 FROM flow_token WHERE code = ? AND parent_token_id IS NULL').get(c),
    );
    if (taken.length > 0) {
      throw new ApiError(
        'CONFLICT',
        `These codes are already in use: ${taken.slice(0, 10).join(', ')}`,
        taken,
      );
    }
    const info = db
      .prepare(
        `INSERT INTO job_ticket (code, graph_id, routing_mode, process_mode, product, qty, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.code,
        graphRow.id,
        graphRow.routing_mode,
        t.processMode,
        t.product ?? graph.graph.name,
        t.qty,
        now,
      );
    const ticketId = Number(info.lastInsertRowid);
    const counter = db.prepare("SELECT value FROM site_counter WHERE name = 'change_seq'").get() as {
      value: number;
    };
    const changeSeq = counter.value + 1;
    const tokens = new TokenStore(db);
    const qty = t.processMode === 'batch' ? t.qty : 1;
    for (const code of codes) {
      const token = { code, nodeCode: graph.startNode, status: 'ready' as const, qty, operator: null };
      const id = tokens.insertRoot(token, { ticketId, graphId: graphRow.id, now, changeSeq });
      system.record({
        type: 'spawn',
        code,
        nodeCode: graph.startNode,
        rootId: id,
        tokenId: id,
        qty,
        data: {
          ticket: t.code,
          routing: t.routing,
          routingVersion: graphRow.version,
          processMode: t.processMode,
        },
        token: { code, branch: null, nodeCode: graph.startNode, status: 'ready' },
        now,
      });
    }
    db.prepare("UPDATE site_counter SET value = ? WHERE name = 'change_seq'").run(changeSeq);
    return {
      ticketId,
      code: t.code,
      routing: t.routing,
      routingVersion: graphRow.version,
      processMode: t.processMode,
      tokens: codes,
    };
  })();
}

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
});

export interface EnrollResult {
  stationId: number;
  name: string;
  workCenter: string | null;
  nodeCodes: string[];
  /** Shown once: only its hash is stored. */
  token: string;
}

export function enrollStation(db: Database.Database, input: unknown, now: string): EnrollResult {
  const s = parseOrThrow(enrollStationSchema, input, 'station');
  if (!s.workCenter && !s.nodeCodes) {
    throw new ApiError('BAD_REQUEST', 'Invalid station: give its workCenter, its nodeCodes, or both');
  }
  return db.transaction((): EnrollResult => {
    const previous = db.prepare('SELECT id, revoked_at FROM station WHERE name = ?').get(s.name) as
      { id: number; revoked_at: string | null } | undefined;
    if (previous && previous.revoked_at === null) {
      throw new ApiError(
        'CONFLICT',
        `Station ${s.name} is already enrolled; revoke it or choose another name`,
      );
    }
    let workCenterId: number | null = null;
    if (s.workCenter) {
      const wc = db.prepare('SELECT id FROM work_center WHERE code = ?').get(s.workCenter) as
        { id: number } | undefined;
      if (!wc)
        throw new ApiError(
          'NOT_FOUND',
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
      throw new ApiError('NOT_FOUND', `No routing has the node(s) ${missing.join(', ')}`, missing);
    const notOperations = [...new Set(nodes.filter((n) => n.node_type !== 'operation').map((n) => n.code))];
    if (notOperations.length > 0) {
      throw new ApiError(
        'BAD_REQUEST',
        `Stations report at operation nodes only; not: ${notOperations.join(', ')}`,
      );
    }
    if (nodes.length === 0) {
      throw new ApiError(
        'BAD_REQUEST',
        `Work center ${s.workCenter} has no operation nodes on any routing yet`,
      );
    }
    const token = newSecret();
    const servesWorkCenter = s.nodeCodes === undefined ? 1 : 0;
    let stationId: number;
    if (previous) {
      // Re-enrolling a revoked station: a new device and token under the old name, counting seq
      // from the start again; its history stays with it.
      db.prepare(
        `UPDATE station SET work_center_id = ?, token_hash = ?, serves_work_center = ?, enrolled_at = ?,
           revoked_at = NULL, last_seq = 0 WHERE id = ?`,
      ).run(workCenterId, hashToken(token), servesWorkCenter, now, previous.id);
      db.prepare('DELETE FROM station_node WHERE station_id = ?').run(previous.id);
      stationId = previous.id;
    } else {
      const info = db
        .prepare(
          'INSERT INTO station (name, work_center_id, token_hash, serves_work_center, enrolled_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(s.name, workCenterId, hashToken(token), servesWorkCenter, now);
      stationId = Number(info.lastInsertRowid);
    }
    const link = db.prepare('INSERT INTO station_node (station_id, node_id) VALUES (?, ?)');
    for (const node of nodes) link.run(stationId, node.id);
    bumpReferenceSeq(db);
    return {
      stationId,
      name: s.name,
      workCenter: s.workCenter ?? null,
      nodeCodes: [...new Set(nodes.map((n) => n.code))],
      token,
    };
  })();
}

export function revokeStation(db: Database.Database, name: string, now: string): void {
  const info = db
    .prepare('UPDATE station SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
    .run(now, name);
  if (info.changes === 0) throw new ApiError('NOT_FOUND', `No enrolled (unrevoked) station named ${name}`);
  bumpReferenceSeq(db);
}

export const addOperatorSchema = z.object({
  badge: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200).optional(),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits')
    .optional(),
});

export function addOperator(
  db: Database.Database,
  input: unknown,
  now: string,
): { badge: string; name: string; hasPin: boolean } {
  const o = parseOrThrow(addOperatorSchema, input, 'operator');
  return db.transaction(() => {
    if (db.prepare('SELECT 1 FROM operator WHERE badge = ?').get(o.badge)) {
      throw new ApiError('CONFLICT', `An operator with badge ${o.badge} already exists`);
    }
    const name = o.name ?? o.badge;
    db.prepare('INSERT INTO operator (badge, name, pin_hash, created_at) VALUES (?, ?, ?, ?)').run(
      o.badge,
      name,
      o.pin ? hashPin(o.pin) : null,
      now,
    );
    bumpReferenceSeq(db);
    return { badge: o.badge, name, hasPin: o.pin !== undefined };
  })();
}

export const addUserSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits, and . _ @ - only'),
  role: z.enum(['supervisor', 'admin']),
  password: z.string().min(8, 'a password has at least 8 characters').max(200),
});

export function addUser(
  db: Database.Database,
  input: unknown,
  now: string,
): { username: string; role: string } {
  const u = parseOrThrow(addUserSchema, input, 'user');
  const hash = hashPassword(u.password);
  return db.transaction(() => {
    if (db.prepare('SELECT 1 FROM app_user WHERE username = ?').get(u.username)) {
      throw new ApiError('CONFLICT', `A user named ${u.username} already exists`);
    }
    db.prepare('INSERT INTO app_user (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)').run(
      u.username,
      u.role,
      hash,
      now,
    );
    return { username: u.username, role: u.role };
  })();
}
