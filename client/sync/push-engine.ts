/**
 * @module The push engine: one drain of the outbox, in batches (at most 500, in seq order) until it
 * is empty (SY-1), storing what each result made of its events, backing off after failures
 * (exponential with full jitter, at least Retry-After: SY-2), and keeping the numbers the status
 * bar shows. It only pushes when asked: the sync loop (sync-loop.ts) decides when. Time and
 * transport come in from outside, so tests run it against fakes and against a real edge server.
 *
 *   drain() ─▶ push batch ─200─▶ store results ─▶ more queued? ─yes─▶ push batch …
 *                  │                                   └─no─▶ idle (lastSuccessAt)
 *                  ├─429 / 5xx / network / bad answer ─▶ failed: wait backoff (≥ Retry-After)
 *                  ├─413 ─▶ halve the batch and go on (SY-3)
 *                  └─401 / 403 ─▶ blocked: the station must be enrolled again (SY-3)
 */
import { backoffDelay } from '../../shared/backoff';
import type { BackoffPolicy } from '../../shared/backoff';
import type { StationEvent } from '../../shared/protocol';
import type { PushResponse } from '../../shared/station-api';
import { MAX_EVENTS_PER_BATCH, pushResponseSchema } from '../../shared/station-api';
import type { StationFetch, StationProblem, StationResult } from '../net/station-fetch';
import { describeProblem } from '../net/station-fetch';
import type { Outbox } from '../outbox/outbox';
import type { DrainProgress } from '../outbox/outbox-rules';
import { applyResults, drainProgress, nextBatch } from '../outbox/outbox-rules';
import { Model } from '../state/model';

/** How pushes reach the edge server (stationFetch in the app; fakes in tests). */
export interface PushTransport {
  push(stationClock: string, events: readonly StationEvent[]): Promise<StationResult<PushResponse>>;
}

/** POST /api/v1/events through the station's one fetch. */
export function pushOver(stationFetch: StationFetch): PushTransport {
  return {
    push: (stationClock, events) =>
      stationFetch({
        method: 'POST',
        path: '/api/v1/events',
        body: { stationClock, events },
        answer: pushResponseSchema,
      }),
  };
}

/** What the engine needs of the outbox. */
export type PushOutbox = Pick<Outbox, 'nextQueued' | 'pendingCount' | 'update'>;

export interface SyncStatus {
  state: 'idle' | 'syncing' | 'waiting' | 'blocked';
  pending: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  /**
   * The last failed push's problem, for the screen to word by its kind and code (null after a
   * push went through). A `network` problem with the browser online is "server unreachable".
   */
  lastProblem: StationProblem | null;
  /** When the next attempt may go, after a failure. */
  nextAttemptAt: string | null;
  /** While a backlog drains: done/total, speed and time left. */
  progress: DrainProgress | null;
}

export type DrainResult =
  { kind: 'done'; pushed: number } | { kind: 'failed'; waitMs: number } | { kind: 'blocked' };

export const DEFAULT_SYNC_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

export interface EngineClock {
  now: () => Date;
  /** In [0, 1): the backoff's jitter. */
  random: () => number;
}

export class PushEngine extends Model<SyncStatus> {
  private failures = 0;
  private batchSize = MAX_EVENTS_PER_BATCH;

  constructor(
    private readonly outbox: PushOutbox,
    private readonly transport: PushTransport,
    private readonly clock: EngineClock,
    private readonly policy: BackoffPolicy = DEFAULT_SYNC_BACKOFF,
  ) {
    super({
      state: 'idle',
      pending: 0,
      lastSuccessAt: null,
      lastError: null,
      lastProblem: null,
      nextAttemptAt: null,
      progress: null,
    });
  }

  /** Pushes until the outbox is empty or a push fails; after a failure, wait `waitMs`. */
  async drain(): Promise<DrainResult> {
    if (this.get().state === 'blocked') return { kind: 'blocked' };
    const startedMs = this.clock.now().getTime();
    let pushed = 0;
    this.patch({ state: 'syncing', pending: await this.outbox.pendingCount() });
    for (;;) {
      const batch = nextBatch(await this.outbox.nextQueued(this.batchSize), this.batchSize);
      if (batch.length === 0) {
        this.failures = 0;
        this.patch({
          state: 'idle',
          pending: 0,
          lastSuccessAt: this.clock.now().toISOString(),
          lastError: null,
          lastProblem: null,
          progress: null,
          nextAttemptAt: null,
        });
        return { kind: 'done', pushed };
      }
      const answer = await this.transport.push(
        this.clock.now().toISOString(),
        batch.map((e) => e.event),
      );
      if (answer.ok) {
        const { entries, error } = applyResults(batch, answer.value.results, this.clock.now().toISOString());
        if (error) return this.failed(error, { kind: 'bad-answer', status: 200, message: error }, 0);
        await this.outbox.update(entries);
        pushed += batch.length;
        this.failures = 0;
        const pending = await this.outbox.pendingCount();
        this.patch({
          pending,
          lastError: null,
          lastProblem: null,
          progress: drainProgress(pushed + pending, pushed, startedMs, this.clock.now().getTime()),
        });
        continue;
      }
      const problem = answer.problem;
      if (problem.kind === 'http' && problem.status === 413 && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        continue;
      }
      if (problem.kind === 'http' && (problem.status === 401 || problem.status === 403)) {
        this.patch({ state: 'blocked', lastError: describeProblem(problem), lastProblem: problem });
        return { kind: 'blocked' };
      }
      return this.failed(
        describeProblem(problem),
        problem,
        problem.kind === 'http' ? problem.retryAfterMs : 0,
      );
    }
  }

  private failed(message: string, problem: StationProblem, retryAfterMs: number): DrainResult {
    const waitMs = backoffDelay(this.failures, this.policy, this.clock.random(), retryAfterMs);
    this.failures++;
    this.patch({
      state: 'waiting',
      lastError: message,
      lastProblem: problem,
      nextAttemptAt: new Date(this.clock.now().getTime() + waitMs).toISOString(),
    });
    return { kind: 'failed', waitMs };
  }
}
