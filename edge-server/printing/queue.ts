/**
 * @module The print queue runner (SPEC DK-52 … DK-54): sends queued jobs to their printers, one at
 * a time per printer and printers side by side, so a printer that hangs holds only its own jobs
 * (and each wait is bounded: transport.ts). A failed attempt is tried again with backoff
 * (shared/backoff.ts) and its printer's other queued jobs wait with it; after `maxAttempts` the
 * job is failed with the reason. Started and stopped with the server, like the forwarder.
 *
 *   queued ──sent──▶ sent
 *     │ an attempt fails: attempts+1, next_attempt_at = now + backoff, last_error = why
 *     └── attempts = maxAttempts ──▶ failed (the console's "retry" queues it again)
 *
 * A job being sent when the server stops stays queued and is sent again at the next start: a
 * label printed twice is better than one never printed (the operator sees both).
 */
import type Database from 'better-sqlite3';
import type { PrinterState } from '../../shared/printing-api';
import { backoffDelay } from '../../shared/backoff';
import type { Logger } from '../logger';
import type { SendOutcome, TransportTimeouts } from './transport';
import { sendLabel } from './transport';

export interface PrintQueueSettings extends TransportTimeouts {
  /** Attempts of one job before it is failed. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often the queue looks for due jobs when nothing woke it. */
  idleMs: number;
  random: () => number;
}

export const DEFAULT_PRINT_QUEUE_SETTINGS: PrintQueueSettings = {
  connectMs: 3000,
  statusMs: 1500,
  sendMs: 15_000,
  maxAttempts: 5,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
  idleMs: 5000,
  random: Math.random,
};

interface DueJob {
  id: number;
  zpl: string;
  attempts: number;
  host: string;
  port: number;
}

export class PrintQueue {
  private settings: PrintQueueSettings;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private abort = new AbortController();
  /** Printers being sent to now, by id, with their worker. */
  private readonly busy = new Map<number, Promise<void>>();
  /** Printers whose last worker failed to write its outcome: not tried again before this time (ms). */
  private readonly heldUntil = new Map<number, number>();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => Date,
    private readonly log: Logger,
    settings: Partial<PrintQueueSettings> = {},
  ) {
    this.settings = { ...DEFAULT_PRINT_QUEUE_SETTINGS, ...settings };
  }

  /** Changes timeouts and retry settings (tests shorten them); takes effect from the next attempt. */
  configure(settings: Partial<PrintQueueSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.schedule(0);
  }

  /** Stops looking, drops the connections in progress (their jobs stay queued), waits for the workers. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.all([...this.busy.values()]);
  }

  /** Jobs were queued (or a printer enabled): look now. */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms));
    this.timer.unref();
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /** Starts a worker for each printer with due jobs and none running; sleeps until the next is due. */
  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    let nextDue: string | null = null;
    try {
      const now = this.now();
      const printers = this.db
        .prepare(
          `SELECT DISTINCT j.printer_id FROM print_job j JOIN label_printer p ON p.id = j.printer_id
           WHERE j.state = 'queued' AND j.next_attempt_at <= ? AND p.enabled = 1 AND p.retired_at IS NULL`,
        )
        .pluck()
        .all(now) as number[];
      const nowMs = this.clock().getTime();
      for (const id of printers) {
        if (this.busy.has(id) || (this.heldUntil.get(id) ?? 0) > nowMs) continue;
        this.heldUntil.delete(id);
        this.startWorker(id);
      }
      nextDue = this.db
        .prepare(
          `SELECT MIN(j.next_attempt_at) FROM print_job j JOIN label_printer p ON p.id = j.printer_id
           WHERE j.state = 'queued' AND j.next_attempt_at > ? AND p.enabled = 1 AND p.retired_at IS NULL`,
        )
        .pluck()
        .get(now) as string | null;
    } catch (error) {
      this.log.error({ err: error }, 'print queue: could not read the queue');
    }
    const dueIn = nextDue === null ? Infinity : Date.parse(nextDue) - this.clock().getTime();
    this.schedule(Math.min(this.settings.idleMs, dueIn));
  }

  private startWorker(printerId: number): void {
    const worker = this.drain(printerId)
      .then(
        () => this.wake(),
        (error: unknown) => {
          // The outcome could not be written (a full disk, a lock held too long): the job is still
          // queued, so the printer waits the longest backoff before it is tried again, rather than
          // being sent the same label over and over.
          this.log.error({ err: error, printerId }, 'print queue: a printer’s worker failed');
          this.heldUntil.set(printerId, this.clock().getTime() + this.settings.backoffMaxMs);
        },
      )
      .finally(() => this.busy.delete(printerId));
    this.busy.set(printerId, worker);
  }

  /** Sends this printer's due jobs one after the other until none is due. */
  private async drain(printerId: number): Promise<void> {
    const next = this.db.prepare(
      `SELECT j.id, j.zpl, j.attempts, p.host, p.port FROM print_job j JOIN label_printer p ON p.id = j.printer_id
       WHERE j.printer_id = ? AND j.state = 'queued' AND j.next_attempt_at <= ? AND p.enabled = 1
         AND p.retired_at IS NULL
       ORDER BY j.next_attempt_at, j.id LIMIT 1`,
    );
    while (this.running) {
      const job = next.get(printerId, this.now()) as DueJob | undefined;
      if (!job) return;
      const { connectMs, statusMs, sendMs } = this.settings;
      const outcome = await sendLabel(
        job.host,
        job.port,
        job.zpl,
        { connectMs, statusMs, sendMs },
        this.abort.signal,
      );
      // Stopping: the database may be closing; the job stays queued.
      if (!this.running || outcome.kind === 'aborted') return;
      this.record(printerId, job, outcome);
    }
  }

  /** Writes an attempt's outcome on the job and its printer's status. */
  private record(printerId: number, job: DueJob, outcome: Exclude<SendOutcome, { kind: 'aborted' }>): void {
    const now = this.now();
    const attempts = job.attempts + 1;
    const printerStatus = (state: PrinterState, problems: string, message: string | null) =>
      this.db
        .prepare(
          'UPDATE label_printer SET status_state = ?, status_problems = ?, status_message = ?, status_at = ? WHERE id = ?',
        )
        .run(state, problems, message, now, printerId);
    this.db
      .transaction(() => {
        if (outcome.kind === 'sent') {
          this.db
            .prepare(
              `UPDATE print_job SET state = 'sent', attempts = ?, sent_at = ?, next_attempt_at = NULL
             WHERE id = ? AND state = 'queued'`,
            )
            .run(attempts, now, job.id);
          printerStatus(outcome.status, '', null);
          return;
        }
        const problems = outcome.kind === 'printer-status' ? outcome.problems.join(',') : '';
        const code = outcome.kind === 'printer-status' ? 'printer-status' : outcome.code;
        const gaveUp = attempts >= this.settings.maxAttempts;
        const wait = backoffDelay(
          attempts - 1,
          { baseMs: this.settings.backoffBaseMs, maxMs: this.settings.backoffMaxMs },
          this.settings.random(),
        );
        const retryAt = new Date(this.clock().getTime() + wait).toISOString();
        this.db
          .prepare(
            `UPDATE print_job SET state = ?, attempts = ?, next_attempt_at = ?, error_code = ?,
             error_problems = ?, last_error = ? WHERE id = ? AND state = 'queued'`,
          )
          .run(
            gaveUp ? 'failed' : 'queued',
            attempts,
            gaveUp ? null : retryAt,
            code,
            problems,
            outcome.message,
            job.id,
          );
        // The printer backs off as a whole: its other queued jobs do not hammer it meanwhile.
        this.db
          .prepare(
            `UPDATE print_job SET next_attempt_at = ? WHERE printer_id = ? AND state = 'queued' AND id != ?
             AND next_attempt_at < ?`,
          )
          .run(retryAt, printerId, job.id, retryAt);
        printerStatus(
          outcome.kind === 'printer-status' ? 'problem' : 'unreachable',
          problems,
          outcome.message,
        );
        this.log.warn(
          { job: job.id, attempts, gaveUp, err: outcome.message },
          gaveUp ? 'print job failed' : 'print attempt failed; retrying',
        );
      })
      .immediate();
  }
}
