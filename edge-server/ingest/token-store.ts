/** @module Token families in SQLite (`flow_token`): load one, and write back what a decision changed. */
import type Database from 'better-sqlite3';
import type { ProcessMode, TokenStatus } from '../../shared/domain';
import type { Family, TokenState } from '../../shared/token-machine';
import { FloorCountChanges, FloorCounts } from './floor-counts';

export interface RootRow {
  id: number;
  graph_id: number;
  ticket_id: number;
  code: string;
  process_mode: ProcessMode;
}

interface TokenRow {
  id: number;
  code: string;
  branch: string | null;
  parent_token_id: number | null;
  node_code: string;
  status: TokenStatus;
  qty: number;
  active_operator: string | null;
}

/** Where new members of a family go, and the change counter value to stamp on changed rows. */
export interface SaveContext {
  ticketId: number;
  graphId: number;
  rootId: number;
  now: string;
  changeSeq: number;
}

/** Keys of family members are their row ids as strings; new members get `new:N` until inserted. */
export const NEW_KEY_PREFIX = 'new:';

export class TokenStore {
  private readonly rootByCodeStmt: Database.Statement;
  private readonly rootByIdStmt: Database.Statement;
  private readonly familyStmt: Database.Statement;
  private readonly updateStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly setRootStmt: Database.Statement;
  private readonly floorCounts: FloorCounts;

  constructor(db: Database.Database) {
    this.floorCounts = new FloorCounts(db);
    this.rootByCodeStmt = db.prepare(
      `SELECT t.id, t.graph_id, t.ticket_id, t.code, j.process_mode
       FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id
       WHERE t.code = ? AND t.parent_token_id IS NULL`,
    );
    this.rootByIdStmt = db.prepare(
      `SELECT t.id, t.graph_id, t.ticket_id, t.code, j.process_mode
       FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id WHERE t.id = ?`,
    );
    this.familyStmt = db.prepare(
      `SELECT id, code, branch, parent_token_id, node_code, status, qty, active_operator
       FROM flow_token WHERE root_token_id = ? ORDER BY id`,
    );
    this.updateStmt = db.prepare(
      `UPDATE flow_token SET node_code = @node_code, status = @status, qty = @qty,
         active_operator = @active_operator, change_seq = @change_seq,
         status_since = CASE WHEN status = @status AND node_code = @node_code THEN status_since ELSE @now END
       WHERE id = @id`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO flow_token (ticket_id, graph_id, code, parent_token_id, root_token_id, branch, node_code,
         status, qty, active_operator, status_since, change_seq, created_at)
       VALUES (@ticket_id, @graph_id, @code, @parent_token_id, @root_token_id, @branch, @node_code,
         @status, @qty, @active_operator, @now, @change_seq, @now)`,
    );
    this.setRootStmt = db.prepare('UPDATE flow_token SET root_token_id = id WHERE id = ?');
  }

  rootByCode(code: string): RootRow | undefined {
    return this.rootByCodeStmt.get(code) as RootRow | undefined;
  }

  rootById(id: number): RootRow | undefined {
    return this.rootByIdStmt.get(id) as RootRow | undefined;
  }

  loadFamily(rootId: number, processMode: ProcessMode): Family {
    const rows = this.familyStmt.all(rootId) as TokenRow[];
    return {
      processMode,
      members: rows.map((r) => ({
        key: String(r.id),
        code: r.code,
        branch: r.branch,
        parentKey: r.parent_token_id === null ? null : String(r.parent_token_id),
        nodeCode: r.node_code,
        status: r.status,
        qty: r.qty,
        operator: r.active_operator,
      })),
    };
  }

  /** Inserts a root token (a new work item) and returns its id. */
  insertRoot(
    token: Omit<TokenState, 'key' | 'parentKey' | 'branch'>,
    ctx: Omit<SaveContext, 'rootId'>,
  ): number {
    const info = this.insertStmt.run({
      ticket_id: ctx.ticketId,
      graph_id: ctx.graphId,
      code: token.code,
      parent_token_id: null,
      root_token_id: null,
      branch: null,
      node_code: token.nodeCode,
      status: token.status,
      qty: token.qty,
      active_operator: token.operator,
      now: ctx.now,
      change_seq: ctx.changeSeq,
    });
    const id = Number(info.lastInsertRowid);
    this.setRootStmt.run(id);
    return id;
  }

  /** Inserts the members with temporary keys (parents before children, as a split lists them). */
  insertNewMembers(family: Family, ctx: SaveContext): Map<string, string> {
    const keys = new Map<string, string>();
    for (const member of family.members) {
      if (!member.key.startsWith(NEW_KEY_PREFIX)) continue;
      const parent =
        member.parentKey === null ? null : Number(keys.get(member.parentKey) ?? member.parentKey);
      const info = this.insertStmt.run({
        ticket_id: ctx.ticketId,
        graph_id: ctx.graphId,
        code: member.code,
        parent_token_id: parent,
        root_token_id: ctx.rootId,
        branch: member.branch,
        node_code: member.nodeCode,
        status: member.status,
        qty: member.qty,
        active_operator: member.operator,
        now: ctx.now,
        change_seq: ctx.changeSeq,
      });
      keys.set(member.key, String(info.lastInsertRowid));
    }
    return keys;
  }

  /**
   * Writes members whose state changed (each with the state its row held), stamped with the
   * transaction's change counter, and the board's counts they move, summed once (SPEC PF-3).
   */
  updateMembers(
    changes: readonly { graphId: number; before: TokenState; after: TokenState }[],
    changeSeq: number,
    now: string,
  ): void {
    const moves = new FloorCountChanges();
    for (const { graphId, before, after } of changes) {
      this.updateStmt.run({
        id: Number(after.key),
        node_code: after.nodeCode,
        status: after.status,
        qty: after.qty,
        active_operator: after.operator,
        change_seq: changeSeq,
        now,
      });
      moves.move(graphId, before, after);
    }
    this.floorCounts.apply(moves);
  }
}

/** A key allocator for `decide`: temporary keys that `insertNewMembers` turns into row ids. */
export function newKeyAllocator(): () => string {
  let n = 0;
  return () => `${NEW_KEY_PREFIX}${++n}`;
}

/** Rewrites temporary keys in a family to the row ids `insertNewMembers` gave them. */
export function withSavedKeys(family: Family, keys: ReadonlyMap<string, string>): Family {
  if (keys.size === 0) return family;
  const fix = (key: string): string => keys.get(key) ?? key;
  return {
    processMode: family.processMode,
    members: family.members.map((m) => ({
      ...m,
      key: fix(m.key),
      parentKey: m.parentKey === null ? null : fix(m.parentKey),
    })),
  };
}

/** Whether a member's stored state is the same as the one a decision produced. */
export function sameState(a: TokenState | undefined, b: TokenState): boolean {
  return (
    a !== undefined &&
    a.nodeCode === b.nodeCode &&
    a.status === b.status &&
    a.qty === b.qty &&
    a.operator === b.operator
  );
}
