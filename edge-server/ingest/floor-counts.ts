/**
 * @module The board's live counts (floor_count: tokens and units per graph, node and status, and the
 * oldest status time) kept up once per transaction instead of once per token row (SPEC PF-3): the
 * changes of one flush are summed per (graph, node, status), each sum written with one upsert, and
 * the oldest status time read again from the flow_token_node index for each key touched. Inserts
 * and deletes of tokens are still counted by migration 0003's triggers.
 */
import type Database from 'better-sqlite3';
import type { TokenState } from '../../shared/token-machine';

/** The statuses the board counts (migration 0003). */
const COUNTED: ReadonlySet<string> = new Set(['ready', 'active', 'paused', 'waiting', 'split']);

interface Sum {
  graphId: number;
  nodeCode: string;
  status: string;
  tokens: number;
  units: number;
}

/** Token moves of one transaction, summed per (graph, node, status). */
export class FloorCountChanges {
  private readonly sums = new Map<string, Sum>();

  /** A token row changed from `before` to `after` (same graph). */
  move(graphId: number, before: TokenState, after: TokenState): void {
    if (COUNTED.has(before.status)) this.add(graphId, before, -1, -before.qty);
    if (COUNTED.has(after.status)) this.add(graphId, after, 1, after.qty);
  }

  private add(graphId: number, state: TokenState, tokens: number, units: number): void {
    const key = `${graphId}\n${state.nodeCode}\n${state.status}`;
    const sum = this.sums.get(key) ?? {
      graphId,
      nodeCode: state.nodeCode,
      status: state.status,
      tokens: 0,
      units: 0,
    };
    sum.tokens += tokens;
    sum.units += units;
    this.sums.set(key, sum);
  }

  /** Every (graph, node, status) touched, with its net change (a move within one key nets to 0). */
  all(): IterableIterator<Sum> {
    return this.sums.values();
  }
}

export class FloorCounts {
  private readonly addStmt: Database.Statement;
  private readonly firstStmt: Database.Statement;
  private readonly oldestStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.addStmt = db.prepare(
      `UPDATE floor_count SET tokens = tokens + @tokens, units = units + @units
       WHERE graph_id = @graphId AND node_code = @nodeCode AND status = @status AND tokens + @tokens >= 0`,
    );
    // A key without its row (never counted, or its figures deleted by hand), or whose count would
    // go below zero (it missed a token), is counted again from the token rows, already written.
    this.firstStmt = db.prepare(
      `INSERT OR REPLACE INTO floor_count (graph_id, node_code, status, tokens, units, oldest_since)
       SELECT @graphId, @nodeCode, @status, count(*), coalesce(sum(qty), 0), min(status_since) FROM flow_token
       WHERE graph_id = @graphId AND node_code = @nodeCode AND status = @status`,
    );
    this.oldestStmt = db.prepare(
      `UPDATE floor_count SET oldest_since = (SELECT min(status_since) FROM flow_token
         WHERE graph_id = @graphId AND node_code = @nodeCode AND status = @status)
       WHERE graph_id = @graphId AND node_code = @nodeCode AND status = @status`,
    );
  }

  /** Writes the summed changes (after the token rows themselves were written). */
  apply(changes: FloorCountChanges): void {
    for (const sum of changes.all()) {
      const key = { graphId: sum.graphId, nodeCode: sum.nodeCode, status: sum.status };
      if ((sum.tokens !== 0 || sum.units !== 0) && this.addStmt.run(sum).changes === 0) {
        this.firstStmt.run(key);
        continue;
      }
      // A status time moves whenever a token enters or leaves the key, even when the sums net to 0.
      this.oldestStmt.run(key);
    }
  }
}
