/**
 * @module Job tickets (SPEC DK-20 … DK-29): released in piece mode (one token per serial: generated
 * from a prefix and the site's counter for it, or pasted) or batch mode (one token with a qty),
 * listed newest first, and read one at a time with its serials and its routing's steps (what its
 * labels and travelers print). Bad input is a 400 whose details name the field (and, for serials,
 * the serials at fault); a ticket code already used is a 409.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PROCESS_MODES } from '../../shared/domain';
import { describeIssues } from '../../shared/protocol';
import { indexGraph } from '../../shared/routing-graph';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import type { TicketDetail, TicketList, TicketSummary } from '../../shared/ticket-desk-api';
import type {
  ReleaseField,
  ReleaseProblem,
  SerialPreview,
  TicketReleased,
} from '../../shared/ticket-release';
import {
  MAX_SERIAL_LENGTH,
  MAX_SERIAL_PREFIX_LENGTH,
  MAX_PIECE_SERIALS,
  MAX_TICKET_QTY,
  defaultSerialPrefix,
  isPrintableSerial,
  operationSteps,
  repeatedSerials,
  serialOf,
  ticketReleasedSchema,
} from '../../shared/ticket-release';
import { currentChangeSeq, setChangeSeq } from '../ingest/change-counter';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import type { SystemEventRecorder } from '../ingest/system-events';
import { TokenStore } from '../ingest/token-store';
import { publishedRouting } from '../reference/reference-data';
import { newestById } from '../supervisor/paging';
import { parseOrThrow } from './parse';

/** How many serials at fault a refusal lists (its message says how many in all). */
const LISTED_AT_MOST = 100;

const qtyMessage = `a whole number from 1 to ${MAX_TICKET_QTY}`;

export const createTicketSchema = z
  .object({
    code: z.string().trim().min(1).max(64),
    routing: z.string().trim().min(1).max(200),
    /** Without it: the routing's latest published version. */
    routingVersion: z.number().int().positive().optional(),
    processMode: z.enum(PROCESS_MODES).default('piece'),
    qty: z.number(qtyMessage).int(qtyMessage).positive(qtyMessage).max(MAX_TICKET_QTY, qtyMessage),
    product: z.string().trim().min(1).max(200).optional(),
    /** Piece mode: the serials to print, one per unit, trimmed; else generated from serialPrefix. */
    serials: z.array(z.string().trim().min(1).max(MAX_SERIAL_LENGTH)).optional(),
    /** Piece mode: generated serials are this and the prefix's next numbers (default: `<code>-`). */
    serialPrefix: z.string().trim().min(1).max(MAX_SERIAL_PREFIX_LENGTH).optional(),
    /** Batch mode: the code printed on the batch's traveller; defaults to the ticket code. */
    batchCode: z.string().trim().min(1).max(MAX_SERIAL_LENGTH).optional(),
  })
  .superRefine((t, ctx) => {
    const problem = (path: ReleaseField, message: string, extra: Partial<ReleaseProblem> = {}) =>
      ctx.addIssue({ code: 'custom', path: [path], message, params: extra });
    if (t.processMode === 'batch') {
      if (t.serials) problem('serials', 'a batch has one code (batchCode), not serials');
      if (t.serialPrefix) problem('serialPrefix', 'a batch has one code (batchCode), not generated serials');
      return;
    }
    if (t.batchCode) problem('batchCode', 'a piece ticket has serials, not a batch code');
    if (t.qty > MAX_PIECE_SERIALS && t.qty <= MAX_TICKET_QTY) {
      problem(
        'qty',
        `a piece ticket has at most ${MAX_PIECE_SERIALS} serials: release several tickets, or a batch`,
      );
      return;
    }
    if (!t.serials) {
      // Generated serials are the prefix and a number: the prefix is held to a serial's rules.
      const prefix = t.serialPrefix ?? defaultSerialPrefix(t.code);
      if (!isPrintableSerial(prefix))
        problem(
          t.serialPrefix === undefined ? 'code' : 'serialPrefix',
          'has a space, a tab or a control character inside: a serial made from it could not be scanned',
        );
      return;
    }
    if (t.serialPrefix) problem('serialPrefix', 'give serials or a serialPrefix to generate them, not both');
    if (t.serials.length !== t.qty) {
      problem('serials', `${t.serials.length} serials for a qty of ${t.qty}`, { reason: 'count' });
    }
    const repeated = repeatedSerials(t.serials);
    if (repeated.length > 0) {
      problem('serials', `listed more than once: ${repeated.slice(0, 10).join(', ')}`, {
        reason: 'repeated',
        values: repeated.slice(0, LISTED_AT_MOST),
      });
    }
    const unprintable = t.serials.filter((s) => !isPrintableSerial(s));
    if (unprintable.length > 0) {
      problem('serials', 'a serial has a space, a tab or a control character inside (one serial a line)', {
        reason: 'unprintable',
        values: unprintable.slice(0, LISTED_AT_MOST),
      });
    }
  });
export type CreateTicketInput = z.input<typeof createTicketSchema>;

/** The answer to a new job ticket: its tokens' codes (one per serial, or the batch's one code). */
export const ticketResultSchema = ticketReleasedSchema;
export type TicketResult = TicketReleased;

type Release = z.infer<typeof createTicketSchema>;

/** A 400 naming the field; details as releaseProblemSchema says. */
function refused(field: ReleaseField, message: string, extra: Partial<ReleaseProblem> = {}): DomainError {
  const problem: ReleaseProblem = { path: field, message, ...extra };
  return new DomainError('invalid', `${field}: ${message}`, [problem]);
}

function parseRelease(input: unknown): Release {
  const parsed = createTicketSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    'invalid',
    `Invalid job ticket: ${describeIssues(parsed.error)}`,
    parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
      ...(i.code === 'custom' ? (i.params as Partial<ReleaseProblem> | undefined) : undefined),
    })),
  );
}

interface GraphRow {
  id: number;
  version: number;
  routing_mode: 'linear' | 'dag';
  source_json: string;
}

/** The routing version a ticket is released on: named, else its latest (never one mid-publish). */
function findRouting(db: Database.Database, t: Release): GraphRow {
  const versions = db
    .prepare(
      `SELECT id, version, routing_mode, source_json FROM routing_graph
       WHERE code = ? AND ${publishedRouting()} ORDER BY version DESC`,
    )
    .all(t.routing) as GraphRow[];
  if (versions.length === 0) throw refused('routing', `no routing ${t.routing} is published on this site`);
  if (t.routingVersion === undefined) return versions[0] as GraphRow;
  const row = versions.find((v) => v.version === t.routingVersion);
  if (!row) {
    const published = versions.map((v) => v.version).join(', ');
    throw refused(
      'routingVersion',
      `${t.routing} has no version ${t.routingVersion} (published: ${published})`,
    );
  }
  return row;
}

/** Which of these codes a token on this site already has (root tokens: the serials printed on items). */
function codesInUse(db: Database.Database, codes: readonly string[]): string[] {
  const used = db.prepare('SELECT 1 FROM flow_token WHERE code = ? AND parent_token_id IS NULL').pluck();
  return codes.filter((code) => used.get(code) !== undefined);
}

/** Walks the prefix's counter from where it stands past every serial in use; writes nothing. */
function walkSerials(
  db: Database.Database,
  prefix: string,
  count: number,
): { serials: string[]; last: number } {
  // Every code in use that is the prefix and a digit (all a serial of it can be), read in one range
  // of the root-code index rather than one lookup per number: a ticket of 100,000 stays quick.
  const used = new Set(
    db
      .prepare(`SELECT code FROM flow_token WHERE parent_token_id IS NULL AND code >= ? AND code < ?`)
      .pluck()
      .all(`${prefix}0`, `${prefix}:`) as string[],
  );
  let n = (db.prepare('SELECT last_value FROM serial_counter WHERE prefix = ?').pluck().get(prefix) ??
    0) as number;
  const serials: string[] = [];
  while (serials.length < count) {
    n += 1;
    const serial = serialOf(prefix, n);
    if (!used.has(serial)) serials.push(serial);
  }
  return { serials, last: n };
}

/**
 * The prefix's next `count` serials (DK-21): its counter moves on past every number whose serial is
 * already in use, and is stored advanced, in the caller's transaction.
 */
export function nextSerials(db: Database.Database, prefix: string, count: number): string[] {
  const { serials, last } = walkSerials(db, prefix, count);
  db.prepare(
    `INSERT INTO serial_counter (prefix, last_value) VALUES (?, ?)
     ON CONFLICT (prefix) DO UPDATE SET last_value = excluded.last_value`,
  ).run(prefix, last);
  return serials;
}

const previewQuerySchema = z.object({
  prefix: z
    .string()
    .trim()
    .min(1)
    .max(MAX_SERIAL_PREFIX_LENGTH)
    .refine(isPrintableSerial, 'a prefix has no space, tab or control character inside'),
  qty: z
    .string()
    .regex(/^\d+$/, qtyMessage)
    .transform(Number)
    .pipe(z.number().int().min(1, qtyMessage).max(MAX_TICKET_QTY, qtyMessage))
    .default(1),
});

/** DK-21: the first and last serial a release of `qty` from `prefix` would give now (nothing reserved). */
export function previewSerials(
  db: Database.Database,
  query: { prefix?: string | undefined; qty?: string | undefined },
): Result<SerialPreview> {
  return attempt(() => {
    const q = parseOrThrow(previewQuerySchema, query, 'serial preview');
    const { serials } = walkSerials(db, q.prefix, q.qty);
    return { prefix: q.prefix, qty: q.qty, first: serials[0] ?? '', last: serials.at(-1) ?? '' };
  });
}

/** The codes of the ticket's tokens: pasted or generated serials, or the batch's code (DK-21, DK-22). */
function releaseCodes(db: Database.Database, t: Release): string[] {
  if (t.processMode === 'batch') {
    const code = t.batchCode ?? t.code;
    if (codesInUse(db, [code]).length > 0) {
      const why = t.batchCode ? 'already in use on this site' : 'the ticket code, already in use as a serial';
      throw refused('batchCode', `${code}: ${why}`, { reason: 'in-use', values: [code] });
    }
    return [code];
  }
  if (!t.serials) return nextSerials(db, t.serialPrefix ?? defaultSerialPrefix(t.code), t.qty);
  const taken = codesInUse(db, t.serials);
  if (taken.length > 0) {
    const shown = taken.slice(0, 10).join(', ');
    throw refused(
      'serials',
      `${taken.length} already in use on this site: ${shown}${taken.length > 10 ? ', …' : ''}`,
      { reason: 'in-use', values: taken.slice(0, LISTED_AT_MOST) },
    );
  }
  return t.serials;
}

/** Creates a job ticket and its tokens, ready at the routing's start node (each with a spawn event). */
export function createTicket(
  db: Database.Database,
  system: SystemEventRecorder,
  input: unknown,
  now: string,
): Result<TicketResult> {
  return attempt(() => {
    const t = parseRelease(input);
    return db
      .transaction((): TicketResult => {
        const graphRow = findRouting(db, t);
        if (db.prepare('SELECT 1 FROM job_ticket WHERE code = ?').get(t.code)) {
          throw new DomainError('conflict', `Job ticket ${t.code} already exists`, [
            { path: 'code', message: `job ticket ${t.code} already exists` },
          ]);
        }
        const graph = indexGraph(
          routingGraphFromInput(routingInputSchema.parse(JSON.parse(graphRow.source_json))),
        );
        const codes = releaseCodes(db, t);
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
        const changeSeq = currentChangeSeq(db) + 1;
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
        setChangeSeq(db, changeSeq);
        return {
          ticketId,
          code: t.code,
          routing: t.routing,
          routingVersion: graphRow.version,
          processMode: t.processMode,
          tokens: codes,
        };
      })
      .immediate();
  });
}

interface SummaryRow extends TicketSummary {
  id: number;
  graphId: number;
}

/** A ticket as listed: its routing and counts of its tokens (root tokens: one per serial, or the batch). */
const SUMMARY_SQL = `SELECT j.id, j.code, g.id AS graphId, g.code AS routing, g.version AS routingVersion,
    g.name AS routingName, j.process_mode AS processMode, j.qty, j.product,
    j.created_at AS createdAt,
    (SELECT count(*) FROM flow_token t WHERE t.ticket_id = j.id AND t.parent_token_id IS NULL) AS tokens,
    (SELECT count(*) FROM flow_token t WHERE t.ticket_id = j.id AND t.parent_token_id IS NULL
       AND t.status = 'completed') AS done
  FROM job_ticket j JOIN routing_graph g ON g.id = j.graph_id`;

const toSummary = ({ id: _id, graphId: _graphId, ...summary }: SummaryRow): TicketSummary => summary;

export interface TicketQuery {
  limit?: string | undefined;
  after?: string | undefined;
}

/** Newest first (DK-24), a page at a time. */
export function listTickets(db: Database.Database, q: TicketQuery): Result<TicketList> {
  return attempt(() => {
    const page = newestById<SummaryRow>(db, q, { select: SUMMARY_SQL, id: 'j.id' });
    return { tickets: page.items.map(toSummary), next: page.next };
  });
}

/** One ticket (DK-25): its serials in release order and its routing's operation steps in order. */
export function ticketDetail(db: Database.Database, code: string): Result<TicketDetail> {
  return attempt(() => {
    const row = db.prepare(`${SUMMARY_SQL} WHERE j.code = ?`).get(code) as SummaryRow | undefined;
    if (!row)
      throw new DomainError('not-found', `ticket: no job ticket ${code}`, [
        { path: 'code', message: `no job ticket ${code}` },
      ]);
    const serials = db
      .prepare('SELECT code FROM flow_token WHERE ticket_id = ? AND parent_token_id IS NULL ORDER BY id')
      .pluck()
      .all(row.id) as string[];
    const source = db.prepare('SELECT source_json FROM routing_graph WHERE id = ?').pluck().get(row.graphId);
    const graph = routingGraphFromInput(routingInputSchema.parse(JSON.parse(source as string)));
    const workCenterName = db.prepare('SELECT name FROM work_center WHERE code = ?').pluck();
    const steps = operationSteps(graph).map((node) => ({
      node: node.code,
      name: node.name,
      workCenter: node.workCenter,
      workCenterName:
        node.workCenter === null
          ? null
          : ((workCenterName.get(node.workCenter) as string | undefined) ?? null),
    }));
    return { ticket: toSummary(row), serials, steps };
  });
}
