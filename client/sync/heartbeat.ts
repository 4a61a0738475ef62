/**
 * @module The station's heartbeat (SPEC SV-40 … SV-43): what it holds unsent (how many, the oldest's
 * device time), what the server refused (the count, and the most recent refused events with their
 * reasons), its app version, storage use and quota, since when it has reached the server, and its
 * own clock, sent to POST /api/v1/station/heartbeat. The sync loop calls `afterSync()` after each
 * attempt that reached the server and `tick()` every 30 s while the server answers; a report goes
 * when it differs from the last one sent or the last one is 30 s old. A heartbeat that fails is
 * logged and forgotten: it never throws, never waits in the push's way, and the next one carries
 * everything again.
 */
import * as z from 'zod/mini';
import type { Heartbeat, HeartbeatAnswer, RefusedReport } from '../../shared/station-api';
import { HEARTBEAT_INTERVAL_MS, MAX_REFUSED_REPORTED, heartbeatAnswerSchema } from '../../shared/station-api';
import type { StationFetch, StationResult } from '../net/station-fetch';
import { describeProblem } from '../net/station-fetch';
import type { Outbox, StoredEntry } from '../outbox/outbox';

/** What a report reads of the outbox. */
export type HeartbeatOutbox = Pick<Outbox, 'pendingCount' | 'nextQueued' | 'refused'>;

export interface StorageFigures {
  usedBytes: number;
  quotaBytes: number;
}

/** POST /api/v1/station/heartbeat through the station's one fetch. */
export function heartbeatOver(
  stationFetch: StationFetch,
): (report: Heartbeat) => Promise<StationResult<HeartbeatAnswer>> {
  return (report) =>
    stationFetch({
      method: 'POST',
      path: '/api/v1/station/heartbeat',
      body: report,
      answer: heartbeatAnswerSchema,
    });
}

/** navigator.storage.estimate(), where the browser has it; null where it does not or fails. */
export function browserStorage(nav: Navigator | undefined): () => Promise<StorageFigures | null> {
  return async () => {
    try {
      if (!nav?.storage?.estimate) return null;
      const { usage, quota } = await nav.storage.estimate();
      return usage === undefined || quota === undefined ? null : { usedBytes: usage, quotaBytes: quota };
    } catch {
      return null;
    }
  };
}

/** At most `max` characters, never empty (the schema's bounds: a refusal's odd input still reports). */
function clip(text: string | null | undefined, max: number): string {
  const value = (text ?? '').slice(0, max);
  return value === '' ? '?' : value;
}

const isoTime = z.iso.datetime({ offset: true });

function isoOr(text: string, fallback: string): string {
  return isoTime.safeParse(text).success ? text : fallback;
}

/** One refused outbox entry as the heartbeat names it, within the schema's bounds. */
export function refusedReport(entry: StoredEntry): RefusedReport | null {
  const { state, event } = entry;
  if (state.kind !== 'refused') return null;
  return {
    id: clip(event.id, 64),
    type: clip(event.type, 40),
    code: clip(event.code, 128),
    nodeCode: event.nodeCode ? clip(event.nodeCode, 128) : null,
    reasonCode: clip(state.reason.code, 64),
    reason: state.reason.message.slice(0, 500),
    occurredAt: isoOr(event.occurredAt, state.at),
    at: state.at,
  };
}

export interface HeartbeatInput {
  outbox: HeartbeatOutbox;
  appVersion: string;
  storage: StorageFigures | null;
  onlineSince: string | null;
  now: Date;
}

/** The report, read from the outbox now. */
export async function buildHeartbeat(input: HeartbeatInput): Promise<Heartbeat> {
  const [pending, oldest, refused] = await Promise.all([
    input.outbox.pendingCount(),
    input.outbox.nextQueued(1),
    input.outbox.refused(),
  ]);
  // The most recent refused events (refused() is in seq order), and the whole count beside them.
  const recent = refused
    .slice(-MAX_REFUSED_REPORTED)
    .map(refusedReport)
    .filter((r) => r !== null);
  return {
    stationClock: input.now.toISOString(),
    appVersion: clip(input.appVersion, 64),
    pending,
    oldestPendingAt: pending > 0 ? (oldest[0]?.event.occurredAt ?? null) : null,
    refusedCount: refused.length,
    refused: recent,
    storage: input.storage,
    onlineSince: input.onlineSince,
  };
}

export interface HeartbeatDeps {
  outbox: HeartbeatOutbox;
  send: (report: Heartbeat) => Promise<StationResult<HeartbeatAnswer>>;
  appVersion: string;
  /** The browser's storage figures (browserStorage); none in tests. */
  storage?: () => Promise<StorageFigures | null>;
  now: () => number;
  log?: Pick<Console, 'warn'>;
}

/** What the sync loop tells the reporter (sync-loop.ts); the loop runs without one too. */
export interface StationReporter {
  /** Whether the edge server answers now (online, and the last exchange got an answer). */
  reachable(reachable: boolean): void;
  /** An attempt reached the server: report if anything changed, or the last report is old. */
  afterSync(): Promise<void>;
  /** The 30 s timer, while the server answers: report if the last report is old. */
  tick(): Promise<void>;
}

export class HeartbeatReporter implements StationReporter {
  private lastSentMs = -Infinity;
  private lastSent = '';
  private since: number | null = null;
  private sending = false;

  constructor(private readonly deps: HeartbeatDeps) {}

  reachable(reachable: boolean): void {
    if (!reachable) this.since = null;
    else this.since ??= this.deps.now();
  }

  afterSync(): Promise<void> {
    return this.report(false);
  }

  tick(): Promise<void> {
    return this.report(true);
  }

  /** Builds the report and sends it when due; never throws. */
  private async report(onTimer: boolean): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const nowMs = this.deps.now();
      // A timer tick a little early (timers drift) still counts as due.
      const due = nowMs - this.lastSentMs >= HEARTBEAT_INTERVAL_MS - 1000;
      if (onTimer && !due) return;
      const report = await buildHeartbeat({
        outbox: this.deps.outbox,
        appVersion: this.deps.appVersion,
        storage: (await this.deps.storage?.()) ?? null,
        onlineSince: this.since === null ? null : new Date(this.since).toISOString(),
        now: new Date(nowMs),
      });
      const { stationClock: _clock, storage: _storage, ...figures } = report;
      const key = JSON.stringify(figures);
      if (!due && key === this.lastSent) return;
      const answer = await this.deps.send(report);
      if (answer.ok) {
        this.lastSentMs = nowMs;
        this.lastSent = key;
      } else (this.deps.log ?? console).warn(`heartbeat: ${describeProblem(answer.problem)}`);
    } catch (error) {
      (this.deps.log ?? console).warn('heartbeat: could not report', error);
    } finally {
      this.sending = false;
    }
  }
}
