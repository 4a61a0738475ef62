/**
 * @module Logs: JSON lines (pino) for journald and log collectors; readable lines with local times
 * when a person watches the terminal (stdout is a TTY), or when LOG_FORMAT says so.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat = 'auto'): Logger {
  const options = { level, base: { service: 'edge-server' } };
  const readable = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!readable) return pino(options);
  return pino(
    options,
    pretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
    }),
  );
}
