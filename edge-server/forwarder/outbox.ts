/**
 * @module The forwarder's side of the upstream outbox: the next records in application order,
 * marking them forwarded (only after the upstream acknowledged them), failures and dead letters,
 * the activity log, and what supervisors and stations read about it.
 */
import type Database from 'better-sqlite3';
import type { AppliedEventRecord } from '../../shared/protocol';

export interface OutboxRecord {
  outboxId: number;
  record: AppliedEventRecord;
}

export type ForwardingStatus = 'pending' | 'forwarded' | 'dead';

export interface Activity {
  sink: string;
  outcome: 'forwarded' | 'retryable' | 'permanent' | 'dead' | 'recovered';
  records: number;
  firstOutboxId: number | null;
  lastOutboxId: number | null;
  durationMs: number;
  message: string | null;
}

/** How many activity rows to keep; the oldest go first. */
export const ACTIVITY_RETENTION = 10_000;

export class UpstreamOutbox {
  private readonly nextStmt: Database.Statement;
  private readonly forwardedStmt: Database.Statement;
  private readonly failureStmt: Database.Statement;
  private readonly activityStmt: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private activitySincePrune = 0;

  /** `onQueued` hears of records put back for sending (OutboxSignal). */
  constructor(
    private readonly db: Database.Database,
    private readonly onQueued: () => void = () => undefined,
  ) {
    // A dead record holds back the later records of its own token only (ordering per token).
    this.nextStmt = db.prepare(
      // Ids first, from the outbox's pending index: building records for the whole backlog
      // before taking the first ones would make a drain quadratic.
      `SELECT r.id, r.record_json FROM upstream_record r
       WHERE r.id IN (
         SELECT o.id FROM upstream_outbox o
         WHERE o.status = 'pending' AND (o.family IS NULL OR NOT EXISTS (
           SELECT 1 FROM upstream_outbox d WHERE d.status = 'dead' AND d.family = o.family AND d.id < o.id))
         ORDER BY o.id LIMIT ?)
       ORDER BY r.id`,
    );
    this.forwardedStmt = db.prepare(
      "UPDATE upstream_outbox SET status = 'forwarded', forwarded_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
    );
    this.failureStmt = db.prepare(
      `UPDATE upstream_outbox SET attempts = attempts + 1, last_error = @error,
         permanent_failures = permanent_failures + @permanent,
         status = CASE WHEN permanent_failures + @permanent >= @max THEN 'dead' ELSE status END
       WHERE id = @id RETURNING status`,
    );
    this.activityStmt = db.prepare(
      `INSERT INTO upstream_activity (at, sink, outcome, records, first_outbox_id, last_outbox_id, duration_ms, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.pruneStmt = db.prepare(
      'DELETE FROM upstream_activity WHERE id <= (SELECT max(id) FROM upstream_activity) - ?',
    );
  }

  /** The next pending records, oldest first. */
  next(limit: number): OutboxRecord[] {
    return (this.nextStmt.all(limit) as { id: number; record_json: string }[]).map((r) => ({
      outboxId: r.id,
      record: JSON.parse(r.record_json) as AppliedEventRecord,
    }));
  }

  markForwarded(outboxIds: readonly number[], now: string): void {
    if (outboxIds.length === 0) return;
    this.db
      .transaction(() => {
        for (const id of outboxIds) this.forwardedStmt.run(now, id);
      })
      .immediate();
  }

  /** Counts a failed attempt; a permanent one moves the record to the dead letters after `max`. */
  recordFailure(outboxId: number, error: string, permanent: boolean, max: number): ForwardingStatus {
    const row = this.failureStmt.get({
      id: outboxId,
      error: error.slice(0, 1000),
      permanent: permanent ? 1 : 0,
      max,
    }) as { status: ForwardingStatus } | undefined;
    return row?.status ?? 'pending';
  }

  log(activity: Activity, now: string): void {
    this.activityStmt.run(
      now,
      activity.sink,
      activity.outcome,
      activity.records,
      activity.firstOutboxId,
      activity.lastOutboxId,
      Math.round(activity.durationMs),
      activity.message,
    );
    if (++this.activitySincePrune >= 500) {
      this.activitySincePrune = 0;
      this.pruneStmt.run(ACTIVITY_RETENTION);
    }
  }

  /** Pending records, counted on the pending index (cheap: the forwarder asks on every batch). */
  pendingCount(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM upstream_outbox WHERE status = 'pending'").get() as {
        n: number;
      }
    ).n;
  }

  counts(): { pending: number; forwarded: number; dead: number; oldestPendingAt: string | null } {
    // Forwarded rows are all the others: counting them would scan the whole outbox history. The
    // autoincrement ids have no gaps (a rolled-back insert rolls its sequence back too).
    const row = this.db
      .prepare(
        `SELECT
           (SELECT count(*) FROM upstream_outbox WHERE status = 'pending') AS pending,
           (SELECT count(*) FROM upstream_outbox WHERE status = 'dead') AS dead,
           (SELECT coalesce(max(id), 0) FROM upstream_outbox) AS total,
           (SELECT created_at FROM upstream_outbox WHERE status = 'pending' ORDER BY id LIMIT 1) AS oldest`,
      )
      .get() as { pending: number; dead: number; total: number; oldest: string | null };
    return {
      pending: row.pending,
      forwarded: row.total - row.pending - row.dead,
      dead: row.dead,
      oldestPendingAt: row.oldest,
    };
  }

  /** Forwarding status of station events by id (unknown ids are left out). */
  statusOf(stationId: number, eventIds: readonly string[]): Map<string, ForwardingStatus> {
    // A station sees its own events only.
    const stmt = this.db.prepare(
      // Delivered outbox rows are pruned after a week (ops/archive.ts): an applied event without
      // one was forwarded; pending and dead rows are never pruned.
      `SELECT coalesce(o.status, CASE WHEN e.status = 'applied' THEN 'forwarded' END) AS status
       FROM token_event e LEFT JOIN upstream_outbox o ON o.event_row_id = e.id
       WHERE e.event_id = ? AND e.station_id = ?`,
    );
    const result = new Map<string, ForwardingStatus>();
    for (const id of eventIds) {
      const row = stmt.get(id, stationId) as { status: ForwardingStatus | null } | undefined;
      if (row?.status) result.set(id, row.status);
    }
    return result;
  }

  deadLetters(): {
    outboxId: number;
    attempts: number;
    lastError: string | null;
    record: AppliedEventRecord;
  }[] {
    return (
      this.db
        .prepare(
          `SELECT r.id, o.attempts, o.last_error, r.record_json FROM upstream_record r
           JOIN upstream_outbox o ON o.id = r.id WHERE r.status = 'dead' ORDER BY r.id`,
        )
        .all() as { id: number; attempts: number; last_error: string | null; record_json: string }[]
    ).map((r) => ({
      outboxId: r.id,
      attempts: r.attempts,
      lastError: r.last_error,
      record: JSON.parse(r.record_json) as AppliedEventRecord,
    }));
  }

  /** Sends dead letters again (all, or one): back to pending with a clean failure count. */
  resend(outboxId?: number): number {
    const info =
      outboxId === undefined
        ? this.db
            .prepare(
              "UPDATE upstream_outbox SET status = 'pending', permanent_failures = 0 WHERE status = 'dead'",
            )
            .run()
        : this.db
            .prepare(
              "UPDATE upstream_outbox SET status = 'pending', permanent_failures = 0 WHERE status = 'dead' AND id = ?",
            )
            .run(outboxId);
    if (info.changes > 0) this.onQueued();
    return info.changes;
  }

  /** Records forwarded per second over the last `seconds` (from the activity log). */
  throughput(now: Date, seconds: number): number {
    const since = new Date(now.getTime() - seconds * 1000).toISOString();
    const row = this.db
      .prepare(
        "SELECT coalesce(sum(records), 0) AS n FROM upstream_activity WHERE at >= ? AND outcome IN ('forwarded', 'recovered')",
      )
      .get(since) as { n: number };
    return row.n / seconds;
  }

  recentActivity(limit: number): unknown[] {
    return this.db
      .prepare(
        `SELECT at, sink, outcome, records, first_outbox_id AS firstOutboxId, last_outbox_id AS lastOutboxId,
           duration_ms AS durationMs, message FROM upstream_activity ORDER BY id DESC LIMIT ?`,
      )
      .all(limit);
  }
}
