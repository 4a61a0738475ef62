/**
 * @module The change feed behind the console's live stream: one reader of the change log for all
 * open streams. After a commit (poke(): the HTTP layer after every request that may have written,
 * the outbox signal, and a slow poll for writers in other processes) it reads the new changes
 * once, turns them into one SSE frame, encodes it once and hands the same bytes to every
 * subscriber, so a console more costs a socket write, not a query. A subscriber that stops
 * reading is cut off (it reconnects and replays from the log) rather than buffered without end.
 */
import type Database from 'better-sqlite3';
import type { LiveChange } from '../../shared/live-api';
import { LIVE_EVENTS } from '../../shared/live-api';
import { ChangeLog } from './change-log';

export interface LiveSettings {
  /** A `: heartbeat` comment this often (15 s): proxies and browsers keep the connection. */
  heartbeatMs: number;
  /** How often the log is read while streams are open, for writers no poke reaches (the CLI). */
  pollMs: number;
  /** A reconnect further behind than this many changes answers `resync` (reload is cheaper). */
  replayMax: number;
  /** At most this many changes per `changes` message. */
  batchMax: number;
  /** A subscriber with this many frames not yet taken by its socket is cut off. */
  maxPendingFrames: number;
  /** What EventSource waits before reconnecting (the `retry` field). */
  retryMs: number;
  /**
   * Fan-outs are at least this far apart: at hundreds of commits a second one frame per commit to
   * every console would take the thread from the stations' pushes; a few ms of delay costs nothing.
   */
  coalesceMs: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  heartbeatMs: 15_000,
  pollMs: 1_000,
  replayMax: 2_000,
  batchMax: 500,
  maxPendingFrames: 200,
  retryMs: 2_000,
  coalesceMs: 50,
};

/** Where a subscriber's frames go (an SSE response); write resolves when the socket took the frame. */
export interface LiveSink {
  write: (frame: Uint8Array) => Promise<unknown>;
  /** End the response (the feed closed it: slow reader, session ended, shutdown). */
  close: () => void;
}

/** The session a stream was opened with: it ends with it. */
export interface LiveSession {
  tokenHash: string;
  expiresAt: string;
  /**
   * Asked at each heartbeat: false ends the stream (a wall display revoked by another process,
   * the CLI, which no endSession() call reaches).
   */
  stillValid?: () => boolean;
}

interface Subscriber {
  sink: LiveSink;
  session: LiveSession | undefined;
  pending: number;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': heartbeat\n\n');

/** One SSE message, encoded (the data is one JSON line). */
export function sseFrame(event: string, id: number, data: unknown, retryMs?: number): Uint8Array {
  const retry = retryMs === undefined ? '' : `retry: ${retryMs}\n`;
  return encoder.encode(`${retry}event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class ChangeFeed {
  private readonly log: ChangeLog;
  private readonly subscribers = new Set<Subscriber>();
  /** Every change up to here was handed to every subscriber. */
  private fanned: number;
  private scheduled = false;
  private fanOutTimer: NodeJS.Timeout | null = null;
  private lastFanOut = -Infinity;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    db: Database.Database,
    private readonly clock: () => Date,
    readonly settings: LiveSettings = DEFAULT_LIVE_SETTINGS,
  ) {
    this.log = new ChangeLog(db);
    this.fanned = this.log.latest();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The cursor of the last committed change (a REST answer read now is at least this fresh). */
  cursor(): number {
    return this.log.latest();
  }

  /** Something may have been committed: fan it out soon (once however many pokes). */
  poke(): void {
    if (this.scheduled || this.subscribers.size === 0) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.fanOutTimer = null;
      this.lastFanOut = performance.now();
      this.catchUp();
    };
    const wait = this.lastFanOut + this.settings.coalesceMs - performance.now();
    if (wait <= 0) setImmediate(run);
    else this.fanOutTimer = setTimeout(run, wait);
  }

  /**
   * Opens a subscription: replays the changes after `after` (null: none, the stream starts now),
   * or says `resync` when they are no longer kept, then `ready`, then live changes. Synchronous up
   * to the subscription, so nothing committed in between is missed or sent twice. Returns the
   * unsubscribe function.
   */
  open(sink: LiveSink, after: number | null, session?: LiveSession): () => void {
    this.catchUp();
    const subscriber: Subscriber = { sink, session, pending: 0 };
    const latest = this.fanned;
    if (after !== null && after !== latest) {
      const replayable =
        after < latest && latest - after <= this.settings.replayMax && this.log.keepsAfter(after, latest);
      if (replayable) {
        for (let cursor = after; cursor < latest;) {
          const changes = this.log.after(cursor, Math.min(this.settings.batchMax, latest - cursor));
          if (changes.length === 0) break;
          cursor = changes[changes.length - 1]?.cursor ?? latest;
          this.send(subscriber, changesFrame(changes));
        }
      } else {
        this.send(subscriber, sseFrame(LIVE_EVENTS.resync, latest, { cursor: latest }));
      }
    }
    const ready = { cursor: latest, heartbeatMs: this.settings.heartbeatMs };
    this.send(subscriber, sseFrame(LIVE_EVENTS.ready, latest, ready, this.settings.retryMs));
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) this.startTimers();
    return () => this.remove(subscriber);
  }

  /** A session signed out: its streams end now. */
  endSession(tokenHash: string): void {
    for (const s of this.subscribers) if (s.session?.tokenHash === tokenHash) this.drop(s);
  }

  /** Shutdown: every stream ends (a server stop does not wait on them). */
  close(): void {
    for (const s of this.subscribers) this.drop(s);
    this.stopTimers();
    if (this.fanOutTimer !== null) clearTimeout(this.fanOutTimer);
    this.fanOutTimer = null;
    this.scheduled = false;
  }

  /** Reads what was committed since the last fan-out, once, and hands it to every subscriber. */
  private catchUp(): void {
    if (this.subscribers.size === 0) {
      this.fanned = this.log.latest();
      return;
    }
    const latest = this.log.latest();
    if (latest - this.fanned > this.settings.replayMax) {
      // A bulk change (an import by the CLI): a reload is cheaper than thousands of messages.
      this.broadcast(sseFrame(LIVE_EVENTS.resync, latest, { cursor: latest }));
      this.fanned = latest;
      return;
    }
    while (this.fanned < latest) {
      const changes = this.log.after(this.fanned, this.settings.batchMax);
      if (changes.length === 0) break;
      this.fanned = changes[changes.length - 1]?.cursor ?? latest;
      this.broadcast(changesFrame(changes));
    }
  }

  private broadcast(frame: Uint8Array): void {
    for (const s of this.subscribers) this.send(s, frame);
  }

  private send(subscriber: Subscriber, frame: Uint8Array): void {
    if (subscriber.pending >= this.settings.maxPendingFrames) {
      // It does not read: cut it off; its EventSource reconnects and replays from the log.
      this.drop(subscriber);
      return;
    }
    subscriber.pending += 1;
    void subscriber.sink.write(frame).finally(() => {
      subscriber.pending -= 1;
    });
  }

  private heartbeat(): void {
    const now = this.clock().toISOString();
    for (const s of this.subscribers) {
      if (s.session && (s.session.expiresAt <= now || s.session.stillValid?.() === false)) this.drop(s);
      else this.send(s, HEARTBEAT);
    }
  }

  private drop(subscriber: Subscriber): void {
    this.remove(subscriber);
    subscriber.sink.close();
  }

  private remove(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    if (this.subscribers.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    const heartbeat = setInterval(() => this.heartbeat(), this.settings.heartbeatMs);
    const poll = setInterval(() => this.catchUp(), this.settings.pollMs);
    heartbeat.unref();
    poll.unref();
    this.timers = [heartbeat, poll];
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }
}

function changesFrame(changes: readonly LiveChange[]): Uint8Array {
  const cursor = changes[changes.length - 1]?.cursor ?? 0;
  return sseFrame(LIVE_EVENTS.changes, cursor, { cursor, changes });
}
