/**
 * @module The exceptions inbox as the console shows it (SPEC SV-27, SV-28): a page of problems from
 * GET /supervisor/exceptions with the filters (applied by the server), "show more" by the server's
 * `next` cursor, refetched when the live stream reports a conflict, a parked event or a problem
 * changing (and once a minute: an event parked long enough becomes a problem by time alone), never
 * patched from the changes. A supervisor's action leaves its outcome on the row (a resolved one stays
 * in view, under "just now", though the list of open ones no longer has it); a 409 says who got there
 * first. The audit log is fetched when its tab is opened and refetched with the list.
 */
import type {
  AuditEntry,
  Problem,
  ProblemAction,
  ProblemKind,
  ResolveAction,
} from '../../../shared/exceptions-api';
import { REASON_MAX, REASON_MIN } from '../../../shared/exceptions-api';
import { MAX_PAGE_LIMIT } from '../../../shared/supervisor-api';
import { Model } from '../../state/model';
import type { ActionAnswer, InboxApi, InboxFilters, Refusal } from '../api/inbox';
import { DEFAULT_INBOX_FILTERS } from '../api/inbox';
import type { LiveClock } from './live-model';
import { systemClock } from './live-model';
import { Refetch } from './refetch';

export const INBOX_PAGE = 50;
export const INBOX_REFRESH_MS = 500;
export const INBOX_RETRY_MS = 3000;
/** Durations on screen and parked events crossing PARKED_ALERT_MINUTES: a fetch this often anyway. */
export const INBOX_TICK_MS = 60_000;

export type InboxTab = 'problems' | 'audit';

/** What happened to a problem this supervisor acted on, shown on its row. */
export type Notice =
  | { kind: 'done'; action: ProblemAction; problem: Problem }
  /** 409: someone else had it (acknowledged) or it was resolved meanwhile. */
  | { kind: 'taken'; action: ProblemAction; refusal: Refusal }
  /** Any other refusal or no answer: the server's message when it gave one. */
  | { kind: 'failed'; action: ProblemAction; status: number; message: string | null };

export interface AuditState {
  entries: AuditEntry[] | null;
  next: string | null;
  failed: boolean;
  loadingMore: boolean;
}

export interface InboxState {
  tab: InboxTab;
  filters: InboxFilters;
  problems: Problem[] | null;
  next: string | null;
  parkedAlertMinutes: number | null;
  failed: boolean;
  loadingMore: boolean;
  /** Problems (problemKey) with an action on its way. */
  busy: ReadonlySet<string>;
  notices: ReadonlyMap<string, Notice>;
  /** Problems acted on that the list may no longer hold (resolved ones): kept in view with their notice. */
  recent: readonly Problem[];
  audit: AuditState;
  /** The time durations are counted to (the last fetch or tick). */
  now: number;
}

export const problemKey = (p: { kind: ProblemKind; id: number }): string => `${p.kind}:${p.id}`;

/** A resolution's reason as the server checks it (SV-23): null when it will do. */
export function reasonProblem(text: string): 'short' | 'long' | null {
  const length = text.trim().length;
  if (length < REASON_MIN) return 'short';
  if (length > REASON_MAX) return 'long';
  return null;
}

/** The row the list shows now: the list's own copy, or the one an action answered with. */
export function rowsJustNow(state: InboxState): Problem[] {
  const listed = new Set((state.problems ?? []).map(problemKey));
  return state.recent.filter((p) => !listed.has(problemKey(p)));
}

function upsert(list: readonly Problem[], problem: Problem): Problem[] {
  const key = problemKey(problem);
  return [problem, ...list.filter((p) => problemKey(p) !== key)];
}

/** The new page, with the held rows the server no longer lists put back where they were. */
export function keepHeld(
  before: readonly Problem[],
  page: readonly Problem[],
  held: ReadonlySet<string>,
): Problem[] {
  const rows = [...page];
  const listed = new Set(page.map(problemKey));
  before.forEach((p, index) => {
    if (held.has(problemKey(p)) && !listed.has(problemKey(p)))
      rows.splice(Math.min(index, rows.length), 0, p);
  });
  return rows;
}

export class InboxModel extends Model<InboxState> {
  private readonly refetch: Refetch;
  private readonly auditRefetch: Refetch;
  private generation = 0;
  private tick: unknown = null;
  /** Rows with a reason being typed: a refetch keeps them in place (the supervisor finds out on sending). */
  private readonly held = new Set<string>();

  constructor(
    private readonly api: InboxApi,
    private readonly unauthorized: () => void,
    private readonly clock: LiveClock = systemClock,
  ) {
    super({
      tab: 'problems',
      filters: DEFAULT_INBOX_FILTERS,
      problems: null,
      next: null,
      parkedAlertMinutes: null,
      failed: false,
      loadingMore: false,
      busy: new Set(),
      notices: new Map(),
      recent: [],
      audit: { entries: null, next: null, failed: false, loadingMore: false },
      now: clock.now(),
    });
    this.refetch = new Refetch(() => this.fetchProblems(), INBOX_REFRESH_MS, clock);
    this.auditRefetch = new Refetch(() => this.fetchAudit(), INBOX_REFRESH_MS, clock);
  }

  load(): Promise<void> {
    this.scheduleTick();
    return this.refetch.run();
  }

  /** The live stream reported a change the inbox shows: fetch again (throttled). */
  refresh(): void {
    this.refetch.request();
    if (this.get().audit.entries !== null || this.get().tab === 'audit') this.auditRefetch.request();
  }

  stop(): void {
    this.refetch.stop();
    this.auditRefetch.stop();
    if (this.tick !== null) this.clock.clearTimeout(this.tick);
    this.tick = null;
    this.generation += 1;
  }

  setFilters(filters: InboxFilters): Promise<void> {
    this.generation += 1;
    this.patch({ filters, problems: null, next: null, failed: false });
    return this.refetch.run();
  }

  showTab(tab: InboxTab): Promise<void> {
    this.patch({ tab });
    return tab === 'audit' && this.get().audit.entries === null ? this.auditRefetch.run() : Promise.resolve();
  }

  /** The next page after the last one shown (the server's `next` cursor). */
  async showMore(): Promise<void> {
    const { next, filters, loadingMore } = this.get();
    if (next === null || loadingMore) return;
    const generation = this.generation;
    this.patch({ loadingMore: true });
    const answer = await this.api.problems(filters, next, INBOX_PAGE);
    if (generation !== this.generation) return;
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      return this.patch({ loadingMore: false, failed: true });
    }
    const shown = this.get().problems ?? [];
    const known = new Set(shown.map(problemKey));
    this.patch({
      problems: [...shown, ...answer.value.problems.filter((p) => !known.has(problemKey(p)))],
      next: answer.value.next,
      loadingMore: false,
      failed: false,
    });
  }

  async showMoreAudit(): Promise<void> {
    const { audit } = this.get();
    if (audit.next === null || audit.loadingMore) return;
    this.patch({ audit: { ...audit, loadingMore: true } });
    const answer = await this.api.audit(audit.next, INBOX_PAGE);
    const now = this.get().audit;
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      return this.patch({ audit: { ...now, loadingMore: false, failed: true } });
    }
    const known = new Set((now.entries ?? []).map((e) => e.id));
    const entries = [...(now.entries ?? []), ...answer.value.entries.filter((e) => !known.has(e.id))];
    this.patch({ audit: { entries, next: answer.value.next, failed: false, loadingMore: false } });
  }

  /** "I'm on it" (SV-22). */
  acknowledge(problem: Problem): Promise<boolean> {
    return this.act(problem, 'acknowledge', () => this.api.acknowledge(problem.kind, problem.id));
  }

  /** Apply anyway, discard or send again, with a reason (SV-23); false when it did not happen. */
  resolve(problem: Problem, action: ResolveAction, reason: string): Promise<boolean> {
    if (reasonProblem(reason) !== null) return Promise.resolve(false);
    this.release(problem);
    return this.act(problem, action, () =>
      this.api.resolve(problem.kind, problem.id, { action, reason: reason.trim() }),
    );
  }

  /** A reason is being typed on this row: it stays where it is until sent or cancelled. */
  hold(problem: { kind: ProblemKind; id: number }): void {
    this.held.add(problemKey(problem));
  }

  release(problem: { kind: ProblemKind; id: number }): void {
    this.held.delete(problemKey(problem));
  }

  /** Forgets what was shown about a problem acted on (its row leaves "just now"). */
  dismiss(problem: Problem): void {
    const key = problemKey(problem);
    const notices = new Map(this.get().notices);
    notices.delete(key);
    this.patch({ notices, recent: this.get().recent.filter((p) => problemKey(p) !== key) });
  }

  private async act(
    problem: Problem,
    action: ProblemAction,
    send: () => Promise<ActionAnswer>,
  ): Promise<boolean> {
    const key = problemKey(problem);
    if (this.get().busy.has(key)) return false;
    this.patch({ busy: new Set([...this.get().busy, key]) });
    const answer = await send();
    const state = this.get();
    const busy = new Set(state.busy);
    busy.delete(key);
    const notices = new Map(state.notices);
    if (answer.ok) {
      const after = answer.value.problem;
      notices.set(key, { kind: 'done', action, problem: after });
      this.patch({
        busy,
        notices,
        problems: state.problems?.map((p) => (problemKey(p) === key ? after : p)) ?? null,
        recent: after.state === 'resolved' ? upsert(state.recent, after) : state.recent,
      });
    } else if (answer.failure.status === 401) {
      this.patch({ busy });
      this.unauthorized();
      return false;
    } else if (answer.failure.status === 409 && answer.failure.refusal) {
      const refusal = answer.failure.refusal;
      notices.set(key, { kind: 'taken', action, refusal });
      // Resolved by someone else: the open list drops it; keep it in view with who did it.
      const recent = refusal.state === 'resolved' ? upsert(state.recent, problem) : state.recent;
      this.patch({ busy, notices, recent });
    } else {
      const message = answer.failure.refusal?.message ?? null;
      notices.set(key, { kind: 'failed', action, status: answer.failure.status, message });
      this.patch({ busy, notices });
    }
    // What the server holds now (and another console's view through the live stream).
    this.refresh();
    return answer.ok;
  }

  private scheduleTick(): void {
    if (this.tick !== null) return;
    this.tick = this.clock.setTimeout(() => {
      this.tick = null;
      this.refresh();
      this.scheduleTick();
    }, INBOX_TICK_MS);
  }

  private async fetchProblems(): Promise<void> {
    const generation = this.generation;
    const { filters, problems } = this.get();
    // A refetch keeps what "show more" added: as many as are shown, within one page of the server.
    const limit = Math.min(MAX_PAGE_LIMIT, Math.max(INBOX_PAGE, problems?.length ?? 0));
    const answer = await this.api.problems(filters, null, limit);
    if (generation !== this.generation) return;
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      this.patch({ failed: true, now: this.clock.now() });
      this.refetch.later(INBOX_RETRY_MS);
      return;
    }
    const { next, parkedAlertMinutes } = answer.value;
    const page = keepHeld(this.get().problems ?? [], answer.value.problems, this.held);
    this.patch({ problems: page, next, parkedAlertMinutes, failed: false, now: this.clock.now() });
  }

  private async fetchAudit(): Promise<void> {
    const { audit } = this.get();
    const limit = Math.min(MAX_PAGE_LIMIT, Math.max(INBOX_PAGE, audit.entries?.length ?? 0));
    const answer = await this.api.audit(null, limit);
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      this.patch({ audit: { ...this.get().audit, failed: true } });
      this.auditRefetch.later(INBOX_RETRY_MS);
      return;
    }
    const { entries, next } = answer.value;
    this.patch({ audit: { entries, next, failed: false, loadingMore: false } });
  }
}
