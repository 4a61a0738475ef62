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
import { newestById } from '../supervisor/paging';

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

const CHANGE_SELECT = 'SELECT id, at, username, action, subject, reason, detail_json FROM admin_change';

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
    const page = newestById<ChangeRow>(db, q, { select: CHANGE_SELECT, id: 'id' }, (where, args) => {
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
    });
    return { changes: page.items.map(toChange), next: page.next };
  });
}
