/**
 * @module The forwarder's side of the upstream outbox, which is the event log itself (SPEC PF-1):
 * records in application order (`applied_seq` of token_event and hub_record) after a durable
 * cursor; marking them forwarded (only after the upstream acknowledged them) moves the cursor.
 * Only the exceptions have rows of their own (upstream_exception): a record refused (its attempts
 * and last error), one left behind the cursor (held behind a refused record of its token, or sent
 * again after a resend), and dead letters. Also the activity log, and what supervisors and
 * stations read about it.
 */
import type Database from 'better-sqlite3';
import type { AppliedEventRecord } from '../../shared/protocol';
import { isoOf } from '../db/sql-time';
import { NEWEST_SEQ, forwardingStatusOf } from '../ingest/applied-order';

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

/** One record in application order, as next() reads it before deciding what to send. */
interface Candidate {
  seq: number;
  family: string;
  /** 'dead' for a dead letter ahead of the cursor (never sent until resent). */
  state: string | null;
}

export class UpstreamOutbox {
  private readonly cursorStmt: Database.Statement;
  private readonly setCursorStmt: Database.Statement;
  private readonly eventsAfterStmt: Database.Statement;
  private readonly hubAfterStmt: Database.Statement;
  private readonly behindStmt: Database.Statement;
  private readonly deadFamiliesStmt: Database.Statement;
  private readonly recordStmt: Database.Statement;
  private readonly recordRangeStmt: Database.Statement;
  private readonly countRangeStmt: Database.Statement;
  private readonly rangeStmt: Database.Statement;
  private readonly exceptionsAheadStmt: Database.Statement;
  private readonly leftBehindStmt: Database.Statement;
  private readonly clearStmt: Database.Statement;
  private readonly failureStmt: Database.Statement;
  private readonly activityStmt: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private activitySincePrune = 0;

  /** `onQueued` hears of records put back for sending (OutboxSignal). */
  constructor(
    private readonly db: Database.Database,
    private readonly onQueued: () => void = () => undefined,
  ) {
    this.cursorStmt = db.prepare('SELECT forwarded_through AS c FROM upstream_cursor WHERE id = 1').pluck();
    this.setCursorStmt = db.prepare('UPDATE upstream_cursor SET forwarded_through = ? WHERE id = 1');
    // Each side in applied_seq order from its own index, a page at a time: reading the whole
    // backlog before taking the first records would make a drain quadratic.
    this.eventsAfterStmt = db.prepare(
      `SELECT e.applied_seq AS seq, 'T' || e.root_token_id AS family, x.state
       FROM token_event e LEFT JOIN upstream_exception x ON x.applied_seq = e.applied_seq
       WHERE e.applied_seq > ? ORDER BY e.applied_seq LIMIT ?`,
    );
    this.hubAfterStmt = db.prepare(
      `SELECT h.applied_seq AS seq, h.family, x.state
       FROM hub_record h LEFT JOIN upstream_exception x ON x.applied_seq = h.applied_seq
       WHERE h.applied_seq > ? ORDER BY h.applied_seq LIMIT ?`,
    );
    this.behindStmt = db.prepare(
      `SELECT applied_seq AS seq, family, state FROM upstream_exception
       WHERE state = 'pending' AND applied_seq <= ? ORDER BY applied_seq LIMIT ?`,
    );
    this.deadFamiliesStmt = db.prepare(
      "SELECT family, min(applied_seq) AS first FROM upstream_exception WHERE state = 'dead' GROUP BY family",
    );
    this.recordStmt = db.prepare('SELECT record_json FROM upstream_record WHERE id = ?').pluck();
    this.recordRangeStmt = db.prepare(
      'SELECT id, record_json FROM upstream_record WHERE id >= @from AND id <= @to ORDER BY id',
    );
    this.countRangeStmt = db
      .prepare(
        `SELECT (SELECT count(*) FROM token_event WHERE applied_seq > @from AND applied_seq <= @to)
           + (SELECT count(*) FROM hub_record WHERE applied_seq > @from AND applied_seq <= @to)`,
      )
      .pluck();
    this.rangeStmt = db.prepare(
      `SELECT applied_seq AS seq, 'T' || root_token_id AS family FROM token_event
       WHERE applied_seq > @from AND applied_seq <= @to
       UNION ALL
       SELECT applied_seq, family FROM hub_record WHERE applied_seq > @from AND applied_seq <= @to`,
    );
    this.exceptionsAheadStmt = db
      .prepare('SELECT count(*) FROM upstream_exception WHERE applied_seq > ?')
      .pluck();
    this.leftBehindStmt = db.prepare(
      `INSERT INTO upstream_exception (applied_seq, family, state, updated_at) VALUES (?, ?, 'pending', ?)
       ON CONFLICT (applied_seq) DO NOTHING`,
    );
    this.clearStmt = db.prepare("DELETE FROM upstream_exception WHERE applied_seq = ? AND state = 'pending'");
    this.failureStmt = db.prepare(
      `INSERT INTO upstream_exception (applied_seq, family, state, attempts, permanent_failures, last_error, updated_at)
       VALUES (@seq, coalesce((SELECT 'T' || root_token_id FROM token_event WHERE applied_seq = @seq),
           (SELECT family FROM hub_record WHERE applied_seq = @seq), '?'),
         CASE WHEN @permanent >= @max THEN 'dead' ELSE 'pending' END, 1, @permanent, @error, @now)
       ON CONFLICT (applied_seq) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error,
         permanent_failures = permanent_failures + @permanent, updated_at = excluded.updated_at,
         state = CASE WHEN permanent_failures + @permanent >= @max THEN 'dead' ELSE state END
       RETURNING state`,
    );
    this.activityStmt = db.prepare(
      `INSERT INTO upstream_activity (at, sink, outcome, records, first_outbox_id, last_outbox_id, duration_ms, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.pruneStmt = db.prepare(
      'DELETE FROM upstream_activity WHERE id <= (SELECT max(id) FROM upstream_activity) - ?',
    );
  }

  private cursor(): number {
    return this.cursorStmt.get() as number;
  }

  /**
   * The next pending records, oldest first: those left behind the cursor, then those after it. A
   * dead letter holds back the later records of its own token only (ordering per token).
   */
  next(limit: number): OutboxRecord[] {
    const cursor = this.cursor();
    const dead = new Map(
      (this.deadFamiliesStmt.all() as { family: string; first: number }[]).map((d) => [d.family, d.first]),
    );
    const sendable = (c: Candidate): boolean => {
      const firstDead = dead.get(c.family);
      return c.state !== 'dead' && (firstDead === undefined || c.seq < firstDead);
    };
    const picked = (this.behindStmt.all(cursor, limit) as Candidate[]).filter(sendable);
    let from = cursor;
    for (;;) {
      const events = this.eventsAfterStmt.all(from, limit) as Candidate[];
      const hub = this.hubAfterStmt.all(from, limit) as Candidate[];
      // Records up to `through` were read from both sides (a full page may have more after it).
      const through = Math.min(
        events.length === limit ? (events.at(-1)?.seq ?? from) : Infinity,
        hub.length === limit ? (hub.at(-1)?.seq ?? from) : Infinity,
      );
      const page = [...events, ...hub].filter((c) => c.seq <= through).sort((a, b) => a.seq - b.seq);
      picked.push(...page.filter(sendable));
      if (picked.length >= limit || through === Infinity || page.length === 0) break;
      from = through;
    }
    const seqs = [...new Set(picked.map((c) => c.seq))].sort((a, b) => a - b).slice(0, limit);
    return this.records(seqs).map((record, i) => ({ outboxId: seqs[i] ?? 0, record }));
  }

  /** The records of ascending `seqs`, one range read per run of consecutive numbers. */
  private records(seqs: readonly number[]): AppliedEventRecord[] {
    const json = new Map<number, string>();
    for (let i = 0; i < seqs.length;) {
      let j = i;
      while (j + 1 < seqs.length && seqs[j + 1] === (seqs[j] ?? 0) + 1) j++;
      const range = { from: seqs[i], to: seqs[j] };
      for (const row of this.recordRangeStmt.all(range) as { id: number; record_json: string }[]) {
        json.set(row.id, row.record_json);
      }
      i = j + 1;
    }
    return seqs.map((seq) => JSON.parse(json.get(seq) ?? 'null') as AppliedEventRecord);
  }

  /**
   * Marks records forwarded. The cursor moves to the newest of them; a record it passes that was
   * not among them (refused, held, or a dead letter) stays pending as an exception row.
   */
  markForwarded(outboxIds: readonly number[], now: string): void {
    if (outboxIds.length === 0) return;
    this.db
      .transaction(() => {
        const cursor = this.cursor();
        const ahead = outboxIds.filter((id) => id > cursor);
        for (const id of outboxIds) if (id <= cursor) this.clearStmt.run(id);
        if (ahead.length === 0) return;
        const to = Math.max(...ahead);
        const range = { from: cursor, to };
        if ((this.countRangeStmt.get(range) as number) !== ahead.length) {
          const forwarded = new Set(ahead);
          for (const r of this.rangeStmt.all(range) as { seq: number; family: string }[]) {
            if (!forwarded.has(r.seq)) this.leftBehindStmt.run(r.seq, r.family, now);
          }
        }
        if ((this.exceptionsAheadStmt.get(cursor) as number) > 0) {
          for (const id of ahead) this.clearStmt.run(id);
        }
        this.setCursorStmt.run(to);
      })
      .immediate();
  }

  /** Counts a failed attempt; a permanent one moves the record to the dead letters after `max`. */
  recordFailure(outboxId: number, error: string, permanent: boolean, max: number): ForwardingStatus {
    const row = this.failureStmt.get({
      seq: outboxId,
      error: error.slice(0, 1000),
      permanent: permanent ? 1 : 0,
      max,
      now: new Date().toISOString(),
    }) as { state: ForwardingStatus } | undefined;
    return row?.state ?? 'pending';
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

  /** Pending records (cheap: the forwarder asks on every batch). */
  pendingCount(): number {
    return this.counts().pending;
  }

  counts(): { pending: number; forwarded: number; dead: number; oldestPendingAt: string | null } {
    // Counted from numbers, not rows: applied_seq has no gaps after the cursor (each is the
    // newest plus one in its own transaction), and the history before it is not scanned.
    const row = this.db
      .prepare(
        `SELECT c.forwarded_through AS cursor, ${NEWEST_SEQ} AS newest,
           (SELECT count(*) FROM upstream_exception WHERE state = 'pending' AND applied_seq <= c.forwarded_through) AS behind,
           (SELECT count(*) FROM upstream_exception WHERE state = 'dead') AS dead,
           (SELECT count(*) FROM upstream_exception WHERE state = 'dead' AND applied_seq > c.forwarded_through) AS deadAhead,
           (SELECT min(applied_seq) FROM upstream_exception WHERE state = 'pending') AS firstBehind
         FROM upstream_cursor c WHERE c.id = 1`,
      )
      .get() as {
      cursor: number;
      newest: number;
      behind: number;
      dead: number;
      deadAhead: number;
      firstBehind: number | null;
    };
    const ahead = row.newest - row.cursor;
    const pending = ahead - row.deadAhead + row.behind;
    const oldest = Math.min(row.firstBehind ?? Infinity, ahead > row.deadAhead ? row.cursor + 1 : Infinity);
    return {
      pending,
      forwarded: row.newest - pending - row.dead,
      dead: row.dead,
      oldestPendingAt: oldest === Infinity ? null : this.appliedAt(oldest),
    };
  }

  /** When a record took effect here (an event) or arrived (a relayed record). */
  private appliedAt(seq: number): string | null {
    return (
      (this.db
        .prepare(
          `SELECT coalesce((SELECT ${isoOf('applied_ms')} FROM token_event WHERE applied_seq = ?),
             (SELECT received_at FROM hub_record WHERE applied_seq = ?))`,
        )
        .pluck()
        .get(seq, seq) as string | null) ?? null
    );
  }

  /** Forwarding status of station events by id (unknown ids are left out). */
  statusOf(stationId: number, eventIds: readonly string[]): Map<string, ForwardingStatus> {
    // A station sees its own events only.
    const stmt = this.db
      .prepare(
        `SELECT ${forwardingStatusOf('e')} FROM token_event e WHERE e.event_id = ? AND e.station_id = ?`,
      )
      .pluck();
    const result = new Map<string, ForwardingStatus>();
    for (const id of eventIds) {
      const status = stmt.get(id, stationId) as ForwardingStatus | null | undefined;
      if (status) result.set(id, status);
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
          `SELECT applied_seq AS id, attempts, last_error FROM upstream_exception
           WHERE state = 'dead' ORDER BY applied_seq`,
        )
        .all() as { id: number; attempts: number; last_error: string | null }[]
    ).map((r) => ({
      outboxId: r.id,
      attempts: r.attempts,
      lastError: r.last_error,
      record: JSON.parse(this.recordStmt.get(r.id) as string) as AppliedEventRecord,
    }));
  }

  /** Sends dead letters again (all, or one): back to pending with a clean failure count. */
  resend(outboxId?: number): number {
    const info =
      outboxId === undefined
        ? this.db
            .prepare(
              "UPDATE upstream_exception SET state = 'pending', permanent_failures = 0 WHERE state = 'dead'",
            )
            .run()
        : this.db
            .prepare(
              "UPDATE upstream_exception SET state = 'pending', permanent_failures = 0 WHERE state = 'dead' AND applied_seq = ?",
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
