/**
 * @module Station health as the console shows it (SPEC SV-44 … SV-47): fetched from GET
 * /supervisor/stations, refetched when the live stream reports station contact (a push or a
 * heartbeat), at most once per REFRESH_MS. Going quiet is silence, not a change, so a clock ticks
 * every TICK_MS and each station's time since contact grows from the answer's figure: a station
 * turns grey "not reporting" once it passes the answer's threshold (quietAfterSeconds), without a
 * reload, measured on the server's clock (the console's may be off). Stations needing attention
 * come first, then those reporting, those never heard from, and revoked ones; by name within each.
 */
import type { StationHealth, StationsHealth, StationState } from '../../../shared/supervisor-api';
import { Model } from '../../state/model';
import type { Answer } from '../api';
import type { LiveClock } from './live-model';
import { systemClock } from './live-model';
import { Refetch } from './refetch';

export const REFRESH_MS = 500;
export const TICK_MS = 5000;
export const RETRY_MS = 3000;

/** One station as the page shows it now. */
export interface StationView {
  health: StationHealth;
  /** Its state now (the answer's, moved on by the time since the answer). */
  state: StationState;
  /** Seconds since its last contact, now; null: never. */
  secondsSinceContact: number | null;
  /** Why it needs attention (none: it is fine or unknown). */
  problems: StationProblem[];
}

export type StationProblem = 'quiet' | 'refused' | 'gaps' | 'skew' | 'stale-unsent';

export interface StationsState {
  answer: StationsHealth | null;
  /** The clock (console's) when the answer arrived, and now: the difference ages the answer. */
  receivedAt: number;
  now: number;
  failed: boolean;
}

/** A station reporting unsent events older than this needs attention (it is not getting them out). */
export const STALE_UNSENT_SECONDS = 10 * 60;

/** What needs attention on a station, in the order the card tells it. */
export function problemsOf(health: StationHealth, state: StationState, serverNow: number): StationProblem[] {
  if (health.revoked) return [];
  const problems: StationProblem[] = [];
  if (state === 'quiet') problems.push('quiet');
  const report = health.report;
  if (
    report !== null &&
    report.pending > 0 &&
    report.oldestPendingAt !== null &&
    serverNow - Date.parse(report.oldestPendingAt) > STALE_UNSENT_SECONDS * 1000
  )
    problems.push('stale-unsent');
  if (report !== null && report.refusedCount > 0) problems.push('refused');
  if (health.seqGaps.length > 0) problems.push('gaps');
  if (health.clockSkewFlagged) problems.push('skew');
  return problems;
}

/** Sort rank: attention first, then reporting, never heard from, revoked. */
function rank(view: StationView): number {
  if (view.health.revoked) return 3;
  if (view.problems.length > 0) return 0;
  return view.state === 'never' ? 2 : 1;
}

/** The stations as they stand at `now`, in the page's order. */
export function stationViews(state: StationsState): StationView[] {
  const { answer } = state;
  if (answer === null) return [];
  const aged = Math.max(0, state.now - state.receivedAt) / 1000;
  const serverNow = Date.parse(answer.generatedAt) + aged * 1000;
  return answer.stations
    .map((health) => {
      const seconds = health.secondsSinceContact === null ? null : health.secondsSinceContact + aged;
      const current: StationState =
        seconds === null ? 'never' : seconds > answer.quietAfterSeconds ? 'quiet' : 'reporting';
      return {
        health,
        state: current,
        secondsSinceContact: seconds === null ? null : Math.floor(seconds),
        problems: problemsOf(health, current, serverNow),
      };
    })
    .sort((a, b) => rank(a) - rank(b) || a.health.name.localeCompare(b.health.name));
}

export class StationsModel extends Model<StationsState> {
  private readonly refetch: Refetch;
  private ticker: unknown = null;
  private stopped = false;

  constructor(
    private readonly fetchStations: () => Promise<Answer<StationsHealth>>,
    private readonly unauthorized: () => void,
    private readonly clock: LiveClock = systemClock,
  ) {
    super({ answer: null, receivedAt: clock.now(), now: clock.now(), failed: false });
    this.refetch = new Refetch(() => this.fetchNow(), REFRESH_MS, clock);
  }

  /** The first fetch, and the clock's ticks. */
  load(): Promise<void> {
    this.stopped = false;
    this.tick();
    return this.refetch.run();
  }

  /** A station made contact (or the stream came back): fetch again, throttled. */
  refresh(): void {
    this.refetch.request();
  }

  stop(): void {
    this.stopped = true;
    this.refetch.stop();
    if (this.ticker !== null) this.clock.clearTimeout(this.ticker);
    this.ticker = null;
  }

  private tick(): void {
    if (this.ticker !== null) this.clock.clearTimeout(this.ticker);
    this.ticker = this.clock.setTimeout(() => {
      this.ticker = null;
      if (this.stopped) return;
      this.patch({ now: this.clock.now() });
      this.tick();
    }, TICK_MS);
  }

  private async fetchNow(): Promise<void> {
    const answer = await this.fetchStations();
    if (this.stopped) return;
    if (!answer.ok) {
      const on = { unauthorized: this.unauthorized, failed: () => this.patch({ failed: true }) };
      return this.refetch.failed(answer.failure.status, on, RETRY_MS);
    }
    const now = this.clock.now();
    this.set({ answer: answer.value, receivedAt: now, now, failed: false });
  }
}
