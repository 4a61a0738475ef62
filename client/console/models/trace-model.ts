/**
 * @module The trace page's state (SPEC SV-36 … SV-39): one text, looked up as a serial, a ticket and
 * a component serial at once (SV-30). What matches the text exactly is opened on the page: a
 * serial's trace (header, genealogy, timeline), a ticket's serials, a component serial's recall;
 * what only begins with it is listed as links. Nothing found is said in words, as is an empty
 * recall. The trace and the recall are fetched again (through Refetch) when the live stream reports
 * a change to a serial on the page, so a timeline grows while it is watched.
 */
import type { LiveChange } from '../../../shared/live-api';
import type { RecallRow, SerialTrace, TimelineEvent, TraceSearch } from '../../../shared/trace-api';
import { Model } from '../../state/model';
import type { Recall, TraceApi } from '../api/trace';
import type { LiveClock } from './live-model';
import { systemClock } from './live-model';
import { Refetch } from './refetch';

/** Live changes to a serial on the page refetch it at most this often. */
export const TRACE_REFRESH_MS = 1000;
/** Rows of a timeline drawn on the page; the exports carry every event. */
export const TIMELINE_SHOWN = 500;

export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; value: T }
  /** status 0: no answer; 404: gone (a serial). */
  | { kind: 'failed'; status: number };

export interface RecallState {
  component: string;
  /** Unfinished tokens too (the server's `all`). */
  all: boolean;
  result: Loaded<Recall>;
}

/** Which family member's events the timeline shows: every one, or one (null: the serial itself). */
export type PartFilter = { all: true } | { all: false; branch: string | null };
export const ALL_PARTS: PartFilter = { all: true };

export type TraceState =
  | { kind: 'empty' }
  | { kind: 'searching'; query: string }
  | { kind: 'failed'; query: string; status: number }
  | { kind: 'not-found'; query: string }
  | {
      kind: 'found';
      query: string;
      search: TraceSearch;
      /** The serial the text names exactly, else null. */
      serial: Loaded<SerialTrace> | null;
      part: PartFilter;
      /** The component serial the text names exactly, else null. */
      recall: RecallState | null;
    };

export type FoundState = Extract<TraceState, { kind: 'found' }>;

/** The search text of a route parameter: trimmed; nothing is no search. */
export function queryOf(param: string | null): string | null {
  const text = (param ?? '').trim();
  return text === '' ? null : text;
}

export function exactSerial(search: TraceSearch): string | null {
  return search.serials.find((s) => s.exact)?.code ?? null;
}

export function exactComponent(search: TraceSearch): string | null {
  return search.components.find((c) => c.exact)?.componentSerial ?? null;
}

/** The events of one part (or all), and how many there are before the page's limit. */
export function eventsOf(
  events: readonly TimelineEvent[],
  part: PartFilter,
): { shown: TimelineEvent[]; total: number } {
  const mine = part.all ? events : events.filter((e) => e.branch === part.branch);
  return { shown: mine.slice(0, TIMELINE_SHOWN), total: mine.length };
}

/** The serials a recall answer names: a change to any of them may change the recall. */
function recallSerials(recall: RecallState | null): string[] {
  if (recall?.result.kind !== 'ready') return [];
  return recall.result.value.tokens.map((r: RecallRow) => r.serial);
}

export class TraceModel extends Model<TraceState> {
  private generation = 0;
  private readonly refetch: Refetch;

  constructor(
    private readonly api: TraceApi,
    private readonly unauthorized: () => void,
    private readonly clock: LiveClock = systemClock,
  ) {
    super({ kind: 'empty' });
    this.refetch = new Refetch(() => this.reloadOpen(), TRACE_REFRESH_MS, this.clock);
  }

  /** Looks the text up (the route's parameter) and opens what it names exactly. */
  async open(param: string | null): Promise<void> {
    this.generation += 1;
    const generation = this.generation;
    const query = queryOf(param);
    if (query === null) return this.set({ kind: 'empty' });
    this.set({ kind: 'searching', query });
    const answer = await this.api.search(query);
    if (generation !== this.generation) return;
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      return this.set({ kind: 'failed', query, status: answer.failure.status });
    }
    const search = answer.value;
    if (search.code === 'TRACE_NOT_FOUND') return this.set({ kind: 'not-found', query });
    const serial = exactSerial(search);
    const component = exactComponent(search);
    this.set({
      kind: 'found',
      query,
      search,
      serial: serial === null ? null : { kind: 'loading' },
      part: ALL_PARTS,
      recall: component === null ? null : { component, all: false, result: { kind: 'loading' } },
    });
    await Promise.all([this.loadSerial(generation), this.loadRecall(generation)]);
  }

  /** Shows the unfinished tokens too, or the finished ones only (SV-33's `all`). */
  async showAll(all: boolean): Promise<void> {
    const state = this.found();
    if (!state?.recall || state.recall.all === all) return;
    this.set({ ...state, recall: { ...state.recall, all, result: { kind: 'loading' } } });
    await this.loadRecall(this.generation);
  }

  showPart(part: PartFilter): void {
    const state = this.found();
    if (state) this.set({ ...state, part });
  }

  /** Live changes: refetch when one concerns a serial on the page (a reload: refetch anyway). */
  changed(changes: readonly LiveChange[] | 'reload'): void {
    const state = this.found();
    if (!state) return;
    const serial = state.serial?.kind === 'ready' ? state.serial.value.serial.code : null;
    const watched = new Set([
      ...(serial === null ? [] : [serial]),
      ...recallSerials(state.recall),
      ...(state.recall ? state.search.components.map((c) => c.serial) : []),
    ]);
    if (changes === 'reload' || changes.some((c) => c.code !== null && watched.has(c.code)))
      this.refetch.request();
  }

  stop(): void {
    this.generation += 1;
    this.refetch.stop();
  }

  private found(): FoundState | null {
    const state = this.get();
    return state.kind === 'found' ? state : null;
  }

  /** A refetch keeps what is shown until the new answer is in (no flash of "loading"). */
  private async reloadOpen(): Promise<void> {
    const generation = this.generation;
    await Promise.all([this.loadSerial(generation, true), this.loadRecall(generation, true)]);
  }

  private async loadSerial(generation: number, quiet = false): Promise<void> {
    const state = this.found();
    const code = state ? exactSerial(state.search) : null;
    if (code === null) return;
    const answer = await this.api.serial(code);
    const now = this.found();
    if (generation !== this.generation || !now) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok && quiet && now.serial?.kind === 'ready') return; // keep the last trace shown
    this.set({
      ...now,
      serial: answer.ok
        ? { kind: 'ready', value: answer.value }
        : { kind: 'failed', status: answer.failure.status },
    });
  }

  private async loadRecall(generation: number, quiet = false): Promise<void> {
    const recall = this.found()?.recall;
    if (!recall) return;
    const { component, all } = recall;
    const answer = await this.api.recall(component, all);
    const now = this.found();
    if (generation !== this.generation || !now?.recall || now.recall.all !== all) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    if (!answer.ok && quiet && now.recall.result.kind === 'ready') return;
    this.set({
      ...now,
      recall: {
        ...now.recall,
        result: answer.ok
          ? { kind: 'ready', value: answer.value }
          : { kind: 'failed', status: answer.failure.status },
      },
    });
  }
}
