/**
 * @module The wall display's state (SPEC SV-62 … SV-66): it signs in with the secret of its link
 * (then drops it from the address), reads the board, follows the wall's live stream (refetching the
 * board on a change, as the console does), and rotates through the routings, one per screen, every
 * `rotateMs`. A 401 (revoked or unknown) stops everything: no more requests, a message in words.
 */
import { secretOfFragment, WALL_STREAM_PATH } from '../../../shared/display-api';
import type { Board } from '../../../shared/supervisor-api';
import { Model } from '../../state/model';
import { BOARD_STALE_MS, orderBoard } from '../models/board-model';
import type { LiveClock, OpenSource } from '../models/live-model';
import { LiveModel } from '../models/live-model';
import { Refetch } from '../models/refetch';
import type { WallApi, WallAnswer } from './wall-api';

export const DEFAULT_ROTATE_MS = 20_000;
/** Rotation bounds for ?rotate=<seconds>. */
export const MIN_ROTATE_S = 5;
export const MAX_ROTATE_S = 600;
/** At most one board fetch per this, however many changes arrive. */
export const WALL_REFRESH_MS = 500;
/** After a failed request (no answer, 5xx, 429 without Retry-After). */
export const WALL_RETRY_MS = 5_000;

export type WallState =
  | { kind: 'starting' }
  | { kind: 'refused'; reason: 'revoked' | 'unknown' }
  | {
      kind: 'showing';
      board: Board;
      /** Which routing is on screen (an index into board.routings, kept in range). */
      index: number;
      /** When it came on screen (the progress indicator runs from there). */
      shownAt: number;
      /** The last fetch failed: the figures are as of the board's generatedAt. */
      failed: boolean;
    };

/** The page's address, as far as the wall reads and changes it. */
export interface WallLocation {
  hash: string;
  search: string;
  pathname: string;
}
export interface WallHistory {
  replaceState(data: unknown, unused: string, url?: string): void;
}

/** ?rotate=<seconds> (5 to 600), else 20 s. */
export function rotateMsOf(search: string): number {
  const value = new URLSearchParams(search).get('rotate');
  const seconds = value === null || !/^\d{1,4}$/.test(value) ? NaN : Number(value);
  return seconds >= MIN_ROTATE_S && seconds <= MAX_ROTATE_S ? seconds * 1000 : DEFAULT_ROTATE_MS;
}

/** ?lang=en|th, else null (the stored choice, else Thai). */
export function languageOf(search: string): 'en' | 'th' | null {
  const value = new URLSearchParams(search).get('lang');
  return value === 'en' || value === 'th' ? value : null;
}

export class WallModel extends Model<WallState> {
  readonly live: LiveModel;
  private readonly refetch: Refetch;
  private rotation: unknown = null;
  private stopped = false;

  constructor(
    private readonly api: WallApi,
    openSource: OpenSource,
    private readonly clock: LiveClock,
    private readonly rotateMs: number = DEFAULT_ROTATE_MS,
  ) {
    super({ kind: 'starting' });
    this.refetch = new Refetch(() => this.fetchBoard(), WALL_REFRESH_MS, clock, {
      staleAfterMs: BOARD_STALE_MS,
    });
    this.live = new LiveModel(
      openSource,
      {
        changes: () => this.refetch.request(),
        reload: () => this.refetch.request(),
        // The browser gave up on the stream (revoked?): the board's answer says.
        closed: () => this.refetch.request(),
      },
      clock,
      WALL_STREAM_PATH,
    );
  }

  /** Signs in with the link's secret if the address has one (and drops it), then shows the board. */
  async start(location: WallLocation, history: WallHistory): Promise<void> {
    const secret = secretOfFragment(location.hash);
    if (secret !== null) {
      // The secret leaves the address at once: not in the history, not on the screen, not bookmarked.
      history.replaceState(null, '', `${location.pathname}${location.search}`);
      if (!(await this.signIn(secret))) return;
    }
    await this.refetch.run();
    const state = this.get();
    if (state.kind === 'showing') this.live.start(state.board.cursor);
  }

  stop(): void {
    this.stopped = true;
    this.live.stop();
    this.refetch.stop();
    if (this.rotation !== null) this.clock.clearTimeout(this.rotation);
    this.rotation = null;
  }

  private async signIn(secret: string): Promise<boolean> {
    for (;;) {
      const answer = await this.api.signIn(secret);
      if (this.stopped) return false;
      if (answer.ok) return true;
      if (this.refusedBy(answer)) return false;
      await new Promise<void>((done) => this.clock.setTimeout(done, retryMs(answer)));
      if (this.stopped) return false;
    }
  }

  /** A 401: the display is revoked or unknown; the wall stops asking. */
  private refusedBy(answer: WallAnswer<unknown>): boolean {
    if (answer.ok || answer.refused === null) return false;
    this.stop();
    this.set({ kind: 'refused', reason: answer.refused });
    return true;
  }

  private async fetchBoard(): Promise<void> {
    const answer = await this.api.board();
    if (this.stopped) return;
    if (!answer.ok) {
      if (this.refusedBy(answer)) return;
      const state = this.get();
      if (state.kind === 'showing') this.set({ ...state, failed: true });
      this.refetch.later(retryMs(answer));
      return;
    }
    const board = orderBoard(answer.value);
    const state = this.get();
    if (state.kind === 'showing') {
      // A routing that went away must not leave the index past the end.
      const index = board.routings.length === 0 ? 0 : state.index % board.routings.length;
      this.set({ ...state, board, index, failed: false });
    } else {
      this.set({ kind: 'showing', board, index: 0, shownAt: this.clock.now(), failed: false });
      this.scheduleRotation();
    }
  }

  private scheduleRotation(): void {
    this.rotation = this.clock.setTimeout(() => {
      this.rotation = null;
      const state = this.get();
      if (this.stopped || state.kind !== 'showing') return;
      const count = state.board.routings.length;
      const index = count === 0 ? 0 : (state.index + 1) % count;
      this.set({ ...state, index, shownAt: this.clock.now() });
      this.scheduleRotation();
    }, this.rotateMs);
  }
}

function retryMs(answer: WallAnswer<unknown>): number {
  return !answer.ok && answer.retryAfterSeconds !== null ? answer.retryAfterSeconds * 1000 : WALL_RETRY_MS;
}
