/**
 * @module Where in-process ingest spends its time at batch 100: `npx tsx bench/profile.ts`.
 *
 * 1. Sections: the methods ingest calls on the site's TokenStore, EventLog, SystemEventRecorder and
 *    ReferenceData (the very instances `createIngest` captured) and `stationEventSchema.safeParse`
 *    are wrapped with timers, giving each its cost per event without touching server code.
 * 2. Pure CPU steps, timed alone over the same events: schema, content hash, parking/state machine.
 * 3. A V8 CPU profile of the measured loop only (node:inspector), summarised by self time, total
 *    time and caller; the profile goes to bench/results/ingest-batch100.cpuprofile (Chrome DevTools).
 * 4. What-ifs: WAL bytes per commit against the raw table, ingest with
 *    foreign keys off (on the bench's own connection), and the fixed cost of one HTTP request.
 *
 * PROFILE_EVENTS (default 40000) sets the measured event count of 1 and 3; PROFILE_PARTS=4 runs
 * only some parts. Each part runs on a fresh site in a temp dir, removed afterwards.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { canonicalJson } from '../shared/canonical-json';
import { applyPragmas } from '../edge-server/db/open';
import { actionOf } from '../edge-server/ingest/pending';
import { startServer } from '../edge-server/http/server';
import { newKeyAllocator } from '../edge-server/ingest/token-store';
import { receive } from '../shared/parking';
import type { StationEvent } from '../shared/protocol';
import { stationEventSchema } from '../shared/protocol';
import { createRawTable, makeRawRows } from './raw';
import { chunk, summarize } from './stats';
import { withTempDir } from './temp';
import type { BenchEvent, BenchSite } from './workload';
import { assertAllApplied, makeEvents, openBenchSite, tokensFor } from './workload';

const BATCH = 100;
const WARMUP = 2_000;
const EVENTS = Number(process.env['PROFILE_EVENTS'] ?? '40000');
/** What-ifs alternate their variants this many times and report the median, against noisy neighbours. */
const ROUNDS = 5;
const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

interface Timer {
  ns: bigint;
  calls: number;
}

/** Replaces the method `obj[name]` by a timed wrapper adding into `timers[label]`; returns an undo. */
function wrap(timers: Map<string, Timer>, label: string, obj: object, name: string): () => void {
  const target = obj as Record<string, unknown>;
  const own = Object.prototype.hasOwnProperty.call(target, name);
  const original = target[name];
  if (typeof original !== 'function') throw new Error(`${label}: ${name} is not a method`);
  const timer: Timer = { ns: 0n, calls: 0 };
  timers.set(label, timer);
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    const t0 = process.hrtime.bigint();
    try {
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } finally {
      timer.ns += process.hrtime.bigint() - t0;
      timer.calls++;
    }
  };
  return () => {
    if (own) target[name] = original;
    else delete target[name];
  };
}

async function withSite<T>(
  events: number,
  fn: (bench: BenchSite, warm: BenchEvent[], measured: BenchEvent[], dir: string) => Promise<T> | T,
): Promise<T> {
  const tokens = tokensFor(WARMUP + events);
  return withTempDir('scan-bench-profile-', async (dir) => {
    const bench = openBenchSite(dir, tokens);
    try {
      const all = makeEvents(bench.codes);
      return await fn(bench, all.slice(0, WARMUP), all.slice(WARMUP, WARMUP + events), dir);
    } finally {
      bench.core.close();
    }
  });
}

/** Ingests `events` in batches of BATCH; returns the elapsed nanoseconds. */
function runBatches(bench: BenchSite, events: BenchEvent[]): number {
  const started = process.hrtime.bigint();
  for (const b of chunk(events, BATCH)) {
    const now = new Date();
    assertAllApplied('profile', b, bench.core.ingest(bench.station, now.toISOString(), b, now).results);
  }
  return Number(process.hrtime.bigint() - started);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const perEvent = (ns: number | bigint, events: number) => (Number(ns) / 1000 / events).toFixed(2).padStart(8);
const share = (ns: number | bigint, total: number) =>
  `${((Number(ns) / total) * 100).toFixed(1).padStart(5)}%`;

async function sections(): Promise<void> {
  await withSite(EVENTS, (bench, warm, measured) => {
    runBatches(bench, warm);
    const timers = new Map<string, Timer>();
    const { core } = bench;
    const undo = [
      wrap(timers, 'stationEventSchema.safeParse (zod)', stationEventSchema, 'safeParse'),
      wrap(timers, 'reference.refresh (once per batch)', core.reference, 'refresh'),
      wrap(timers, 'reference.graph + operator', core.reference, 'graph'),
      wrap(timers, 'events.find (dedup SELECT by event_id)', core.events, 'find'),
      wrap(timers, 'tokens.rootByCode (SELECT flow_token JOIN job_ticket)', core.tokens, 'rootByCode'),
      wrap(timers, 'tokens.loadFamily (SELECT family)', core.tokens, 'loadFamily'),
      wrap(
        timers,
        'events.parkedFor (SELECT parked JOIN token_event JOIN station)',
        core.events,
        'parkedFor',
      ),
      wrap(timers, 'tokens.updateMembers (UPDATE flow_token, board counts)', core.tokens, 'updateMembers'),
      wrap(timers, 'events.insert (INSERT token_event, its place upstream)', core.events, 'insert'),
    ];
    const total = runBatches(bench, measured);
    undo.forEach((restore) => restore());
    const n = measured.length;
    console.log(
      `1. In-process ingest, batch ${BATCH}: ${n} events, ${(n / (total / 1e9)).toFixed(0)} events/s with timers on`,
    );
    console.log(`${'us/event'.padStart(8)}   share  section`);
    let covered = 0n;
    for (const [label, t] of timers) {
      covered += t.ns;
      console.log(`${perEvent(t.ns, n)}  ${share(t.ns, total)}  ${label} [${t.calls} calls]`);
    }
    const rest = BigInt(total) - covered;
    console.log(
      `${perEvent(rest, n)}  ${share(rest, total)}  the rest: BEGIN/COMMIT (fsync), content hash, receive/decide, tokenAfter, JSON.stringify, station statements`,
    );
    console.log(`${perEvent(total, n)}  100.0%  total`);

    const parsed = measured.map((e) => stationEventSchema.parse(e));
    const time = (fn: (e: StationEvent) => unknown): number => {
      const t0 = process.hrtime.bigint();
      for (const e of parsed) fn(e);
      return Number(process.hrtime.bigint() - t0);
    };
    const graph = core.reference.allGraphs()[0];
    const root = core.tokens.rootByCode(parsed[0]?.code ?? '');
    if (!graph || !root) throw new Error('no graph or token loaded');
    const family = core.tokens.loadFamily(root.id, root.process_mode);
    const rows = [
      ['stationEventSchema.safeParse (zod)', time((e) => stationEventSchema.safeParse(e))],
      [
        'content hash: sha256(canonicalJson(event))',
        time((e) => createHash('sha256').update(canonicalJson(e)).digest('hex')),
      ],
      ['  canonicalJson alone (stringify with a key-sorting replacer)', time((e) => canonicalJson(e))],
      ['  plain JSON.stringify of the same event, for comparison', time((e) => JSON.stringify(e))],
      [
        '  sha256 of the plain JSON, for comparison',
        time((e) => createHash('sha256').update(JSON.stringify(e)).digest('hex')),
      ],
      [
        'receive() -> decide() (parking + state machine)',
        time((e) =>
          receive(
            family,
            [],
            { id: e.id, station: '1', seq: e.seq, occurredAt: e.occurredAt, action: actionOf(e) },
            {
              graph: graph.indexed,
              newTokenKey: newKeyAllocator(),
            },
          ),
        ),
      ],
    ] as const;
    console.log('\n2. Pure CPU steps, timed alone over the same events (us/event):');
    for (const [label, ns] of rows) console.log(`${perEvent(ns, n)}  ${label}`);
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROJECT = /edge-server\/|shared\//;

function frameName(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  // tsx's transform leaves line numbers meaningless here; the file is what tells functions apart.
  const file = url === '' ? '' : ` ${url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')}`;
  return `${functionName || '(anonymous)'}${file}`;
}

function summariseProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const leaves = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    all += dt;
    add(self, frameName(node), dt);
    const seen = new Set<string>();
    const chain: string[] = [node.callFrame.functionName || '(anonymous)'];
    let reachedProject = PROJECT.test(node.callFrame.url);
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const key = frameName(n);
      if (!seen.has(key)) add(total, key, dt);
      seen.add(key);
      // Native leaves (SQLite calls, hashing, helpers): the chain up to the nearest project caller.
      if (
        !reachedProject &&
        cur !== id &&
        /edge-server\/|shared\/|better-sqlite3\/lib/.test(n.callFrame.url)
      ) {
        chain.push(frameName(n));
        reachedProject = PROJECT.test(n.callFrame.url);
      }
    }
    if (!PROJECT.test(node.callFrame.url)) add(leaves, chain.join(' <- '), dt);
  });
  const top = (m: Map<string, number>, k: number, keep: (name: string) => boolean = () => true) =>
    [...m.entries()]
      .filter(([name]) => keep(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .forEach(([name, v]) => console.log(`${share(v, all)}  ${name}`));
  console.log(`\n3. CPU profile of the measured loop (${(all / 1e6).toFixed(2)} s sampled)`);
  console.log('Top self time:');
  top(self, 20);
  console.log('Total (inclusive) time of project functions:');
  top(total, 22, (name) => PROJECT.test(name));
  console.log(
    'Self time outside project code, by caller (BEGIN/COMMIT run directly from sqliteTransaction):',
  );
  top(leaves, 20);
}

async function cpuProfile(): Promise<void> {
  await withSite(EVENTS, async (bench, warm, measured) => {
    runBatches(bench, warm);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const total = runBatches(bench, measured);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    console.log(
      `\n(profiled run: ${(measured.length / (total / 1e9)).toFixed(0)} events/s with the profiler on)`,
    );
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, 'ingest-batch100.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(profile));
    summariseProfile(profile);
    console.log(`raw profile: ${path.relative(process.cwd(), file)}`);
  });
}

/** WAL bytes one commit appends, with checkpoints held off so the file only grows. */
function walBytesPerCommit(
  db: Database.Database,
  file: string,
  commits: number,
  commit: (i: number) => void,
) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const before = fs.statSync(`${file}-wal`).size;
  for (let i = 0; i < commits; i++) commit(i);
  const bytes = (fs.statSync(`${file}-wal`).size - before) / commits;
  db.pragma('wal_autocheckpoint = 1000');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return { bytes, pages: bytes / (pageSize + 24) };
}

async function whatIfs(): Promise<void> {
  console.log(`\n4. What-ifs (batch ${BATCH}; medians of ${ROUNDS} alternating runs where marked)`);
  const commits = 50;
  const ingestWal = await withSite(commits * BATCH, (bench, warm, measured, dir) => {
    runBatches(bench, warm);
    const batches = chunk(measured, BATCH);
    return walBytesPerCommit(bench.core.db, path.join(dir, 'edge.sqlite'), commits, (i) =>
      runBatches(bench, batches[i] ?? []),
    );
  });
  const rawWal = await withTempDir('scan-bench-profile-raw-', (dir) => {
    const file = path.join(dir, 'raw.sqlite');
    const db = new Database(file);
    try {
      applyPragmas(db);
      const insertBatch = createRawTable(db);
      const rows = chunk(makeRawRows(WARMUP + commits * BATCH), BATCH);
      rows.slice(0, WARMUP / BATCH).forEach((b) => insertBatch(b));
      return walBytesPerCommit(db, file, commits, (i) => insertBatch(rows[WARMUP / BATCH + i] ?? []));
    } finally {
      db.close();
    }
  });
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  console.log(
    `WAL per commit of ${BATCH} events: ingest ${kb(ingestWal.bytes)} (${ingestWal.pages.toFixed(0)} pages), raw ${kb(rawWal.bytes)} (${rawWal.pages.toFixed(0)} pages)`,
  );

  const fkEvents = 10_000;
  const fk = { ON: [] as number[], OFF: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const setting of ['ON', 'OFF'] as const) {
      fk[setting].push(
        await withSite(fkEvents, (bench, warm, measured) => {
          bench.core.db.pragma(`foreign_keys = ${setting}`);
          runBatches(bench, warm);
          return runBatches(bench, measured);
        }),
      );
    }
  }
  for (const setting of ['ON', 'OFF'] as const) {
    const ns = median(fk[setting]);
    console.log(
      `ingest with foreign_keys = ${setting.padEnd(3)}: ${(fkEvents / (ns / 1e9)).toFixed(0)} events/s, ${perEvent(ns, fkEvents).trim()} us/event`,
    );
  }

  await withSite(BATCH, async (bench) => {
    const server = await startServer(bench.core, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${server.port}/api/v1`;
      const headers = { authorization: `Bearer ${bench.stationToken}`, 'content-type': 'application/json' };
      const round = async (label: string, request: () => Promise<Response>) => {
        for (let i = 0; i < 200; i++) await (await request()).text();
        const latencies: number[] = [];
        const started = performance.now();
        for (let i = 0; i < 2000; i++) {
          const t0 = performance.now();
          const res = await request();
          await res.text();
          if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
          latencies.push(performance.now() - t0);
        }
        const m = summarize(2000, (performance.now() - started) / 1000, latencies);
        console.log(`${label}: p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms`);
      };
      await round('HTTP floor, GET /api/v1/health (no auth, no SQLite write)', () => fetch(`${base}/health`));
      await round(
        'HTTP floor, POST /api/v1/events with a wrong token (401 before the body is read)',
        async () => {
          const res = await fetch(`${base}/events`, {
            method: 'POST',
            headers: { ...headers, authorization: 'Bearer wrong' },
            body: `{"stationClock":"${new Date().toISOString()}","events":[]}`,
          });
          return res.status === 401 ? new Response(await res.text()) : res;
        },
      );
      await round('HTTP floor, POST /api/v1/events with no events (auth, envelope, one commit)', () =>
        fetch(`${base}/events`, {
          method: 'POST',
          headers,
          body: `{"stationClock":"${new Date().toISOString()}","events":[]}`,
        }),
      );
    } finally {
      await server.close();
    }
  });
}

async function main(): Promise<void> {
  // PROFILE_PARTS=1,3 runs only some parts (1 and 2 go together).
  const parts = new Set((process.env['PROFILE_PARTS'] ?? '1,3,4').split(','));
  if (parts.has('1') || parts.has('2')) await sections();
  if (parts.has('3')) await cpuProfile();
  if (parts.has('4')) await whatIfs();
}

main().catch((error: unknown) => {
  console.error('profile failed:', error);
  process.exitCode = 1;
});
