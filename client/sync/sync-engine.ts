/**
 * @module The station's sync engine core: pushes the outbox in batches (at most 500, in seq order)
 * until it is empty, stores what each result made of its events, backs off after failures
 * (exponential with full jitter, at least Retry-After), and keeps the numbers the status bar
 * shows. Time and transport come in from outside, so the page (timers, online/offline events, a
 * "Sync now" button) drives it, and tests run it against a real edge server.
 *
 *   sync() ─▶ push batch ─200─▶ store results ─▶ more queued? ─yes─▶ push batch …
 *                 │                                   └─no─▶ idle (lastSuccessAt)
 *                 ├─429 / 5xx / network ─▶ failed: wait backoff (≥ Retry-After)
 *                 ├─413 ─▶ halve the batch and go on
 *                 └─401 / 403 ─▶ blocked: the station must be enrolled again
 */
import { backoffDelay } from '../../shared/backoff';
import type { BackoffPolicy } from '../../shared/backoff';
import { MAX_EVENTS_PER_BATCH, pushResponseSchema } from '../../shared/station-api';
import type { OutboxEntry } from './outbox-model';
import { applyResults, drainProgress, nextBatch } from './outbox-model';
import type { DrainProgress } from './outbox-model';

export interface PushAnswer {
  status: number;
  body: unknown;
  retryAfterMs: number;
}

/** How pushes reach the edge server (fetch in the app; the same in tests, on loopback). */
export interface SyncTransport {
  push(stationClock: string, events: readonly OutboxEntry['event'][]): Promise<PushAnswer>;
}

/** What the engine needs of the outbox (the Dexie store in the app). */
export interface SyncOutbox {
  /** The first `limit` queued entries in seq order. */
  nextQueued(limit: number): Promise<OutboxEntry[]>;
  pendingCount(): Promise<number>;
  update(entries: readonly OutboxEntry[]): Promise<void>;
}

export interface SyncStatus {
  state: 'idle' | 'syncing' | 'waiting' | 'blocked';
  pending: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** When the next attempt may go, after a failure. */
  nextAttemptAt: string | null;
  /** While a backlog drains: done/total, speed and time left. */
  progress: DrainProgress | null;
}

export type SyncResult =
  { kind: 'done'; pushed: number } | { kind: 'failed'; waitMs: number } | { kind: 'blocked' };

export const DEFAULT_SYNC_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

export function fetchTransport(baseUrl: string, stationToken: string, timeoutMs = 15_000): SyncTransport {
  return {
    async push(stationClock, events) {
      const res = await fetch(new URL('/api/v1/events', baseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${stationToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stationClock, events }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const seconds = Number(res.headers.get('retry-after') ?? '0');
      return {
        status: res.status,
        body: (await res.json().catch(() => null)) as unknown,
        retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : 0,
      };
    },
  };
}

export class SyncEngine {
  private failures = 0;
  private batchSize = MAX_EVENTS_PER_BATCH;
  private readonly status: SyncStatus = {
    state: 'idle',
    pending: 0,
    lastSuccessAt: null,
    lastError: null,
    nextAttemptAt: null,
    progress: null,
  };

  constructor(
    private readonly outbox: SyncOutbox,
    private readonly transport: SyncTransport,
    private readonly clock: { now: () => Date; random: () => number },
    private readonly policy: BackoffPolicy = DEFAULT_SYNC_BACKOFF,
    private readonly onStatus: (status: SyncStatus) => void = () => undefined,
  ) {}

  current(): SyncStatus {
    return { ...this.status };
  }

  /** Pushes until the outbox is empty or a push fails; the caller waits `waitMs` before the next try. */
  async sync(): Promise<SyncResult> {
    if (this.status.state === 'blocked') return { kind: 'blocked' };
    const startedMs = this.clock.now().getTime();
    let pushed = 0;
    let total = await this.outbox.pendingCount();
    this.set({ state: 'syncing', pending: total });
    for (;;) {
      const batch = nextBatch(await this.outbox.nextQueued(this.batchSize), this.batchSize);
      if (batch.length === 0) {
        this.failures = 0;
        this.set({
          state: 'idle',
          pending: 0,
          lastSuccessAt: this.clock.now().toISOString(),
          progress: null,
          nextAttemptAt: null,
        });
        return { kind: 'done', pushed };
      }
      total = Math.max(total, pushed + batch.length);
      let answer: PushAnswer;
      try {
        answer = await this.transport.push(
          this.clock.now().toISOString(),
          batch.map((e) => e.event),
        );
      } catch (error) {
        return this.failed(`cannot reach the edge server: ${String((error as Error).message ?? error)}`, 0);
      }
      if (answer.status === 200) {
        const parsed = pushResponseSchema.safeParse(answer.body);
        const { entries, error } = parsed.success
          ? applyResults(batch, parsed.data.results, this.clock.now().toISOString())
          : { entries: batch, error: 'the edge server answered 200 without results' };
        if (error) return this.failed(error, 0);
        await this.outbox.update(entries);
        pushed += batch.length;
        this.failures = 0;
        const pending = await this.outbox.pendingCount();
        this.set({
          pending,
          lastError: null,
          progress: drainProgress(pushed + pending, pushed, startedMs, this.clock.now().getTime()),
        });
        continue;
      }
      if (answer.status === 413 && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        continue;
      }
      if (answer.status === 401 || answer.status === 403) {
        this.set({ state: 'blocked', lastError: describe(answer) });
        return { kind: 'blocked' };
      }
      return this.failed(describe(answer), answer.retryAfterMs);
    }
  }

  private failed(message: string, retryAfterMs: number): SyncResult {
    const waitMs = backoffDelay(this.failures, this.policy, this.clock.random(), retryAfterMs);
    this.failures++;
    this.set({
      state: 'waiting',
      lastError: message,
      nextAttemptAt: new Date(this.clock.now().getTime() + waitMs).toISOString(),
    });
    return { kind: 'failed', waitMs };
  }

  private set(patch: Partial<SyncStatus>): void {
    Object.assign(this.status, patch);
    this.onStatus(this.current());
  }
}

function describe(answer: PushAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  return `the edge server answered ${answer.status}${error?.message ? `: ${error.message}` : ''}`;
}
