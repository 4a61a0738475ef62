/**
 * @module The event log in SQLite: every station event received (`token_event`), parked events,
 * conflicts and component bindings. The log is also the upstream outbox (SPEC PF-1): an event that
 * takes effect gets its place in application order (`applied_seq`) in the row itself.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventResult, TokenRef } from '../../shared/protocol';
import { isoOf } from '../db/sql-time';
import { NEXT_APPLIED_SEQ } from './applied-order';

/** The stored content hash: the first 16 bytes of SHA-256 (a resend with the same id must match). */
export function contentHashOf(content: string): Buffer {
  return createHash('sha256').update(content).digest().subarray(0, 16);
}

export type StoredStatus = 'applied' | 'parked' | 'conflict' | 'rejected' | 'discarded';

export interface NewEventRow {
  event_id: string;
  /** The first 16 bytes of the content's SHA-256. */
  content_hash: Buffer;
  event_type: string;
  /** null for a system event (its origin is told by this). */
  station_id: number | null;
  seq: number | null;
  code: string;
  node_code: string | null;
  operator_badge: string | null;
  occurred_ms: number;
  corrected_ms: number;
  received_ms: number;
  qty: number | null;
  data_json: string;
  root_token_id: number | null;
  token_id: number | null;
  status: StoredStatus;
  reason_code: string | null;
  reason_message: string | null;
  /** The first outcome: stored only when the row cannot tell it (an event parked first). */
  result: EventResult;
  token_after_json: string | null;
}

export interface StoredEventRow {
  id: number;
  station_id: number | null;
  content_hash: Buffer;
  /** The first outcome, as a resend is answered. */
  result: EventResult;
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

interface FoundRow {
  id: number;
  event_id: string;
  station_id: number | null;
  content_hash: Buffer;
  status: StoredStatus;
  reason_code: string | null;
  reason_message: string | null;
  result_json: string | null;
  token_after_json: string | null;
}

export class EventLog {
  private readonly byEventIdStmt: Database.Statement;
  private readonly byEventIdsStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly outcomeStmt: Database.Statement;
  private readonly parkStmt: Database.Statement;
  private readonly unparkStmt: Database.Statement;
  private readonly parkedStmt: Database.Statement;
  private readonly conflictStmt: Database.Statement;
  private readonly bindStmt: Database.Statement;

  /** `onQueued` hears of every event that took effect, i.e. was queued for upstream (OutboxSignal). */
  constructor(
    db: Database.Database,
    private readonly onQueued: () => void = () => undefined,
  ) {
    this.byEventIdStmt = db.prepare(
      `SELECT id, event_id, station_id, content_hash, status, reason_code, reason_message, result_json,
         token_after_json FROM token_event WHERE event_id = ?`,
    );
    this.byEventIdsStmt = db.prepare(
      `SELECT id, event_id, station_id, content_hash, status, reason_code, reason_message, result_json,
         token_after_json FROM token_event WHERE event_id IN (SELECT value FROM json_each(?))`,
    );
    // An event applied on arrival takes its place in application order in the same statement.
    this.insertStmt = db.prepare(
      `INSERT INTO token_event (event_id, content_hash, event_type, station_id, seq, code, node_code,
         operator_badge, occurred_ms, skew_ms, received_ms, qty, data_json, root_token_id, token_id,
         status, reason_code, reason_message, result_json, token_after_json, applied_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         CASE WHEN ? THEN ${NEXT_APPLIED_SEQ} END)`,
    );
    this.outcomeStmt = db.prepare(
      `UPDATE token_event SET status = @status, token_id = @token_id, reason_code = @reason_code,
         reason_message = @reason_message, applied_delay_ms = nullif(@applied_ms - received_ms, 0),
         token_after_json = @token_after_json,
         applied_seq = CASE WHEN @status = 'applied' THEN ${NEXT_APPLIED_SEQ} END
       WHERE id = @id`,
    );
    this.parkStmt = db.prepare(
      `INSERT INTO parked_event (event_row_id, root_token_id, station_id, seq, parked_at, expires_at,
         reason_code, reason_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.unparkStmt = db.prepare('DELETE FROM parked_event WHERE event_row_id = ?');
    this.parkedStmt = db.prepare(
      `SELECT p.event_row_id, e.event_id, p.station_id, s.name AS station_name, p.seq, e.event_type,
         e.node_code, e.operator_badge, e.qty, e.data_json, ${isoOf('e.occurred_ms')} AS occurred_at,
         ${isoOf('e.received_ms')} AS received_at, ${isoOf('e.corrected_ms')} AS occurred_at_corrected
       FROM parked_event p JOIN token_event e ON e.id = p.event_row_id JOIN station s ON s.id = p.station_id
       WHERE p.root_token_id = ? ORDER BY e.corrected_ms, p.event_row_id`,
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
    const row = this.byEventIdStmt.get(eventId) as FoundRow | undefined;
    return row && stored(row);
  }

  /** Those of `eventIds` seen before, in one query (a batch's resends are found at once). */
  findMany(eventIds: readonly string[]): Map<string, StoredEventRow> {
    const found = new Map<string, StoredEventRow>();
    if (eventIds.length === 0) return found;
    for (const row of this.byEventIdsStmt.all(JSON.stringify(eventIds)) as FoundRow[]) {
      found.set(row.event_id, stored(row));
    }
    return found;
  }

  insert(row: NewEventRow): number {
    // Positional parameters: binding 21 named ones from an object costs more than the insert.
    const info = this.insertStmt.run(
      row.event_id,
      row.content_hash,
      row.event_type,
      row.station_id,
      row.seq,
      row.code,
      row.node_code,
      row.operator_badge,
      row.occurred_ms,
      row.occurred_ms === row.corrected_ms ? null : row.occurred_ms - row.corrected_ms,
      row.received_ms,
      row.qty,
      row.data_json,
      row.root_token_id,
      row.token_id,
      row.status,
      row.reason_code,
      row.reason_message,
      row.result.status === 'parked' ? JSON.stringify(row.result) : null,
      row.token_after_json,
      row.status === 'applied' ? 1 : 0,
    );
    if (row.status === 'applied') this.onQueued();
    return Number(info.lastInsertRowid);
  }

  /** Records what finally became of an event that was parked; applied, it takes its place upstream. */
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
      applied_ms: outcome.appliedAt === null ? null : Date.parse(outcome.appliedAt),
      token_after_json: outcome.tokenAfter === null ? null : JSON.stringify(outcome.tokenAfter),
    });
    if (outcome.status === 'applied') this.onQueued();
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

function stored(row: FoundRow): StoredEventRow {
  return { id: row.id, station_id: row.station_id, content_hash: row.content_hash, result: firstResult(row) };
}

/** An event's first outcome: stored when it was parked first, otherwise told by its own columns. */
function firstResult(row: FoundRow): EventResult {
  if (row.result_json !== null) return JSON.parse(row.result_json) as EventResult;
  if (row.status === 'rejected') {
    return {
      id: row.event_id,
      status: 'rejected',
      reason: { code: row.reason_code ?? 'REJECTED', message: row.reason_message ?? '' },
    };
  }
  return {
    id: row.event_id,
    status: 'applied',
    token: row.token_after_json === null ? null : (JSON.parse(row.token_after_json) as TokenRef),
  };
}
