/**
 * @module The shift figures as the console shows them (SPEC SV-56): fetched from GET
 * /supervisor/figures for a routing (or all) and a shift (or the one on now), refetched when the
 * live stream reports token changes, at most once per REFRESH_MS (figures per hour do not need
 * every change the second it happens, and WIP ageing moves with the clock anyway). Paging back
 * and forth between shifts; the routing list keeps every routing seen.
 */
import type { ShiftFigures } from '../../../shared/figures-api';
import { Model } from '../../state/model';
import type { FiguresApi, FiguresQuery } from '../api/figures';
import { CURRENT_SHIFT } from '../api/figures';
import type { LiveClock } from './live-model';
import { systemClock } from './live-model';
import { Refetch } from './refetch';

export const REFRESH_MS = 5000;
export const RETRY_MS = 5000;

export interface FiguresState {
  figures: ShiftFigures | null;
  query: FiguresQuery;
  failed: boolean;
  /** Every routing seen, for the filter (a filtered answer names one). */
  routings: readonly { code: string; name: string }[];
}

export class FiguresModel extends Model<FiguresState> {
  private readonly refetch: Refetch;
  private generation = 0;

  constructor(
    private readonly api: FiguresApi,
    private readonly unauthorized: () => void,
    clock: LiveClock = systemClock,
  ) {
    super({ figures: null, query: CURRENT_SHIFT, failed: false, routings: [] });
    this.refetch = new Refetch(() => this.fetchFigures(), REFRESH_MS, clock);
  }

  load(): Promise<void> {
    return this.refetch.run();
  }

  /** Tokens changed: fetch again, at most once per REFRESH_MS. */
  refresh(): void {
    this.refetch.request();
  }

  setRouting(routing: string | null): Promise<void> {
    return this.show({ ...this.get().query, routing });
  }

  /** The shift before the one shown. */
  previous(): Promise<void> {
    const f = this.get().figures;
    return f ? this.show({ ...this.get().query, shift: f.previousShiftStart }) : Promise.resolve();
  }

  /** The shift after the one shown (the one on now when that is the next). */
  next(): Promise<void> {
    const f = this.get().figures;
    if (!f || f.current) return Promise.resolve();
    return this.show({ ...this.get().query, shift: f.shiftEnd });
  }

  current(): Promise<void> {
    return this.show({ ...this.get().query, shift: null });
  }

  stop(): void {
    this.refetch.stop();
    this.generation += 1;
  }

  private show(query: FiguresQuery): Promise<void> {
    this.generation += 1;
    this.patch({ query, figures: null });
    return this.refetch.run();
  }

  private async fetchFigures(): Promise<void> {
    const generation = this.generation;
    const answer = await this.api.figures(this.get().query);
    if (generation !== this.generation) return; // another query meanwhile: its load wins
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      this.patch({ failed: true });
      this.refetch.later((answer.failure.retryAfterSeconds ?? 0) * 1000 || RETRY_MS);
      return;
    }
    const figures = answer.value;
    const known = this.get().routings;
    const found = figures.routings
      .filter((r) => !known.some((k) => k.code === r.code))
      .map((r) => ({ code: r.code, name: r.name }));
    // The shift asked for is the one on now: follow now from here (the next shift when it begins).
    const query = figures.current ? { ...this.get().query, shift: null } : this.get().query;
    this.patch({ figures, query, failed: false, routings: found.length > 0 ? [...known, ...found] : known });
  }
}
