/**
 * @module A station's heartbeat (POST /api/v1/station/heartbeat, SPEC SV-40 … SV-43): what it holds
 * unsent, what it refused, its app version, storage and clock, kept as its latest report
 * (station_report, migration 0006) in one transaction with the refused events it names. Each
 * refused event becomes a problem of kind 'refused' in the exceptions inbox (a trigger), once per
 * station and event id. When the report names every refused event the station holds (the list is
 * not cut at MAX_REFUSED_REPORTED), a reported one it no longer holds was discarded or recorded
 * again there: its problem, if nobody resolved it, ends resolved by the system (outcome
 * 'cleared_at_station').
 */
import type Database from 'better-sqlite3';
import type { Heartbeat, HeartbeatAnswer } from '../../shared/station-api';

/** Prepared once per connection. */
class HeartbeatStatements {
  readonly upsert: Database.Statement;
  readonly root: Database.Statement;
  readonly refused: Database.Statement;
  readonly open: Database.Statement;
  readonly clear: Database.Statement;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO station_report (station_id, reported_at, clock_skew_ms, app_version, pending, oldest_pending_at,
         refused_count, storage_used, storage_quota, online_since)
       VALUES (@station, @at, @skew, @version, @pending, @oldest, @refused, @used, @quota, @online)
       ON CONFLICT (station_id) DO UPDATE SET reported_at = excluded.reported_at, clock_skew_ms = excluded.clock_skew_ms,
         app_version = excluded.app_version, pending = excluded.pending, oldest_pending_at = excluded.oldest_pending_at,
         refused_count = excluded.refused_count, storage_used = excluded.storage_used,
         storage_quota = excluded.storage_quota, online_since = excluded.online_since`,
    );
    this.root = db.prepare('SELECT id FROM flow_token WHERE code = ? AND parent_token_id IS NULL');
    this.refused = db.prepare(
      `INSERT OR IGNORE INTO station_refused (station_id, event_id, event_type, code, node_code, reason_code,
         reason_message, occurred_at, refused_at, reported_at, root_token_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.open = db.prepare(
      `SELECT r.id, r.event_id FROM station_refused r
       JOIN problem_state p ON p.kind = 'refused' AND p.source_id = r.id
       WHERE r.station_id = ? AND p.state <> 'resolved'`,
    );
    this.clear = db.prepare(
      `UPDATE problem_state SET state = 'resolved', state_by = NULL, state_reason = NULL,
         outcome = 'cleared_at_station', state_at = ?
       WHERE kind = 'refused' AND source_id = ? AND state <> 'resolved'`,
    );
  }
}

const prepared = new WeakMap<Database.Database, HeartbeatStatements>();

function statements(db: Database.Database): HeartbeatStatements {
  let s = prepared.get(db);
  if (!s) {
    s = new HeartbeatStatements(db);
    prepared.set(db, s);
  }
  return s;
}

/** Keeps a station's heartbeat and the refused events it names; returns the server's answer. */
export function recordHeartbeat(
  db: Database.Database,
  stationId: number,
  report: Heartbeat,
  now: Date,
  quietAfterSeconds: number,
): HeartbeatAnswer {
  const s = statements(db);
  const at = now.toISOString();
  db.transaction(() => {
    s.upsert.run({
      station: stationId,
      at,
      skew: Math.round(Date.parse(report.stationClock) - now.getTime()),
      version: report.appVersion,
      pending: report.pending,
      oldest: report.oldestPendingAt,
      // A list longer than the count is taken at its word: it names that many.
      refused: Math.max(report.refusedCount, report.refused.length),
      used: report.storage === null ? null : Math.round(report.storage.usedBytes),
      quota: report.storage === null ? null : Math.round(report.storage.quotaBytes),
      online: report.onlineSince,
    });
    for (const r of report.refused) {
      const root = s.root.get(r.code) as { id: number } | undefined;
      s.refused.run(
        stationId,
        r.id,
        r.type,
        r.code,
        r.nodeCode,
        r.reasonCode,
        r.reason,
        r.occurredAt,
        r.at,
        at,
        root?.id ?? null,
      );
    }
    if (report.refused.length >= report.refusedCount) {
      const held = new Set(report.refused.map((r) => r.id));
      for (const row of s.open.all(stationId) as { id: number; event_id: string }[])
        if (!held.has(row.event_id)) s.clear.run(at, row.id);
    }
  }).immediate();
  return { serverTime: at, quietAfterSeconds };
}
