/**
 * @module Start-up time of the edge server on an existing database (the demo site plus a few
 * thousand applied events, its TLS certificate already made): from spawning the process to the
 * first answer of /api/v1/health, for `npm start` as package.json has it (the stale check, then
 * the compiled server), the compiled server alone (`node --enable-source-maps dist/server/main.js`)
 * and the TypeScript sources through tsx (what `npm start` ran before). Runs alternate between
 * the commands; each figure is the median.
 *   npx tsx bench/startup.ts [runs]
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, SERVER_DIST, buildServer, staleReason } from '../scripts/build-server';
import { stationEvent } from '../test/support/edge';
import { percentile } from './stats';
import { withTempDir } from './temp';

/** The issue's bar: `npm start` to listening on an existing database. */
export const STARTUP_TARGET_MS = 1000;

/** Applied events already in the database before the timed starts. */
const EVENTS = 3000;
const BATCH = 100;
/** Bounds a broken start only; a start is awaited by its log line. */
const START_LIMIT_MS = 120_000;

/** Answers every request 200 and logs the line the servers log, with its URL. */
const FLOOR_SERVER = `const s = require('node:http').createServer((q, r) => r.end('{}'));
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'edge server listening', url: 'http://127.0.0.1:' + s.address().port })));
process.on('SIGTERM', () => process.exit(0));`;

export interface StartupCommand {
  name: string;
  /** As a reader would type it. */
  shown: string;
  argv: string[];
}

/** npm's own CLI beside the running Node (the official build's layout), else the npm on PATH. */
function npmArgv(args: string[]): string[] {
  const cli = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'bin',
    'npm-cli.js',
  );
  return fs.existsSync(cli) ? [process.execPath, cli, ...args] : ['npm', ...args];
}

export const STARTUP_COMMANDS: readonly StartupCommand[] = [
  { name: 'npm start', shown: 'npm start', argv: npmArgv(['start', '--silent']) },
  {
    name: 'compiled',
    shown: 'node --enable-source-maps dist/server/main.js',
    argv: [process.execPath, '--enable-source-maps', path.join(SERVER_DIST, 'main.js')],
  },
  {
    name: 'tsx',
    shown: 'node --import tsx edge-server/main.ts',
    argv: [process.execPath, '--import', 'tsx', 'edge-server/main.ts'],
  },
  {
    // The floor: Node starting an HTTP server that answers at once, no database, no modules of ours.
    name: 'floor',
    shown: 'node -e <bare http server> (the floor)',
    argv: [process.execPath, '-e', FLOOR_SERVER],
  },
];

/** The environment of a started server: this process's, minus test runner and loader settings. */
export function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && !key.startsWith('npm_'))
      env[key] = value;
  }
  return {
    ...env,
    DATA_DIR: dataDir,
    PORT: '0',
    HTTPS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    DEMO: '1',
    STATION_RATE_PER_SECOND: '100000',
    ...extra,
  };
}

export interface StartedServer {
  child: ChildProcess;
  url: string;
  /** Spawn to the first 200 from /api/v1/health. */
  healthyMs: number;
  /** CPU time (user + system) its processes had used by then: what a busy machine does not stretch. */
  cpuMs: number;
  logs: string[];
  /** SIGTERM to the process group (npm, its shell and the server), resolves on exit. */
  stop(): Promise<void>;
}

/** CPU time of every live process in process group `pgid` (Linux /proc; clock ticks of 10 ms). */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // After the command name (which may hold spaces) in parentheses: state ppid pgrp … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** Spawns argv in its own process group; resolves once /api/v1/health answered 200. */
export async function startServerProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const began = performance.now();
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logs: string[] = [];
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) =>
    logs.push(`stderr: ${l}`),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within ${START_LIMIT_MS} ms:\n${logs.join('\n')}`)),
      START_LIMIT_MS,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      logs.push(line);
      if (!line.includes('edge server listening')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${child.exitCode}) before listening:\n${logs.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const health = await fetch(`${url}/api/v1/health`);
  await health.arrayBuffer();
  if (health.status !== 200) {
    await stop();
    throw new Error(`health answered ${health.status}`);
  }
  const healthyMs = performance.now() - began;
  return { child, url, healthyMs, cpuMs: groupCpuMs(child.pid ?? 0), logs, stop };
}

/** The demo site plus EVENTS applied notes, made by one start of the compiled server, then stopped. */
async function existingSite(dataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const server = await startServerProcess(STARTUP_COMMANDS[1]?.argv ?? [], env);
  try {
    const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      stations: { workCenter: string; token: string }[];
    };
    const token = demo.stations.find((s) => s.workCenter === 'WC-CUT')?.token ?? '';
    let applied = 0;
    for (let from = 1; from <= EVENTS; from += BATCH) {
      const events = Array.from({ length: BATCH }, (_, i) =>
        stationEvent({
          seq: from + i,
          type: 'note',
          code: 'BV-DEMO-0001',
          nodeCode: 'CUT',
          data: { text: `n${from + i}` },
        }),
      );
      const res = await fetch(`${server.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stationClock: new Date().toISOString(), events }),
      });
      const body = (await res.json()) as { results?: { status: string }[] };
      applied += (body.results ?? []).filter((r) => r.status === 'applied').length;
    }
    return applied;
  } finally {
    await server.stop();
  }
}

export interface StartupFigure {
  name: string;
  shown: string;
  samplesMs: number[];
  medianMs: number;
  /** Median CPU time (user + system) used up to that answer. */
  cpuMedianMs: number;
}

export interface StartupBenchResult {
  node: string;
  runs: number;
  /** Applied events in the database the timed starts open. */
  events: number;
  databaseBytes: number;
  /** The client the servers found: the real build, or a stub page when dist/client is not built. */
  client: 'dist/client' | 'stub';
  buildMs: number | null;
  figures: StartupFigure[];
  /** tsx median / compiled median. */
  speedup: number;
  /** npm start median / the floor's median. */
  overFloor: number;
  targetMet: boolean;
}

/** Runs every command `runs` times, alternating, on one existing site. */
export async function runStartupBench(runs = 7): Promise<StartupBenchResult> {
  const buildMs = staleReason() === null ? null : await buildServer();
  return withTempDir('scan-startup-', async (dir) => {
    const dataDir = path.join(dir, 'data');
    const realClient = fs.existsSync(path.join(ROOT, 'dist', 'client', 'index.html'));
    const extra: Record<string, string> = {};
    if (!realClient && !process.env.CLIENT_DIST_DIR) {
      // The first start would build the client (a minute): not what a start-up on an installed site does.
      const stub = path.join(dir, 'client');
      fs.mkdirSync(stub);
      fs.writeFileSync(path.join(stub, 'index.html'), '<!doctype html><title>stub</title>');
      extra.CLIENT_DIST_DIR = stub;
    }
    const env = serverEnv(dataDir, extra);
    const events = await existingSite(dataDir, env);
    const samples = new Map<string, number[]>(STARTUP_COMMANDS.map((c) => [c.name, []]));
    const cpu = new Map<string, number[]>(STARTUP_COMMANDS.map((c) => [c.name, []]));
    // One untimed start each: the first run of a command warms the OS file cache (and tsx's own cache).
    for (let run = -1; run < runs; run++) {
      for (const command of STARTUP_COMMANDS) {
        const server = await startServerProcess(command.argv, env);
        await server.stop();
        if (run >= 0) samples.get(command.name)?.push(server.healthyMs);
        if (run >= 0) cpu.get(command.name)?.push(server.cpuMs);
      }
    }
    const figures = STARTUP_COMMANDS.map((c) => {
      const sorted = [...(samples.get(c.name) ?? [])].sort((a, b) => a - b);
      const cpuSorted = [...(cpu.get(c.name) ?? [])].sort((a, b) => a - b);
      return {
        name: c.name,
        shown: c.shown,
        samplesMs: sorted,
        medianMs: percentile(sorted, 50),
        cpuMedianMs: percentile(cpuSorted, 50),
      };
    });
    const median = (name: string): number => figures.find((f) => f.name === name)?.medianMs ?? NaN;
    return {
      node: process.version,
      runs,
      events,
      databaseBytes: fs.statSync(path.join(dataDir, 'edge.sqlite')).size,
      client: realClient || process.env.CLIENT_DIST_DIR ? 'dist/client' : 'stub',
      buildMs,
      figures,
      speedup: median('tsx') / median('compiled'),
      overFloor: median('npm start') / median('floor'),
      targetMet: median('npm start') < STARTUP_TARGET_MS,
    };
  });
}

export function formatStartupBench(result: StartupBenchResult): string {
  const lines = [
    `Start-up on an existing database (demo site + ${result.events} applied events, ` +
      `${(result.databaseBytes / 1024 / 1024).toFixed(1)} MB; Node ${result.node}; spawn to the first ` +
      `/api/v1/health 200; median of ${result.runs} runs, alternating):`,
    'command                                        median ms   min ms   max ms   CPU ms (median)',
  ];
  for (const f of result.figures) {
    lines.push(
      `${f.shown.padEnd(46)} ${f.medianMs.toFixed(0).padStart(9)} ${(f.samplesMs[0] ?? NaN).toFixed(0).padStart(8)}` +
        ` ${(f.samplesMs.at(-1) ?? NaN).toFixed(0).padStart(8)} ${f.cpuMedianMs.toFixed(0).padStart(17)}`,
    );
  }
  lines.push(
    `compiled vs tsx: ${result.speedup.toFixed(2)}x faster; npm start is ${result.overFloor.toFixed(1)}x the floor; server build ` +
      `${result.buildMs === null ? 'current (not rebuilt)' : `${result.buildMs.toFixed(0)} ms`}` +
      `${result.client === 'stub' ? '; client: stub page (dist/client not built)' : ''}`,
    `target: npm start under ${STARTUP_TARGET_MS} ms: ${result.targetMet ? 'ok' : 'MISS'}`,
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const runs = Number(process.argv[2] ?? 7);
  console.log(formatStartupBench(await runStartupBench(runs)));
}
