/** @module What supervisors see of upstream forwarding: sink, counts, lag, drain progress, activity. */
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
    progress: forwarder?.drainProgress() ?? null,
    activity: core.upstream.recentActivity(Math.min(Math.max(1, activityLimit || 50), 1000)),
  };
}
