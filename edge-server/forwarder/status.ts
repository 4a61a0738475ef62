/** @module What supervisors see of upstream forwarding: sink, counts, lag, drain progress, activity. */
import { z } from 'zod';
import { appliedEventRecordSchema } from '../../shared/protocol';
import { UPSTREAM_KINDS } from '../../shared/station-api';
import type { Config } from '../config';
import type { StorageState } from '../ops/storage-health';
import type { Forwarder } from './forwarder';
import type { UpstreamOutbox } from './outbox';

export interface StatusSources {
  config: Pick<Config, 'upstream'>;
  upstream: UpstreamOutbox;
  forwarder: Forwarder | null;
  storage: StorageState;
  clock: () => Date;
}

/** Whether this site can write to its disk (ops/storage-health.ts StorageState.status()). */
export const storageStatusSchema = z.object({
  writable: z.boolean(),
  failingSince: z.string().nullable(),
  problem: z.enum(['full', 'io']).nullable(),
  message: z.string().nullable(),
});

const activitySchema = z.object({
  at: z.string(),
  sink: z.string(),
  outcome: z.string(),
  records: z.number().int(),
  firstOutboxId: z.number().int().nullable(),
  lastOutboxId: z.number().int().nullable(),
  durationMs: z.number().int(),
  message: z.string().nullable(),
});

/** GET /supervisor/upstream: what upstreamStatus() answers. */
export const forwardingStatusSchema = z.object({
  upstream: z.enum(UPSTREAM_KINDS),
  target: z.string().nullable(),
  state: z.enum(['idle', 'sending', 'backing-off', 'stopped', 'local']),
  pending: z.number().int(),
  forwarded: z.number().int(),
  dead: z.number().int(),
  lagSeconds: z.number(),
  throughputPerSecond: z.number().describe('Records forwarded per second over the last minute'),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  storage: storageStatusSchema,
  progress: z
    .object({
      startedAt: z.string(),
      processed: z.number().int(),
      failed: z.number().int(),
      total: z.number().int(),
      eventsPerSecond: z.number(),
      secondsLeft: z.number().nullable(),
    })
    .nullable()
    .describe('The backlog being drained, if any'),
  activity: z.array(activitySchema).describe('The latest sends, newest first'),
});

/** A record the upstream refused for good (GET /supervisor/upstream/dead). */
export const deadLetterSchema = z.object({
  outboxId: z.number().int(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  record: appliedEventRecordSchema,
});

export function upstreamStatus(core: StatusSources, activityLimit: number) {
  const counts = core.upstream.counts();
  const now = core.clock().getTime();
  const forwarder = core.forwarder;
  return {
    upstream: core.config.upstream.kind,
    target: forwarder?.sinkTarget ?? null,
    state: forwarder ? forwarder.state : 'local',
    pending: counts.pending,
    forwarded: counts.forwarded,
    dead: counts.dead,
    lagSeconds:
      counts.oldestPendingAt === null ? 0 : Math.max(0, (now - Date.parse(counts.oldestPendingAt)) / 1000),
    /** Records forwarded per second over the last minute. */
    throughputPerSecond: core.upstream.throughput(core.clock(), 60),
    lastSuccessAt: forwarder?.lastSuccessAt ?? null,
    lastError: forwarder?.lastError ?? null,
    /** Whether this site can write to its disk (a full disk stops forwarding from being recorded). */
    storage: core.storage.status(),
    progress: forwarder?.backlogProgress() ?? null,
    activity: core.upstream.recentActivity(Math.min(Math.max(1, activityLimit || 50), 1000)),
  };
}
