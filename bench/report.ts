/** @module The bench's verdicts (targets against the raw ceiling), its table and its JSON file. */
import type { Measurement } from './stats';

export const SCENARIOS = ['raw', 'raw-writes', 'in-process', 'http'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Target {
  /** At least this share of the raw ceiling's events/s at the same batch size. */
  minRatio: number;
  /** At most this request/batch p99, when given. */
  maxP99Ms?: number;
}

/** The goals: raw is the ceiling; in-process and HTTP are judged against raw at the same batch size. */
export const TARGETS: Partial<Record<Scenario, Partial<Record<number, Target>>>> = {
  'in-process': { 1: { minRatio: 0.5 }, 100: { minRatio: 0.5 } },
  http: { 1: { minRatio: 0.5 }, 100: { minRatio: 0.33, maxP99Ms: 50 } },
};

export interface Row extends Measurement {
  scenario: Scenario;
  batch: number;
  /** events/s of every run; the figures of the row are those of the median run. */
  runs: number[];
  /** events/s over raw events/s at the same batch size; null for raw itself. */
  ratioToRaw: number | null;
  /** events/s over raw-writes events/s (the same rows ingest writes) at the same batch size. */
  ratioToWrites: number | null;
  target: (Target & { pass: boolean }) | null;
}

export function judge(
  scenario: Scenario,
  batch: number,
  m: Measurement,
  raw: Measurement | undefined,
  writes: Measurement | undefined,
  runs: number[],
): Row {
  const ratioToRaw = scenario === 'raw' || !raw ? null : m.eventsPerSecond / raw.eventsPerSecond;
  const ratioToWrites =
    scenario === 'raw' || scenario === 'raw-writes' || !writes
      ? null
      : m.eventsPerSecond / writes.eventsPerSecond;
  const goal = TARGETS[scenario]?.[batch];
  const target = goal
    ? {
        ...goal,
        pass:
          ratioToRaw !== null &&
          ratioToRaw >= goal.minRatio &&
          (goal.maxP99Ms === undefined || m.p99Ms <= goal.maxP99Ms),
      }
    : null;
  return { scenario, batch, runs, ...m, ratioToRaw, ratioToWrites, target };
}

function describeTarget(t: Target): string {
  return `>=${t.minRatio.toFixed(2)}x raw${t.maxP99Ms === undefined ? '' : `, p99<=${t.maxP99Ms}ms`}`;
}

export function formatTable(rows: readonly Row[]): string {
  const header = [
    'scenario',
    'batch',
    'events',
    'events/s',
    'spread',
    'p50 ms',
    'p99 ms',
    'vs raw',
    'vs writes',
    'target',
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.batch),
    String(r.events),
    Math.round(r.eventsPerSecond).toLocaleString('en-US'),
    // (max - min) / median of the runs' events/s: how much the machine moved under the figures.
    r.runs.length > 1
      ? `${(((Math.max(...r.runs) - Math.min(...r.runs)) / r.eventsPerSecond) * 100).toFixed(0)}%`
      : '-',
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    r.ratioToRaw === null ? '-' : `${r.ratioToRaw.toFixed(2)}x`,
    r.ratioToWrites === null ? '-' : `${r.ratioToWrites.toFixed(2)}x`,
    r.target === null ? '-' : `${r.target.pass ? 'PASS' : 'MISS'} (${describeTarget(r.target)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  // Text columns left-aligned, figures right-aligned.
  const left = new Set([0, 9]);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}
