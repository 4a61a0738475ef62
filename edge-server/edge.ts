/**
 * @module The edge server's core: one site's parts wired together over one SQLite file (migrations
 * and the schema check at open, reference data, tokens, the event log, ingest, the forwarder),
 * without listeners. The composition root: the only module that knows all the others.
 */
import { FirstAdminSetup } from './auth/first-admin';
import type Database from 'better-sqlite3';
import { RoutingChecker } from './admin/routing-checker';
import { deleteStagedRoutings } from './admin/routings';
import type { Config } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open';
import { formatSchemaReport, verifySchema } from './db/verify-schema';
import { EventLog } from './ingest/event-log';
import type { LiveSettings } from './live/feed';
import { ChangeFeed, DEFAULT_LIVE_SETTINGS } from './live/feed';
import type { Forwarder } from './forwarder/forwarder';
import { createForwarder } from './forwarder/start';
import { DecisionRecorder } from './ingest/decisions';
import { OutboxSignal } from './ingest/outbox-signal';
import { UpstreamOutbox } from './forwarder/outbox';
import type { Ingest } from './ingest/ingest';
import { createIngest } from './ingest/ingest';
import type { Logger } from './logger';
import { createLogger } from './logger';
import type { Metrics } from './ops/metrics';
import { createMetrics } from './ops/metrics';
import { ReferenceData } from './reference/reference-data';
import { EventArchive } from './ops/archive';
import { StorageState } from './ops/storage-health';
import { SystemEventRecorder } from './ingest/system-events';
import { TokenStore } from './ingest/token-store';
import { PrintQueue } from './printing/queue';

export interface EdgeCore {
  config: Config;
  db: Database.Database;
  reference: ReferenceData;
  tokens: TokenStore;
  events: EventLog;
  system: SystemEventRecorder;
  /** The one path that records what a decision did (ingest, parking retries, resolutions). */
  decisions: DecisionRecorder;
  ingest: Ingest;
  clock: () => Date;
  log: Logger;
  metrics: Metrics;
  /** The upstream outbox as the forwarder and the APIs read it. */
  upstream: UpstreamOutbox;
  /** Says "a record is queued" after the transaction that queued it committed; the forwarder listens. */
  outboxSignal: OutboxSignal;
  /** The forwarder to the configured upstream (none: null); the server starts and stops it. */
  forwarder: Forwarder | null;
  /** Routing imports are checked on a worker thread. */
  routingChecker: RoutingChecker;
  /** A new site's first admin, made from the browser with the setup code in the log (DK-2). */
  firstAdmin: FirstAdminSetup;
  /** Whether writes to the disk succeed (a full disk is shown, not a 500). */
  storage: StorageState;
  /** Old events in monthly files: keeps the live database bounded, traceability reads both. */
  archive: EventArchive;
  /** The consoles' change feed: the live stream's one reader of the change log. */
  live: ChangeFeed;
  /** The label printers' job queue (DK-52); the server starts and stops it. */
  printing: PrintQueue;
  close: () => void;
}

export class SchemaMismatchError extends Error {}

export interface OpenEdgeCoreOptions {
  clock?: () => Date;
  log?: Logger;
  defaultMetrics?: boolean;
  /** The live stream's timings (tests shorten the heartbeat). */
  live?: Partial<LiveSettings>;
}

/**
 * Opens (creating if needed) a site's database, migrates it, refuses a schema that drifted, and
 * wires the parts over it. Nothing runs yet: http/server.ts starts the listeners, the forwarder
 * and the upkeep jobs.
 */
export function openEdgeCore(config: Config, options: OpenEdgeCoreOptions = {}): EdgeCore {
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  const clock = options.clock ?? (() => new Date());
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
  // Upstream records carry the site code the server runs with now.
  db.prepare('UPDATE site_info SET site_code = ? WHERE id = 1').run(config.siteCode);
  const outboxSignal = new OutboxSignal();
  const reference = new ReferenceData(db);
  const tokens = new TokenStore(db);
  const events = new EventLog(db, () => outboxSignal.queued());
  const system = new SystemEventRecorder(events);
  const decisions = new DecisionRecorder(events, system);
  const storage = new StorageState();
  const metrics = createMetrics(db, {
    defaultMetrics: options.defaultMetrics ?? true,
    dataDir: config.dataDir,
    storage,
  });
  const upstream = new UpstreamOutbox(db, () => outboxSignal.queued());
  const forwarder = createForwarder({ config, upstream, log, metrics, storage, clock });
  if (forwarder) outboxSignal.subscribe(() => forwarder.wake());
  const live = new ChangeFeed(db, clock, { ...DEFAULT_LIVE_SETTINGS, ...options.live });
  // Applied events queue an outbox record: the parking sweep's commits reach the consoles at once
  // (requests poke the feed in http/app.ts; anything else, within the feed's poll).
  outboxSignal.subscribe(() => live.poke());
  const routingChecker = new RoutingChecker();
  const printing = new PrintQueue(db, clock, log);
  const archive = new EventArchive(db, {
    dir: config.archiveDir,
    retentionMs: config.retentionMs,
    upstream: config.upstream.kind === 'none' ? 'none' : 'forwarded',
  });
  return {
    config,
    db,
    reference,
    tokens,
    events,
    system,
    decisions,
    ingest: createIngest({
      db,
      reference,
      tokens,
      events,
      decisions,
      settings: { parkingWindowMs: config.parkingWindowMs },
    }),
    clock,
    log,
    metrics,
    upstream,
    outboxSignal,
    forwarder,
    routingChecker,
    firstAdmin: new FirstAdminSetup(db),
    storage,
    archive,
    live,
    printing,
    close: () => {
      live.close();
      // Stops at once (connections dropped, nothing written after): the database closes next.
      void printing.stop();
      void routingChecker.close();
      archive.close();
      db.close();
    },
  };
}
