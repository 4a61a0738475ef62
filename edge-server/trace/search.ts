/**
 * @module Trace search (SPEC SV-30): one query looked up as a serial, a ticket and a component
 * serial at once, each exactly or as a prefix, on their indexes (flow_token_root_code, job_ticket's
 * code, component_binding_serial): a range scan of at most SEARCH_LIMIT rows per kind.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { TraceSearch } from '../../shared/trace-api';
import { SEARCH_LIMIT } from '../../shared/trace-api';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';

/** The longest query looked up (serials and tickets are far shorter). */
export const MAX_QUERY_LENGTH = 200;

/** The upper end of a prefix range: anything that starts with `q` sorts below it (BINARY order). */
const upperOf = (q: string): string => `${q}\u{10FFFF}`;

export function searchTrace(db: Database.Database, text: string | undefined): Result<TraceSearch> {
  return attempt(() => {
    const q = (text ?? '').trim();
    if (q === '')
      throw new DomainError(
        'invalid',
        'q: a serial, ticket or component serial to look for (or its beginning)',
      );
    if (q.length > MAX_QUERY_LENGTH)
      throw new DomainError('invalid', `q: at most ${MAX_QUERY_LENGTH} characters (got ${q.length})`);
    const range = [q, upperOf(q)] as const;
    const serials = (
      db
        .prepare(
          `SELECT t.code, j.code AS ticket, g.code AS routing, t.node_code AS nodeCode, t.status
           FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id JOIN routing_graph g ON g.id = t.graph_id
           WHERE t.parent_token_id IS NULL AND t.code >= ? AND t.code < ? ORDER BY t.code LIMIT ?`,
        )
        .all(...range, SEARCH_LIMIT) as {
        code: string;
        ticket: string;
        routing: string;
        nodeCode: string;
        status: TokenStatus;
      }[]
    ).map((s) => ({ ...s, exact: s.code === q }));
    const tickets = (
      db
        .prepare(
          `SELECT j.id, j.code, j.product, j.qty, g.code AS routing FROM job_ticket j
           JOIN routing_graph g ON g.id = j.graph_id WHERE j.code >= ? AND j.code < ? ORDER BY j.code LIMIT ?`,
        )
        .all(...range, SEARCH_LIMIT) as {
        id: number;
        code: string;
        product: string;
        qty: number;
        routing: string;
      }[]
    ).map(({ id, ...ticket }) => {
      const serialsOf = db
        .prepare(
          'SELECT code FROM flow_token WHERE ticket_id = ? AND parent_token_id IS NULL ORDER BY id LIMIT ?',
        )
        .pluck()
        .all(id, SEARCH_LIMIT) as string[];
      const count = db
        .prepare('SELECT count(*) FROM flow_token WHERE ticket_id = ? AND parent_token_id IS NULL')
        .pluck()
        .get(id) as number;
      return { ...ticket, serialCount: count, serials: serialsOf, exact: ticket.code === q };
    });
    const components = (
      db
        .prepare(
          `SELECT b.component_serial AS componentSerial, r.code AS serial, t.branch, b.bound_at AS boundAt
           FROM component_binding b JOIN flow_token t ON t.id = b.token_id JOIN flow_token r ON r.id = t.root_token_id
           WHERE b.component_serial >= ? AND b.component_serial < ? ORDER BY b.component_serial, b.id LIMIT ?`,
        )
        .all(...range, SEARCH_LIMIT) as {
        componentSerial: string;
        serial: string;
        branch: string | null;
        boundAt: string;
      }[]
    ).map((c) => ({ ...c, exact: c.componentSerial === q }));
    const none = serials.length + tickets.length + components.length === 0;
    return {
      query: q,
      serials,
      tickets,
      components,
      message: none ? `Nothing on this site has the serial, ticket or component serial "${q}"` : null,
      code: none ? 'TRACE_NOT_FOUND' : null,
    };
  });
}
