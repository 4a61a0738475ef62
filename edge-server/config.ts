/** @module The edge server's settings, read once from the environment with defaults for a first start. */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_BLOCKED_QUEUE, DEFAULT_SHIFT_HOURS, parseShiftHours } from '../shared/floor-board';
import type { StationLanguage } from '../shared/protocol';
import { STATION_LANGUAGES } from '../shared/protocol';

const HOUR_MS = 60 * 60 * 1000;

const envSchema = z.object({
  /** Plain HTTP: the whole app and API for this machine, the API and the CA page for the LAN. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** HTTPS for tablets (a secure context: service worker, camera); 0 takes a free port (tests). */
  HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  HTTPS: z.enum(['on', 'off']).default('on'),
  /** The user's own certificate (PEM, may hold the chain) and key, instead of the local CA's. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** `DEMO=0` starts an empty site instead of loading the demo data into an empty DATA_DIR. */
  DEMO: z.enum(['0', '1']).default('1'),
  /** This site's code in upstream records. */
  SITE_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('SITE-1'),
  /** How long a parked event may wait before it becomes a conflict (domain.md: default 24 h). */
  PARKING_WINDOW_HOURS: z.coerce.number().positive().default(24),
  /** Push requests per second each station may make, with a burst of twice that. */
  STATION_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  /** The language of station screens enrolled without one (an admin sets a station's own). */
  STATION_LANGUAGE: z
    .enum(STATION_LANGUAGES, {
      error: (issue) => `must be ${STATION_LANGUAGES.join(' or ')}, not "${String(issue.input)}"`,
    })
    .default('th'),
  /** A station not heard from (no push, no heartbeat) for longer than this is "not reporting". */
  STATION_QUIET_SECONDS: z.coerce
    .number({ error: 'a whole number of seconds, 1 or more' })
    .int({ error: 'a whole number of seconds, 1 or more' })
    .min(1, { error: 'a whole number of seconds, 1 or more' })
    .default(120),
  /** A station whose clock is off by more than this is flagged to supervisors. */
  CLOCK_SKEW_THRESHOLD_SECONDS: z.coerce.number().positive().default(120),
  /** When shifts start, local time (e.g. 06:00,14:00,22:00): the board's "this shift". */
  SHIFT_HOURS: z
    .string()
    .default(DEFAULT_SHIFT_HOURS)
    .transform((text, ctx) => {
      const starts = parseShiftHours(text);
      if (typeof starts !== 'string') return starts;
      ctx.addIssue({ code: 'custom', message: starts.replace(/^SHIFT_HOURS: /, '') });
      return z.NEVER;
    }),
  /** A node with more than this many tokens ready is flagged blocked on the board. */
  BLOCKED_QUEUE: z.coerce
    .number({ error: 'a whole number of tokens, 1 or more' })
    .int({ error: 'a whole number of tokens, 1 or more' })
    .min(1, { error: 'a whole number of tokens, 1 or more' })
    .default(DEFAULT_BLOCKED_QUEUE),
  /** An event parked longer than this is listed in the supervisors' exceptions inbox. */
  PARKED_ALERT_MINUTES: z.coerce
    .number({ error: 'a whole number of minutes, 0 or more' })
    .int({ error: 'a whole number of minutes, 0 or more' })
    .min(0, { error: 'a whole number of minutes, 0 or more' })
    .default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: readable lines on a terminal, JSON lines otherwise (journald, files, collectors). */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** HTTP upstream: the ERP adapter or a hub edge server, and this site's credential there. */
  UPSTREAM_URL: z.url().optional(),
  UPSTREAM_CREDENTIAL: z.string().min(1).optional(),
  /** NATS JetStream upstream: servers (host:port), stream and subject prefix (subject: <prefix>.<site>). */
  NATS_URL: z.string().min(1).optional(),
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('SCAN_EVENTS'),
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .default('scan.events'),
  NATS_DUPLICATE_WINDOW_SECONDS: z.coerce.number().positive().default(120),
  FORWARD_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(500),
  FORWARD_MAX_PERMANENT_FAILURES: z.coerce.number().int().min(1).default(3),
  FORWARD_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  FORWARD_BACKOFF_BASE_MS: z.coerce.number().positive().default(500),
  FORWARD_BACKOFF_MAX_SECONDS: z.coerce.number().positive().default(60),
  /** Sends awaiting acknowledgement at once: JetStream publishes (default 256) or HTTP requests (default 1). */
  FORWARD_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).optional(),
  /** How often an idle forwarder looks for new records (ingest also wakes it at once). */
  FORWARD_IDLE_MS: z.coerce.number().positive().default(1000),
  /** Settled, delivered events older than this move to monthly archive files (traceability reads them). */
  RETENTION_DAYS: z.coerce.number().min(7).default(180),
  /** Where the monthly archive files go. */
  ARCHIVE_DIR: z.string().min(1).optional(),
  /** How often the server moves due events to the archive. */
  ARCHIVE_INTERVAL_HOURS: z.coerce.number().positive().default(1),
  /** Scheduled online backups go here (none when unset), every BACKUP_INTERVAL_HOURS, the newest BACKUP_KEEP kept. */
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_INTERVAL_HOURS: z.coerce.number().positive().default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
  /** The health endpoint warns when the disk holding DATA_DIR has less free space than this. */
  DISK_WARN_FREE_MB: z.coerce.number().nonnegative().default(1024),
});

export type UpstreamConfig =
  | { kind: 'none' }
  | { kind: 'http'; url: string; credential: string }
  | { kind: 'jetstream'; servers: string; stream: string; subjectPrefix: string; duplicateWindowMs: number };

export interface HttpsConfig {
  port: number;
  /** The user's own pair; null: a local CA in DATA_DIR/tls signs the server certificate. */
  provided: { certFile: string; keyFile: string } | null;
}

export interface Config {
  port: number;
  host: string;
  /** null when HTTPS=off. */
  https: HttpsConfig | null;
  dataDir: string;
  databaseFile: string;
  demo: boolean;
  siteCode: string;
  parkingWindowMs: number;
  stationRatePerSecond: number;
  /** What a station's snapshot says its screen speaks when the station has no language of its own. */
  stationLanguage: StationLanguage;
  clockSkewThresholdMs: number;
  /** A station silent for longer than this many seconds is shown grey, "not reporting". */
  stationQuietSeconds: number;
  /** The floor board's shift starts (minutes after local midnight, sorted), blocked limit, quiet threshold. */
  floor: { shiftStarts: number[]; blockedQueue: number; stationQuietSeconds: number };
  /** Parked events older than this many minutes are problems in the exceptions inbox. */
  parkedAlertMinutes: number;
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
  diskWarnFreeBytes: number;
  retentionMs: number;
  archiveDir: string;
  archiveIntervalMs: number;
  /** null: no scheduled backups. */
  backup: { dir: string; intervalMs: number; keep: number } | null;
  upstream: UpstreamConfig;
  forward: {
    batchSize: number;
    maxPermanentFailures: number;
    timeoutMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    idleMs: number;
    /** FORWARD_MAX_IN_FLIGHT; null: the sink's own default. */
    maxInFlight: number | null;
  };
}

/** Every setting the server reads from its environment, by name. */
export const SETTING_NAMES = envSchema.keyof().options;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid settings in the environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.UPSTREAM_URL && e.NATS_URL) {
    throw new ConfigError('invalid settings in the environment: set UPSTREAM_URL or NATS_URL, not both');
  }
  if (e.UPSTREAM_URL && !e.UPSTREAM_CREDENTIAL) {
    throw new ConfigError(
      "invalid settings in the environment: UPSTREAM_URL needs UPSTREAM_CREDENTIAL (this site's credential there)",
    );
  }
  const https: HttpsConfig | null = e.HTTPS === 'off' ? null : { port: e.HTTPS_PORT, provided: null };
  if (https && (e.TLS_CERT_FILE || e.TLS_KEY_FILE)) {
    const missing = e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    if (!e.TLS_CERT_FILE || !e.TLS_KEY_FILE) {
      throw new ConfigError(
        `invalid settings in the environment: ${missing} is not set; give TLS_CERT_FILE and TLS_KEY_FILE together (your certificate and its key), or neither (the local CA)`,
      );
    }
    https.provided = { certFile: path.resolve(e.TLS_CERT_FILE), keyFile: path.resolve(e.TLS_KEY_FILE) };
  }
  const upstream: UpstreamConfig = e.UPSTREAM_URL
    ? { kind: 'http', url: e.UPSTREAM_URL, credential: e.UPSTREAM_CREDENTIAL ?? '' }
    : e.NATS_URL
      ? {
          kind: 'jetstream',
          servers: e.NATS_URL,
          stream: e.NATS_STREAM,
          subjectPrefix: e.NATS_SUBJECT_PREFIX,
          duplicateWindowMs: e.NATS_DUPLICATE_WINDOW_SECONDS * 1000,
        }
      : { kind: 'none' };
  return {
    port: e.PORT,
    host: e.HOST,
    https,
    dataDir: path.resolve(e.DATA_DIR),
    databaseFile: path.resolve(e.DATA_DIR, 'edge.sqlite'),
    demo: e.DEMO === '1',
    siteCode: e.SITE_CODE,
    parkingWindowMs: e.PARKING_WINDOW_HOURS * HOUR_MS,
    stationRatePerSecond: e.STATION_RATE_PER_SECOND,
    stationLanguage: e.STATION_LANGUAGE,
    clockSkewThresholdMs: e.CLOCK_SKEW_THRESHOLD_SECONDS * 1000,
    stationQuietSeconds: e.STATION_QUIET_SECONDS,
    floor: {
      shiftStarts: e.SHIFT_HOURS,
      blockedQueue: e.BLOCKED_QUEUE,
      stationQuietSeconds: e.STATION_QUIET_SECONDS,
    },
    parkedAlertMinutes: e.PARKED_ALERT_MINUTES,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    diskWarnFreeBytes: e.DISK_WARN_FREE_MB * 1024 * 1024,
    retentionMs: e.RETENTION_DAYS * 24 * HOUR_MS,
    archiveDir: path.resolve(e.ARCHIVE_DIR ?? path.join(e.DATA_DIR, 'archive')),
    archiveIntervalMs: e.ARCHIVE_INTERVAL_HOURS * HOUR_MS,
    backup: e.BACKUP_DIR
      ? {
          dir: path.resolve(e.BACKUP_DIR),
          intervalMs: e.BACKUP_INTERVAL_HOURS * HOUR_MS,
          keep: e.BACKUP_KEEP,
        }
      : null,
    upstream,
    forward: {
      batchSize: e.FORWARD_BATCH_SIZE,
      maxPermanentFailures: e.FORWARD_MAX_PERMANENT_FAILURES,
      timeoutMs: e.FORWARD_TIMEOUT_SECONDS * 1000,
      backoffBaseMs: e.FORWARD_BACKOFF_BASE_MS,
      backoffMaxMs: e.FORWARD_BACKOFF_MAX_SECONDS * 1000,
      idleMs: e.FORWARD_IDLE_MS,
      maxInFlight: e.FORWARD_MAX_IN_FLIGHT ?? null,
    },
  };
}
