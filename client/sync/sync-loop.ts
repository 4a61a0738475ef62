/**
 * @module The station's sync loop: it owns the schedule of the push engine. It tries every 5 s
 * when the engine's backoff allows (SY-4), and at once on start, after an action, on coming online
 * and on "Sync now" (SY-5); one tab at a time (SY-6); after a drain that delivered everything it
 * pulls the snapshot delta, settles the local view, tells the other tabs and pulls the upstream
 * states (SY-7); a failed pull is its visible problem (SY-8). Clock, online signal, lock and channel
 * come in as small interfaces (sync-ports.ts), the station's side as a delegate.
 *
 *   start / action / online / Sync now ──▶ attempt
 *   every 5 s ──▶ backoff over? ─no─▶ (nothing)
 *                      └─yes─▶ attempt
 *   attempt ─▶ lock free? ─no─▶ (the tab holding it delivers)
 *                  └─yes─▶ drain ─done─▶ pull snapshot ─▶ delivered ─▶ tell tabs ─▶ pull upstream
 *                            └─failed / blocked─▶ (the engine waits)
 *           ─▶ show the outbox ─▶ reached the server? ─yes─▶ heartbeat (when changed or due)
 *   every 30 s, while the server answers ──▶ heartbeat (when due)
 *
 * The heartbeat (heartbeat.ts, SV-40) goes beside the pushes, never in their way: it is not
 * awaited and its failures stay its own.
 */
import type { StationResult } from '../net/station-fetch';
import { describeProblem } from '../net/station-fetch';
import { Model } from '../state/model';
import { HEARTBEAT_INTERVAL_MS } from '../../shared/station-api';
import type { StationReporter } from './heartbeat';
import type { DrainResult, SyncStatus } from './push-engine';
import type { LoopClock, OnlineSignal, TabChannel, TabLock } from './sync-ports';

/** How often the loop tries on its own (it also tries after each action and when online). */
export const SYNC_INTERVAL_MS = 5000;

/** What the loop drives: the push engine (push-engine.ts) in the app. */
export interface Drainer {
  drain(): Promise<DrainResult>;
  get(): SyncStatus;
  subscribe(listener: (status: SyncStatus) => void): () => void;
}

/** The station's side of a sync (the station view in the app, fakes in tests). */
export interface SyncStation {
  /** Pulls the snapshot delta since the cached cursor and keeps it. */
  pullSnapshot(): Promise<StationResult<unknown>>;
  /** Asks which delivered events reached the upstream, and marks them. */
  pullUpstream(): Promise<StationResult<unknown>>;
  /** Everything queued was delivered: what the screen predicted for it can go. */
  delivered(): Promise<void>;
  /** Reads the outbox's figures again (after every attempt). */
  showOutbox(): Promise<void>;
  /** Another tab changed the outbox or the cached snapshot. */
  changedElsewhere(): Promise<void>;
}

export interface SyncLoopDeps {
  engine: Drainer;
  station: SyncStation;
  clock: LoopClock;
  online: OnlineSignal;
  lock: TabLock;
  channel: TabChannel;
  /** Where problems are logged (the console by default). */
  log?: Pick<Console, 'warn' | 'error'>;
  /** The station's heartbeat (heartbeat.ts); none: the loop only syncs. */
  reporter?: StationReporter;
}

export interface SyncLoopState {
  online: boolean;
  /** The push engine's status. */
  push: SyncStatus;
  /** Why the last pull (snapshot or upstream states) failed; null once pulls go through (SY-8). */
  problem: string | null;
  /**
   * The last exchange with the edge server (a push, or the pulls after an empty drain) got no
   * answer at all: with the browser online, the server is unreachable rather than the tablet offline.
   */
  noAnswer: boolean;
}

/** What the status band shows, most urgent first. */
export type Connection = 'offline' | 'blocked' | 'unreachable' | 'syncing' | 'online';

export function connectionOf(state: Pick<SyncLoopState, 'online' | 'push' | 'noAnswer'>): Connection {
  if (!state.online) return 'offline';
  if (state.push.state === 'blocked') return 'blocked';
  // While unreachable, each retry is "syncing" until its timeout: the band keeps saying unreachable.
  if (state.noAnswer) return 'unreachable';
  return state.push.state === 'syncing' ? 'syncing' : 'online';
}

export class SyncLoop extends Model<SyncLoopState> {
  constructor(private readonly deps: SyncLoopDeps) {
    super({ online: deps.online.isOnline(), push: deps.engine.get(), problem: null, noAnswer: false });
  }

  /** Starts the schedule with an attempt at once; returns the function that stops it. */
  start(): () => void {
    const { engine, clock, online, channel, station } = this.deps;
    const stops = [
      engine.subscribe((push) => this.patch({ push })),
      clock.every(SYNC_INTERVAL_MS, () => void this.attempt('when-due')),
      online.subscribe((isOnline) => {
        this.patch({ online: isOnline });
        this.deps.reporter?.reachable(this.reachable());
        if (isOnline) void this.attempt('now');
      }),
      channel.subscribe(() => void this.guard(() => station.changedElsewhere())),
      clock.every(HEARTBEAT_INTERVAL_MS, () => {
        if (this.reachable()) void this.deps.reporter?.tick();
      }),
    ];
    void this.attempt('now');
    return () => {
      for (const stop of stops) stop();
    };
  }

  /** The operator's "Sync now": at once, whatever the backoff (SY-5). */
  syncNow(): Promise<void> {
    return this.attempt('now');
  }

  /** Something was recorded (or recorded again, or discarded) here: the other tabs hear of it, and it goes at once. */
  outboxChanged(): Promise<void> {
    this.deps.channel.post();
    return this.attempt('now');
  }

  private async attempt(when: 'now' | 'when-due'): Promise<void> {
    const { engine, lock, station, clock } = this.deps;
    const due = engine.get().nextAttemptAt;
    if (when === 'when-due' && due !== null && Date.parse(due) > clock.now()) return;
    let ran = false;
    await this.guard(async () => {
      ran = await lock.runIfFree(() => this.drainAndPull());
      await station.showOutbox();
    });
    // Only the tab that synced reports, and only when the server answered.
    this.deps.reporter?.reachable(this.reachable());
    if (ran && this.reachable()) void this.deps.reporter?.afterSync();
  }

  /** Online, the last exchange got an answer, and the credential still holds. */
  private reachable(): boolean {
    const state = this.get();
    return state.online && !state.noAnswer && state.push.state !== 'blocked';
  }

  private async drainAndPull(): Promise<void> {
    const { engine, station, channel } = this.deps;
    const result = await engine.drain();
    if (result.kind !== 'done') {
      this.patch({ noAnswer: result.kind === 'failed' && engine.get().lastProblem?.kind === 'network' });
      return;
    }
    const snapshot = await station.pullSnapshot();
    await station.delivered();
    channel.post();
    const upstream = await station.pullUpstream();
    const failed = [
      snapshot.ok ? null : `the snapshot: ${describeProblem(snapshot.problem)}`,
      upstream.ok ? null : `the upstream states: ${describeProblem(upstream.problem)}`,
    ].filter((text) => text !== null);
    const problem = failed.length > 0 ? `Could not pull ${failed.join('; ')}` : null;
    if (problem !== null && problem !== this.get().problem)
      // Safe to go on: the cached snapshot and the outbox stay as they were; the next attempt pulls again.
      (this.deps.log ?? console).warn(`sync: ${problem}`);
    const unanswered = (pulled: StationResult<unknown>) => !pulled.ok && pulled.problem.kind === 'network';
    this.patch({ problem, noAnswer: unanswered(snapshot) || unanswered(upstream) });
  }

  /**
   * The loop never stops on a failure it did not expect (IndexedDB refusing a read, a bug): it is
   * reported, shown as the problem, and the next attempt goes ahead as usual.
   */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      (this.deps.log ?? console).error('sync: an attempt failed unexpectedly', error);
      this.patch({
        problem: `Sync failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
