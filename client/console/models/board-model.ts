/**
 * @module The floor board as the console shows it: fetched from GET /supervisor/board with the
 * filters (applied by the server), refetched when the live stream reports changes, at most once
 * per REFRESH_MS (the board is read from figures kept as events are applied, so a fetch is cheap,
 * and refetching keeps one source of truth rather than patching figures here). Cards keep a stable
 * order (routing, then column, then lane), and a card whose figures changed is highlighted briefly.
 * Beside the figures, how complete they are (SV-6): what stations still hold unsent, and which
 * stations are not reporting.
 */
import type { Board, BoardNode } from '../../../shared/supervisor-api';
import { Model } from '../../state/model';
import type { BoardFilters, ConsoleApi } from '../api';
import { NO_FILTERS } from '../api';
import type { LiveClock } from './live-model';
import { Refetch } from './refetch';
import { systemClock } from './live-model';

export const REFRESH_MS = 300;
export const HIGHLIGHT_MS = 2000;
export const RETRY_MS = 3000;
/** On a quiet floor the board still ages (waits, elapsed times, the hour's work): asked again this often. */
export const BOARD_STALE_MS = 60_000;
/** A little after a station crosses the quiet threshold, so the server sees it crossed. */
export const QUIET_SLACK_MS = 500;

/** What stations still hold unsent (SV-6), and who cannot say. Null: not known yet. */
export interface Unsent {
  /** Stations whose last report held unsent events, and how many events in all. */
  stations: number;
  events: number;
  /** Stations not heard from within the quiet threshold, and stations never heard from. */
  quiet: number;
  never: number;
}

/** SV-6: the board's completeness as the notice words it. */
export function unsentOf(board: Board): Unsent {
  const c = board.completeness;
  return {
    stations: c.stationsWithUnsent,
    events: c.unsentEvents,
    quiet: c.stationsQuiet,
    never: c.stationsNeverReported,
  };
}

export interface BoardState {
  board: Board | null;
  filters: BoardFilters;
  failed: boolean;
  /** Keys (nodeKey) of cards whose figures just changed. */
  highlighted: ReadonlySet<string>;
  /** Every routing and work center seen, for the filter lists (a filtered board names fewer). */
  routings: readonly { code: string; name: string }[];
  workCenters: readonly string[];
  unsent: Unsent | null;
}

export function nodeKey(routing: { code: string; version: number }, node: { code: string }): string {
  return `${routing.code}@${routing.version}/${node.code}`;
}

/** SV-1: routings by code and version, nodes by column then lane: the same board, the same places. */
export function orderBoard(board: Board): Board {
  const routings = [...board.routings]
    .sort((a, b) => a.code.localeCompare(b.code) || a.version - b.version)
    .map((r) => ({
      ...r,
      nodes: [...r.nodes].sort(
        (a, b) => a.depth - b.depth || a.lane - b.lane || a.code.localeCompare(b.code),
      ),
    }));
  return { ...board, routings };
}

/** What a supervisor reads on a card: a change in any of these highlights it. */
function figures(n: BoardNode): string {
  return [
    n.ready,
    n.active,
    n.paused,
    n.waiting,
    n.oldestSince,
    n.doneThisHour.units,
    n.doneThisShift.units,
    n.starved,
    n.blocked,
    n.activeTokens.map((a) => `${a.code}:${a.operator}`).join(','),
  ].join('|');
}

/** The cards whose figures differ between two boards (a card that appears counts as changed). */
export function changedCards(before: Board, after: Board): Set<string> {
  const old = new Map<string, string>();
  for (const r of before.routings) for (const n of r.nodes) old.set(nodeKey(r, n), figures(n));
  const changed = new Set<string>();
  for (const r of after.routings)
    for (const n of r.nodes) if (old.get(nodeKey(r, n)) !== figures(n)) changed.add(nodeKey(r, n));
  return changed;
}

function merge<T>(known: readonly T[], found: readonly T[], same: (a: T, b: T) => boolean): T[] {
  return [...known, ...found.filter((f) => !known.some((k) => same(k, f)))];
}

export class BoardModel extends Model<BoardState> {
  private readonly refetch: Refetch;
  private generation = 0;
  private readonly highlightUntil = new Map<string, number>();
  private highlightTimer: unknown = null;
  /** Fetches again when the next reporting station would turn quiet (no change reports that). */
  private quietTimer: unknown = null;

  constructor(
    private readonly api: ConsoleApi,
    private readonly unauthorized: () => void,
    private readonly clock: LiveClock = systemClock,
  ) {
    super({
      board: null,
      filters: NO_FILTERS,
      failed: false,
      highlighted: new Set(),
      routings: [],
      workCenters: [],
      unsent: null,
    });
    this.refetch = new Refetch(() => this.fetchBoard(), REFRESH_MS, clock, { staleAfterMs: BOARD_STALE_MS });
  }

  /** New filters: the board is fetched at once, without highlights (it is another board). */
  setFilters(filters: BoardFilters): Promise<void> {
    this.generation += 1;
    this.patch({ filters, board: null });
    return this.load();
  }

  /** A change was reported: fetch again, at most once per REFRESH_MS, never two at a time. */
  refresh(): void {
    this.refetch.request();
  }

  stop(): void {
    this.refetch.stop();
    if (this.highlightTimer !== null) this.clock.clearTimeout(this.highlightTimer);
    this.highlightTimer = null;
    this.clearQuietTimer();
    this.generation += 1;
  }

  load(): Promise<void> {
    return this.refetch.run();
  }

  private async fetchBoard(): Promise<void> {
    const generation = this.generation;
    const answer = await this.api.board(this.get().filters);
    if (generation !== this.generation) return; // filters changed meanwhile: that load wins
    if (!answer.ok) {
      const on = { unauthorized: this.unauthorized, failed: () => this.patch({ failed: true }) };
      return this.refetch.failed(answer.failure.status, on, RETRY_MS);
    }
    this.show(orderBoard(answer.value));
  }

  private show(board: Board): void {
    const before = this.get().board;
    if (before)
      for (const key of changedCards(before, board))
        this.highlightUntil.set(key, this.clock.now() + HIGHLIGHT_MS);
    const state = this.get();
    this.set({
      ...state,
      board,
      failed: false,
      highlighted: new Set(this.highlightUntil.keys()),
      routings: merge(
        state.routings,
        board.routings.map((r) => ({ code: r.code, name: r.name })),
        (a, b) => a.code === b.code,
      ),
      workCenters: merge(
        state.workCenters,
        board.routings.flatMap((r) => r.nodes.flatMap((n) => (n.workCenter ? [n.workCenter] : []))),
        (a, b) => a === b,
      ),
      unsent: unsentOf(board),
    });
    this.scheduleUnhighlight();
    this.scheduleQuietCheck(board);
  }

  private clearQuietTimer(): void {
    if (this.quietTimer !== null) this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  /**
   * SV-6: a station going quiet is no change in the stream (it is silence), so the board asks
   * again when the next reporting station would cross the threshold; a contact meanwhile is a
   * change, which refetches, and the timer is set anew.
   */
  private scheduleQuietCheck(board: Board): void {
    this.clearQuietTimer();
    const at = board.completeness.nextQuietAt;
    if (at === null) return;
    // Measured from the server's clock: the console's may be off.
    const wait = Date.parse(at) - Date.parse(board.generatedAt);
    this.quietTimer = this.clock.setTimeout(
      () => {
        this.quietTimer = null;
        this.refresh();
      },
      Math.max(0, wait) + QUIET_SLACK_MS,
    );
  }

  private scheduleUnhighlight(): void {
    if (this.highlightTimer !== null || this.highlightUntil.size === 0) return;
    const next = Math.min(...this.highlightUntil.values());
    this.highlightTimer = this.clock.setTimeout(
      () => {
        this.highlightTimer = null;
        const now = this.clock.now();
        for (const [key, until] of this.highlightUntil) if (until <= now) this.highlightUntil.delete(key);
        this.patch({ highlighted: new Set(this.highlightUntil.keys()) });
        this.scheduleUnhighlight();
      },
      Math.max(0, next - this.clock.now()),
    );
  }
}
