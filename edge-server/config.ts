/** @module The edge server's settings, read once from the environment with defaults for a first start. */
import path from 'node:path';
import { z } from 'zod';

const HOUR_MS = 60 * 60 * 1000;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
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
  /** A station whose clock is off by more than this is flagged to supervisors. */
  CLOCK_SKEW_THRESHOLD_SECONDS: z.coerce.number().positive().default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  demo: boolean;
  siteCode: string;
  parkingWindowMs: number;
  stationRatePerSecond: number;
  clockSkewThresholdMs: number;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid settings in the environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseFile: path.resolve(e.DATA_DIR, 'edge.sqlite'),
    demo: e.DEMO === '1',
    siteCode: e.SITE_CODE,
    parkingWindowMs: e.PARKING_WINDOW_HOURS * HOUR_MS,
    stationRatePerSecond: e.STATION_RATE_PER_SECOND,
    clockSkewThresholdMs: e.CLOCK_SKEW_THRESHOLD_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  };
}
