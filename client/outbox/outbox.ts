/**
 * @module The station's outbox as the rest of the station sees it: every event this station
 * recorded, in its own order (seq), with what became of it (outbox-rules.ts). Two implementations
 * keep the same promises, checked by one contract suite (test/client/outbox-contract.ts): the
 * Dexie store the app uses (dexie-outbox.ts) and an in-memory one (memory-outbox.ts). Rules OB-1
 * to OB-9 in shared/SPEC.md.
 */
import type { StationEvent } from '../../shared/protocol';
import type { Result } from '../result';
import type { OutboxEntry } from './outbox-rules';

export interface StoredEntry extends OutboxEntry {
  /** The event id (the idempotency key). */
  id: string;
  seq: number;
  stateKind: OutboxEntry['state']['kind'];
}

/** An event as the screen records it; the outbox gives it the station's next seq. */
export type EventDraft = Omit<StationEvent, 'seq'>;

/** Why the outbox did not do what it was asked; nothing changed. */
export type OutboxProblem =
  /** OB-8: the storage is full; scanning must stop loudly rather than drop a scan. */
  | { kind: 'storage-full'; message: string }
  /** OB-4: only a refused event can be recorded again or discarded. */
  | { kind: 'not-refused'; message: string };

export type OutboxResult<T> = Result<T, OutboxProblem>;

export const STORAGE_FULL: OutboxProblem = {
  kind: 'storage-full',
  message: 'The tablet’s storage is full: scans cannot be recorded. Sync, then free space.',
};

export function notRefused(id: string, asked: 'recorded again' | 'discarded'): OutboxProblem {
  return { kind: 'not-refused', message: `event ${id} is not refused; only refused events can be ${asked}` };
}

export interface Outbox {
  /**
   * OB-1: takes the station's next seq and stores the event in one transaction; resolves once it
   * committed (only then may the screen say "recorded").
   */
  record(draft: EventDraft, now: string): Promise<OutboxResult<StoredEntry>>;
  /** OB-2: the first `limit` queued events in seq order. */
  nextQueued(limit: number): Promise<StoredEntry[]>;
  /** Every queued event in seq order. */
  queued(): Promise<StoredEntry[]>;
  /** OB-7: how many events are queued. */
  pendingCount(): Promise<number>;
  /** OB-7: the refused events, in seq order. */
  refused(): Promise<StoredEntry[]>;
  /** OB-7: the latest events, newest first, whatever their state (the screen's "Recent" list). */
  recent(limit: number): Promise<StoredEntry[]>;
  /** OB-5: delivered events whose upstream fate the station has not heard yet, oldest first. */
  awaitingUpstream(limit: number): Promise<StoredEntry[]>;
  /** OB-3: stores the new states of entries after a push (whole entries, event and all). */
  update(entries: readonly OutboxEntry[]): Promise<void>;
  /** OB-5: marks these delivered events forwarded; events in other states stay as they are. */
  markForwarded(ids: readonly string[], at: string): Promise<void>;
  /**
   * OB-4: records a refused event again as a new event (new id, the station's next seq, same
   * action and time) and drops the refused one, in one transaction: the server would repeat its
   * refusal for the old id.
   */
  retry(id: string, newId: string, now: string): Promise<OutboxResult<StoredEntry>>;
  /** OB-4: the operator discards a refused event (it was never applied). */
  discard(id: string): Promise<OutboxResult<null>>;
  /**
   * OB-6: forgets settled events (delivered or forwarded) queued before `before`, keeping the
   * outbox small on a tablet that runs for months; queued and refused events stay. Returns how
   * many went.
   */
  prune(before: string): Promise<number>;
}
