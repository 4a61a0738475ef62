/**
 * @module The console's live stream (GET /api/v1/supervisor/stream, shared/live-api.ts): "Live"
 * with the time of the last change while it is up, "as of" the moment it dropped while it is down.
 * The browser's EventSource reconnects by itself with Last-Event-ID; when it gives up (readyState
 * CLOSED: an HTTP error, the server gone), a new one is opened with ?after=<last cursor> after a
 * pause, so no change is lost either way. The stream stays out of the service worker (client/sw.ts).
 */
import type { LiveChangesMessage } from '../../../shared/live-api';
import {
  LIVE_EVENTS,
  LIVE_STREAM_PATH,
  liveChangesMessageSchema,
  liveReadyMessageSchema,
  liveResyncMessageSchema,
} from '../../../shared/live-api';
import { Model } from '../../state/model';

/** What the model needs of an EventSource (the browser's, or a fake in tests). */
export interface LiveSource {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}
export type OpenSource = (url: string) => LiveSource;

export const EVENT_SOURCE_CLOSED = 2;
/** The pause before opening a new stream once the browser has given up on one. */
export const REOPEN_MS = 2000;

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'live'; lastChangeAt: number | null }
  | { kind: 'dropped'; asOf: number; lastChangeAt: number | null };

export interface LiveHandlers {
  /** Committed changes arrived (the board refetches). */
  changes(message: LiveChangesMessage): void;
  /** The stream is live again after a gap, or the server says reload everything. */
  reload(): void;
  /** The browser gave up on the stream (maybe the session ended): the app checks the session. */
  closed(): void;
}

export interface LiveClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: LiveClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function data(event: Event): unknown {
  try {
    return JSON.parse(String((event as MessageEvent).data));
  } catch {
    return null;
  }
}

export class LiveModel extends Model<LiveState> {
  private source: LiveSource | null = null;
  private cursor = 0;
  private reopen: unknown = null;
  private wasDropped = false;

  constructor(
    private readonly open: OpenSource,
    private readonly handlers: LiveHandlers,
    private readonly clock: LiveClock = systemClock,
    /** The stream's path: the console's, or the wall's (WALL_STREAM_PATH, the same messages). */
    private readonly path: string = LIVE_STREAM_PATH,
  ) {
    super({ kind: 'connecting' });
  }

  /** Opens the stream after `cursor` (the board's): no change between the two is missed. */
  start(cursor: number): void {
    this.stop();
    this.cursor = cursor;
    this.connect();
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    if (this.reopen !== null) this.clock.clearTimeout(this.reopen);
    this.reopen = null;
  }

  private lastChangeAt(): number | null {
    const state = this.get();
    return state.kind === 'connecting' ? null : state.lastChangeAt;
  }

  private connect(): void {
    const source = this.open(`${this.path}?after=${this.cursor}`);
    this.source = source;
    const mine = (run: (event: Event) => void) => (event: Event) => {
      if (this.source === source) run(event);
    };
    source.addEventListener(
      LIVE_EVENTS.ready,
      mine((event) => this.onReady(event)),
    );
    source.addEventListener(
      LIVE_EVENTS.changes,
      mine((event) => this.onChanges(event)),
    );
    source.addEventListener(
      LIVE_EVENTS.resync,
      mine((event) => this.onResync(event)),
    );
    source.addEventListener(
      'error',
      mine(() => this.onError(source)),
    );
  }

  private onReady(event: Event): void {
    const message = liveReadyMessageSchema.safeParse(data(event));
    if (message.success) this.cursor = Math.max(this.cursor, message.data.cursor);
    this.set({ kind: 'live', lastChangeAt: this.lastChangeAt() });
    // After a gap the replayed changes have refetched already; a reload costs one cheap query.
    if (this.wasDropped) this.handlers.reload();
    this.wasDropped = false;
  }

  private onChanges(event: Event): void {
    const message = liveChangesMessageSchema.safeParse(data(event));
    if (!message.success) return;
    this.cursor = Math.max(this.cursor, message.data.cursor);
    const state = this.get();
    const at = this.clock.now();
    this.set(state.kind === 'dropped' ? { ...state, lastChangeAt: at } : { kind: 'live', lastChangeAt: at });
    this.handlers.changes(message.data);
  }

  private onResync(event: Event): void {
    const message = liveResyncMessageSchema.safeParse(data(event));
    if (message.success) this.cursor = message.data.cursor;
    this.handlers.reload();
  }

  private onError(source: LiveSource): void {
    const state = this.get();
    if (state.kind !== 'dropped') {
      this.set({ kind: 'dropped', asOf: this.clock.now(), lastChangeAt: this.lastChangeAt() });
    }
    this.wasDropped = true;
    if (source.readyState !== EVENT_SOURCE_CLOSED) return; // the browser reconnects by itself
    source.close();
    this.source = null;
    this.reopen = this.clock.setTimeout(() => {
      this.reopen = null;
      this.connect();
    }, REOPEN_MS);
    this.handlers.closed();
  }
}
