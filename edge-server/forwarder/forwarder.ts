/**
 * @module The forwarder: sends the upstream outbox to the sink in application order, in batches,
 * and marks records forwarded only after the upstream acknowledged them. The sink keeps several
 * sends in flight (PF-31, PF-34) and reports what landed in order as it comes; the forwarder marks
 * that prefix while the rest is still in flight (PF-34).
 *
 *   idle ──records pending──▶ sending ──acknowledged──▶ (next batch)
 *                               │  retryable failure (network, timeout, 5xx, 408, 429)
 *                               ▼
 *                           backing-off: exponential with full jitter, at least Retry-After
 *   a permanent failure (other 4xx) of a whole batch: send one record at a time to find the bad
 *   one; a record that fails permanently `maxPermanentFailures` times goes to the dead letters and
 *   holds back only the later records of its own token.
 *   an unclear outcome (a timeout after sending) or a start: ask the sink what already landed.
 */
import { backoffDelay } from '../../shared/backoff';
import { drainRate } from '../../shared/drain-rate';
import { MAX_EVENTS_PER_BATCH } from '../../shared/protocol';
import type { Logger } from '../logger';
import type { Activity, OutboxRecord, UpstreamOutbox } from './outbox';
import type { RecordOutcome, UpstreamSink } from './sink';
import { SinkError } from './sink';

export interface ForwarderOptions {
  /** Records per send (protocol.md: at most 500). */
  batchSize: number;
  /** Permanent failures of one record before it becomes a dead letter. */
  maxPermanentFailures: number;
  /** How long to wait for new records when the outbox is empty (ingest also wakes the loop). */
  idleMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  now: () => Date;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_FORWARDER_OPTIONS: ForwarderOptions = {
  batchSize: 500,
  maxPermanentFailures: 3,
  idleMs: 1000,
  backoffBaseMs: 500,
  backoffMaxMs: 60_000,
  now: () => new Date(),
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type ForwarderState = 'idle' | 'sending' | 'backing-off' | 'stopped';

/** The upstream backlog being forwarded (the source documents' sync_progress). */
export interface BacklogProgress {
  startedAt: string;
  processed: number;
  failed: number;
  total: number;
  eventsPerSecond: number;
  secondsLeft: number | null;
}

export interface ForwarderHooks {
  onForwarded?: (count: number) => void;
  onFailure?: (kind: 'retryable' | 'permanent' | 'dead') => void;
  /** A step failed on our side (the database, a full disk); returns how to describe it, if known. */
  onStepError?: (error: unknown) => string | null;
}

export type StepResult =
  { kind: 'idle' } | { kind: 'sent'; forwarded: number } | { kind: 'failed'; waitMs: number };

export class Forwarder {
  state: ForwarderState = 'idle';
  lastSuccessAt: string | null = null;
  lastError: string | null = null;
  private readonly options: ForwarderOptions;
  private consecutiveFailures = 0;
  /** After a whole batch was refused: send one record at a time through this outbox id. */
  private isolateThrough: number | null = null;
  private needsRecovery = true;
  private progress: (BacklogProgress & { startedMs: number }) | null = null;
  private running: Promise<void> | null = null;
  /** The pause in progress: an idle one ends when records arrive; a backoff only on stop. */
  private paused: { end: () => void; wakeable: boolean } | null = null;
  private stopping = false;

  constructor(
    private readonly outbox: UpstreamOutbox,
    private readonly sink: UpstreamSink,
    private readonly log: Logger,
    options: Partial<ForwarderOptions> = {},
    private readonly hooks: ForwarderHooks = {},
  ) {
    this.options = { ...DEFAULT_FORWARDER_OPTIONS, ...options };
  }

  /** One step: a recovery check if needed, then one send. The loop calls it; so can tests. */
  async step(): Promise<StepResult> {
    if (this.needsRecovery) {
      const recovered = await this.recover();
      if (recovered.kind === 'failed') return recovered;
    }
    // One batch, or (a sink with requests in flight, PF-34) several sent at once.
    const isolating = this.isolateThrough !== null;
    const perBatch = isolating ? 1 : this.options.batchSize;
    const batch = this.outbox.next(perBatch * (isolating ? 1 : (this.sink.batchesPerSend ?? 1)));
    if (batch.length === 0) {
      this.progress = null;
      return { kind: 'idle' };
    }
    this.trackBacklog(batch.length);
    const started = performance.now();
    // Outcomes are settled (marked) as they come, while later records are still in flight.
    let settled = 0;
    let forwarded = 0;
    let lastSettleAt = started;
    let settleError: { error: unknown } | null = null;
    const settleUpTo = (outcomes: readonly RecordOutcome[]): void => {
      if (settleError || outcomes.length <= settled) return;
      const now = performance.now();
      try {
        const rows = batch.slice(settled, outcomes.length);
        forwarded += this.settle(rows, outcomes.slice(settled), now - lastSettleAt);
        settled = outcomes.length;
        lastSettleAt = now;
      } catch (error) {
        // Our side (the database): the step fails with it after the send, and the next one first
        // asks the sink what landed (it may be more than was marked).
        settleError = { error };
        this.needsRecovery = true;
      }
    };
    let outcomes: RecordOutcome[];
    try {
      this.state = 'sending';
      outcomes = await this.sink.send(
        batch.map((b) => b.record),
        perBatch,
        settleUpTo,
      );
    } catch (error) {
      if (settleError) throw (settleError as { error: unknown }).error;
      return this.failed(batch.slice(settled), error, performance.now() - started);
    }
    settleUpTo(outcomes);
    if (settleError) throw (settleError as { error: unknown }).error;
    return { kind: 'sent', forwarded };
  }

  /** Runs steps until `stop`, sleeping when idle and backing off after failures. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        let result: StepResult;
        try {
          result = await this.step();
        } catch (error) {
          // The database (a full disk) or a bug: say so, back off and keep the site's other work going.
          const known = this.hooks.onStepError?.(error) ?? null;
          if (known) this.log.warn({ err: error }, known);
          else this.log.error({ err: error }, 'forwarder step failed');
          this.lastError =
            known ?? `forwarder step failed: ${error instanceof Error ? error.message : String(error)}`;
          result = { kind: 'failed', waitMs: this.backoff() };
        }
        if (result.kind === 'idle') {
          this.state = 'idle';
          await this.pause(this.options.idleMs, true);
        } else if (result.kind === 'failed') {
          this.state = 'backing-off';
          await this.pause(result.waitMs, false);
        }
      }
      this.state = 'stopped';
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.paused?.end();
    await this.running;
    this.running = null;
    await this.sink.close();
  }

  /** New records are in the outbox: stop waiting, unless backing off (Retry-After holds). */
  wake(): void {
    if (this.paused?.wakeable) this.paused.end();
  }

  backlogProgress(): BacklogProgress | null {
    const p = this.progress;
    if (!p) return null;
    return {
      startedAt: p.startedAt,
      processed: p.processed,
      failed: p.failed,
      total: p.total,
      eventsPerSecond: p.eventsPerSecond,
      secondsLeft: p.secondsLeft,
    };
  }

  get sinkKind(): string {
    return this.sink.kind;
  }

  get sinkTarget(): string {
    return this.sink.target;
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const pause = {
        wakeable,
        end: (): void => {
          // A pause ended early leaves its timer; when that fires it must not touch a later pause.
          if (this.paused === pause) this.paused = null;
          resolve();
        },
      };
      this.paused = pause;
      void this.options.sleep(ms).then(pause.end);
    });
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base · 2^failures)]. */
  private backoff(retryAfterMs = 0): number {
    const policy = { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs };
    return backoffDelay(this.consecutiveFailures, policy, this.options.random(), retryAfterMs);
  }

  private async recover(): Promise<StepResult> {
    // What landed unmarked is at most one batch, of whatever size the forwarder ran with before.
    const pending = this.outbox.next(MAX_EVENTS_PER_BATCH);
    if (pending.length === 0) {
      this.needsRecovery = false;
      return { kind: 'idle' };
    }
    const started = performance.now();
    try {
      const landed = await this.sink.landedPrefix(pending.map((p) => p.record));
      this.needsRecovery = false;
      if (landed > 0) {
        const ids = pending.slice(0, landed).map((p) => p.outboxId);
        this.outbox.markForwarded(ids, this.nowIso());
        this.activity(
          'recovered',
          pending.slice(0, landed),
          performance.now() - started,
          'already landed upstream',
        );
        this.log.info({ records: landed }, 'records found upstream after a restart or an unclear outcome');
        this.hooks.onForwarded?.(landed);
      }
      return { kind: 'sent', forwarded: landed };
    } catch (error) {
      return this.failed(pending.slice(0, 1), error, performance.now() - started);
    }
  }

  /** Marks what landed, counts refusals (dead letters after the limit); returns how many landed. */
  private settle(
    batch: readonly OutboxRecord[],
    outcomes: readonly RecordOutcome[],
    durationMs: number,
  ): number {
    const forwarded: number[] = [];
    const now = this.nowIso();
    outcomes.forEach((outcome, i) => {
      const row = batch[i];
      if (!row || row.record.id !== outcome.id) return;
      if (outcome.outcome === 'held') return; // stays pending, behind its token's refused record
      if (outcome.outcome !== 'rejected') {
        forwarded.push(row.outboxId);
        return;
      }
      const status = this.outbox.recordFailure(
        row.outboxId,
        outcome.reason,
        true,
        this.options.maxPermanentFailures,
      );
      this.activity(status === 'dead' ? 'dead' : 'permanent', [row], 0, outcome.reason);
      this.hooks.onFailure?.(status === 'dead' ? 'dead' : 'permanent');
      if (this.progress) this.progress.failed++;
    });
    this.outbox.markForwarded(forwarded, now);
    if (forwarded.length > 0) {
      const marked = new Set(forwarded);
      this.activity(
        'forwarded',
        batch.filter((b) => marked.has(b.outboxId)),
        durationMs,
        null,
      );
      this.lastSuccessAt = now;
      this.hooks.onForwarded?.(forwarded.length);
      if (this.progress) this.progress.processed += forwarded.length;
    }
    this.consecutiveFailures = 0;
    const last = batch[batch.length - 1]?.outboxId ?? 0;
    if (this.isolateThrough !== null && last >= this.isolateThrough) this.isolateThrough = null;
    return forwarded.length;
  }

  private failed(batch: readonly OutboxRecord[], error: unknown, durationMs: number): StepResult {
    const sinkError =
      error instanceof SinkError
        ? error
        : new SinkError(error instanceof Error ? error.message : String(error), true, 0, true);
    this.lastError = sinkError.message;
    if (sinkError.unclear) this.needsRecovery = true;
    if (sinkError.retryable) {
      this.activity('retryable', batch, durationMs, sinkError.message);
      this.hooks.onFailure?.('retryable');
      const waitMs = this.backoff(sinkError.retryAfterMs);
      this.consecutiveFailures++;
      this.log.warn(
        { err: sinkError.message, waitMs, records: batch.length },
        'upstream unavailable; backing off',
      );
      return { kind: 'failed', waitMs };
    }
    if (batch.length > 1) {
      // Which record is bad? Send this batch's records one at a time until it shows.
      this.isolateThrough = batch[batch.length - 1]?.outboxId ?? null;
      this.activity('permanent', batch, durationMs, `${sinkError.message}; sending one record at a time`);
      this.hooks.onFailure?.('permanent');
      return { kind: 'failed', waitMs: 0 };
    }
    const row = batch[0];
    if (row) {
      const status = this.outbox.recordFailure(
        row.outboxId,
        sinkError.message,
        true,
        this.options.maxPermanentFailures,
      );
      this.activity(status === 'dead' ? 'dead' : 'permanent', [row], durationMs, sinkError.message);
      this.hooks.onFailure?.(status === 'dead' ? 'dead' : 'permanent');
      if (this.progress) this.progress.failed++;
      if (status === 'dead') {
        this.log.error(
          { outboxId: row.outboxId, id: row.record.id, err: sinkError.message },
          'record moved to dead letters',
        );
      }
    }
    this.consecutiveFailures++;
    return { kind: 'failed', waitMs: this.backoff() };
  }

  private trackBacklog(batchLength: number): void {
    if (!this.progress && batchLength < this.options.batchSize) return;
    const nowMs = this.options.now().getTime();
    const pending = this.outbox.pendingCount();
    if (!this.progress) {
      this.progress = {
        startedAt: new Date(nowMs).toISOString(),
        startedMs: nowMs,
        processed: 0,
        failed: 0,
        total: pending,
        eventsPerSecond: 0,
        secondsLeft: null,
      };
    }
    const p = this.progress;
    p.total = p.processed + pending;
    Object.assign(p, drainRate(p.processed, pending, p.startedMs, nowMs));
  }

  private activity(
    outcome: Activity['outcome'],
    rows: readonly OutboxRecord[],
    durationMs: number,
    message: string | null,
  ): void {
    this.outbox.log(
      {
        sink: this.sink.kind,
        outcome,
        records: rows.length,
        firstOutboxId: rows[0]?.outboxId ?? null,
        lastOutboxId: rows[rows.length - 1]?.outboxId ?? null,
        durationMs,
        message,
      },
      this.nowIso(),
    );
  }

  private nowIso(): string {
    return this.options.now().toISOString();
  }
}
