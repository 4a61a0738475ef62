/**
 * @module One site's edge server parts wired together over one SQLite file: migrations and the
 * schema check at open, reference data, the token store, the event log and ingest.
 */
import type Database from 'better-sqlite3';
import { RoutingChecker } from './admin/routing-checker';
import { deleteStagedRoutings } from './admin/routings';
import type { Config } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open';
import { formatSchemaReport, verifySchema } from './db/verify-schema';
import { EventLog } from './event-log';
import type { Forwarder } from './forwarder/forwarder';
import { UpstreamOutbox } from './forwarder/outbox';
import type { BatchOutcome } from './ingest';
import { createIngest } from './ingest';
import type { Logger } from './logger';
import { createLogger } from './logger';
import type { Metrics } from './metrics';
import { createMetrics } from './metrics';
import { ReferenceData } from './reference-data';
import type { StationEntry } from './reference-data';
import { EventArchive } from './ops/archive';
import { StorageState } from './storage-health';
import { SystemEventRecorder } from './system-events';
import { TokenStore } from './token-store';

export interface Site {
  config: Config;
  db: Database.Database;
  reference: ReferenceData;
  tokens: TokenStore;
  events: EventLog;
  system: SystemEventRecorder;
  ingest: (station: StationEntry, stationClock: string, events: unknown[], now: Date) => BatchOutcome;
  clock: () => Date;
  log: Logger;
  metrics: Metrics;
  /** The upstream outbox as the forwarder and the APIs read it. */
  upstream: UpstreamOutbox;
  /** Set while a forwarder runs (an upstream is configured and the server is up). */
  forwarder: Forwarder | null;
  /** Routing imports are checked on a worker thread. */
  routingChecker: RoutingChecker;
  /** Whether writes to the disk succeed (a full disk is shown, not a 500). */
  storage: StorageState;
  /** Old events in monthly files: keeps the live database bounded, traceability reads both. */
  archive: EventArchive;
  close: () => void;
}

export class SchemaMismatchError extends Error {}

export interface OpenSiteOptions {
  clock?: () => Date;
  log?: Logger;
  defaultMetrics?: boolean;
}

/** Opens (creating if needed) the site's database, migrates it and refuses a schema that drifted. */
export function openSite(config: Config, options: OpenSiteOptions = {}): Site {
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  const db = openDatabase(config.databaseFile);
  try {
    const { applied } = migrate(db);
    for (const m of applied) log.info({ migration: m.name }, 'applied migration');
    const report = verifySchema(db);
    if (!report.ok) throw new SchemaMismatchError(formatSchemaReport(report));
    const staged = deleteStagedRoutings(db);
    if (staged > 0) log.warn({ routings: staged }, 'removed routings whose import stopped half-way');
  } catch (error) {
    db.close();
    throw error;
  }
  const reference = new ReferenceData(db);
  const tokens = new TokenStore(db);
  const events = new EventLog(db);
  const system = new SystemEventRecorder(events);
  // Upstream records carry the site code the server runs with now.
  db.prepare('UPDATE site_info SET site_code = ? WHERE id = 1').run(config.siteCode);
  const routingChecker = new RoutingChecker();
  const storage = new StorageState();
  const archive = new EventArchive(db, {
    dir: config.archiveDir,
    retentionMs: config.retentionMs,
    upstream: config.upstream.kind === 'none' ? 'none' : 'forwarded',
  });
  const ingest = createIngest({
    db,
    reference,
    tokens,
    events,
    system,
    settings: { parkingWindowMs: config.parkingWindowMs },
  });
  return {
    config,
    db,
    reference,
    tokens,
    events,
    system,
    ingest,
    clock: options.clock ?? (() => new Date()),
    log,
    metrics: createMetrics(db, {
      defaultMetrics: options.defaultMetrics ?? true,
      dataDir: config.dataDir,
      storage,
    }),
    upstream: new UpstreamOutbox(db),
    forwarder: null,
    routingChecker,
    storage,
    archive,
    close: () => {
      void routingChecker.close();
      archive.close();
      db.close();
    },
  };
}
