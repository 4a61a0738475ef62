/**
 * @module Ingest throughput: in process (site.ingest, one SQLite transaction per batch) and over
 * HTTP on loopback (POST /api/v1/events with fetch, one client, one request at a time).
 */
import { startServer } from '../edge-server/server';
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
      bench.site.close();
    }
  });
}

export async function measureInProcess(batch: number, warmup: number, events: number): Promise<Measurement> {
  const label = `in-process batch ${batch}`;
  return withBenchSite(label, warmup, events, (bench, warm, measured) => {
    const { site, station } = bench;
    const ingest = (b: BenchEvent[]) => {
      const now = new Date();
      return site.ingest(station, now.toISOString(), b, now).results;
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

export async function measureHttp(batch: number, warmup: number, events: number): Promise<Measurement> {
  const label = `HTTP batch ${batch}`;
  return withBenchSite(label, warmup, events, async (bench, warm, measured) => {
    const server = await startServer(bench.site, 0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${server.port}/api/v1/events`;
      const headers = { authorization: `Bearer ${bench.stationToken}`, 'content-type': 'application/json' };
      // Events are serialised before the clock starts (a station does that on its own device); the
      // station clock is stamped when the request goes out.
      const serialise = (b: BenchEvent[]) => JSON.stringify(b);
      const post = async (events: string): Promise<{ status: number; text: string }> => {
        const body = `{"stationClock":"${new Date().toISOString()}","events":${events}}`;
        const res = await fetch(url, { method: 'POST', headers, body });
        return { status: res.status, text: await res.text() };
      };
      const check = (b: BenchEvent[], res: { status: number; text: string }, what: string) => {
        if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
        assertAllApplied(what, b, (JSON.parse(res.text) as PushResponse).results);
      };
      for (const b of chunk(warm, batch)) check(b, await post(serialise(b)), `${label} (warm-up)`);
      const batches = chunk(measured, batch);
      const payloads = batches.map(serialise);
      const latencies: number[] = [];
      const responses: { status: number; text: string }[] = [];
      const started = performance.now();
      for (const payload of payloads) {
        const t0 = performance.now();
        responses.push(await post(payload));
        latencies.push(performance.now() - t0);
      }
      const seconds = (performance.now() - started) / 1000;
      batches.forEach((b, i) => check(b, responses[i] ?? { status: 0, text: '' }, label));
      return summarize(events, seconds, latencies);
    } finally {
      await server.close();
    }
  });
}
