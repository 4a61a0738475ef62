/**
 * @module Exactly-once ingest of a station's batch (SPEC IN-*): one SQLite transaction per batch,
 * the shared state machine and parking inside it, and an upstream outbox row beside every event
 * that took effect. Synchronous on purpose: better-sqlite3 transactions cannot span an await.
 *
 *   per event: schema → idempotency (id, station, content hash) → seq gap → node served → code →
 *   operator → parked events that happened before it (PK-6) → decide → record (decisions.ts)
 *   when the batch ends: every touched family retries its parked events → token rows → COMMIT
 */
import type Database from 'better-sqlite3';
import { canonicalJson } from '../../shared/canonical-json';
import type { PendingEvent } from '../../shared/parking';
import { decideIncoming } from '../../shared/parking';
import type { EventResult, StationEvent, TokenRef } from '../../shared/protocol';
import { describeIssues, stationEventSchema } from '../../shared/protocol';
import type { Reason } from '../../shared/reason-codes';
import type { MachineContext } from '../../shared/token-machine';
import type { ReferenceData, StationEntry } from '../reference/reference-data';
import { serves } from '../reference/reference-data';
import { currentChangeSeq, setChangeSeq } from './change-counter';
import type { FamilyContext } from './decisions';
import { DecisionRecorder } from './decisions';
import type { EventLog, ParkedRow, StoredEventRow, StoredStatus } from './event-log';
import { contentHashOf } from './event-log';
import type { FamilyEntry } from './family-workspace';
import { FamilyWorkspace } from './family-workspace';
import { actionOf } from './pending';
import type { StationBatch } from './station-clock';
import { StationBookkeeping } from './station-clock';
import type { TokenStore } from './token-store';
import { newKeyAllocator } from './token-store';

export interface IngestSettings {
  /** How long a parked event waits before the sweeper makes it a conflict (PK-4). */
  parkingWindowMs: number;
}

export interface IngestDeps {
  db: Database.Database;
  reference: ReferenceData;
  tokens: TokenStore;
  events: EventLog;
  decisions: DecisionRecorder;
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

export type Ingest = (
  station: StationEntry,
  stationClock: string,
  events: unknown[],
  now: Date,
) => BatchOutcome;

/** Ingests one batch; returns only after the transaction committed (IN-4). */
export function createIngest(deps: IngestDeps): Ingest {
  const bookkeeping = new StationBookkeeping(deps.db);
  const run = deps.db.transaction(
    (caller: StationEntry, stationClock: string, rawEvents: unknown[], now: Date): BatchOutcome => {
      deps.reference.refresh();
      const station = deps.reference.currentStation(caller.id);
      const batch = new Batch(
        deps,
        station,
        bookkeeping.open(station.id, Date.parse(stationClock) - now.getTime(), now.toISOString()),
        now,
      );
      batch.lookUp(rawEvents);
      const results = rawEvents.map((raw) => batch.receive(raw));
      batch.finish();
      return { results, counts: batch.counts };
    },
  );
  // BEGIN IMMEDIATE: take the write lock first, so that a busy database waits (busy_timeout)
  // instead of failing when a read would have to become a write.
  return (station, stationClock, events, now) => run.immediate(station, stationClock, events, now);
}

/** What an event is once it passed the schema: its hash and its times. */
interface Received {
  event: StationEvent;
  contentHash: Buffer;
  occurredMs: number;
  correctedMs: number;
  /** ISO 8601 of correctedMs: parking compares and orders by it (PK-2, PK-6). */
  occurredCorrected: string;
}

/** One batch inside its transaction. */
class Batch {
  readonly counts: BatchCounts = {
    applied: 0,
    duplicate: 0,
    parked: 0,
    rejected: 0,
    unparked: 0,
    conflicts: 0,
  };
  private readonly nowIso: string;
  private readonly families: FamilyWorkspace;
  private readonly changeSeq: number;
  private readonly touched = new Map<number, { entry: FamilyEntry; machine: MachineContext }>();
  /** The batch's ids stored before it (read in one query), and those stored by it so far. */
  private known = new Map<string, StoredEventRow>();
  private readonly storedNow = new Set<string>();

  constructor(
    private readonly deps: IngestDeps,
    private readonly station: StationEntry,
    private readonly bookkeeping: StationBatch,
    private readonly now: Date,
  ) {
    this.nowIso = now.toISOString();
    this.changeSeq = currentChangeSeq(deps.db) + 1;
    // The families this batch touches, read once and written once (most batches hit few tokens).
    this.families = new FamilyWorkspace(
      deps.tokens,
      deps.events,
      deps.reference,
      this.changeSeq,
      this.nowIso,
    );
  }

  /** Reads which of the batch's event ids were stored before, all at once (IN-2, IN-3). */
  lookUp(rawEvents: readonly unknown[]): void {
    const ids = rawEvents
      .map((raw) => (raw as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === 'string');
    this.known = this.deps.events.findMany(ids);
  }

  receive(raw: unknown): EventResult {
    const parsed = stationEventSchema.safeParse(raw);
    if (!parsed.success) {
      const rawSeq = (raw as { seq?: unknown } | null)?.seq;
      if (typeof rawSeq === 'number' && Number.isSafeInteger(rawSeq) && rawSeq > 0)
        this.bookkeeping.trackSeq(rawSeq);
      const rawId = (raw as { id?: unknown } | null)?.id;
      this.counts.rejected++;
      return rejected(typeof rawId === 'string' ? rawId : '', {
        code: 'INVALID_EVENT',
        message: `Invalid event: ${describeIssues(parsed.error)}`,
      });
    }
    const event = parsed.data;
    const contentHash = contentHashOf(contentOf(event));
    const repeat = this.repeated(event, contentHash);
    if (repeat) return repeat;
    this.bookkeeping.trackSeq(event.seq);
    const occurredMs = Date.parse(event.occurredAt);
    const correctedMs = occurredMs - this.bookkeeping.skewMs;
    return this.decide({
      event,
      contentHash,
      occurredMs,
      correctedMs,
      occurredCorrected: new Date(correctedMs).toISOString(),
    });
  }

  /** IN-2, IN-3: an id seen before is a duplicate of its first outcome, or a reuse. */
  private repeated(event: StationEvent, contentHash: Buffer): EventResult | null {
    const existing =
      this.known.get(event.id) ??
      (this.storedNow.has(event.id) ? this.deps.events.find(event.id) : undefined);
    if (!existing) return null;
    // An event is its station's: another station sending the same id is not a resend.
    const otherStation = existing.station_id !== this.station.id;
    if (otherStation || !existing.content_hash.equals(contentHash)) {
      this.bookkeeping.trackSeq(event.seq);
      this.counts.rejected++;
      return rejected(event.id, {
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: otherStation
          ? `Event id ${event.id} was already used by another station; give each event a new id`
          : `Event id ${event.id} was already used for a different event; give each event a new id`,
      });
    }
    const first = existing.result;
    if (first.status === 'rejected') {
      this.counts.rejected++;
      return first;
    }
    this.counts.duplicate++;
    return { id: event.id, status: 'duplicate', token: first.token ?? null };
  }

  /** IN-8 checks, then the state machine on the event's family. */
  private decide(received: Received): EventResult {
    const { event } = received;
    const { station } = this;
    if (!station.servedCodes.has(event.nodeCode)) {
      return this.reject(received, null, {
        code: 'NODE_NOT_SERVED',
        message: `This station does not report at ${event.nodeCode}; it serves ${[...station.servedCodes].join(', ') || 'no nodes'}`,
      });
    }
    const entry = this.families.get(event.code);
    if (!entry) {
      return this.reject(received, null, {
        code: 'UNKNOWN_CODE',
        message: `No work item with code ${event.code} is known here`,
      });
    }
    if (!serves(station, entry.graph, event.nodeCode)) {
      return this.reject(received, entry, {
        code: 'NODE_NOT_SERVED',
        message: `${event.code} follows routing ${entry.graph.indexed.graph.code}, and this station does not report at its node ${event.nodeCode}`,
      });
    }
    const operator = this.deps.reference.operator(event.operatorBadge);
    if (!operator?.active) {
      return this.reject(received, entry, {
        code: 'UNKNOWN_OPERATOR',
        message: `Badge ${event.operatorBadge} is not ${operator ? 'active' : 'known'} here; sign in with a valid badge`,
      });
    }
    const machine: MachineContext = { graph: entry.graph.indexed, newTokenKey: newKeyAllocator() };
    // PK-6: parked events of other stations that happened before this one go first.
    this.tally(this.deps.decisions.retry(this.families, entry, machine, received.occurredCorrected));
    const family = entry.current;
    const incoming: PendingEvent = {
      id: event.id,
      station: String(station.id),
      seq: event.seq,
      occurredAt: received.occurredCorrected,
      action: actionOf(event),
    };
    const parkedRows = this.families.parkedOf(entry);
    const { decision } = decideIncoming(
      family,
      parkedRows.map((r) => this.families.pendingOf(r)),
      incoming,
      machine,
    );
    if (decision.kind === 'rejected') return this.reject(received, entry, decision.reason);
    this.touched.set(entry.root.id, { entry, machine });

    const ctx: FamilyContext = {
      entry,
      keys: this.families.update(entry, decision.kind === 'applied' ? decision.family : family),
      nowIso: this.nowIso,
    };
    const token = DecisionRecorder.tokenAfter(ctx, decision, family);
    const result: EventResult =
      decision.kind === 'applied'
        ? { id: event.id, status: 'applied', token }
        : { id: event.id, status: 'parked', token, reason: decision.reason };
    const rowId = this.insert(received, entry, {
      tokenId: DecisionRecorder.idOf(ctx, decision.addressedKey),
      status: decision.kind,
      reason: decision.kind === 'applied' ? null : decision.reason,
      result,
      tokenAfter: token,
    });
    if (decision.kind === 'applied') {
      this.counts.applied++;
      this.deps.decisions.applied(ctx, rowId, decision);
    } else if (decision.kind === 'conflict') {
      this.counts.parked++;
      this.counts.conflicts++;
      this.deps.decisions.conflict(ctx, rowId, decision.reason);
    } else {
      this.counts.parked++;
      this.park(received, entry, rowId, decision.reason, parkedRows);
    }
    return result;
  }

  /** PK-1: stored, waiting for its family; retried oldest first (PK-2). */
  private park(
    received: Received,
    entry: FamilyEntry,
    rowId: number,
    reason: Reason,
    parkedRows: ParkedRow[],
  ): void {
    const { event } = received;
    this.deps.events.park(
      rowId,
      {
        rootId: entry.root.id,
        stationId: this.station.id,
        seq: event.seq,
        now: this.nowIso,
        expiresAt: new Date(this.now.getTime() + this.deps.settings.parkingWindowMs).toISOString(),
      },
      reason,
    );
    addParked(parkedRows, {
      event_row_id: rowId,
      event_id: event.id,
      station_id: this.station.id,
      station_name: this.station.name,
      seq: event.seq,
      event_type: event.type,
      node_code: event.nodeCode,
      operator_badge: event.operatorBadge,
      qty: event.qty ?? null,
      data_json: JSON.stringify(event.data ?? {}),
      occurred_at: new Date(received.occurredMs).toISOString(),
      received_at: this.nowIso,
      occurred_at_corrected: received.occurredCorrected,
    });
  }

  /** PK-2, PK-6: when the batch ends, every parked event of the families it touched is retried. */
  finish(): void {
    for (const { entry, machine } of this.touched.values()) {
      this.tally(this.deps.decisions.retry(this.families, entry, machine));
    }
    if (this.families.flush()) setChangeSeq(this.deps.db, this.changeSeq);
    this.bookkeeping.finish();
  }

  private tally(retried: { applied: number; conflicts: number }): void {
    this.counts.unparked += retried.applied;
    this.counts.conflicts += retried.conflicts;
  }

  /** Rejected (IN-8, TM-11): stored, so that a resend gets the same answer and its seq is no gap. */
  private reject(received: Received, entry: FamilyEntry | null, reason: Reason): EventResult {
    this.counts.rejected++;
    const result = rejected(received.event.id, reason);
    this.insert(received, entry, { tokenId: null, status: 'rejected', reason, result, tokenAfter: null });
    return result;
  }

  private insert(
    received: Received,
    entry: FamilyEntry | null,
    outcome: {
      tokenId: number | null;
      status: Exclude<StoredStatus, 'discarded'>;
      reason: Reason | null;
      result: EventResult;
      tokenAfter: TokenRef | null;
    },
  ): number {
    const { event } = received;
    this.storedNow.add(event.id);
    return this.deps.events.insert({
      event_id: event.id,
      content_hash: received.contentHash,
      event_type: event.type,
      station_id: this.station.id,
      seq: event.seq,
      code: event.code,
      node_code: event.nodeCode,
      operator_badge: event.operatorBadge,
      occurred_ms: received.occurredMs,
      corrected_ms: received.correctedMs,
      received_ms: this.now.getTime(),
      qty: event.qty ?? null,
      data_json: JSON.stringify(event.data ?? {}),
      root_token_id: entry?.root.id ?? null,
      token_id: outcome.tokenId,
      status: outcome.status,
      reason_code: outcome.reason?.code ?? null,
      reason_message: outcome.reason?.message ?? null,
      result: outcome.result,
      token_after_json: outcome.tokenAfter === null ? null : JSON.stringify(outcome.tokenAfter),
    });
  }
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
