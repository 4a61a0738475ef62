/**
 * @module Ingest throughput: in process (core.ingest, one SQLite transaction per batch) and over
 * HTTP on loopback (POST /api/v1/events with fetch from a worker thread, one request at a time).
 */
import { Worker } from 'node:worker_threads';
import { startServer } from '../edge-server/http/server';
import type { PushResponse } from '../shared/protocol';
import type { Measurement } from './stats';
import { chunk, summarize } from './stats';
import { withTempDir } from './temp';
import type { BenchEvent, BenchSite } from './workload';
import {
  EVENTS_PER_TOKEN,
  assertAllApplied,
  assertCompleted,
  makeEvents,
  openBenchSite,
  tokensFor,
} from './workload';

/** A fresh site with exactly enough tokens for warm-up plus measurement, and their events. */
async function withBenchSite<T>(
  label: string,
  warmup: number,
  events: number,
  fn: (bench: BenchSite, warm: BenchEvent[], measured: BenchEvent[]) => Promise<T>,
): Promise<T> {
  const tokens = tokensFor(warmup + events);
  if (tokens * EVENTS_PER_TOKEN !== warmup + events) {
    throw new Error(`${label}: warm-up + events must fill whole token groups (${warmup} + ${events})`);
  }
  return withTempDir('scan-bench-site-', async (dir) => {
    const bench = openBenchSite(dir, tokens);
    try {
      const all = makeEvents(bench.codes);
      const result = await fn(bench, all.slice(0, warmup), all.slice(warmup));
      assertCompleted(label, bench, tokens);
      return result;
    } finally {
      bench.core.close();
    }
  });
}

export async function measureInProcess(batch: number, warmup: number, events: number): Promise<Measurement> {
  const label = `in-process batch ${batch}`;
  return withBenchSite(label, warmup, events, (bench, warm, measured) => {
    const { core, station } = bench;
    const ingest = (b: BenchEvent[]) => {
      const now = new Date();
      return core.ingest(station, now.toISOString(), b, now).results;
    };
    for (const b of chunk(warm, batch)) assertAllApplied(`${label} (warm-up)`, b, ingest(b));
    const batches = chunk(measured, batch);
    const latencies: number[] = [];
    const results: PushResponse['results'][] = [];
    const started = performance.now();
    for (const b of batches) {
      const t0 = performance.now();
      results.push(ingest(b));
      latencies.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    batches.forEach((b, i) => assertAllApplied(label, b, results[i] ?? []));
    return Promise.resolve(summarize(events, seconds, latencies));
  });
}

/**
 * The HTTP client runs in a worker thread, on the other core, as a tablet is another machine: in
 * the server's own event loop it would charge its fetch and JSON work to the server.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, payloads } = workerData;
(async () => {
  const statuses = [], texts = [], latencies = [];
  const started = performance.now();
  for (const events of payloads) {
    const t0 = performance.now();
    const body = '{"stationClock":"' + new Date().toISOString() + '","events":' + events + '}';
    const res = await fetch(url, { method: 'POST', headers, body });
    texts.push(await res.text());
    statuses.push(res.status);
    latencies.push(performance.now() - t0);
  }
  parentPort.postMessage({ statuses, texts, latencies, seconds: (performance.now() - started) / 1000 });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

interface ClientRun {
  statuses: number[];
  texts: string[];
  latencies: number[];
  seconds: number;
  error?: string;
}

function runClient(url: string, headers: Record<string, string>, payloads: string[]): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url, headers, payloads } });
    worker.once('message', (run: ClientRun) => {
      void worker.terminate();
      if (run.error) reject(new Error(run.error));
      else resolve(run);
    });
    worker.once('error', reject);
  });
}

export async function measureHttp(batch: number, warmup: number, events: number): Promise<Measurement> {
  const label = `HTTP batch ${batch}`;
  return withBenchSite(label, warmup, events, async (bench, warm, measured) => {
    const server = await startServer(bench.core, 0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${server.port}/api/v1/events`;
      const headers = { authorization: `Bearer ${bench.stationToken}`, 'content-type': 'application/json' };
      // Events are serialised before the clock starts (a station does that on its own device); the
      // station clock is stamped when the request goes out.
      const check = (batches: BenchEvent[][], run: ClientRun, what: string) =>
        batches.forEach((b, i) => {
          const status = run.statuses[i];
          const text = run.texts[i] ?? '';
          if (status !== 200) throw new Error(`${what}: HTTP ${status}: ${text.slice(0, 500)}`);
          assertAllApplied(what, b, (JSON.parse(text) as PushResponse).results);
        });
      const warmBatches = chunk(warm, batch);
      check(
        warmBatches,
        await runClient(
          url,
          headers,
          warmBatches.map((b) => JSON.stringify(b)),
        ),
        `${label} (warm-up)`,
      );
      const batches = chunk(measured, batch);
      const run = await runClient(
        url,
        headers,
        batches.map((b) => JSON.stringify(b)),
      );
      check(batches, run, label);
      return summarize(events, run.seconds, run.latencies);
    } finally {
      await server.close();
    }
  });
}
