/**
 * @module The planning desk's audit trail (SPEC DK-1): each admin change is written in the
 * transaction of the change (a change that rolls back leaves no line), read newest first a page at
 * a time, optionally for one subject.
 */
import type Database from 'better-sqlite3';
import type { AdminAction, AdminChange } from '../../shared/admin-changes-api';
import { ADMIN_ACTIONS } from '../../shared/admin-changes-api';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { decodeAfter } from '../exceptions/inbox';
import { pageLimit } from '../supervisor/paging';

export interface AdminChangeInput {
  at: string;
  /** The admin's username, or 'cli'. */
  by: string;
  action: AdminAction;
  subject: string;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
}

interface ChangeRow {
  id: number;
  at: string;
  username: string;
  action: AdminAction;
  subject: string;
  reason: string | null;
  detail_json: string | null;
}

const toChange = (row: ChangeRow): AdminChange => ({
  id: row.id,
  at: row.at,
  by: row.username,
  action: row.action,
  subject: row.subject,
  reason: row.reason,
  detail: row.detail_json === null ? null : (JSON.parse(row.detail_json) as Record<string, unknown>),
});

/** Call inside the change's own transaction. */
export function recordAdminChange(db: Database.Database, change: AdminChangeInput): void {
  db.prepare(
    `INSERT INTO admin_change (at, username, action, subject, reason, detail_json) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    change.at,
    change.by,
    change.action,
    change.subject,
    change.reason ?? null,
    change.detail ? JSON.stringify(change.detail) : null,
  );
}

export interface AdminChangeQuery {
  subject?: string | undefined;
  action?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

/** Newest first; `subject` and `action` narrow it (an unknown action is an error naming it). */
export function listAdminChanges(
  db: Database.Database,
  q: AdminChangeQuery,
): Result<{ changes: AdminChange[]; next: string | null }> {
  return attempt(() => {
    const limit = pageLimit(q.limit);
    const after = decodeAfter(q.after);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.subject !== undefined && q.subject !== '') {
      where.push('subject = ?');
      args.push(q.subject);
    }
    if (q.action !== undefined && q.action !== '') {
      if (!(ADMIN_ACTIONS as readonly string[]).includes(q.action))
        throw new DomainError(
          'invalid',
          `action: one of ${ADMIN_ACTIONS.join(', ')} (got "${q.action.slice(0, 40)}")`,
        );
      where.push('action = ?');
      args.push(q.action);
    }
    if (after !== null) {
      where.push('id < ?');
      args.push(after);
    }
    const rows = db
      .prepare(
        `SELECT id, at, username, action, subject, reason, detail_json FROM admin_change
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, limit + 1) as ChangeRow[];
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    const last = kept.at(-1);
    return {
      changes: kept.map(toChange),
      next: more && last ? Buffer.from(JSON.stringify([last.id])).toString('base64url') : null,
    };
  });
}
