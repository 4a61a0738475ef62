/**
 * @module The exceptions inbox (SPEC SV-20, SV-21): problems a supervisor may have to act on, read
 * from problem_state (kept by triggers, migration 0005) a page at a time in the order they opened,
 * each with its source (the conflict, the parked event, the dead letter) and its token as it is now.
 * Events parked for less than PARKED_ALERT_MINUTES are not problems yet: they are left out.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { Problem, ProblemAction, ProblemKind, ProblemState } from '../../shared/exceptions-api';
import { PROBLEM_CODES, PROBLEM_KINDS, PROBLEM_STATES } from '../../shared/exceptions-api';
import { pageLimit } from '../supervisor/paging';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { isoOf } from '../db/sql-time';

/** A problem_state row and what its source says, before it becomes a Problem. */
export interface ProblemRow {
  pid: number;
  kind: ProblemKind;
  source_id: number;
  root_token_id: number | null;
  opened_at: string;
  state: ProblemState;
  state_by_id: number | null;
  state_by: string | null;
  state_at: string | null;
  state_reason: string | null;
  outcome: string | null;
  reason_code: string | null;
  reason_message: string | null;
  expires_at: string | null;
  attempts: number | null;
  event_id: string | null;
  event_type: string | null;
  event_code: string | null;
  node_code: string | null;
  station: string | null;
  seq: number | null;
  operator_badge: string | null;
  occurred_at: string | null;
}

/**
 * Every problem row with its source's fields (a source gone, e.g. an archived resolved conflict,
 * leaves them null). The event is the conflict's, the parked one, the dead letter's, or, for a
 * refused event a station reported (migration 0006), what the station said of it: it never
 * applied here, so it has no seq or operator on the server.
 */
export const PROBLEM_SELECT = `
  SELECT p.id AS pid, p.kind, p.source_id, p.root_token_id, p.opened_at, p.state, p.state_by AS state_by_id,
    u.username AS state_by, p.state_at,
    p.state_reason, p.outcome,
    CASE p.kind WHEN 'conflict' THEN c.reason_code WHEN 'parked' THEN pk.reason_code
      WHEN 'dead_letter' THEN 'UPSTREAM_REFUSED' WHEN 'refused' THEN r.reason_code END AS reason_code,
    CASE p.kind WHEN 'conflict' THEN c.reason_message WHEN 'parked' THEN pk.reason_message
      WHEN 'dead_letter' THEN coalesce(o.last_error, 'The upstream refused the record')
      WHEN 'refused' THEN r.reason_message END AS reason_message,
    pk.expires_at, o.attempts,
    coalesce(e.event_id, r.event_id) AS event_id, coalesce(e.event_type, r.event_type) AS event_type,
    coalesce(e.code, r.code) AS event_code, coalesce(e.node_code, r.node_code) AS node_code,
    coalesce(s.name, rs.name) AS station, e.seq, e.operator_badge,
    coalesce(${isoOf('e.occurred_ms')}, r.occurred_at) AS occurred_at
  FROM problem_state p
  LEFT JOIN app_user u ON u.id = p.state_by
  LEFT JOIN conflict c ON p.kind = 'conflict' AND c.id = p.source_id
  LEFT JOIN parked_event pk ON p.kind = 'parked' AND pk.event_row_id = p.source_id
  LEFT JOIN upstream_exception o ON p.kind = 'dead_letter' AND o.applied_seq = p.source_id
  LEFT JOIN station_refused r ON p.kind = 'refused' AND r.id = p.source_id
  LEFT JOIN station rs ON rs.id = r.station_id
  LEFT JOIN token_event e ON e.id = CASE p.kind WHEN 'conflict' THEN c.event_row_id
    WHEN 'parked' THEN p.source_id
    WHEN 'dead_letter' THEN (SELECT d.id FROM token_event d WHERE d.applied_seq = p.source_id) END
  LEFT JOIN station s ON s.id = e.station_id`;

export interface ProblemQuery {
  state?: string | undefined;
  kind?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

export interface ProblemPage {
  problems: Problem[];
  next: string | null;
  parkedAlertMinutes: number;
}

/**
 * A page of problems: open and acknowledged ones oldest first (work the oldest first), resolved ones
 * newest first. The cursor is the last problem's id.
 */
export function listProblems(
  db: Database.Database,
  q: ProblemQuery,
  alertMinutes: number,
  now: Date,
): Result<ProblemPage> {
  return attempt(() => {
    const limit = pageLimit(q.limit);
    const states = parseStates(q.state);
    const kind = parseKind(q.kind);
    const after = decodeAfter(q.after);
    const resolved = states.length === 1 && states[0] === 'resolved';
    if (states.includes('resolved') && !resolved)
      throw new DomainError(
        'invalid',
        'state: resolved is listed on its own (newest first), not with others',
      );
    const cutoff = new Date(now.getTime() - alertMinutes * 60_000).toISOString();
    const where = [`p.state IN (${states.map(() => '?').join(', ')})`];
    const args: (string | number)[] = [...states];
    if (kind !== null) {
      where.push('p.kind = ?');
      args.push(kind);
    }
    // A parked event is a problem once it has waited PARKED_ALERT_MINUTES.
    where.push("(p.kind <> 'parked' OR p.opened_at <= ?)");
    args.push(cutoff);
    if (after !== null) {
      where.push(resolved ? 'p.id < ?' : 'p.id > ?');
      args.push(after);
    }
    const rows = db
      .prepare(
        `${PROBLEM_SELECT} WHERE ${where.join(' AND ')} ORDER BY p.id ${resolved ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(...args, limit + 1) as ProblemRow[];
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    const last = kept.at(-1);
    return {
      problems: kept.map((row) => toProblem(db, row)),
      next: more && last ? Buffer.from(JSON.stringify([last.pid])).toString('base64url') : null,
      parkedAlertMinutes: alertMinutes,
    };
  });
}

/** One problem by kind and id, or a not-found naming both. */
export function problemRow(db: Database.Database, kind: ProblemKind, id: number): ProblemRow {
  const row = db.prepare(`${PROBLEM_SELECT} WHERE p.kind = ? AND p.source_id = ?`).get(kind, id) as
    ProblemRow | undefined;
  if (!row) throw new DomainError('not-found', `No ${kind.replace('_', ' ')} ${id} in the exceptions inbox`);
  return row;
}

export function parseKind(text: string | undefined): ProblemKind | null {
  if (text === undefined) return null;
  if (!(PROBLEM_KINDS as readonly string[]).includes(text))
    throw new DomainError(
      'invalid',
      `kind: "${text.slice(0, 40)}" is not one of ${PROBLEM_KINDS.join(', ')}`,
    );
  return text as ProblemKind;
}

function parseStates(text: string | undefined): ProblemState[] {
  if (text === undefined) return ['open', 'acknowledged'];
  const list = [...new Set(text.split(',').map((s) => s.trim()))];
  const bad = list.find((s) => !(PROBLEM_STATES as readonly string[]).includes(s));
  if (bad !== undefined)
    throw new DomainError(
      'invalid',
      `state: "${bad.slice(0, 40)}" is not one of ${PROBLEM_STATES.join(', ')}`,
    );
  return list as ProblemState[];
}

/** Reads an `after` cursor: a base64url JSON [id]. */
export function decodeAfter(text: string | undefined): number | null {
  if (text === undefined) return null;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 1 || !Number.isSafeInteger(parsed[0]))
    throw new DomainError(
      'invalid',
      'after: not a cursor from this list; pass the `next` of the page before',
    );
  return parsed[0] as number;
}

/** What may be done with a problem in its state. */
export function actionsOf(kind: ProblemKind, state: ProblemState): ProblemAction[] {
  if (state === 'resolved') return [];
  const acknowledge: ProblemAction[] = state === 'open' ? ['acknowledge'] : [];
  switch (kind) {
    case 'conflict':
      return [...acknowledge, 'apply', 'discard'];
    case 'dead_letter':
      return [...acknowledge, 'resend'];
    case 'refused':
      return [...acknowledge, 'discard'];
    case 'parked':
      return acknowledge;
  }
}

/** The plain-English sentence beside the code. */
function messageOf(row: ProblemRow): string {
  const what =
    row.event_type === null
      ? `An event`
      : `${row.event_type} of ${row.event_code ?? '?'}${row.node_code ? ` at ${row.node_code}` : ''}${
          row.station ? ` from ${row.station}` : ''
        }`;
  const why = row.reason_message ?? 'no details kept';
  switch (row.kind) {
    case 'conflict':
      return `${what} cannot apply and needs a decision: ${why}`;
    case 'parked':
      return `${what} has waited since ${row.opened_at} for its token: ${why}`;
    case 'dead_letter':
      return `The upstream refused ${what.charAt(0).toLowerCase()}${what.slice(1)} for good: ${why}`;
    case 'refused':
      return `${what} was refused when it arrived, as its station reported: ${why}`;
  }
}

export function toProblem(db: Database.Database, row: ProblemRow): Problem {
  return {
    kind: row.kind,
    id: row.source_id,
    code: PROBLEM_CODES[row.kind],
    message: messageOf(row),
    reason: row.reason_code === null ? null : { code: row.reason_code, message: row.reason_message ?? '' },
    openedAt: row.opened_at,
    state: row.state,
    stateBy: row.state_by,
    stateAt: row.state_at,
    stateReason: row.state_reason,
    outcome: row.outcome,
    actions: actionsOf(row.kind, row.state),
    event:
      row.event_id === null
        ? null
        : {
            id: row.event_id,
            type: row.event_type ?? '',
            code: row.event_code ?? '',
            nodeCode: row.node_code,
            station: row.station,
            seq: row.seq,
            operatorBadge: row.operator_badge,
            occurredAt: row.occurred_at ?? '',
          },
    token: row.root_token_id === null ? null : tokenNow(db, row.root_token_id),
    expiresAt: row.expires_at,
    attempts: row.attempts,
  };
}

/** A family's root and its live branches, as they are now (a few rows: flow_token_root). */
function tokenNow(db: Database.Database, rootId: number): Problem['token'] {
  const members = db
    .prepare(
      `SELECT t.id, t.code, t.branch, t.node_code, t.status, t.active_operator, t.status_since, j.code AS ticket
       FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id WHERE t.root_token_id = ? ORDER BY t.id`,
    )
    .all(rootId) as {
    id: number;
    code: string;
    branch: string | null;
    node_code: string;
    status: TokenStatus;
    active_operator: string | null;
    status_since: string;
    ticket: string;
  }[];
  const root = members.find((m) => m.id === rootId);
  if (!root) return null;
  return {
    code: root.code,
    ticket: root.ticket,
    nodeCode: root.node_code,
    status: root.status,
    operator: root.active_operator,
    since: root.status_since,
    branches: members
      .filter((m) => m.id !== rootId && m.status !== 'completed' && m.status !== 'scrapped')
      .map((m) => ({ branch: m.branch, nodeCode: m.node_code, status: m.status })),
  };
}
