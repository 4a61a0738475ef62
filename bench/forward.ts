/**
 * @module Forwarding throughput: how fast a site's upstream outbox drains to JetStream and to a hub
 * edge server over HTTP, against how fast the site ingests.
 *
 * Each drain runs on fresh temp dirs (removed afterwards) with its upstream in a process of its own:
 *   backlog    a bench site (bench/workload.ts) whose ticket has enough tokens for about 100,000 outbox
 *              records, ingested in process with core.ingest at batch 500 (every event applied); the
 *              ticket's spawn system events are outbox records too, so the actual count is reported
 *   jetstream  nats-server -js (random free port on loopback, temp store), the sink the site's config
 *              opens (LazyJetStreamSink, NATS_URL: publishes pipelined, FORWARD_MAX_IN_FLIGHT), a
 *              Forwarder built directly (batch 500, idle 10 ms) stepped until the outbox is empty;
 *              then the stream must hold exactly the outbox's count
 *   http       a hub edge server (bench/hub-process.ts: openEdgeCore + startServer on loopback, DEMO=0, the
 *              bench site enrolled with enrollSite), the site's HttpSink (UPSTREAM_URL), the same
 *              Forwarder; then the hub's hub_record count must equal the outbox's count
 * The outbox reads and writes (next, markForwarded, the activity log, counts) and the sink's sends
 * are timed apart, so a slow drain says which side it spends on.
 *
 * Compared like with like: ingest is counted in station events and forwarding in outbox records,
 * which include the system events the site records beside them (here a spawn per token, at ticket
 * creation: 9 records per 8 station events). The backlog's records per station event converts one
 * into the other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type Database from 'better-sqlite3';
import { Forwarder } from '../edge-server/forwarder/forwarder';
import { DEFAULT_HTTP_IN_FLIGHT } from '../edge-server/forwarder/http-sink';
import { DEFAULT_JETSTREAM_IN_FLIGHT } from '../edge-server/forwarder/jetstream-sink';
import type { Activity, OutboxRecord } from '../edge-server/forwarder/outbox';
import { UpstreamOutbox } from '../edge-server/forwarder/outbox';
import type { RecordOutcome, UpstreamSink } from '../edge-server/forwarder/sink';
import { openSink } from '../edge-server/forwarder/start';
import type { AppliedEventRecord } from '../shared/protocol';
import { measureInProcess } from './ingest';
import type { Measurement } from './stats';
import { chunk, percentile } from './stats';
import { withTempDir } from './temp';
import { natsServerBinary, startHub, startNatsServer } from './upstreams';
import type { BenchSite } from './workload';
import { EVENTS_PER_TOKEN, GROUP_SIZE, assertAllApplied, makeEvents, openBenchSite } from './workload';

/** The backlog the drains aim at, and the one the "time to drain" column names. */
export const TARGET_RECORDS = 100_000;
const BACKLOG_INGEST_BATCH = 500;
const FORWARD_BATCH = 500;
const FORWARD_IDLE_MS = 10;
/** The bench site's code; the hub enrolls it under this code. */
const SITE_CODE = 'BENCH';
/** A drain still running after this long stops; its figures are then partial and the 100k time extrapolated. */
const DEFAULT_DRAIN_DEADLINE_S = 90;
/** Failed steps (sink errors) tolerated in one drain before the bench gives up on it. */
const MAX_FAILED_STEPS = 20;
/** Rates over the first and the last this many records: a big backlog against a small one. */
const WINDOW_RECORDS = 10_000;

/** The plant the first target names: 200 stations, one scan each every 3 s, with tenfold headroom. */
export const PLANT = { stations: 200, secondsPerScan: 3, headroom: 10 } as const;
const PLANT_EVENTS_PER_SECOND = PLANT.stations / PLANT.secondsPerScan;
const PLANT_TARGET_EVENTS_PER_SECOND = PLANT_EVENTS_PER_SECOND * PLANT.headroom;

export interface Backlog {
  /** Station events ingested (all applied). */
  stationEvents: number;
  /** Outbox records in the backlog: station events and system events. */
  records: number;
  /** System-event records written when the ticket was created (spawns). */
  setupSystemRecords: number;
  /** System-event records written by ingest beyond one per station event. */
  ingestSystemRecords: number;
  recordsPerEvent: number;
  ingestSeconds: number;
  ingestEventsPerSecond: number;
}

export interface Drain {
  sink: 'jetstream' | 'http';
  target: string;
  backlog: Backlog;
  /** Records forwarded (all of the backlog unless the drain hit its deadline). */
  records: number;
  complete: boolean;
  seconds: number;
  recordsPerSecond: number;
  /** recordsPerSecond in station events: over the backlog's records per station event. */
  eventsPerSecond: number;
  firstWindowRecordsPerSecond: number | null;
  lastWindowRecordsPerSecond: number | null;
  /** Per forwarder step that sent records (read, send, mark). */
  batches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Time in the outbox's reads (next), its writes (markForwarded, the activity log, counts) and the sink. */
  readSeconds: number;
  writeSeconds: number;
  sinkSeconds: number;
  /** The outbox's first and last read of records (with a full and a nearly empty backlog), in ms. */
  firstReadMs: number | null;
  lastReadMs: number | null;
  failedSteps: number;
  lastError: string | null;
  /** Seconds until TARGET_RECORDS records were forwarded; extrapolated when the backlog was smaller. */
  secondsForTarget: number;
  targetExtrapolated: boolean;
  verification: { what: string; expected: number; actual: number; ok: boolean };
  /** The upstream's version or kind, for the record. */
  upstream: string;
}

export interface Verdict {
  target: string;
  sink: Drain['sink'];
  pass: boolean;
  detail: string;
}

export interface ForwardingReport {
  targetRecords: number;
  forwardBatch: number;
  backlogIngestBatch: number;
  ingest: { batch: number; events: number; eventsPerSecond: number; source: string };
  drains: Drain[];
  skipped: { sink: Drain['sink']; reason: string }[];
  plant: typeof PLANT & { eventsPerSecond: number; targetEventsPerSecond: number };
  verdicts: Verdict[];
  totalSeconds: number;
}

/** The outbox the forwarder reads, timing every call it makes: reads (next) apart from the rest. */
class TimedOutbox extends UpstreamOutbox {
  readSeconds = 0;
  writeSeconds = 0;
  /** Each read that found records, in ms. */
  readsMs: number[] = [];

  constructor(db: Database.Database) {
    super(db);
  }

  private timed<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.writeSeconds += (performance.now() - t0) / 1000;
    }
  }

  override next(limit: number): OutboxRecord[] {
    const t0 = performance.now();
    const records = super.next(limit);
    const ms = performance.now() - t0;
    this.readSeconds += ms / 1000;
    if (records.length > 0) this.readsMs.push(ms);
    return records;
  }

  override markForwarded(outboxIds: readonly number[], now: string): void {
    this.timed(() => super.markForwarded(outboxIds, now));
  }

  override log(activity: Activity, now: string): void {
    this.timed(() => super.log(activity, now));
  }

  override counts(): ReturnType<UpstreamOutbox['counts']> {
    return this.timed(() => super.counts());
  }
}

/** The sink, timing its sends and checks. */
class TimedSink implements UpstreamSink {
  seconds = 0;
  readonly kind: string;
  readonly target: string;
  readonly batchesPerSend: number;

  constructor(private readonly inner: UpstreamSink) {
    this.kind = inner.kind;
    this.target = inner.target;
    this.batchesPerSend = inner.batchesPerSend ?? 1;
  }

  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.seconds += (performance.now() - t0) / 1000;
    }
  }

  send(
    records: readonly AppliedEventRecord[],
    perBatch?: number,
    onSettled?: (outcomes: readonly RecordOutcome[]) => void,
  ): Promise<RecordOutcome[]> {
    // The forwarder marks what landed while the rest is in flight: that time is the outbox's.
    const settled = onSettled
      ? (outcomes: readonly RecordOutcome[]): void => {
          const t0 = performance.now();
          try {
            onSettled(outcomes);
          } finally {
            this.seconds -= (performance.now() - t0) / 1000;
          }
        }
      : undefined;
    return this.timed(() => this.inner.send(records, perBatch, settled));
  }

  landedPrefix(records: readonly AppliedEventRecord[]): Promise<number> {
    return this.timed(() => this.inner.landedPrefix(records));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Tokens for a backlog of at least `records` outbox records (a spawn and EVENTS_PER_TOKEN events each). */
function tokensForRecords(records: number): number {
  const perGroup = GROUP_SIZE * (EVENTS_PER_TOKEN + 1);
  return Math.max(1, Math.ceil(records / perGroup)) * GROUP_SIZE;
}

function outboxRows(bench: BenchSite): number {
  return (bench.core.db.prepare('SELECT count(*) AS n FROM upstream_record').get() as { n: number }).n;
}

/** Ingests every event of the bench site's ticket at batch 500: the backlog of applied events. */
function buildBacklog(bench: BenchSite): Backlog {
  const { core, station } = bench;
  const before = outboxRows(bench);
  const events = makeEvents(bench.codes);
  const started = performance.now();
  for (const batch of chunk(events, BACKLOG_INGEST_BATCH)) {
    const now = new Date();
    assertAllApplied(
      'forwarding backlog',
      batch,
      core.ingest(station, now.toISOString(), batch, now).results,
    );
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const counts = core.upstream.counts();
  const records = outboxRows(bench);
  if (counts.pending !== records) {
    throw new Error(`forwarding backlog: ${counts.pending} pending of ${records} outbox records`);
  }
  return {
    stationEvents: events.length,
    records,
    setupSystemRecords: before,
    ingestSystemRecords: records - before - events.length,
    recordsPerEvent: records / events.length,
    ingestSeconds,
    ingestEventsPerSecond: events.length / ingestSeconds,
  };
}

/** Records per second over `records` records from the timeline's start (or, with `fromEnd`, up to its end). */
function windowRate(timeline: readonly [number, number][], records: number, fromEnd: boolean): number | null {
  const last = timeline[timeline.length - 1];
  if (!last || last[1] < records * 2) return null;
  if (!fromEnd) {
    const hit = timeline.find(([, n]) => n >= records);
    return hit ? hit[1] / hit[0] : null;
  }
  // The last step at or before (total - records): from there to the end.
  let from: [number, number] = [0, 0];
  for (const point of timeline) {
    if (point[1] > last[1] - records) break;
    from = point;
  }
  return (last[1] - from[1]) / (last[0] - from[0]);
}

interface DrainRun {
  records: number;
  complete: boolean;
  seconds: number;
  timeline: [number, number][];
  latencies: number[];
  readSeconds: number;
  writeSeconds: number;
  readsMs: number[];
  sinkSeconds: number;
  failedSteps: number;
  lastError: string | null;
  target: string;
}

/** Steps a Forwarder over the site's outbox until it is empty (or the deadline passes). */
async function drainOutbox(label: string, bench: BenchSite, sink: UpstreamSink): Promise<DrainRun> {
  const deadlineSeconds = Number(process.env['BENCH_DRAIN_DEADLINE_S'] ?? DEFAULT_DRAIN_DEADLINE_S);
  const outbox = new TimedOutbox(bench.core.db);
  const timedSink = new TimedSink(sink);
  let forwarded = 0;
  const forwarder = new Forwarder(
    outbox,
    timedSink,
    bench.core.log,
    { batchSize: FORWARD_BATCH, idleMs: FORWARD_IDLE_MS },
    { onForwarded: (n) => (forwarded += n) },
  );
  const timeline: [number, number][] = [];
  const latencies: number[] = [];
  let failedSteps = 0;
  let complete = false;
  const started = performance.now();
  try {
    for (;;) {
      const t0 = performance.now();
      const result = await forwarder.step();
      const now = performance.now();
      if (result.kind === 'sent' && result.forwarded > 0) {
        latencies.push(now - t0);
        timeline.push([(now - started) / 1000, forwarded]);
      } else if (result.kind === 'failed') {
        failedSteps++;
        if (failedSteps > MAX_FAILED_STEPS) {
          throw new Error(`${label}: ${failedSteps} failed steps; last error: ${forwarder.lastError}`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(result.waitMs, 2000)));
      } else if (result.kind === 'idle') {
        const pending = bench.core.upstream.counts().pending;
        if (pending === 0) {
          complete = true;
          break;
        }
        throw new Error(`${label}: the forwarder is idle with ${pending} records pending`);
      }
      if ((now - started) / 1000 > deadlineSeconds) break;
    }
  } finally {
    await forwarder.stop();
  }
  const last = timeline[timeline.length - 1];
  return {
    records: forwarded,
    complete,
    seconds: last?.[0] ?? (performance.now() - started) / 1000,
    timeline,
    latencies,
    readSeconds: outbox.readSeconds,
    writeSeconds: outbox.writeSeconds,
    readsMs: outbox.readsMs,
    sinkSeconds: timedSink.seconds,
    failedSteps,
    lastError: forwarder.lastError,
    target: timedSink.target,
  };
}

function summarizeDrain(
  sink: Drain['sink'],
  backlog: Backlog,
  run: DrainRun,
  verification: Drain['verification'],
  upstream: string,
): Drain {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const recordsPerSecond = run.records / run.seconds;
  const reached = run.timeline.find(([, n]) => n >= TARGET_RECORDS);
  return {
    sink,
    target: run.target,
    backlog,
    records: run.records,
    complete: run.complete,
    seconds: run.seconds,
    recordsPerSecond,
    eventsPerSecond: recordsPerSecond / backlog.recordsPerEvent,
    firstWindowRecordsPerSecond: windowRate(run.timeline, WINDOW_RECORDS, false),
    lastWindowRecordsPerSecond: run.complete ? windowRate(run.timeline, WINDOW_RECORDS, true) : null,
    batches: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    readSeconds: run.readSeconds,
    writeSeconds: run.writeSeconds,
    sinkSeconds: run.sinkSeconds,
    firstReadMs: run.readsMs[0] ?? null,
    lastReadMs: run.readsMs[run.readsMs.length - 1] ?? null,
    failedSteps: run.failedSteps,
    lastError: run.lastError,
    secondsForTarget: reached ? reached[0] : (run.seconds * TARGET_RECORDS) / run.records,
    targetExtrapolated: !reached,
    verification,
    upstream,
  };
}

function describeBacklog(sink: string, b: Backlog): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return (
    `  ${sink} backlog: ${n(b.stationEvents)} station events ingested at batch ${BACKLOG_INGEST_BATCH} in ` +
    `${b.ingestSeconds.toFixed(1)} s (${n(b.ingestEventsPerSecond)} events/s); outbox ${n(b.records)} records = ` +
    `${n(b.stationEvents)} station events + ${n(b.setupSystemRecords)} spawn system events (ticket creation)` +
    ` + ${n(b.ingestSystemRecords)} system events during ingest: ${b.recordsPerEvent.toFixed(3)} records per station event`
  );
}

function describeDrain(d: Drain): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return (
    `  ${d.sink} drain: ${n(d.records)} records in ${d.seconds.toFixed(1)} s, ${n(d.recordsPerSecond)} records/s` +
    `${d.complete ? '' : ' (STOPPED at the deadline: partial)'}; ${d.verification.what} ${n(d.verification.actual)}` +
    ` (expected ${n(d.verification.expected)}): ${d.verification.ok ? 'ok' : 'MISMATCH'}`
  );
}

async function jetStreamDrain(scale: number): Promise<Drain | string> {
  const binary = natsServerBinary();
  if (!binary) return 'nats-server not found (set BENCH_NATS_SERVER)';
  return withTempDir('scan-bench-nats-', async (storeDir) => {
    const nats = await startNatsServer(binary, storeDir);
    try {
      return await withTempDir('scan-bench-site-', async (dir) => {
        const bench = openBenchSite(dir, tokensForRecords(TARGET_RECORDS * scale), {
          SITE_CODE,
          NATS_URL: nats.servers,
        });
        try {
          const backlog = buildBacklog(bench);
          console.log(describeBacklog('jetstream', backlog));
          const sink = openSink(bench.core.config);
          const upstream = bench.core.config.upstream;
          if (!sink || upstream.kind !== 'jetstream') throw new Error('the bench site has no JetStream sink');
          const run = await drainOutbox('jetstream drain', bench, sink);
          const forwarded = bench.core.upstream.counts().forwarded;
          const subject = `${upstream.subjectPrefix}.${SITE_CODE}`;
          const nc = await connect({ servers: nats.servers });
          let stored: number;
          try {
            const jsm = await jetstreamManager(nc);
            const info = await jsm.streams.info(upstream.stream, { subjects_filter: subject });
            stored = info.state.messages;
            const onSubject = info.state.subjects?.[subject] ?? 0;
            if (onSubject !== stored)
              throw new Error(`stream: ${stored} messages, ${onSubject} on ${subject}`);
          } finally {
            await nc.close();
          }
          const expected = run.complete ? backlog.records : forwarded;
          const drain = summarizeDrain(
            'jetstream',
            backlog,
            run,
            {
              what: `stream ${upstream.stream} messages`,
              expected,
              actual: stored,
              ok: stored === expected && forwarded === run.records,
            },
            `nats-server ${nats.version}`,
          );
          console.log(describeDrain(drain));
          return drain;
        } finally {
          bench.core.close();
        }
      });
    } finally {
      await nats.stop();
    }
  });
}

async function httpDrain(scale: number): Promise<Drain> {
  return withTempDir('scan-bench-hub-', async (hubDir) => {
    const hub = await startHub(hubDir, SITE_CODE);
    try {
      return await withTempDir('scan-bench-site-', async (dir) => {
        const bench = openBenchSite(dir, tokensForRecords(TARGET_RECORDS * scale), {
          SITE_CODE,
          UPSTREAM_URL: hub.url,
          UPSTREAM_CREDENTIAL: hub.credential,
        });
        try {
          const backlog = buildBacklog(bench);
          console.log(describeBacklog('http', backlog));
          const sink = openSink(bench.core.config);
          if (!sink || bench.core.config.upstream.kind !== 'http') {
            throw new Error('the bench site has no HTTP sink');
          }
          const run = await drainOutbox('http drain', bench, sink);
          const forwarded = bench.core.upstream.counts().forwarded;
          const stored = await hub.count();
          const expected = run.complete ? backlog.records : forwarded;
          const drain = summarizeDrain(
            'http',
            backlog,
            run,
            {
              what: 'hub_record rows',
              expected,
              actual: stored.hubRecords,
              ok: stored.hubRecords === expected && stored.outbox === expected && forwarded === run.records,
            },
            'hub edge server (own process)',
          );
          console.log(describeDrain(drain));
          return drain;
        } finally {
          bench.core.close();
        }
      });
    } finally {
      await hub.stop();
    }
  });
}

function judgeDrains(drains: readonly Drain[], ingestEventsPerSecond: number): Verdict[] {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return drains.flatMap((d): Verdict[] => {
    const k = d.backlog.recordsPerEvent;
    const plantRecords = PLANT_TARGET_EVENTS_PER_SECOND * k;
    const ingestRecords = ingestEventsPerSecond * k;
    return [
      {
        target: 'plant',
        sink: d.sink,
        pass: d.eventsPerSecond >= PLANT_TARGET_EVENTS_PER_SECOND,
        detail: `${n(d.eventsPerSecond)} events/s = ${n(d.recordsPerSecond)} records/s vs ${n(plantRecords)} records/s: ${(d.recordsPerSecond / plantRecords).toFixed(1)}x the target`,
      },
      {
        target: 'keep-up',
        sink: d.sink,
        pass: d.recordsPerSecond >= ingestRecords,
        detail: `${n(d.recordsPerSecond)} records/s vs ${n(ingestEventsPerSecond)} events/s x ${k.toFixed(3)} = ${n(ingestRecords)} records/s: ${(d.recordsPerSecond / ingestRecords).toFixed(2)}x`,
      },
    ];
  });
}

/** Runs both drains (each on its own fresh backlog) and judges them against `ingest` (batch 100). */
export async function runForwardingBench(options: {
  scale: number;
  ingest: { events: number; eventsPerSecond: number; source: string };
}): Promise<ForwardingReport> {
  const began = performance.now();
  const drains: Drain[] = [];
  const skipped: ForwardingReport['skipped'] = [];
  const js = await jetStreamDrain(options.scale);
  if (typeof js === 'string') {
    skipped.push({ sink: 'jetstream', reason: js });
    console.log(`  jetstream drain skipped: ${js}`);
  } else drains.push(js);
  drains.push(await httpDrain(options.scale));
  return {
    targetRecords: TARGET_RECORDS,
    forwardBatch: FORWARD_BATCH,
    backlogIngestBatch: BACKLOG_INGEST_BATCH,
    ingest: { batch: 100, ...options.ingest },
    drains,
    skipped,
    plant: {
      ...PLANT,
      eventsPerSecond: PLANT_EVENTS_PER_SECOND,
      targetEventsPerSecond: PLANT_TARGET_EVENTS_PER_SECOND,
    },
    verdicts: judgeDrains(drains, options.ingest.eventsPerSecond),
    totalSeconds: (performance.now() - began) / 1000,
  };
}

function grid(header: readonly string[], body: readonly string[][], left: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatForwarding(report: ForwardingReport): string {
  const n = (x: number | null) => (x === null ? '-' : Math.round(x).toLocaleString('en-US'));
  const drainRows = report.drains.map((d) => [
    d.sink,
    n(d.records),
    d.seconds.toFixed(1),
    n(d.recordsPerSecond),
    n(d.eventsPerSecond),
    n(d.firstWindowRecordsPerSecond),
    n(d.lastWindowRecordsPerSecond),
    d.p50Ms.toFixed(1),
    d.p99Ms.toFixed(1),
    d.readSeconds.toFixed(1),
    d.writeSeconds.toFixed(1),
    d.sinkSeconds.toFixed(1),
    `${d.targetExtrapolated ? '~' : ''}${d.secondsForTarget.toFixed(1)} s${d.targetExtrapolated ? ' (extrapolated)' : ''}`,
    `${d.verification.ok ? 'ok' : 'FAIL'} (${n(d.verification.actual)})`,
  ]);
  const k = report.drains[0]?.backlog.recordsPerEvent ?? null;
  const ingestRow = [
    'ingest b100',
    n(report.ingest.events),
    '-',
    k === null ? '-' : `(${n(report.ingest.eventsPerSecond * k)})`,
    n(report.ingest.eventsPerSecond),
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
  ];
  const table = grid(
    [
      'forward to',
      'records',
      'seconds',
      'records/s',
      'events/s*',
      `first ${WINDOW_RECORDS / 1000}k/s`,
      `last ${WINDOW_RECORDS / 1000}k/s`,
      'p50 ms',
      'p99 ms',
      'read s',
      'write s',
      'sink s',
      `${report.targetRecords / 1000}k records`,
      'verified',
    ],
    [...drainRows, ingestRow],
    new Set([0, 13]),
  );
  const targets = grid(
    ['target', 'forward to', 'verdict', 'detail'],
    report.verdicts.map((v) => [
      v.target === 'plant'
        ? `>=${PLANT.headroom}x a ${PLANT.stations}-station plant (${n(report.plant.targetEventsPerSecond)} events/s)`
        : `keeps up with ingest at batch 100 (${n(report.ingest.eventsPerSecond)} events/s)`,
      v.sink,
      v.pass ? 'PASS' : 'MISS',
      v.detail,
    ]),
    new Set([0, 1, 2, 3]),
  );
  const notes = [
    `forward: a Forwarder stepped until the outbox is empty, batch ${report.forwardBatch}; records/s over the whole drain.`,
    `  in flight (FORWARD_MAX_IN_FLIGHT unset): JetStream up to ${DEFAULT_JETSTREAM_IN_FLIGHT} publishes of one batch, marked as they land;`,
    `  HTTP ${DEFAULT_HTTP_IN_FLIGHT} request(s) at a time, 4 batches per step, each batch marked while the next is in flight.`,
    `p50/p99: one forwarder step (read ${report.forwardBatch} records, send, mark forwarded); read s / write s / sink s: time in`,
    `  the outbox's reads (next), its writes (mark forwarded, activity log, counts) and the sink (publish or POST).`,
    ...report.drains.map(
      (d) =>
        `  ${d.sink}: one outbox read took ${d.firstReadMs?.toFixed(1) ?? '-'} ms with the whole backlog pending, ${d.lastReadMs?.toFixed(1) ?? '-'} ms at the end.`,
    ),
    `* events/s: records/s over the backlog's records per station event${k === null ? '' : ` (${k.toFixed(3)}: a spawn per 8 station events)`};`,
    `  for ingest b100 (station events/s, ${report.ingest.source}) the records/s in brackets is what that rate puts in the outbox.`,
    `first/last ${WINDOW_RECORDS / 1000}k/s: the rate over the first and the last ${n(WINDOW_RECORDS)} records (a full and a nearly empty backlog).`,
    `targets: in station events, times ${k === null ? 'the records per event' : k.toFixed(3)} in records: ${PLANT.stations} stations x 1 scan / ${PLANT.secondsPerScan} s = ${report.plant.eventsPerSecond.toFixed(1)} events/s, x${PLANT.headroom};`,
    `  keep-up: forwarding records/s >= ingest events/s at batch 100 x records per station event.`,
    ...report.drains
      .filter((d) => d.targetExtrapolated)
      .map(
        (d) =>
          `NOTE ${d.sink}: drained ${n(d.records)} records, not ${n(report.targetRecords)}: the ${n(report.targetRecords)}-record time is extrapolated linearly from its rate (optimistic: an outbox read grows with the backlog).`,
      ),
    ...report.drains
      .filter((d) => !d.complete)
      .map(
        (d) =>
          `NOTE ${d.sink}: stopped at the deadline before the outbox was empty (BENCH_DRAIN_DEADLINE_S).`,
      ),
    ...report.drains
      .filter((d) => d.failedSteps > 0)
      .map((d) => `NOTE ${d.sink}: ${d.failedSteps} failed steps, last error: ${d.lastError}`),
    ...report.skipped.map((s) => `NOTE ${s.sink}: skipped: ${s.reason}`),
  ];
  return [table, '', ...notes, '', targets].join('\n');
}

/** `npx tsx bench/forward.ts`: the forwarding section alone, with its own ingest figure at batch 100. */
async function main(): Promise<void> {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1');
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`BENCH_SCALE must be a positive number, not ${scale}`);
  const runs: Measurement[] = [];
  for (let i = 0; i < 3; i++) runs.push(await measureInProcess(100, 2000, 20_000));
  runs.sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const median = runs[1] ?? runs[0];
  if (!median) throw new Error('no ingest runs');
  const report = await runForwardingBench({
    scale,
    ingest: { events: median.events, eventsPerSecond: median.eventsPerSecond, source: 'median of 3 runs' },
  });
  console.log(`\n${formatForwarding(report)}\n`);
  if (report.drains.some((d) => !d.verification.ok)) process.exitCode = 1;
}

const entry = process.argv[1];
if (entry && path.resolve(entry) === fileURLToPath(import.meta.url) && fs.existsSync(entry)) {
  main().catch((error: unknown) => {
    console.error('forwarding bench failed:', error);
    process.exitCode = 1;
  });
}
