/** @module Job tickets: piece mode (one token per serial) or batch mode (one token with a qty). */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PROCESS_MODES } from '../../shared/domain';
import { indexGraph } from '../../shared/routing-graph';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import { currentChangeSeq, setChangeSeq } from '../ingest/change-counter';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import type { SystemEventRecorder } from '../ingest/system-events';
import { TokenStore } from '../ingest/token-store';
import { parseOrThrow } from './parse';

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

/** The answer to a new job ticket: its tokens' codes (one per serial, or the batch's one code). */
export const ticketResultSchema = z.object({
  ticketId: z.number().int(),
  code: z.string(),
  routing: z.string(),
  routingVersion: z.number().int(),
  processMode: z.enum(PROCESS_MODES),
  tokens: z.array(z.string()),
});
export type TicketResult = z.infer<typeof ticketResultSchema>;

/** Creates a job ticket and its tokens, ready at the routing's start node (each with a spawn event). */
export function createTicket(
  db: Database.Database,
  system: SystemEventRecorder,
  input: unknown,
  now: string,
): Result<TicketResult> {
  return attempt(() => {
    const t = parseOrThrow(createTicketSchema, input, 'job ticket');
    return db
      .transaction((): TicketResult => {
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
          throw new DomainError(
            'not-found',
            `No routing ${t.routing}${t.routingVersion ? ` version ${t.routingVersion}` : ''} is published`,
          );
        }
        if (db.prepare('SELECT 1 FROM job_ticket WHERE code = ?').get(t.code)) {
          throw new DomainError('conflict', `Job ticket ${t.code} already exists`);
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
          throw new DomainError(
            'conflict',
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
