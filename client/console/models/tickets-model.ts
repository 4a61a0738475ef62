/**
 * @module The job tickets page (admin, SPEC DK-28, DK-29): the release form (piece: serials
 * generated from a prefix or pasted one per line; batch: a quantity and an optional code), checked
 * here for what the form alone can tell and then by the server, whose refusal is shown in words
 * beside the field it names; the answer's serials shown once released; the tickets newest first,
 * refetched when tokens move on the floor (their "done" counts) and a page more on demand.
 */
import type { TicketSummary } from '../../../shared/ticket-desk-api';
import type { ReleaseProblem, SerialPreview, TicketReleased } from '../../../shared/ticket-release';
import {
  MAX_SERIAL_LENGTH,
  MAX_SERIAL_PREFIX_LENGTH,
  MAX_PIECE_SERIALS,
  MAX_TICKET_QTY,
  defaultSerialPrefix,
  isPrintableSerial,
  readSerialLines,
  releaseProblemSchema,
  repeatedSerials,
  serialOf,
} from '../../../shared/ticket-release';
import { Model } from '../../state/model';
import type { Failure } from '../api';
import type { ReleaseRequest, RoutingChoice } from '../api/tickets';
import { fetchRoutingChoices, fetchTickets, previewSerials, releaseTicket } from '../api/tickets';
import type { ConsoleText } from '../i18n/en';
import type { LiveClock } from './live-model';
import { Refetch } from './refetch';

export const TICKETS_PAGE = 50;
/** At most one refetch of the list this often while tokens move. */
export const TICKETS_REFETCH_MS = 5_000;
export const TICKETS_RETRY_MS = 10_000;
/** The serials a prefix would give are asked for once typing pauses this long. */
export const PREVIEW_DELAY_MS = 300;
/** How many serials a refusal names in its sentence (the rest: "…"). */
const NAMED = 8;

export type Released = TicketReleased & { qty: number };

export type SerialSource = 'generate' | 'paste';

/** The form as typed: text, so that a half-typed quantity is kept as it is. */
export interface ReleaseForm {
  code: string;
  routing: string;
  /** '' for the latest version. */
  version: string;
  mode: 'piece' | 'batch';
  qty: string;
  product: string;
  source: SerialSource;
  prefix: string;
  pasted: string;
  batchCode: string;
}

export const EMPTY_FORM: ReleaseForm = {
  code: '',
  routing: '',
  version: '',
  mode: 'piece',
  qty: '',
  product: '',
  source: 'generate',
  prefix: '',
  pasted: '',
  batchCode: '',
};

export type FormField =
  'code' | 'routing' | 'routingVersion' | 'qty' | 'product' | 'serials' | 'serialPrefix' | 'batchCode';
/** Words per field the refusal names; `form` for what names none. */
export type Problems = Partial<Record<FormField | 'form', ConsoleText>>;

export interface TicketsState {
  form: ReleaseForm;
  routings: readonly RoutingChoice[] | null;
  routingsFailed: boolean;
  tickets: readonly TicketSummary[] | null;
  next: string | null;
  loadFailed: boolean;
  busy: boolean;
  /** The ticket just released, its serials and quantity (shown until dismissed or the next release). */
  released: Released | null;
  problems: Problems;
  /** The first and last serial the prefix would give now (piece mode, generated); null: not known. */
  preview: SerialPreview | null;
}

/** The prefix generated serials get: the one typed, else the ticket code and a dash. */
export function serialPrefixOf(form: ReleaseForm): string {
  return form.prefix.trim() || (form.code.trim() === '' ? '' : defaultSerialPrefix(form.code));
}

/** An example serial for the prefix hint. */
export function exampleSerial(form: ReleaseForm): string {
  return serialOf(serialPrefixOf(form) || 'BV-', 1);
}

/** What to ask the server for a preview of: generated serials and a sound quantity; else null. */
export function previewOf(form: ReleaseForm): { prefix: string; qty: number } | null {
  const prefix = serialPrefixOf(form);
  const qty = Number(form.qty.trim());
  const sound = /^\d+$/.test(form.qty.trim()) && qty >= 1 && qty <= MAX_PIECE_SERIALS;
  if (form.mode !== 'piece' || form.source !== 'generate' || prefix === '' || !sound) return null;
  if (prefix.length > MAX_SERIAL_PREFIX_LENGTH) return null;
  return { prefix, qty };
}

/** The serials pasted, as the server will read them. */
export const pastedSerials = (form: ReleaseForm): string[] => readSerialLines(form.pasted);

const named = (values: readonly string[]): string =>
  values.length > NAMED ? `${values.slice(0, NAMED).join(', ')}, …` : values.join(', ');

/** What the form alone can tell is wrong, or the request to send (pure). */
export function buildRelease(form: ReleaseForm): { request: ReleaseRequest } | { problems: Problems } {
  const problems: Problems = {};
  const code = form.code.trim();
  if (code === '' || code.length > 64) problems.code = (t) => t.tickets.needCode;
  if (form.routing === '') problems.routing = (t) => t.tickets.needRouting;
  const qty = Number(form.qty.trim());
  if (!/^\d+$/.test(form.qty.trim()) || qty < 1 || qty > MAX_TICKET_QTY)
    problems.qty = (t) => t.tickets.badQty;
  else if (form.mode === 'piece' && qty > MAX_PIECE_SERIALS)
    problems.qty = (t) => t.tickets.tooManySerials({ max: MAX_PIECE_SERIALS });
  const request: ReleaseRequest = { code, routing: form.routing, processMode: form.mode, qty };
  if (form.version !== '') request.routingVersion = Number(form.version);
  if (form.product.trim() !== '') request.product = form.product.trim();
  if (form.product.trim().length > 200) problems.product = (t) => t.tickets.badProduct;
  if (form.mode === 'batch') {
    const batchCode = form.batchCode.trim();
    if (batchCode.length > MAX_SERIAL_LENGTH) problems.batchCode = (t) => t.tickets.badBatchCode;
    if (batchCode !== '') request.batchCode = batchCode;
  } else if (form.source === 'generate') {
    const prefix = form.prefix.trim();
    if (prefix.length > MAX_SERIAL_PREFIX_LENGTH) problems.serialPrefix = (t) => t.tickets.badPrefix;
    if (prefix !== '') request.serialPrefix = prefix;
  } else {
    const serials = pastedSerials(form);
    request.serials = serials;
    const repeated = repeatedSerials(serials);
    const unprintable = serials.filter((s) => !isPrintableSerial(s));
    if (repeated.length > 0) problems.serials = (t) => t.tickets.serialsRepeated({ list: named(repeated) });
    else if (unprintable.length > 0)
      problems.serials = (t) => t.tickets.serialsUnprintable({ list: named(unprintable) });
    else if (serials.some((s) => s.length > MAX_SERIAL_LENGTH))
      problems.serials = (t) => t.tickets.badSerials;
    else if (!problems.qty && serials.length !== qty)
      problems.serials = (t) => t.tickets.serialsCount({ n: serials.length, qty });
  }
  return Object.keys(problems).length > 0 ? { problems } : { request };
}

/** The words for one problem the server named (pure). */
function wordsFor(problem: ReleaseProblem, request: ReleaseRequest): ConsoleText | null {
  const values = problem.values ?? [];
  switch (problem.path) {
    case 'code':
      return (t) => t.tickets.needCode;
    case 'routing':
      return (t) => t.tickets.unknownRouting({ routing: request.routing });
    case 'routingVersion':
      return (t) => t.tickets.unknownVersion({ routing: request.routing });
    case 'qty':
      return (t) => t.tickets.badQty;
    case 'product':
      return (t) => t.tickets.badProduct;
    case 'serialPrefix':
      return (t) => t.tickets.badPrefix;
    case 'batchCode':
      return problem.reason === 'in-use'
        ? (t) => t.tickets.batchCodeInUse({ code: values[0] ?? '' })
        : (t) => t.tickets.badBatchCode;
    case 'serials':
      if (problem.reason === 'in-use')
        return (t) => t.tickets.serialsInUse({ n: values.length, list: named(values) });
      if (problem.reason === 'repeated') return (t) => t.tickets.serialsRepeated({ list: named(values) });
      if (problem.reason === 'unprintable')
        return (t) => t.tickets.serialsUnprintable({ list: named(values) });
      if (problem.reason === 'count')
        return (t) => t.tickets.serialsCount({ n: request.serials?.length ?? 0, qty: request.qty });
      return (t) => t.tickets.badSerials;
    default:
      return null;
  }
}

/** The words for a refused release, by the field the answer names (pure). */
export function refusalProblems(failure: Failure, request: ReleaseRequest): Problems {
  if (failure.status === 409) return { code: (t) => t.tickets.codeInUse({ code: request.code }) };
  if (failure.status === 403) return { form: (t) => t.tickets.adminOnly };
  if (failure.status !== 400) return { form: (t) => t.tickets.unreachable };
  const error = (failure.body as { error?: { message?: unknown; details?: unknown } } | undefined)?.error;
  const problems: Problems = {};
  for (const detail of Array.isArray(error?.details) ? error.details : []) {
    const parsed = releaseProblemSchema.safeParse(detail);
    if (!parsed.success) continue;
    const words = wordsFor(parsed.data, request);
    const field = parsed.data.path as FormField;
    // The first problem a field has is the one said beside it.
    if (words && problems[field] === undefined) problems[field] = words;
  }
  if (Object.keys(problems).length > 0) return problems;
  const message = typeof error?.message === 'string' ? error.message : '';
  return { form: (t) => t.tickets.refused({ message }) };
}

/** The fields a form change touches, whose problems it clears. */
const FIELD_OF: Record<keyof ReleaseForm, FormField[]> = {
  code: ['code', 'serialPrefix', 'batchCode'],
  routing: ['routing', 'routingVersion'],
  version: ['routingVersion'],
  mode: ['serials', 'serialPrefix', 'batchCode'],
  qty: ['qty', 'serials'],
  product: ['product'],
  source: ['serials', 'serialPrefix'],
  prefix: ['serialPrefix', 'serials'],
  pasted: ['serials'],
  batchCode: ['batchCode'],
};

export class TicketsModel extends Model<TicketsState> {
  private stopped = false;
  private readonly refetch: Refetch;
  private routingsTimer: unknown = null;
  private previewTimer: unknown = null;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    private readonly clock: LiveClock,
  ) {
    super({
      form: EMPTY_FORM,
      routings: null,
      routingsFailed: false,
      tickets: null,
      next: null,
      loadFailed: false,
      busy: false,
      released: null,
      problems: {},
      preview: null,
    });
    this.refetch = new Refetch(() => this.loadTickets(), TICKETS_REFETCH_MS, clock);
  }

  async load(): Promise<void> {
    await Promise.all([this.loadTickets(), this.loadRoutings()]);
  }

  /** Tokens moved (or the stream came back): the list again, at most every few seconds. */
  changed(): void {
    if (!this.stopped) this.refetch.request();
  }

  stop(): void {
    this.stopped = true;
    this.refetch.stop();
    if (this.routingsTimer !== null) this.clock.clearTimeout(this.routingsTimer);
    if (this.previewTimer !== null) this.clock.clearTimeout(this.previewTimer);
  }

  /** Asks for the serials the form would give, once typing pauses; an answer for an older form is dropped. */
  private schedulePreview(): void {
    if (this.previewTimer !== null) this.clock.clearTimeout(this.previewTimer);
    this.previewTimer = null;
    const wanted = previewOf(this.get().form);
    const current = this.get().preview;
    if (!wanted) return this.patch({ preview: null });
    if (current && (current.prefix !== wanted.prefix || current.qty !== wanted.qty))
      this.patch({ preview: null });
    this.previewTimer = this.clock.setTimeout(() => {
      this.previewTimer = null;
      void previewSerials(this.fetcher, wanted.prefix, wanted.qty).then((answer) => {
        const now = previewOf(this.get().form);
        if (this.stopped || !answer.ok || now?.prefix !== wanted.prefix || now.qty !== wanted.qty) return;
        this.patch({ preview: answer.value });
      });
    }, PREVIEW_DELAY_MS);
  }

  private async loadTickets(): Promise<void> {
    // As many as are shown, so that a refetch keeps the older pages opened.
    const limit = Math.min(500, Math.max(TICKETS_PAGE, this.get().tickets?.length ?? 0));
    const answer = await fetchTickets(this.fetcher, limit);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok) {
      this.patch({ loadFailed: true });
      this.refetch.later(TICKETS_RETRY_MS);
      return;
    }
    this.patch({ tickets: answer.value.tickets, next: answer.value.next, loadFailed: false });
  }

  private async loadRoutings(): Promise<void> {
    this.routingsTimer = null;
    const answer = await fetchRoutingChoices(this.fetcher);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok) {
      this.patch({ routingsFailed: true });
      this.routingsTimer = this.clock.setTimeout(() => void this.loadRoutings(), TICKETS_RETRY_MS);
      return;
    }
    const routings = answer.value;
    const { form } = this.get();
    // One routing only: chosen already.
    const only = routings.length === 1 && form.routing === '' ? { routing: routings[0]?.code ?? '' } : {};
    this.patch({ routings, routingsFailed: false, form: { ...form, ...only } });
  }

  async more(): Promise<void> {
    const { next, tickets } = this.get();
    if (next === null) return;
    const answer = await fetchTickets(this.fetcher, TICKETS_PAGE, next);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok) return this.patch({ loadFailed: true });
    this.patch({ tickets: [...(tickets ?? []), ...answer.value.tickets], next: answer.value.next });
  }

  edit(changes: Partial<ReleaseForm>): void {
    const { form, problems } = this.get();
    const next = { ...form, ...changes };
    if (changes.routing !== undefined && changes.routing !== form.routing) next.version = '';
    const cleared: Problems = { ...problems };
    for (const key of Object.keys(changes) as (keyof ReleaseForm)[]) {
      for (const field of FIELD_OF[key]) delete cleared[field];
    }
    delete cleared.form;
    this.patch({ form: next, problems: cleared });
    this.schedulePreview();
  }

  async release(): Promise<boolean> {
    const built = buildRelease(this.get().form);
    if ('problems' in built) {
      this.patch({ problems: built.problems, released: null });
      return false;
    }
    this.patch({ busy: true, problems: {}, released: null });
    const answer = await releaseTicket(this.fetcher, built.request);
    if (this.stopped) return false;
    if (!answer.ok && answer.failure.status === 401) return (this.unauthorized(), false);
    if (!answer.ok) {
      this.patch({ busy: false, problems: refusalProblems(answer.failure, built.request) });
      return false;
    }
    const { form } = this.get();
    // The next ticket likely goes on the same routing, mode and prefix: only what is its own is cleared.
    this.patch({
      busy: false,
      released: { ...answer.value, qty: built.request.qty },
      form: { ...form, code: '', pasted: '', batchCode: '', product: '' },
    });
    // The counter moved on: what the prefix gives next changed.
    this.schedulePreview();
    await this.loadTickets();
    return true;
  }

  dismissReleased(): void {
    this.patch({ released: null });
  }
}
