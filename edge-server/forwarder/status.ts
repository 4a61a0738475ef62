/** @module What supervisors see of upstream forwarding: sink, counts, lag, drain progress, activity. */
import type { Site } from '../site';

export function upstreamStatus(site: Site, activityLimit: number) {
  const counts = site.upstream.counts();
  const now = site.clock().getTime();
  const forwarder = site.forwarder;
  return {
    upstream: site.config.upstream.kind,
    target: forwarder?.sinkTarget ?? null,
    state: forwarder ? forwarder.state : 'local',
    pending: counts.pending,
    forwarded: counts.forwarded,
    dead: counts.dead,
    lagSeconds:
      counts.oldestPendingAt === null ? 0 : Math.max(0, (now - Date.parse(counts.oldestPendingAt)) / 1000),
    /** Records forwarded per second over the last minute. */
    throughputPerSecond: site.upstream.throughput(site.clock(), 60),
    lastSuccessAt: forwarder?.lastSuccessAt ?? null,
    lastError: forwarder?.lastError ?? null,
    /** Whether this site can write to its disk (a full disk stops forwarding from being recorded). */
    storage: site.storage.status(),
    progress: forwarder?.drainProgress() ?? null,
    activity: site.upstream.recentActivity(Math.min(Math.max(1, activityLimit || 50), 1000)),
  };
}
