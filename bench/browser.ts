/**
 * @module The station-app bench's harness: a build of the app in a folder of the bench's own, the
 * app's outbox store bundled for injection into its page, an edge server as `npm start` runs it (a
 * process of its own, default config, loopback, random free port, its own temp DATA_DIR) serving
 * that build, and Debian's Chromium with an on-disk profile. Every process started here is killed
 * if the bench process exits on an error.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { loadConfig } from '../edge-server/config';
import type { DemoFile } from '../edge-server/ops/demo';

export const CHROMIUM = '/usr/bin/chromium';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** `vite build` of the station app into `outDir` (never dist/client, which other work serves). */
export async function buildStationApp(outDir: string): Promise<void> {
  try {
    await promisify(execFile)(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
      { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`vite build of the station app failed:\n${stdout}\n${stderr}`);
  }
}

/**
 * client/outbox/dexie-outbox.ts (with its Dexie) as a classic script that sets `globalName` to
 * `{ OutboxStore, StationDb }`: the bench seeds the outbox with the app's own code, schema and
 * database name, not a copy of them. Bundle it right after the app's build, from the same tree, so
 * that both open the database at the same schema version.
 */
export async function bundleOutboxStore(globalName: string): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: "export { OutboxStore, StationDb } from './client/outbox/dexie-outbox';",
      resolveDir: PROJECT_ROOT,
      sourcefile: 'bench-outbox-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no bundle of client/outbox/dexie-outbox.ts');
  return file.text;
}

export interface StationEdge {
  url: string;
  dataDir: string;
  databaseFile: string;
  demo: DemoFile;
  /** The last log lines, for failure messages. */
  logs: string[];
  stop: () => Promise<void>;
}

/**
 * The environment of a site that set nothing but where to keep its data and what to serve: the
 * config's defaults (STATION_RATE_PER_SECOND 20 with a burst of 40, LOG_LEVEL info, demo data on
 * first start) but English screens, whatever this shell exports.
 */
function siteEnv(dataDir: string, clientDist: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  // English on screen: the bench waits for the station's words (the site default is Thai).
  return {
    ...env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    CLIENT_DIST_DIR: clientDist,
    STATION_LANGUAGE: 'en',
  };
}

/** Starts `edge-server/main.ts` serving `clientDist`; resolves once it logged 'edge server listening'. */
export async function startStationEdge(dataDir: string, clientDist: string): Promise<StationEdge> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge-server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: siteEnv(dataDir, clientDist),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const logs: string[] = [];
  const keep = (line: string): void => {
    logs.push(line);
    if (logs.length > 100) logs.shift();
  };
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) =>
    keep(`stderr: ${line}`),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the edge server did not start within ${START_TIMEOUT_MS} ms:\n${logs.join('\n')}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: unknown };
        if (entry.msg === 'edge server listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line of pino's: kept for the failure message only
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the edge server exited before listening:\n${logs.join('\n')}`));
    });
  });
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  return { url, dataDir, databaseFile: loadConfig({ DATA_DIR: dataDir }).databaseFile, demo, logs, stop };
}

/**
 * Debian's Chromium, headless, with a persistent profile in `profileDir`: IndexedDB then lives on
 * disk, so the outbox's strict durability is a real flush (a fresh incognito-like context keeps
 * IndexedDB in memory, and a "durable" figure there would mean nothing).
 */
export async function launchStationBrowser(profileDir: string): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
