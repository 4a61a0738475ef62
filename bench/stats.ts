/** @module Latency statistics for the bench: nearest-rank percentiles over per-batch samples. */

/** The nearest-rank percentile (`p` in 0…100) of `sorted`, which must be sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export interface Measurement {
  /** Events measured (warm-up excluded). */
  events: number;
  /** Batches (transactions or requests) measured. */
  batches: number;
  /** Wall time of the whole measured loop, in seconds. */
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Summarises a measured loop: `latenciesMs` holds one sample per batch. */
export function summarize(events: number, seconds: number, latenciesMs: readonly number[]): Measurement {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    events,
    batches: sorted.length,
    seconds,
    eventsPerSecond: events / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Splits `items` into consecutive batches of `size` (the last one may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
