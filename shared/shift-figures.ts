/**
 * @module The shift figures' rules, pure (SPEC SV-50 … SV-55): which applied station events are
 * work done, a first QC, a rework or a scrap at a node, how first-pass yield is computed, how long
 * a waiting token has waited in buckets, and the hours a shift spans. Migration 0009's triggers
 * count the same things in SQL as events are applied; the edge server's consistency tests recount
 * the event log with these functions and hold the triggers' tables equal to them.
 */
import { hourBucket, shiftStart } from './floor-board';
import type { TokenStatus } from './domain';

/** The events whose outcome is a QC decision at a QC node. */
export const QC_EVENTS = ['qc_pass', 'qc_fail'] as const;
export type QcEvent = (typeof QC_EVENTS)[number];

export function isQcEvent(type: string): type is QcEvent {
  return type === 'qc_pass' || type === 'qc_fail';
}

/** What a station event that took effect means for the figures of the node it was recorded at. */
export interface AppliedStationEvent {
  type: string;
  /** The event's own qty, if it had one. */
  qty: number | null;
  /** The qty of the token it addressed (units when the event names none). */
  tokenQty: number | null;
  /** The addressed token's status right after the event (token_after_json). */
  statusAfter: TokenStatus | null;
  data: Record<string, unknown>;
}

/** A loss at a node: how many times, how many units. */
export interface Loss {
  kind: 'scrap' | 'rework';
  units: number;
}

const unitsOf = (e: AppliedStationEvent): number => e.qty ?? e.tokenQty ?? 1;

/** `data.scrapQty` when it is a whole number above 0 (the pieces a batch lost at a node), else 0. */
export function scrapQtyOf(data: Record<string, unknown>): number {
  const v = data['scrapQty'];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

/**
 * SV-52: rework and scrap. A qc_fail that sent the token back along its rework edge is one rework at
 * the QC node; a qc_fail with no rework edge (the token scrapped) and a scrap event are one scrap
 * there, of the token's units; a complete or qc_pass of a batch that lost pieces (`data.scrapQty`) is
 * one scrap of those pieces. Anything else loses nothing.
 */
export function lossOf(e: AppliedStationEvent): Loss | null {
  if (e.type === 'qc_fail')
    return { kind: e.statusAfter === 'scrapped' ? 'scrap' : 'rework', units: unitsOf(e) };
  if (e.type === 'scrap') return { kind: 'scrap', units: unitsOf(e) };
  if (e.type === 'complete' || e.type === 'qc_pass') {
    const lost = scrapQtyOf(e.data);
    return lost > 0 ? { kind: 'scrap', units: lost } : null;
  }
  return null;
}

/** SV-50: work done at a node: an applied complete or qc_pass, of its units (migration 0003). */
export function doneUnits(e: AppliedStationEvent): number | null {
  return e.type === 'complete' || e.type === 'qc_pass' ? unitsOf(e) : null;
}

/**
 * SV-51: first pass. Of one token's QC events at one node, in the order they were applied, the
 * first decides: a pass is a first pass, a fail is not (whatever passes later, after rework). Null
 * when the token was never QC'd there.
 */
export function firstPass(decisions: readonly QcEvent[]): boolean | null {
  const first = decisions[0];
  return first === undefined ? null : first === 'qc_pass';
}

/** SV-51: first-pass yield, passed first time / QC'd for the first time; null when nothing was. */
export function firstPassYield(passed: number, firstTime: number): number | null {
  return firstTime > 0 ? passed / firstTime : null;
}

/** Statuses of a token that waits (for an operator, or for its siblings at a join). */
export const WAITING_STATUSES = ['ready', 'paused', 'waiting'] as const;

/** SV-53: the WIP ageing buckets' upper limits in minutes: <15 min, 15–60 min, 1–4 h, 4–8 h, 8 h and more. */
export const AGE_LIMITS_MINUTES = [15, 60, 240, 480] as const;
export const AGE_BUCKET_COUNT = AGE_LIMITS_MINUTES.length + 1;

/** The bucket (0 … 4) of a wait: limits are lower-inclusive (exactly 15 min is 15–60). */
export function ageBucket(waitedSeconds: number): number {
  const found = AGE_LIMITS_MINUTES.findIndex((limit) => waitedSeconds < limit * 60);
  return found < 0 ? AGE_LIMITS_MINUTES.length : found;
}

/**
 * The `status_since` at each limit: a token waiting since at or before `cutoffs[i]` has waited
 * AGE_LIMITS_MINUTES[i] or longer (ISO strings compare as times).
 */
export function ageCutoffs(now: Date): string[] {
  return AGE_LIMITS_MINUTES.map((m) => new Date(now.getTime() - m * 60_000).toISOString());
}

/**
 * Bucket counts from how many tokens waited at least each limit (`atLeast[i]`, descending) and
 * the total: bucket 0 is those under the first limit, the last those at or over the last.
 */
export function bucketsFromCumulative(total: number, atLeast: readonly number[]): number[] {
  const edges = [total, ...atLeast, 0];
  return AGE_LIMITS_MINUTES.map((_, i) => (edges[i] ?? 0) - (edges[i + 1] ?? 0)).concat(atLeast.at(-1) ?? 0);
}

/** SV-54: when the shift that began at `start` ends: the next of the shift starts after it (local time). */
export function shiftEnd(start: Date, starts: readonly number[]): Date {
  const minuteOfDay = start.getHours() * 60 + start.getMinutes();
  const later = starts.find((s) => s > minuteOfDay);
  const day = new Date(start.getFullYear(), start.getMonth(), start.getDate());
  if (later !== undefined) return new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, later);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1, 0, starts[0] ?? 0);
}

/** SV-54: the shift an instant falls in, as [start, end). */
export function shiftAround(at: Date, starts: readonly number[]): { start: Date; end: Date } {
  const start = shiftStart(at, starts);
  return { start, end: shiftEnd(start, starts) };
}

/** The hour buckets (as the figures key them) a shift spans: the one its start falls in, up to its end. */
export function shiftHourBuckets(start: Date, end: Date): string[] {
  const hours: string[] = [];
  for (let t = Date.parse(hourBucket(start)); t < end.getTime(); t += 3_600_000)
    hours.push(hourBucket(new Date(t)));
  return hours;
}
