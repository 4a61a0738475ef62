/**
 * @module Reads of the change log (`live_change`, filled by triggers in the transaction of each
 * change: migration 0004): the latest cursor, the oldest change still kept, the changes after a
 * cursor. Prepared once; each read is one index range.
 */
import type Database from 'better-sqlite3';
import type { LiveChange } from '../../shared/live-api';

interface Row {
  id: number;
  kind: LiveChange['kind'];
  ref_id: number;
  code: string | null;
  node: string | null;
  status: string | null;
  graph_id: number | null;
}

export class ChangeLog {
  private readonly latestStmt: Database.Statement;
  private readonly firstStmt: Database.Statement;
  private readonly afterStmt: Database.Statement;

  constructor(db: Database.Database) {
    // The autoincrement sequence, not max(id): it is right even when every row was pruned.
    this.latestStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'live_change'");
    this.firstStmt = db.prepare('SELECT min(id) AS id FROM live_change');
    this.afterStmt = db.prepare(
      'SELECT id, kind, ref_id, code, node, status, graph_id FROM live_change WHERE id > ? ORDER BY id LIMIT ?',
    );
  }

  /** The cursor of the last committed change (0: none yet). */
  latest(): number {
    return (this.latestStmt.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  /** The oldest change still kept (null: none kept). */
  first(): number | null {
    return (this.firstStmt.get() as { id: number | null }).id;
  }

  /** Whether every change after `cursor` up to `latest` is still kept. */
  keepsAfter(cursor: number, latest: number): boolean {
    if (cursor >= latest) return true;
    const first = this.first();
    return first !== null && first <= cursor + 1;
  }

  /** Up to `limit` changes after `cursor`, oldest first. */
  after(cursor: number, limit: number): LiveChange[] {
    return (this.afterStmt.all(cursor, limit) as Row[]).map((r) => ({
      cursor: r.id,
      kind: r.kind,
      ref: r.ref_id,
      code: r.code,
      node: r.node,
      status: r.status,
      graph: r.graph_id,
    }));
  }
}
