/**
 * @module The station outbox's rules, pure (an Outbox implementation keeps the entries): which
 * queued events go in the next push, what the server's per-event results make of them, and the
 * numbers the status bar shows while a backlog drains. Rules OB-2, OB-3 and OB-10 in shared/SPEC.md.
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

/** OB-2: the queued events to push next, in the station's own order (seq), at most a batch. */
export function nextBatch(entries: readonly OutboxEntry[], max = MAX_EVENTS_PER_BATCH): OutboxEntry[] {
  return entries
    .filter((e) => e.state.kind === 'queued')
    .sort((a, b) => a.event.seq - b.event.seq)
    .slice(0, Math.min(max, MAX_EVENTS_PER_BATCH));
}

/**
 * OB-3: what a 200's results make of the entries sent. Results come one per event in request order
 * (protocol.md); anything else means the answer cannot be trusted, and nothing changes.
 */
export function applyResults(
  sent: readonly OutboxEntry[],
  results: readonly EventResult[],
  at: string,
): { entries: OutboxEntry[]; error: string | null } {
  const mismatch = {
    entries: [...sent],
    error: `the server answered ${results.length} results for ${sent.length} events`,
  };
  if (results.length !== sent.length) return mismatch;
  const entries: OutboxEntry[] = [];
  for (const [i, entry] of sent.entries()) {
    const result = results[i];
    if (result?.id !== entry.event.id) return mismatch;
    entries.push({ ...entry, state: stateAfter(result, at) });
  }
  return { entries, error: null };
}

function stateAfter(result: EventResult, at: string): OutboxState {
  if (result.status === 'rejected') {
    return {
      kind: 'refused',
      reason: result.reason ?? { code: 'REJECTED', message: 'Refused by the server' },
      at,
    };
  }
  return {
    kind: 'delivered',
    result: result.status,
    token: result.token ?? null,
    reason: result.reason ?? null,
    at,
  };
}

export interface DrainProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
  /** null until there is a rate to go by. */
  secondsLeft: number | null;
}

/** OB-10: the status bar's figures while a backlog drains. */
export function drainProgress(
  total: number,
  done: number,
  startedAtMs: number,
  nowMs: number,
): DrainProgress {
  return { done, total, ...drainRate(done, Math.max(0, total - done), startedAtMs, nowMs) };
}
