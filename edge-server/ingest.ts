/**
 * @module Exactly-once ingest of a station's batch (SPEC IN-*): one SQLite transaction per batch,
 * the shared state machine and parking inside it, and an upstream outbox row beside every event
 * that took effect. Synchronous on purpose: better-sqlite3 transactions cannot span an await.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventResult, StationEvent, TokenRef } from '../shared/protocol';
import type { Reason, RejectionCode } from '../shared/reason-codes';
import { describeIssues, stationEventSchema } from '../shared/protocol';
import type { PendingEvent } from '../shared/parking';
import { decideIncoming, retryParked } from '../shared/parking';
import type { Family, MachineContext, OperatorAction } from '../shared/token-machine';
import type { EventLog, ParkedRow } from './event-log';
import type { FamilyContext } from './outcomes';
import { Outcomes } from './outcomes';
import type { GraphEntry, ReferenceData, StationEntry } from './reference-data';
import { serves } from './reference-data';
import type { RootRow, TokenStore, WorkspaceEntry } from './token-store';
import { FamilyWorkspace, newKeyAllocator } from './token-store';
import { canonicalJson } from './canonical-json';
import { currentChangeSeq, setChangeSeq } from './change-counter';
import type { SystemEventRecorder } from './system-events';

export interface IngestSettings {
  /** How long a parked event waits before the sweeper makes it a conflict (PK-4). */
  parkingWindowMs: number;
}

export interface IngestDeps {
  db: Database.Database;
  reference: ReferenceData;
  tokens: TokenStore;
  events: EventLog;
  system: SystemEventRecorder;
  settings: IngestSettings;
}

export interface BatchCounts {
  applied: number;
  duplicate: number;
  parked: number;
  rejected: number;
  /** Parked events applied because this batch changed their token. */
  unparked: number;
  conflicts: number;
}

export interface BatchOutcome {
  results: EventResult[];
  counts: BatchCounts;
}

interface StationRow {
  last_seq: number;
  clock_skew_ms: number | null;
}

/** Ingests one batch; returns only after the transaction committed (IN-4). */
export function createIngest(
  deps: IngestDeps,
): (station: StationEntry, stationClock: string, events: unknown[], now: Date) => BatchOutcome {
  const { db, reference, tokens, events: log, system, settings } = deps;
  const outcomes = new Outcomes(log, system);
  const stationStmt = db.prepare('SELECT last_seq, clock_skew_ms FROM station WHERE id = ?');
  const seenStmt = db.prepare(
    'UPDATE station SET last_seen_at = ?, last_seq = ?, clock_skew_ms = ?, clock_skew_at = ? WHERE id = ?',
  );
  const skewHistoryStmt = db.prepare(
    'INSERT INTO station_clock_skew (station_id, skew_ms, observed_at) VALUES (?, ?, ?)',
  );
  const gapStmt = db.prepare(
    'INSERT INTO station_seq_gap (station_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)',
  );
  const gapsContainingStmt = db.prepare(
    'SELECT id, from_seq, to_seq, detected_at FROM station_seq_gap WHERE station_id = ? AND filled_at IS NULL AND from_seq <= ? AND to_seq >= ?',
  );
  const closeGapStmt = db.prepare('UPDATE station_seq_gap SET filled_at = ? WHERE id = ?');

  const run = db.transaction(
    (caller: StationEntry, stationClock: string, rawEvents: unknown[], now: Date): BatchOutcome => {
      reference.refresh();
      const station = reference.currentStation(caller.id);
      const nowIso = now.toISOString();
      const skewMs = Date.parse(stationClock) - now.getTime();
      const stationRow = stationStmt.get(station.id) as StationRow;
      let lastSeq = stationRow.last_seq;
      const changeSeq = currentChangeSeq(db) + 1;
      // The families this batch touches, read once and written once (most batches hit few tokens).
      const families = new FamilyWorkspace(tokens, changeSeq, nowIso);
      const parkedByRoot = new Map<number, ParkedRow[]>();
      const parkedOf = (rootId: number): ParkedRow[] => {
        let rows = parkedByRoot.get(rootId);
        if (!rows) {
          rows = log.parkedFor(rootId);
          parkedByRoot.set(rootId, rows);
        }
        return rows;
      };
      const touched = new Map<number, { entry: WorkspaceEntry; graph: GraphEntry; ctx: MachineContext }>();
      /** Parked events are parsed once per batch, not once per retry. */
      const pendingByRow = new Map<number, PendingEvent>();
      const pendingOf = (row: ParkedRow): PendingEvent => {
        let pending = pendingByRow.get(row.event_row_id);
        if (!pending) {
          pending = pendingFromRow(row);
          pendingByRow.set(row.event_row_id, pending);
        }
        return pending;
      };
      /** The family and time bound each family's parked events were last tried with. */
      const lastTry = new Map<number, { family: Family; before: string | undefined }>();
      /** Retries a family's parked events (those that occurred before `before`, if given) and records what they did. */
      const retryParkedOf = (
        entry: WorkspaceEntry,
        graph: GraphEntry,
        ctx: MachineContext,
        before?: string,
      ): void => {
        const rows = parkedOf(entry.root.id);
        if (rows.length === 0) return;
        const start = entry.current;
        const last = lastTry.get(entry.root.id);
        // Nothing changed and no parked event came into the time window since the last try.
        if (
          last?.family === start &&
          (before === undefined
            ? last.before === undefined
            : last.before === undefined ||
              !rows.some(
                (r) => r.occurred_at_corrected >= (last.before as string) && r.occurred_at_corrected < before,
              ))
        ) {
          return;
        }
        const retried = retryParked(start, rows.map(pendingOf), ctx, before);
        if (retried.outcomes.length > 0) {
          const keys = families.update(entry, retried.family);
          const fctx: FamilyContext = { root: entry.root, graph, keys, nowIso };
          const released = outcomes.settleAll(fctx, rows, retried.outcomes, start);
          counts.unparked += released.applied;
          counts.conflicts += released.conflict;
          const settled = new Set(retried.outcomes.map((o) => o.event.id));
          for (let i = rows.length - 1; i >= 0; i--) {
            if (settled.has((rows[i] as ParkedRow).event_id)) rows.splice(i, 1);
          }
        }
        lastTry.set(entry.root.id, { family: entry.current, before });
      };
      const counts: BatchCounts = {
        applied: 0,
        duplicate: 0,
        parked: 0,
        rejected: 0,
        unparked: 0,
        conflicts: 0,
      };

      /** IN-6: a jump in seq is a gap; a late event inside an open gap narrows or closes it. */
      const trackSeq = (seq: number): void => {
        if (seq > lastSeq + 1) gapStmt.run(station.id, lastSeq + 1, seq - 1, nowIso);
        if (seq > lastSeq) {
          lastSeq = seq;
          return;
        }
        const gaps = gapsContainingStmt.all(station.id, seq, seq) as {
          id: number;
          from_seq: number;
          to_seq: number;
          detected_at: string;
        }[];
        for (const gap of gaps) {
          // What is left of the gap keeps the time it was first seen.
          closeGapStmt.run(nowIso, gap.id);
          if (gap.from_seq < seq) gapStmt.run(station.id, gap.from_seq, seq - 1, gap.detected_at);
          if (gap.to_seq > seq) gapStmt.run(station.id, seq + 1, gap.to_seq, gap.detected_at);
        }
      };

      const results = rawEvents.map((raw): EventResult => {
        const parsed = stationEventSchema.safeParse(raw);
        if (!parsed.success) {
          const rawSeq = (raw as { seq?: unknown } | null)?.seq;
          if (typeof rawSeq === 'number' && Number.isSafeInteger(rawSeq) && rawSeq > 0) trackSeq(rawSeq);
          counts.rejected++;
          return {
            id: typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : '',
            status: 'rejected',
            reason: { code: 'INVALID_EVENT', message: `Invalid event: ${describeIssues(parsed.error)}` },
          };
        }
        const event = parsed.data;
        const contentHash = createHash('sha256').update(contentOf(event)).digest('hex');
        const existing = log.find(event.id);
        if (existing) {
          // An event is its station's: another station sending the same id is not a resend.
          if (existing.station_id !== station.id) {
            trackSeq(event.seq);
            counts.rejected++;
            return rejected(event.id, {
              code: 'IDEMPOTENCY_KEY_REUSED',
              message: `Event id ${event.id} was already used by another station; give each event a new id`,
            });
          }
          if (existing.content_hash !== contentHash) {
            trackSeq(event.seq);
            counts.rejected++;
            return rejected(event.id, {
              code: 'IDEMPOTENCY_KEY_REUSED',
              message: `Event id ${event.id} was already used for a different event; give each event a new id`,
            });
          }
          const first = JSON.parse(existing.result_json) as EventResult;
          if (first.status === 'rejected') {
            counts.rejected++;
            return first;
          }
          counts.duplicate++;
          return { id: event.id, status: 'duplicate', token: first.token ?? null };
        }
        trackSeq(event.seq);
        const occurredCorrected = new Date(Date.parse(event.occurredAt) - skewMs).toISOString();
        const base = {
          event,
          contentHash,
          occurredAt: new Date(Date.parse(event.occurredAt)).toISOString(),
          occurredCorrected,
          nowIso,
        };

        const reject = (reason: Reason, root: RootRow | null): EventResult => {
          counts.rejected++;
          const result = rejected(event.id, reason);
          insertStationEvent(base, station, root, null, 'rejected', reason, result, null);
          return result;
        };
        if (!station.servedCodes.has(event.nodeCode)) {
          return reject(
            {
              code: 'NODE_NOT_SERVED',
              message: `This station does not report at ${event.nodeCode}; it serves ${[...station.servedCodes].join(', ') || 'no nodes'}`,
            },
            null,
          );
        }
        const entry = families.get(event.code);
        if (!entry) {
          return reject(
            { code: 'UNKNOWN_CODE', message: `No work item with code ${event.code} is known here` },
            null,
          );
        }
        const { root } = entry;
        const graph = reference.graph(root.graph_id);
        if (!serves(station, graph, event.nodeCode)) {
          return reject(
            {
              code: 'NODE_NOT_SERVED',
              message: `${event.code} follows routing ${graph.indexed.graph.code}, and this station does not report at its node ${event.nodeCode}`,
            },
            root,
          );
        }
        const operator = reference.operator(event.operatorBadge);
        if (!operator?.active) {
          return reject(
            {
              code: 'UNKNOWN_OPERATOR',
              message: `Badge ${event.operatorBadge} is not ${operator ? 'active' : 'known'} here; sign in with a valid badge`,
            },
            root,
          );
        }

        const parkedRows = parkedOf(root.id);
        const ctx: MachineContext = { graph: graph.indexed, newTokenKey: newKeyAllocator() };
        // PK-6: parked events of other stations that happened before this one go first.
        retryParkedOf(entry, graph, ctx, occurredCorrected);
        const family = entry.current;
        const incoming: PendingEvent = {
          id: event.id,
          station: String(station.id),
          seq: event.seq,
          occurredAt: occurredCorrected,
          action: actionOf(event),
        };
        const { decision } = decideIncoming(family, parkedRows.map(pendingOf), incoming, ctx);
        if (decision.kind === 'rejected') return reject(decision.reason, root);
        touched.set(root.id, { entry, graph, ctx });

        const keys = families.update(entry, decision.kind === 'applied' ? decision.family : family);
        const fctx: FamilyContext = { root, graph, keys, nowIso };
        const token = Outcomes.tokenAfter(fctx, decision, family);
        const result: EventResult =
          decision.kind === 'applied'
            ? { id: event.id, status: 'applied', token }
            : { id: event.id, status: 'parked', token, reason: decision.reason };
        const storedStatus =
          decision.kind === 'applied' ? 'applied' : decision.kind === 'conflict' ? 'conflict' : 'parked';
        const rowId = insertStationEvent(
          base,
          station,
          root,
          Outcomes.idOf(fctx, decision.addressedKey),
          storedStatus,
          decision.kind === 'applied' ? null : decision.reason,
          result,
          token,
        );
        if (decision.kind === 'applied') {
          counts.applied++;
          system.enqueueStationEvent(rowId, nowIso);
          outcomes.recordEffects(fctx, decision.effects, decision.family, rowId);
        } else if (decision.kind === 'conflict') {
          counts.parked++;
          counts.conflicts++;
          log.openConflict(rowId, root.id, decision.reason, nowIso);
        } else {
          counts.parked++;
          log.park(
            rowId,
            {
              rootId: root.id,
              stationId: station.id,
              seq: event.seq,
              now: nowIso,
              expiresAt: new Date(now.getTime() + settings.parkingWindowMs).toISOString(),
            },
            decision.reason,
          );
          addParked(parkedRows, {
            event_row_id: rowId,
            event_id: event.id,
            station_id: station.id,
            station_name: station.name,
            seq: event.seq,
            event_type: event.type,
            node_code: event.nodeCode,
            operator_badge: event.operatorBadge,
            qty: event.qty ?? null,
            data_json: JSON.stringify(event.data ?? {}),
            occurred_at: base.occurredAt,
            received_at: nowIso,
            occurred_at_corrected: occurredCorrected,
          });
        }
        return result;
      });

      // PK-2, PK-6: when the batch ends, every parked event of the families it touched is retried.
      for (const { entry, graph, ctx } of touched.values()) retryParkedOf(entry, graph, ctx);
      const changed = families.flush();
      if (changed) setChangeSeq(db, changeSeq);
      const skewChanged =
        stationRow.clock_skew_ms === null || Math.abs(stationRow.clock_skew_ms - skewMs) >= 1000;
      if (skewChanged) skewHistoryStmt.run(station.id, skewMs, nowIso);
      seenStmt.run(nowIso, lastSeq, skewMs, nowIso, station.id);
      return { results, counts };
    },
  );

  function insertStationEvent(
    base: {
      event: StationEvent;
      contentHash: string;
      occurredAt: string;
      occurredCorrected: string;
      nowIso: string;
    },
    station: StationEntry,
    root: RootRow | null,
    tokenId: number | null,
    status: 'applied' | 'parked' | 'conflict' | 'rejected',
    reason: Reason | null,
    result: EventResult,
    tokenAfter: TokenRef | null,
  ): number {
    const { event } = base;
    return log.insert({
      event_id: event.id,
      content_hash: base.contentHash,
      origin: 'station',
      event_type: event.type,
      station_id: station.id,
      seq: event.seq,
      code: event.code,
      node_code: event.nodeCode,
      operator_badge: event.operatorBadge,
      occurred_at: base.occurredAt,
      occurred_at_corrected: base.occurredCorrected,
      received_at: base.nowIso,
      qty: event.qty ?? null,
      data_json: JSON.stringify(event.data ?? {}),
      root_token_id: root?.id ?? null,
      token_id: tokenId,
      status,
      reason_code: reason?.code ?? null,
      reason_message: reason?.message ?? null,
      result_json: JSON.stringify(result),
      applied_at: status === 'applied' ? base.nowIso : null,
      token_after_json: tokenAfter === null ? null : JSON.stringify(tokenAfter),
    });
  }

  // BEGIN IMMEDIATE: take the write lock first, so that a busy database waits (busy_timeout)
  // instead of failing when a read would have to become a write.
  return (station, stationClock, events, now) => run.immediate(station, stationClock, events, now);
}

function rejected(id: string, reason: Reason): EventResult {
  return { id, status: 'rejected', reason };
}

/**
 * The text an event's content hash covers. zod's output lists an event's own fields in schema
 * order whatever order they came in, so only a non-empty `data` (keys at any depth) needs sorting.
 */
function contentOf(event: StationEvent): string {
  return event.data !== undefined && Object.keys(event.data).length > 0
    ? canonicalJson(event)
    : JSON.stringify(event);
}

/** Keeps a family's parked list in retry order (PK-2), as `EventLog.parkedFor` reads it. */
function addParked(rows: ParkedRow[], row: ParkedRow): void {
  const after = rows.findIndex(
    (r) =>
      r.occurred_at_corrected > row.occurred_at_corrected ||
      (r.occurred_at_corrected === row.occurred_at_corrected && r.event_row_id > row.event_row_id),
  );
  if (after < 0) rows.push(row);
  else rows.splice(after, 0, row);
}

export function actionOf(
  event: Pick<StationEvent, 'type' | 'nodeCode' | 'operatorBadge' | 'qty' | 'data'>,
): OperatorAction {
  return {
    type: event.type,
    nodeCode: event.nodeCode,
    operatorBadge: event.operatorBadge,
    qty: event.qty,
    data: event.data ?? {},
  };
}

export function pendingFromRow(row: ParkedRow): PendingEvent {
  return {
    id: row.event_id,
    station: String(row.station_id),
    seq: row.seq,
    occurredAt: row.occurred_at_corrected,
    action: {
      type: row.event_type as OperatorAction['type'],
      nodeCode: row.node_code,
      operatorBadge: row.operator_badge,
      qty: row.qty ?? undefined,
      data: JSON.parse(row.data_json) as Record<string, unknown>,
    },
  };
}
