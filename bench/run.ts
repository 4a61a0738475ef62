/**
 * @module `npm run bench`: ingest throughput against the raw SQLite insert ceiling, in one process.
 *
 * For batch sizes 1, 100 and 500, each on a fresh temp DATA_DIR (removed afterwards):
 *   raw         better-sqlite3 inserts of token_event-shaped rows, the server's pragmas (applyPragmas)
 *   in-process  site.ingest, every event applied (wallet routing, start/complete at 4 nodes)
 *   http        POST /api/v1/events on loopback with fetch, one client, sequential requests
 * Prints a table with events/s, per-batch (or per-request) p50/p99 and the share of the raw ceiling,
 * and writes bench/results/latest.json. Exits 0 on a MISS (the figures are the output); non-zero
 * only when something broke (e.g. an event that did not apply).
 *
 * BENCH_SCALE=0.2 shrinks every event count (for a quick check); the default is 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { DATABASE_PRAGMAS } from '../edge-server/db/open';
import { measureHttp, measureInProcess } from './ingest';
import { measureRawCeiling } from './raw';
import type { Row, Scenario } from './report';
import { SCENARIOS, TARGETS, formatTable, judge } from './report';
import type { Measurement } from './stats';
import { EVENTS_PER_TOKEN, GROUP_SIZE } from './workload';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

/** Events per batch size: enough for stable figures, yet the whole run stays well under 3 minutes. */
const PLAN = [
  { batch: 1, warmup: 200, events: 2_000 },
  { batch: 100, warmup: 2_000, events: 40_000 },
  { batch: 500, warmup: 5_000, events: 60_000 },
] as const;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Scales a count and rounds it up to whole batches and whole token groups. */
function scaled(count: number, batch: number, scale: number): number {
  const group = GROUP_SIZE * EVENTS_PER_TOKEN;
  const unit = (group * batch) / gcd(group, batch);
  return Math.max(unit, Math.ceil((count * scale) / unit) * unit);
}

const MEASURE: Record<Scenario, (batch: number, warmup: number, events: number) => Promise<Measurement>> = {
  raw: measureRawCeiling,
  'in-process': measureInProcess,
  http: measureHttp,
};

async function main(): Promise<void> {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1');
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`BENCH_SCALE must be a positive number, not ${scale}`);
  const began = performance.now();
  console.log(
    `scan-station ingest bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), temp ${os.tmpdir()}`,
  );
  console.log(`pragmas: ${DATABASE_PRAGMAS.join('; ')}\n`);

  const rows: Row[] = [];
  for (const step of PLAN) {
    const warmup = scaled(step.warmup, step.batch, scale);
    const events = scaled(step.events, step.batch, scale);
    let raw: Measurement | undefined;
    for (const scenario of SCENARIOS) {
      const t0 = performance.now();
      const m = await MEASURE[scenario](step.batch, warmup, events);
      if (scenario === 'raw') raw = m;
      rows.push(judge(scenario, step.batch, m, raw));
      console.log(
        `  ${scenario} batch ${step.batch}: ${events} events (+${warmup} warm-up), ` +
          `${Math.round(m.eventsPerSecond)} events/s, ${((performance.now() - t0) / 1000).toFixed(1)} s with setup`,
      );
    }
  }
  const order = (r: Row) => SCENARIOS.indexOf(r.scenario) * 1e6 + r.batch;
  rows.sort((a, b) => order(a) - order(b));
  const totalSeconds = (performance.now() - began) / 1000;

  console.log(`\n${formatTable(rows)}\n`);
  console.log(`total ${totalSeconds.toFixed(1)} s`);

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'latest.json');
  const report = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    tmpdir: os.tmpdir(),
    pragmas: DATABASE_PRAGMAS,
    scale,
    groupSize: GROUP_SIZE,
    targets: TARGETS,
    totalSeconds,
    results: rows,
  };
  // Formatted as the repository's `prettier --check .` expects (it does not read bench/results/.gitignore).
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(report), { ...options, parser: 'json' }));
  console.log(`figures written to ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
