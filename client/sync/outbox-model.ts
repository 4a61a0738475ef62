/**
 * @module The station outbox's rules, pure (the Dexie store keeps the entries): which queued events
 * go in the next push, what the server's per-event results make of them, and the numbers the
 * status bar shows while a backlog drains.
 *
 *   queued ──applied / duplicate / parked──▶ delivered ──(upstream says so)──▶ forwarded
 *      └──────────rejected──────────▶ refused (reason shown; the operator discards or re-records)
 */
import type { StationEvent } from '../../shared/protocol';
import type { EventResult, TokenRef, WireReason as Reason } from '../../shared/station-api';
import { MAX_EVENTS_PER_BATCH } from '../../shared/station-api';
import { drainRate } from '../../shared/drain-rate';

/** Version of a queued entry's shape: an app update must still send what an older one queued. */
export const OUTBOX_SCHEMA_VERSION = 1;

export type OutboxState =
  | { kind: 'queued' }
  | {
      kind: 'delivered';
      result: 'applied' | 'duplicate' | 'parked';
      token: TokenRef | null;
      reason: Reason | null;
      at: string;
    }
  | { kind: 'refused'; reason: Reason; at: string }
  | { kind: 'forwarded'; at: string };

export interface OutboxEntry {
  schemaVersion: number;
  event: StationEvent;
  queuedAt: string;
  state: OutboxState;
}

/** The queued events to push next, in the station's own order (seq), at most a batch. */
export function nextBatch(entries: readonly OutboxEntry[], max = MAX_EVENTS_PER_BATCH): OutboxEntry[] {
  return entries
    .filter((e) => e.state.kind === 'queued')
    .sort((a, b) => a.event.seq - b.event.seq)
    .slice(0, Math.min(max, MAX_EVENTS_PER_BATCH));
}

/**
 * What a 200's results make of the entries sent. Results come one per event in request order
 * (protocol.md); anything else means the answer cannot be trusted, and nothing changes.
 */
export function applyResults(
  sent: readonly OutboxEntry[],
  results: readonly EventResult[],
  at: string,
): { entries: OutboxEntry[]; error: string | null } {
  if (results.length !== sent.length || results.some((r, i) => r.id !== sent[i]?.event.id)) {
    return {
      entries: [...sent],
      error: `the server answered ${results.length} results for ${sent.length} events`,
    };
  }
  const entries = sent.map((entry, i): OutboxEntry => {
    const result = results[i] as EventResult;
    if (result.status === 'rejected') {
      return {
        ...entry,
        state: {
          kind: 'refused',
          reason: result.reason ?? { code: 'REJECTED', message: 'Refused by the server' },
          at,
        },
      };
    }
    return {
      ...entry,
      state: {
        kind: 'delivered',
        result: result.status,
        token: result.token ?? null,
        reason: result.reason ?? null,
        at,
      },
    };
  });
  return { entries, error: null };
}

export interface DrainProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
  /** null until there is a rate to go by. */
  secondsLeft: number | null;
}

/** The status bar's figures while a backlog drains. */
export function drainProgress(
  total: number,
  done: number,
  startedAtMs: number,
  nowMs: number,
): DrainProgress {
  return { done, total, ...drainRate(done, Math.max(0, total - done), startedAtMs, nowMs) };
}
