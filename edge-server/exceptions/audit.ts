/**
 * @module The audit log of supervisors' actions on problems (SPEC SV-24): written in the transaction
 * of the action, read newest first a page at a time.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, ProblemAction, ProblemKind } from '../../shared/exceptions-api';
import { newestById } from '../supervisor/paging';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { parseKind } from './inbox';

export interface AuditInput {
  at: string;
  user: { userId: number; username: string };
  kind: ProblemKind;
  problemId: number;
  action: ProblemAction;
  reason: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}

interface AuditRow {
  id: number;
  at: string;
  username: string;
  kind: ProblemKind;
  source_id: number;
  action: ProblemAction;
  reason: string | null;
  outcome: string;
  detail_json: string | null;
}

const SELECT = `SELECT id, at, username, kind, source_id, action, reason, outcome, detail_json FROM audit_log`;

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    by: row.username,
    kind: row.kind,
    problemId: row.source_id,
    action: row.action,
    reason: row.reason,
    outcome: row.outcome,
    detail: row.detail_json === null ? null : (JSON.parse(row.detail_json) as Record<string, unknown>),
  };
}

export function writeAudit(db: Database.Database, input: AuditInput): AuditEntry {
  const info = db
    .prepare(
      `INSERT INTO audit_log (at, user_id, username, kind, source_id, action, reason, outcome, detail_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.at,
      input.user.userId,
      input.user.username,
      input.kind,
      input.problemId,
      input.action,
      input.reason,
      input.outcome,
      input.detail === null ? null : JSON.stringify(input.detail),
    );
  return toEntry(db.prepare(`${SELECT} WHERE id = ?`).get(info.lastInsertRowid) as AuditRow);
}

export interface AuditQuery {
  kind?: string | undefined;
  problem?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

/** Newest first; `kind` and `problem` (its id) narrow it to one problem's history. */
export function listAudit(
  db: Database.Database,
  q: AuditQuery,
): Result<{ entries: AuditEntry[]; next: string | null }> {
  return attempt(() => {
    const page = newestById<AuditRow>(db, q, { select: SELECT, id: 'id' }, (where, args) => {
      const kind = parseKind(q.kind);
      if (q.problem !== undefined) {
        const id = Number(q.problem);
        if (kind === null) throw new DomainError('invalid', 'problem: give kind too (ids are per kind)');
        if (!/^\d+$/.test(q.problem) || !Number.isSafeInteger(id))
          throw new DomainError(
            'invalid',
            `problem: a problem's id, a whole number (got "${q.problem.slice(0, 40)}")`,
          );
        where.push('kind = ? AND source_id = ?');
        args.push(kind, id);
      } else if (kind !== null) {
        where.push('kind = ?');
        args.push(kind);
      }
    });
    return { entries: page.items.map(toEntry), next: page.next };
  });
}
