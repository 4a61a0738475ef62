/**
 * @module The event log in SQLite: every station event received (`token_event`), parked events,
 * conflicts, component bindings, and the upstream outbox row written beside each applied event.
 */
import type Database from 'better-sqlite3';
import type { TokenRef } from '../../shared/protocol';

export type StoredStatus = 'applied' | 'parked' | 'conflict' | 'rejected' | 'discarded';

export interface NewEventRow {
  event_id: string;
  content_hash: string;
  origin: 'station' | 'system';
  event_type: string;
  station_id: number | null;
  seq: number | null;
  code: string;
  node_code: string | null;
  operator_badge: string | null;
  occurred_at: string;
  occurred_at_corrected: string;
  received_at: string;
  qty: number | null;
  data_json: string;
  root_token_id: number | null;
  token_id: number | null;
  status: StoredStatus;
  reason_code: string | null;
  reason_message: string | null;
  result_json: string;
  applied_at: string | null;
  token_after_json: string | null;
}

export interface StoredEventRow {
  id: number;
  event_id: string;
  station_id: number | null;
  content_hash: string;
  status: StoredStatus;
  result_json: string;
}

export interface ParkedRow {
  event_row_id: number;
  event_id: string;
  station_id: number;
  station_name: string;
  seq: number;
  event_type: string;
  node_code: string;
  operator_badge: string;
  qty: number | null;
  data_json: string;
  occurred_at: string;
  received_at: string;
  /** Parked events are retried oldest first by this (PK-2). */
  occurred_at_corrected: string;
}

export class EventLog {
  private readonly byEventIdStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly outcomeStmt: Database.Statement;
  private readonly outboxStmt: Database.Statement;
  private readonly parkStmt: Database.Statement;
  private readonly unparkStmt: Database.Statement;
  private readonly parkedStmt: Database.Statement;
  private readonly conflictStmt: Database.Statement;
  private readonly bindStmt: Database.Statement;

  /** `onQueued` hears of every record queued for upstream (OutboxSignal). */
  constructor(
    db: Database.Database,
    private readonly onQueued: () => void = () => undefined,
  ) {
    this.byEventIdStmt = db.prepare(
      'SELECT id, event_id, station_id, content_hash, status, result_json FROM token_event WHERE event_id = ?',
    );
    this.insertStmt = db.prepare(
      `INSERT INTO token_event (event_id, content_hash, origin, event_type, station_id, seq, code, node_code,
         operator_badge, occurred_at, occurred_at_corrected, received_at, qty, data_json, root_token_id, token_id,
         status, reason_code, reason_message, result_json, applied_at, token_after_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.outcomeStmt = db.prepare(
      `UPDATE token_event SET status = @status, token_id = @token_id, reason_code = @reason_code,
         reason_message = @reason_message, applied_at = @applied_at, token_after_json = @token_after_json
       WHERE id = @id`,
    );
    // The family goes with the row: a dead-lettered event holds back only its own token's later ones.
    this.outboxStmt = db.prepare(
      `INSERT INTO upstream_outbox (event_row_id, family, created_at)
       SELECT id, 'T' || root_token_id, ? FROM token_event WHERE id = ?`,
    );
    this.parkStmt = db.prepare(
      `INSERT INTO parked_event (event_row_id, root_token_id, station_id, seq, parked_at, expires_at,
         reason_code, reason_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.unparkStmt = db.prepare('DELETE FROM parked_event WHERE event_row_id = ?');
    this.parkedStmt = db.prepare(
      `SELECT p.event_row_id, e.event_id, p.station_id, s.name AS station_name, p.seq, e.event_type,
         e.node_code, e.operator_badge, e.qty, e.data_json, e.occurred_at, e.received_at, e.occurred_at_corrected
       FROM parked_event p JOIN token_event e ON e.id = p.event_row_id JOIN station s ON s.id = p.station_id
       WHERE p.root_token_id = ? ORDER BY e.occurred_at_corrected, p.event_row_id`,
    );
    this.conflictStmt = db.prepare(
      `INSERT INTO conflict (event_row_id, root_token_id, reason_code, reason_message, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.bindStmt = db.prepare(
      'INSERT INTO component_binding (token_id, component_serial, event_row_id, bound_at) VALUES (?, ?, ?, ?)',
    );
  }

  find(eventId: string): StoredEventRow | undefined {
    return this.byEventIdStmt.get(eventId) as StoredEventRow | undefined;
  }

  insert(row: NewEventRow): number {
    // Positional parameters: binding 22 named ones from an object costs more than the insert.
    const info = this.insertStmt.run(
      row.event_id,
      row.content_hash,
      row.origin,
      row.event_type,
      row.station_id,
      row.seq,
      row.code,
      row.node_code,
      row.operator_badge,
      row.occurred_at,
      row.occurred_at_corrected,
      row.received_at,
      row.qty,
      row.data_json,
      row.root_token_id,
      row.token_id,
      row.status,
      row.reason_code,
      row.reason_message,
      row.result_json,
      row.applied_at,
      row.token_after_json,
    );
    return Number(info.lastInsertRowid);
  }

  /** Records what finally became of an event that was parked. */
  setOutcome(
    rowId: number,
    outcome: {
      status: StoredStatus;
      tokenId: number | null;
      reason: { code: string; message: string } | null;
      appliedAt: string | null;
      tokenAfter: TokenRef | null;
    },
  ): void {
    this.outcomeStmt.run({
      id: rowId,
      status: outcome.status,
      token_id: outcome.tokenId,
      reason_code: outcome.reason?.code ?? null,
      reason_message: outcome.reason?.message ?? null,
      applied_at: outcome.appliedAt,
      token_after_json: outcome.tokenAfter === null ? null : JSON.stringify(outcome.tokenAfter),
    });
  }

  /** Queues an event that took effect for upstream; `upstream_record` builds what is sent. */
  enqueueUpstream(rowId: number, now: string): void {
    this.outboxStmt.run(now, rowId);
    this.onQueued();
  }

  park(
    rowId: number,
    park: { rootId: number; stationId: number; seq: number; now: string; expiresAt: string },
    reason: { code: string; message: string },
  ): void {
    this.parkStmt.run(
      rowId,
      park.rootId,
      park.stationId,
      park.seq,
      park.now,
      park.expiresAt,
      reason.code,
      reason.message,
    );
  }

  unpark(rowId: number): void {
    this.unparkStmt.run(rowId);
  }

  parkedFor(rootId: number): ParkedRow[] {
    return this.parkedStmt.all(rootId) as ParkedRow[];
  }

  openConflict(rowId: number, rootId: number, reason: { code: string; message: string }, now: string): void {
    this.conflictStmt.run(rowId, rootId, reason.code, reason.message, now);
  }

  bindComponent(tokenId: number, componentSerial: string, rowId: number, now: string): void {
    this.bindStmt.run(tokenId, componentSerial, rowId, now);
  }
}
