/**
 * @module The label printers page (admin, SPEC DK-50 … DK-63): the printers with their status and
 * the print queue, read together; read again every QUEUE_POLL_MS while a label waits (so a queued
 * label turns "sent" or "failed" on screen by itself), else every REFRESH_MS. Adding a printer,
 * disabling or removing one (after a confirmation), printing a ticket's labels (its serials read
 * first, all chosen), retrying a failed label and printing one again with a reason. Failures are
 * said in words; a 401 hands back to sign-in.
 */
import type {
  AddPrinterInput,
  PrintJob,
  PrintJobState,
  PrintLanguage,
  Printer,
} from '../../../shared/printing-api';
import type { TicketDetail } from '../../../shared/ticket-desk-api';
import { Model } from '../../state/model';
import type { Failure } from '../api';
import {
  addPrinter,
  changePrinter,
  fetchPrintJobs,
  fetchPrinters,
  fetchTicket,
  printLabels,
  reprintLabel,
  retirePrinter,
  retryPrintJob,
} from '../api/printers';
import type { ConsoleCatalogue, ConsoleText } from '../i18n/en';
import type { LiveClock } from './live-model';
import { Poll } from './poll';

/** While a label waits: how soon the queue is read again. */
export const QUEUE_POLL_MS = 2000;
/** Otherwise (a printer's status, someone else's prints). */
export const REFRESH_MS = 30_000;
export const JOBS_PAGE = 50;

export type JobFilter = 'all' | PrintJobState;

export interface PrintersState {
  printers: readonly Printer[] | null;
  jobs: readonly PrintJob[] | null;
  /** The cursor of the older jobs, null when there are none. */
  next: string | null;
  filter: JobFilter;
  loadFailed: boolean;
  busy: boolean;
  /** Why the last action did not happen. */
  problem: ConsoleText | null;
  /** What the last action did. */
  notice: ConsoleText | null;
  /** The printer whose removal waits for a confirmation. */
  confirmingRetire: string | null;
  /** The job whose reprint reason is being typed. */
  reprinting: number | null;
  /** The ticket whose labels are about to be printed, and which of its serials (all at first). */
  ticket: TicketDetail | null;
  chosen: readonly string[];
  ticketProblem: ConsoleText | null;
}

export interface PrintRequest {
  printer: string;
  ticket: string;
  language: PrintLanguage;
  gs1: boolean;
}

/** The fields a 400 names (the error body's details), pure. */
export function fieldsOf(failure: Failure): string[] {
  const body = failure.body as { error?: { details?: { path?: unknown }[] } } | undefined;
  const paths = (body?.error?.details ?? []).map((d) => (typeof d.path === 'string' ? d.path : ''));
  return [...new Set(paths.filter((p) => p !== ''))];
}

/** The error body's message, if any (the server's words, naming the field). */
export function messageOf(failure: Failure): string | null {
  const body = failure.body as { error?: { message?: unknown } } | undefined;
  return typeof body?.error?.message === 'string' ? body.error.message : null;
}

const FIELD_WORDS: Record<string, (t: ConsoleCatalogue) => string> = {
  name: (t) => t.printers.name,
  host: (t) => t.printers.host,
  port: (t) => t.printers.port,
  dpi: (t) => t.printers.resolution,
  labelWidthMm: (t) => t.printers.widthMm,
  labelHeightMm: (t) => t.printers.heightMm,
};

/** The words for a refused "add printer" (pure). */
export function addProblem(name: string, failure: Failure): ConsoleText {
  if (failure.status === 409) return (t) => t.printers.nameInUse({ name });
  if (failure.status === 400) {
    const fields = fieldsOf(failure);
    return (t) => t.printers.badInput({ fields: fields.map((f) => FIELD_WORDS[f]?.(t) ?? f).join(', ') });
  }
  return generalProblem(failure);
}

function generalProblem(failure: Failure): ConsoleText {
  if (failure.status === 403) return (t) => t.printers.adminOnly;
  if (failure.status === 0 || failure.status >= 500) return (t) => t.printers.unreachable;
  const message = messageOf(failure);
  return message ? (t) => t.printers.refused({ message }) : (t) => t.printers.actionFailed;
}

/** Whether a label still waits (the page then reads the queue again soon). */
export function anyWaiting(state: Pick<PrintersState, 'printers' | 'jobs'>): boolean {
  return (
    (state.jobs ?? []).some((j) => j.state === 'queued') || (state.printers ?? []).some((p) => p.queued > 0)
  );
}

export class PrintersModel extends Model<PrintersState> {
  private readonly poll: Poll;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    clock: LiveClock,
  ) {
    super({
      printers: null,
      jobs: null,
      next: null,
      filter: 'all',
      loadFailed: false,
      busy: false,
      problem: null,
      notice: null,
      confirmingRetire: null,
      reprinting: null,
      ticket: null,
      chosen: [],
      ticketProblem: null,
    });
    this.poll = new Poll(clock, () => this.load());
  }

  /** Reads the printers and the first page of the queue; schedules the next read. */
  async load(): Promise<void> {
    this.poll.starting();
    const filter = this.get().filter;
    const [printers, jobs] = await Promise.all([
      fetchPrinters(this.fetcher),
      fetchPrintJobs(this.fetcher, filter === 'all' ? null : filter, JOBS_PAGE),
    ]);
    if (this.poll.stopped) return;
    if ((!printers.ok && printers.failure.status === 401) || (!jobs.ok && jobs.failure.status === 401))
      return this.unauthorized();
    if (printers.ok && jobs.ok && filter === this.get().filter) {
      this.patch({
        printers: printers.value.printers,
        jobs: jobs.value.jobs,
        next: jobs.value.next,
        loadFailed: false,
      });
    } else if (!printers.ok || !jobs.ok) this.patch({ loadFailed: true });
    const wait = anyWaiting(this.get()) && !this.get().loadFailed ? QUEUE_POLL_MS : REFRESH_MS;
    this.poll.again(this.get().loadFailed ? QUEUE_POLL_MS * 5 : wait);
  }

  stop(): void {
    this.poll.stop();
  }

  /** Older jobs after the ones shown. */
  async more(): Promise<void> {
    const { next, filter, jobs } = this.get();
    if (next === null) return;
    const answer = await fetchPrintJobs(this.fetcher, filter === 'all' ? null : filter, JOBS_PAGE, next);
    if (!answer.ok) return this.failed(answer.failure);
    this.patch({ jobs: [...(jobs ?? []), ...answer.value.jobs], next: answer.value.next });
  }

  async setFilter(filter: JobFilter): Promise<void> {
    this.patch({ filter, jobs: null, next: null });
    await this.load();
  }

  async add(input: AddPrinterInput): Promise<boolean> {
    this.patch({ busy: true, problem: null, notice: null });
    const answer = await addPrinter(this.fetcher, input);
    if (!answer.ok && answer.failure.status === 401) return (this.unauthorized(), false);
    const name = input.name.trim();
    this.patch(
      answer.ok
        ? { busy: false, notice: (t) => t.printers.added({ name }) }
        : { busy: false, problem: addProblem(name, answer.failure) },
    );
    await this.load();
    return answer.ok;
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    this.patch({ busy: true, problem: null, notice: null });
    const answer = await changePrinter(this.fetcher, name, { enabled });
    if (!answer.ok) return this.failed(answer.failure);
    this.patch({ busy: false });
    await this.load();
  }

  askRetire(name: string): void {
    this.patch({ confirmingRetire: name, problem: null, notice: null });
  }

  cancelRetire(): void {
    this.patch({ confirmingRetire: null });
  }

  async retire(name: string): Promise<void> {
    this.patch({ busy: true, problem: null });
    const answer = await retirePrinter(this.fetcher, name);
    if (!answer.ok) return this.failed(answer.failure);
    this.patch({ busy: false, confirmingRetire: null });
    await this.load();
  }

  /** Reads a ticket's serials; all of them are chosen. */
  async findTicket(input: string): Promise<void> {
    const code = input.trim();
    if (code === '') return;
    this.patch({ busy: true, ticketProblem: null, ticket: null, chosen: [], notice: null, problem: null });
    const answer = await fetchTicket(this.fetcher, code);
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    this.patch(
      answer.ok
        ? { busy: false, ticket: answer.value, chosen: answer.value.serials }
        : {
            busy: false,
            ticketProblem:
              answer.failure.status === 404
                ? (t) => t.printers.ticketNotFound({ ticket: code })
                : generalProblem(answer.failure),
          },
    );
  }

  /** Chooses or leaves out one serial (`null`: all or none). */
  choose(serial: string | null, on: boolean): void {
    const { ticket, chosen } = this.get();
    if (!ticket) return;
    if (serial === null) return this.patch({ chosen: on ? ticket.serials : [] });
    const set = new Set(chosen);
    if (on) set.add(serial);
    else set.delete(serial);
    // Kept in the ticket's order: the labels print in it.
    this.patch({ chosen: ticket.serials.filter((s) => set.has(s)) });
  }

  /**
   * Prints labels: the chosen serials of the ticket read, or (its serials not read) all of the
   * ticket's, which the server finds itself.
   */
  async print(request: PrintRequest): Promise<boolean> {
    const { ticket, chosen } = this.get();
    const code = request.ticket.trim();
    const subset = ticket && ticket.ticket.code === code && chosen.length < ticket.serials.length;
    if (ticket && ticket.ticket.code === code && chosen.length === 0) {
      this.patch({ problem: (t) => t.printers.noneChosen, notice: null });
      return false;
    }
    this.patch({ busy: true, problem: null, notice: null });
    const answer = await printLabels(this.fetcher, {
      printer: request.printer,
      ticket: code,
      language: request.language,
      gs1: request.gs1,
      ...(subset ? { serials: [...chosen] } : {}),
    });
    if (!answer.ok && answer.failure.status === 401) return (this.unauthorized(), false);
    if (answer.ok) {
      const count = answer.value.jobs.length;
      this.patch({ busy: false, notice: (t) => t.printers.queued({ count, printer: request.printer }) });
    } else this.patch({ busy: false, problem: generalProblem(answer.failure) });
    await this.load();
    return answer.ok;
  }

  async retry(job: PrintJob): Promise<void> {
    this.patch({ busy: true, problem: null, notice: null });
    const answer = await retryPrintJob(this.fetcher, job.id);
    if (!answer.ok) return this.failed(answer.failure);
    this.patch({ busy: false, notice: (t) => t.printers.retried({ serial: job.serial }) });
    await this.load();
  }

  askReprint(id: number): void {
    this.patch({ reprinting: id, problem: null, notice: null });
  }

  cancelReprint(): void {
    this.patch({ reprinting: null });
  }

  async reprint(job: PrintJob, reason: string): Promise<boolean> {
    if (reason.trim() === '') {
      this.patch({ problem: (t) => t.printers.reasonNeeded });
      return false;
    }
    this.patch({ busy: true, problem: null, notice: null });
    const answer = await reprintLabel(this.fetcher, job.id, reason.trim());
    if (!answer.ok) return (await this.failed(answer.failure), false);
    this.patch({
      busy: false,
      reprinting: null,
      notice: (t) => t.printers.reprinted({ serial: job.serial }),
    });
    await this.load();
    return true;
  }

  private async failed(failure: Failure): Promise<void> {
    if (failure.status === 401) return this.unauthorized();
    this.patch({ busy: false, problem: generalProblem(failure) });
    await this.load();
  }
}
