/**
 * @module Paged, filtered lists for supervisors (SPEC SV-5): tokens, conflicts and parked events;
 * and the one page newest first by id that the desk's lists (audit trails, print jobs) share.
 * Keyset paging: each page is read after the last row of the one before (an opaque cursor holding
 * that row's sort key), so a page costs an index seek and `limit` rows however deep it is, and a
 * row is never listed twice. Bad parameters are `invalid` errors that name the parameter.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import { TOKEN_STATUSES } from '../../shared/domain';
import type { ConflictItem, ListedToken, ParkedItem } from '../../shared/supervisor-api';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../shared/supervisor-api';
import { DomainError, attempt } from '../errors';
import type { Result } from '../errors';
import { isoOf } from '../db/sql-time';

/** The statuses the token list shows unless asked for others: those still on the floor. */
const DEFAULT_TOKEN_STATUSES: readonly TokenStatus[] = ['ready', 'active', 'paused', 'waiting'];

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Reads `limit` (1 … 500, 100 when absent). */
export function pageLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE_LIMIT;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE_LIMIT)
    throw new DomainError('invalid', `limit: a whole number from 1 to ${MAX_PAGE_LIMIT} (got "${text}")`);
  return n;
}

function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor part's type: a string, a number, or a row id (a safe whole number). */
type KeyPart = 'string' | 'number' | 'id';

const fits = (value: unknown, part: KeyPart): boolean =>
  part === 'id' ? Number.isSafeInteger(value) : typeof value === part;

/** Reads an `after` cursor whose parts have the given types. */
function decodeCursor<T extends (string | number)[]>(
  text: string | undefined,
  types: readonly KeyPart[],
): T | null {
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== types.length ||
    parsed.some((v, i) => !fits(v, types[i] as KeyPart))
  )
    throw new DomainError(
      'invalid',
      'after: not a cursor from this list; pass the `next` of the page before',
    );
  return parsed as T;
}

/** Cuts the one extra row read off and names the cursor after the last row kept. */
function paged<R, T>(
  rows: R[],
  limit: number,
  toItem: (r: R) => T,
  keyOf: (r: R) => (string | number)[],
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { items: kept.map(toItem), next: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** What a list newest first by id is asked: `limit` rows `after` the cursor of the page before. */
export interface IdPageQuery {
  limit?: string | undefined;
  after?: string | undefined;
}

/**
 * A page of rows newest first by id (keyset: ids below the cursor's): `select` is the query up to
 * its WHERE, `id` its id column; `narrow`, for a list with filters, adds its conditions and their
 * `?` values (and throws an `invalid` error naming a bad filter). Throws: call inside `attempt`.
 */
export function newestById<R extends { id: number }>(
  db: Database.Database,
  q: IdPageQuery,
  sql: { select: string; id: string },
  narrow?: (where: string[], args: (string | number)[]) => void,
): Page<R> {
  const limit = pageLimit(q.limit);
  const after = decodeCursor<[number]>(q.after, ['id']);
  const where: string[] = [];
  const args: (string | number)[] = [];
  narrow?.(where, args);
  if (after !== null) {
    where.push(`${sql.id} < ?`);
    args.push(after[0]);
  }
  const rows = db
    .prepare(
      `${sql.select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sql.id} DESC LIMIT ?`,
    )
    .all(...args, limit + 1) as R[];
  return paged(
    rows,
    limit,
    (r) => r,
    (r) => [r.id],
  );
}

export interface TokenQuery {
  routing?: string | undefined;
  node?: string | undefined;
  status?: string | undefined;
  ticket?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

interface TokenRow {
  id: number;
  code: string;
  branch: string | null;
  ticket: string;
  routing: string;
  routingVersion: number;
  nodeCode: string;
  status: TokenStatus;
  qty: number;
  operator: string | null;
  since: string;
}

/** Tokens, longest-waiting first (status_since, then id). */
export function listTokens(db: Database.Database, q: TokenQuery, now: Date): Result<Page<ListedToken>> {
  return attempt(() => {
    const limit = pageLimit(q.limit);
    const statuses = q.status === undefined ? DEFAULT_TOKEN_STATUSES : parseStatuses(q.status);
    if (q.node !== undefined && q.routing === undefined)
      throw new DomainError('invalid', 'node: give routing too (node codes are per routing)');
    const after = decodeCursor<[string, number]>(q.after, ['string', 'number']);
    // The default set is written out as the partial index flow_token_live says it, so SQLite uses it.
    const where = [
      statuses === DEFAULT_TOKEN_STATUSES
        ? `t.status IN (${DEFAULT_TOKEN_STATUSES.map((s) => `'${s}'`).join(', ')})`
        : `t.status IN (${statuses.map(() => '?').join(', ')})`,
    ];
    const args: (string | number)[] = statuses === DEFAULT_TOKEN_STATUSES ? [] : [...statuses];
    if (q.routing !== undefined) {
      const ids = db
        .prepare('SELECT id FROM routing_graph WHERE code = ?')
        .pluck()
        .all(q.routing) as number[];
      if (ids.length === 0) throw new DomainError('not-found', `routing: no routing ${q.routing}`);
      where.push(`t.graph_id IN (${ids.map(() => '?').join(', ')})`);
      args.push(...ids);
    }
    if (q.node !== undefined) {
      where.push('t.node_code = ?');
      args.push(q.node);
    }
    if (q.ticket !== undefined) {
      const id = db.prepare('SELECT id FROM job_ticket WHERE code = ?').pluck().get(q.ticket) as
        number | undefined;
      if (id === undefined) throw new DomainError('not-found', `ticket: no ticket ${q.ticket}`);
      where.push('t.ticket_id = ?');
      args.push(id);
    }
    if (after) {
      where.push('(t.status_since, t.id) > (?, ?)');
      args.push(...after);
    }
    // The page is cut from flow_token alone, so SQLite walks an index in order and stops at
    // `limit` (with the joins in the same query it may start from a ticket and sort).
    const rows = db
      .prepare(
        `SELECT t.id, t.code, t.branch, j.code AS ticket, g.code AS routing, g.version AS routingVersion,
           t.node_code AS nodeCode, t.status, t.qty, t.active_operator AS operator, t.status_since AS since
         FROM (SELECT * FROM flow_token t WHERE ${where.join(' AND ')} ORDER BY t.status_since, t.id LIMIT ?) t
         JOIN job_ticket j ON j.id = t.ticket_id JOIN routing_graph g ON g.id = t.graph_id
         ORDER BY t.status_since, t.id`,
      )
      .all(...args, limit + 1) as TokenRow[];
    return paged(
      rows,
      limit,
      (r) => ({
        ...r,
        elapsedSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(r.since)) / 1000)),
      }),
      (r) => [r.since, r.id],
    );
  });
}

function parseStatuses(text: string): TokenStatus[] {
  const list = text.split(',').map((s) => s.trim());
  const bad = list.find((s) => !(TOKEN_STATUSES as readonly string[]).includes(s));
  if (bad !== undefined)
    throw new DomainError('invalid', `status: "${bad}" is not one of ${TOKEN_STATUSES.join(', ')}`);
  return [...new Set(list)] as TokenStatus[];
}

export interface ConflictQuery {
  all?: boolean;
  station?: string | undefined;
  node?: string | undefined;
  reason?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

/** Conflicts in the order they were opened (open ones only unless `all`). */
export function listConflictsPage(db: Database.Database, q: ConflictQuery): Result<Page<ConflictItem>> {
  return attempt(() => {
    const limit = pageLimit(q.limit);
    const after = decodeCursor<[number]>(q.after, ['number']);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (!q.all) where.push('c.resolved_at IS NULL');
    whereEqual(where, args, { 's.name': q.station, 'e.node_code': q.node, 'c.reason_code': q.reason });
    if (after) {
      where.push('c.id > ?');
      args.push(after[0]);
    }
    const rows = db
      .prepare(
        `SELECT c.id, c.reason_code, c.reason_message, c.created_at, c.resolved_at, c.resolution, c.note,
           e.event_id, e.event_type, e.code, e.node_code, e.operator_badge, ${isoOf('e.occurred_ms')} AS occurred_at, e.seq,
           s.name AS station
         FROM conflict c JOIN token_event e ON e.id = c.event_row_id LEFT JOIN station s ON s.id = e.station_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id LIMIT ?`,
      )
      .all(...args, limit + 1) as Record<string, unknown>[];
    return paged(rows, limit, conflictItem, (r) => [r['id'] as number]);
  });
}

function conflictItem(r: Record<string, unknown>): ConflictItem {
  return {
    id: r['id'] as number,
    reason: { code: r['reason_code'] as string, message: r['reason_message'] as string },
    createdAt: r['created_at'] as string,
    resolvedAt: r['resolved_at'] as string | null,
    resolution: r['resolution'] as ConflictItem['resolution'],
    note: r['note'] as string | null,
    event: {
      id: r['event_id'] as string,
      type: r['event_type'] as string,
      code: r['code'] as string,
      nodeCode: r['node_code'] as string | null,
      operatorBadge: r['operator_badge'] as string | null,
      occurredAt: r['occurred_at'] as string,
      station: r['station'] as string | null,
      seq: r['seq'] as number | null,
    },
  };
}

export interface ParkedQuery {
  station?: string | undefined;
  node?: string | undefined;
  reason?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

type ParkedRow = ParkedItem & { rowId: number };

/** Parked events, oldest first (parked_at, then row id). */
export function listParkedPage(db: Database.Database, q: ParkedQuery): Result<Page<ParkedItem>> {
  return attempt(() => {
    const limit = pageLimit(q.limit);
    const after = decodeCursor<[string, number]>(q.after, ['string', 'number']);
    const where: string[] = [];
    const args: (string | number)[] = [];
    whereEqual(where, args, { 's.name': q.station, 'e.node_code': q.node, 'p.reason_code': q.reason });
    if (after) {
      where.push('(p.parked_at, p.event_row_id) > (?, ?)');
      args.push(...after);
    }
    const rows = db
      .prepare(
        `SELECT p.event_row_id AS rowId, e.event_id AS id, e.event_type AS type, e.code, e.node_code AS nodeCode,
           s.name AS station, p.seq, p.parked_at AS parkedAt, p.expires_at AS expiresAt,
           p.reason_code AS reasonCode, p.reason_message AS reason
         FROM parked_event p JOIN token_event e ON e.id = p.event_row_id JOIN station s ON s.id = p.station_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.parked_at, p.event_row_id LIMIT ?`,
      )
      .all(...args, limit + 1) as ParkedRow[];
    return paged(
      rows,
      limit,
      ({ rowId: _rowId, ...item }) => item,
      (r) => [r.parkedAt, r.rowId],
    );
  });
}

/** Adds `column = ?` for each filter given (undefined: not filtered). */
function whereEqual(
  where: string[],
  args: (string | number)[],
  filters: Record<string, string | undefined>,
): void {
  for (const [column, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    args.push(value);
  }
}
