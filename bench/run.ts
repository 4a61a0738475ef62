/**
 * @module `npm run bench`: ingest throughput against the raw SQLite insert ceiling, in one process,
 * then forwarding throughput (bench/forward.ts: the outbox drained to JetStream and to a hub).
 *
 * For batch sizes 1, 100 and 500, each on a fresh temp DATA_DIR (removed afterwards):
 *   raw         better-sqlite3 inserts of token_event-shaped rows, the server's pragmas (applyPragmas)
 *   raw-writes  the rows ingest writes per event (the event with its upstream place, the token update)
 *               in the server's schema: ingest's storage floor, without validation or logic
 *   in-process  core.ingest, every event applied (wallet routing, start/complete at 4 nodes)
 *   http        POST /api/v1/events on loopback with fetch from a worker thread, sequential requests
 * Each runs 3 times, alternating; the median run is reported. Prints a table with events/s,
 * per-batch (or per-request) p50/p99, the spread of the runs and the share of the raw ceiling. Then
 * the forwarding table: records/s of a ~100,000-record backlog drained to JetStream and over HTTP,
 * judged against a plant's event rate and against the in-process ingest rate at batch 100 above.
 * Writes bench/results/latest.json (the forwarding figures under `forwarding`). Exits 0 on a MISS
 * (the figures are the output); non-zero only when something broke (e.g. an event that did not
 * apply, or an upstream that does not hold what was forwarded).
 *
 * Then bytes on disk per applied station event on a site of 20,000 serials (bench/storage.ts,
 * BENCH_STORAGE=0 leaves it out).
 *
 * Then routing checks at scale (bench/routings.ts): the publish rules and the whole import check
 * on 5,000- and 10,000-node routings beside JSON.parse of the same body, and the event loop's
 * longest stall during an HTTP import of one (BENCH_ROUTINGS=0 leaves it out).
 *
 * Then the floor board at plant size (bench/floor.ts): the board query, the paged token list, a
 * serial's trace and recalls on 100,000 serials and ~1.8 million event rows, beside a plain
 * indexed lookup (BENCH_FLOOR=0 leaves it out).
 *
 * Then the console's live stream (bench/live.ts): an edge server in a child process, 200 stations
 * pushing at 10x a plant's rate with no console, with 50 live streams open, and with 5 pollers of
 * the old /queues: commit → console latency and the pushes' latency and events/s (BENCH_LIVE=0
 * leaves it out).
 *
 * Then station snapshots (bench/snapshot.ts: full, recent and stale cursors on 20,000 live tokens;
 * BENCH_SNAPSHOT=0 leaves it out) and start-up (bench/startup.ts: `npm start` to a health answer on an
 * existing database, beside the bundle alone, tsx on the sources and a bare server; BENCH_STARTUP=0).
 *
 * Then the station app in Debian's Chromium: scan to durable outbox and a 10,000-event drain
 * (bench/client-station.ts), and each camera decoder on 1280x720 frames with the initial
 * JavaScript size (bench/client-decode.ts).
 *
 * BENCH_SCALE=0.2 shrinks every event count and the forwarding backlog (for a quick check); the
 * default is 1. BENCH_FORWARD=0 leaves the forwarding section out, BENCH_STATION=0 the station app's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { DATABASE_PRAGMAS } from '../edge-server/db/open';
import type { StationBenchResult } from './client-station';
import { formatStationTable, runStationBench } from './client-station';
import type { DecodeBenchResult } from './client-decode';
import { formatDecodeBench, runDecodeBench } from './client-decode';
import type { ForwardingReport } from './forward';
import { formatForwarding, runForwardingBench } from './forward';
import { measureHttp, measureInProcess } from './ingest';
import { measureRawCeiling } from './raw';
import { measureRawWrites } from './raw-writes';
import type { FloorBenchResult } from './floor';
import { formatFloorBench, runFloorBench } from './floor';
import type { LiveBenchResult } from './live';
import { formatLiveBench, runLiveBench } from './live';
import type { RoutingBenchResult } from './routings';
import { formatRoutingBench, runRoutingBench } from './routings';
import type { Row, Scenario } from './report';
import type { SnapshotBenchResult } from './snapshot';
import { formatSnapshotBench, runSnapshotBench } from './snapshot';
import type { StartupBenchResult } from './startup';
import { formatStartupBench, runStartupBench } from './startup';
import type { StorageBenchResult } from './storage';
import { formatStorageBench, runStorageBench } from './storage';
import { SCENARIOS, TARGETS, formatTable, judge } from './report';
import type { Measurement } from './stats';
import { EVENTS_PER_TOKEN, GROUP_SIZE } from './workload';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

/**
 * Events per batch size and run. Every scenario runs REPEATS times, alternating with the others on
 * fresh sites, and the run with the median events/s is reported: the machine may be shared, and
 * one slow patch should not decide a verdict. The whole bench stays well under 3 minutes.
 */
const PLAN = [
  { batch: 1, warmup: 200, events: 2_000 },
  { batch: 100, warmup: 2_000, events: 20_000 },
  { batch: 500, warmup: 5_000, events: 30_000 },
] as const;
const REPEATS = 3;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Scales a count and rounds it up to whole batches and whole token groups. */
function scaled(count: number, batch: number, scale: number): number {
  const group = GROUP_SIZE * EVENTS_PER_TOKEN;
  const unit = (group * batch) / gcd(group, batch);
  return Math.max(unit, Math.ceil((count * scale) / unit) * unit);
}

/** The run with the median events/s (REPEATS is odd). */
function medianRun(runs: readonly Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (!median) throw new Error('no runs measured');
  return median;
}

const MEASURE: Record<Scenario, (batch: number, warmup: number, events: number) => Promise<Measurement>> = {
  raw: measureRawCeiling,
  'raw-writes': measureRawWrites,
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
    const runs = new Map<Scenario, Measurement[]>(SCENARIOS.map((s) => [s, []]));
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      for (const scenario of SCENARIOS) {
        const t0 = performance.now();
        const m = await MEASURE[scenario](step.batch, warmup, events);
        runs.get(scenario)?.push(m);
        console.log(
          `  ${scenario} batch ${step.batch} run ${repeat}/${REPEATS}: ${events} events (+${warmup} warm-up), ` +
            `${Math.round(m.eventsPerSecond)} events/s, ${((performance.now() - t0) / 1000).toFixed(1)} s with setup`,
        );
      }
    }
    const raw = medianRun(runs.get('raw') ?? []);
    const writes = medianRun(runs.get('raw-writes') ?? []);
    for (const scenario of SCENARIOS) {
      const all = runs.get(scenario) ?? [];
      rows.push(
        judge(
          scenario,
          step.batch,
          medianRun(all),
          raw,
          writes,
          all.map((m) => m.eventsPerSecond),
        ),
      );
    }
  }
  const order = (r: Row) => SCENARIOS.indexOf(r.scenario) * 1e6 + r.batch;
  rows.sort((a, b) => order(a) - order(b));

  console.log(`\n${formatTable(rows)}\n`);

  let storage: StorageBenchResult | null = null;
  if (process.env['BENCH_STORAGE'] !== '0') {
    console.log('storage: bytes on disk per applied station event on a site of 20,000 serials');
    storage = await runStorageBench(scale);
    console.log(`\n${formatStorageBench(storage).join('\n')}\n`);
  }

  let routings: RoutingBenchResult | null = null;
  if (process.env['BENCH_ROUTINGS'] !== '0') {
    console.log(
      'routing checks: chains, wide and nested splits of 5,000 and 10,000 nodes; the event loop during an import',
    );
    routings = await runRoutingBench();
    console.log(`\n${formatRoutingBench(routings)}\n`);
  }

  let floor: FloorBenchResult | null = null;
  if (process.env['BENCH_FLOOR'] !== '0') {
    console.log(
      'floor board: 100,000 serials and ~1.8 million event rows; the board, the token list, a trace and recalls beside a lookup',
    );
    floor = await runFloorBench(scale);
    console.log(`\n${formatFloorBench(floor)}\n`);
  }

  let live: LiveBenchResult | null = null;
  if (process.env['BENCH_LIVE'] !== '0') {
    console.log(
      'live stream: 200 stations at 10x a plant’s rate; no console, 50 consoles on the stream, 5 pollers of /queues',
    );
    live = await runLiveBench(scale, (line) => console.log(`  ${line}`));
    console.log(`\n${formatLiveBench(live)}\n`);
  }

  let snapshot: SnapshotBenchResult | null = null;
  if (process.env['BENCH_SNAPSHOT'] !== '0') {
    console.log('station snapshots: 20,000 live tokens, 200,000 finished; full, recent and stale cursors');
    snapshot = await runSnapshotBench(scale);
    console.log(`\n${formatSnapshotBench(snapshot)}\n`);
  }

  let startup: StartupBenchResult | null = null;
  if (process.env['BENCH_STARTUP'] !== '0') {
    console.log(
      'start-up: npm start on an existing database, beside the bundle alone, tsx and a bare server',
    );
    startup = await runStartupBench();
    console.log(`\n${formatStartupBench(startup)}\n`);
  }

  let forwarding: ForwardingReport | null = null;
  const ingest100 = rows.find((r) => r.scenario === 'in-process' && r.batch === 100);
  if (process.env['BENCH_FORWARD'] !== '0' && ingest100) {
    console.log('forwarding bench: the upstream outbox drained to JetStream and to a hub edge server');
    forwarding = await runForwardingBench({
      scale,
      ingest: {
        events: ingest100.events,
        eventsPerSecond: ingest100.eventsPerSecond,
        source: 'the in-process batch 100 row above',
      },
    });
    console.log(`\n${formatForwarding(forwarding)}\n`);
  }
  let station: StationBenchResult | null = null;
  let decode: DecodeBenchResult | null = null;
  if (process.env['BENCH_STATION'] !== '0') {
    console.log('station app bench (Chromium): scan to durable outbox, a 10,000-event drain');
    station = await runStationBench({
      samples: Math.max(20, Math.round(120 * scale)),
      drainEvents: Math.max(500, Math.round(10_000 * scale)),
      log: (line) => console.log(`  ${line}`),
    });
    console.log(`\n${formatStationTable(station)}\n`);
    console.log('camera decoders (Chromium): 1280x720 frames, and the initial JavaScript');
    decode = await runDecodeBench();
    console.log(`\n${formatDecodeBench(decode)}\n`);
  }
  const totalSeconds = (performance.now() - began) / 1000;
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
    repeats: REPEATS,
    groupSize: GROUP_SIZE,
    targets: TARGETS,
    totalSeconds,
    results: rows,
    storage,
    routings,
    floor,
    live,
    snapshot,
    startup,
    forwarding,
    station,
    decode,
  };
  // Formatted as the repository's `prettier --check .` expects (it does not read bench/results/.gitignore).
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(report), { ...options, parser: 'json' }));
  console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  if (live && live.broken.length > 0) {
    console.error(`live: ${live.broken.join('; ')}`);
    process.exitCode = 1;
  }
  if (station && !station.drain.verification.ok) {
    console.error('station: the edge server does not hold what the station queued');
    process.exitCode = 1;
  }
  if (forwarding?.drains.some((d) => !d.verification.ok)) {
    console.error('forwarding: an upstream does not hold what was forwarded (see "verified")');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
