/** @module Prometheus metrics for one site (its own registry, so several servers can share a process). */
import type Database from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { UpstreamOutbox } from '../forwarder/outbox';
import type { StorageState } from './storage-health';
import { diskSpace } from './storage-health';

export interface Metrics {
  registry: Registry;
  events: Counter<'status'>;
  upstreamForwarded: Counter;
  upstreamFailures: Counter<'kind'>;
  batchSeconds: Histogram<'route'>;
  requests: Counter<'route' | 'status'>;
}

export function createMetrics(
  db: Database.Database,
  options: { defaultMetrics?: boolean; dataDir?: string; storage?: StorageState } = {},
): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const outbox = new UpstreamOutbox(db);
  new Gauge({
    name: 'scan_parked_events',
    help: 'Station events parked until their token is ready for them',
    registers: [registry],
    collect() {
      this.set(count('SELECT count(*) AS n FROM parked_event'));
    },
  });
  new Gauge({
    name: 'scan_open_conflicts',
    help: 'Conflicts waiting for a supervisor',
    registers: [registry],
    collect() {
      this.set(count('SELECT count(*) AS n FROM conflict WHERE resolved_at IS NULL'));
    },
  });
  new Gauge({
    name: 'scan_upstream_outbox_pending',
    help: 'Applied events not yet forwarded upstream',
    registers: [registry],
    collect() {
      this.set(outbox.counts().pending);
    },
  });
  new Gauge({
    name: 'scan_station_seq_gaps_open',
    help: 'Gaps in stations sequence numbers (events lost on a device)',
    registers: [registry],
    collect() {
      this.set(count('SELECT count(*) AS n FROM station_seq_gap WHERE filled_at IS NULL'));
    },
  });
  new Gauge({
    name: 'scan_upstream_lag_seconds',
    help: 'Age of the oldest event not yet forwarded upstream (0 when none waits)',
    registers: [registry],
    collect() {
      const oldest = outbox.counts().oldestPendingAt;
      this.set(oldest === null ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000));
    },
  });
  new Gauge({
    name: 'scan_upstream_dead_letters',
    help: 'Events the upstream refused for good, waiting for a supervisor',
    registers: [registry],
    collect() {
      this.set(outbox.counts().dead);
    },
  });
  const { dataDir, storage } = options;
  if (dataDir !== undefined) {
    new Gauge({
      name: 'scan_disk_free_bytes',
      help: 'Free bytes on the disk holding the database (alert well before 0)',
      registers: [registry],
      collect() {
        this.set(diskSpace(dataDir)?.freeBytes ?? 0);
      },
    });
  }
  if (storage) {
    new Gauge({
      name: 'scan_storage_writable',
      help: '1 while writes to the database succeed, 0 after one failed for lack of space or an I/O error',
      registers: [registry],
      collect() {
        this.set(storage.status().writable ? 1 : 0);
      },
    });
  }
  return {
    registry,
    upstreamForwarded: new Counter({
      name: 'scan_upstream_forwarded_total',
      help: 'Events acknowledged by the upstream (rate() of it is the forwarding throughput)',
      registers: [registry],
    }),
    upstreamFailures: new Counter({
      name: 'scan_upstream_failures_total',
      help: 'Failed forwarding attempts by kind (retryable, permanent, dead)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'scan_events_total',
      help: 'Station events received, by outcome (applied, duplicate, parked, rejected, unparked, conflicts)',
      labelNames: ['status'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'scan_ingest_batch_seconds',
      help: 'Time to ingest one push batch, commit included',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'scan_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}
