/**
 * The shift figures' rules, pure (SV-50 … SV-54): what is work done, a first pass, a rework or a
 * scrap; first-pass yield; WIP ageing buckets; the hours a shift spans.
 */
import { describe, expect, it } from 'vitest';
import { hourBucket, shiftStart } from '../../shared/floor-board';
import type { AppliedStationEvent } from '../../shared/shift-figures';
import {
  AGE_LIMITS_MINUTES,
  ageBucket,
  ageCutoffs,
  bucketsFromCumulative,
  doneUnits,
  firstPass,
  firstPassYield,
  lossOf,
  scrapQtyOf,
  shiftAround,
  shiftEnd,
  shiftHourBuckets,
} from '../../shared/shift-figures';

const event = (type: string, fields: Partial<AppliedStationEvent> = {}): AppliedStationEvent => ({
  type,
  qty: null,
  tokenQty: 1,
  statusAfter: 'ready',
  data: {},
  ...fields,
});

describe('shift figures rules', () => {
  it('SV-50: a complete or a qc_pass is work done, of its qty, else of its token’s', () => {
    expect(doneUnits(event('complete'))).toBe(1);
    expect(doneUnits(event('qc_pass', { qty: 8, tokenQty: 10 }))).toBe(8);
    expect(doneUnits(event('complete', { tokenQty: 12 }))).toBe(12);
    for (const type of ['qc_fail', 'scrap', 'start', 'note', 'move'])
      expect(doneUnits(event(type))).toBeNull();
  });

  it('SV-51: the first QC decision of a token at a node decides a first pass', () => {
    expect(firstPass(['qc_pass'])).toBe(true);
    expect(firstPass(['qc_fail', 'qc_pass'])).toBe(false);
    expect(firstPass(['qc_pass', 'qc_fail'])).toBe(true);
    expect(firstPass([])).toBeNull();
    expect(firstPassYield(3, 4)).toBe(0.75);
    expect(firstPassYield(0, 0)).toBeNull();
    expect(firstPassYield(0, 2)).toBe(0);
  });

  it('SV-52: a qc_fail reworks unless it scrapped the token; scrap and a batch’s scrapQty are scrap', () => {
    expect(lossOf(event('qc_fail', { statusAfter: 'ready' }))).toEqual({ kind: 'rework', units: 1 });
    expect(lossOf(event('qc_fail', { statusAfter: 'scrapped', tokenQty: 5 }))).toEqual({
      kind: 'scrap',
      units: 5,
    });
    expect(lossOf(event('scrap', { statusAfter: 'scrapped' }))).toEqual({ kind: 'scrap', units: 1 });
    expect(lossOf(event('complete', { qty: 8, tokenQty: 10, data: { scrapQty: 2 } }))).toEqual({
      kind: 'scrap',
      units: 2,
    });
    expect(lossOf(event('complete'))).toBeNull();
    expect(lossOf(event('qc_pass', { data: { grade: 'A' } }))).toBeNull();
    expect(lossOf(event('start'))).toBeNull();
    // Only a whole number above 0 is pieces lost.
    for (const v of [0, -1, 1.5, '2', null]) expect(scrapQtyOf({ scrapQty: v })).toBe(0);
    expect(scrapQtyOf({ scrapQty: 3 })).toBe(3);
  });

  it('SV-53: waits fall in <15 min, 15–60 min, 1–4 h, 4–8 h, 8 h and more (lower limits inclusive)', () => {
    expect(AGE_LIMITS_MINUTES).toEqual([15, 60, 240, 480]);
    expect([0, 899, 900, 3599, 3600, 4 * 3600, 8 * 3600 - 1, 8 * 3600, 30 * 3600].map(ageBucket)).toEqual([
      0, 0, 1, 1, 2, 3, 3, 4, 4,
    ]);
    const now = new Date('2026-12-01T10:00:00.000Z');
    expect(ageCutoffs(now)).toEqual([
      '2026-12-01T09:45:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-01T06:00:00.000Z',
      '2026-12-01T02:00:00.000Z',
    ]);
    // 10 waiting: 6 at least 15 min, 4 at least 1 h, 4 at least 4 h... 1 at least 8 h.
    expect(bucketsFromCumulative(10, [6, 4, 4, 1])).toEqual([4, 2, 0, 3, 1]);
    expect(bucketsFromCumulative(0, [])).toEqual([0, 0, 0, 0, 0]);
  });

  it('SV-53: bucketing by cutoffs agrees with bucketing each wait', () => {
    const now = new Date('2026-12-01T10:00:00.000Z');
    const waits = [0, 60, 900, 1000, 3600, 7200, 15_000, 20_000, 28_800, 40_000, 100_000];
    const since = waits.map((w) => new Date(now.getTime() - w * 1000).toISOString());
    const cut = ageCutoffs(now);
    const atLeast = cut.map((c) => since.filter((s) => s <= c).length);
    const direct = [0, 0, 0, 0, 0];
    for (const w of waits) direct[ageBucket(w)] = (direct[ageBucket(w)] ?? 0) + 1;
    expect(bucketsFromCumulative(since.length, atLeast)).toEqual(direct);
  });

  it('SV-54: a shift runs from its start to the next start, over midnight too', () => {
    const starts = [6 * 60, 14 * 60, 22 * 60];
    const morning = new Date(2026, 11, 1, 6, 0);
    expect(shiftEnd(morning, starts)).toEqual(new Date(2026, 11, 1, 14, 0));
    const night = new Date(2026, 11, 1, 22, 0);
    expect(shiftEnd(night, starts)).toEqual(new Date(2026, 11, 2, 6, 0));
    expect(shiftAround(new Date(2026, 11, 2, 3, 30), starts)).toEqual({
      start: night,
      end: new Date(2026, 11, 2, 6, 0),
    });
    expect(shiftEnd(new Date(2026, 11, 1, 7, 0), [7 * 60])).toEqual(new Date(2026, 11, 2, 7, 0));
    // Every shift's end is the start of the next one.
    for (let h = 0; h < 24; h += 1) {
      const { start, end } = shiftAround(new Date(2026, 11, 1, h, 17), starts);
      expect(shiftStart(end, starts)).toEqual(end);
      expect(start.getTime()).toBeLessThan(end.getTime());
    }
    const hours = shiftHourBuckets(morning, shiftEnd(morning, starts));
    expect(hours).toHaveLength(8);
    expect(hours[0]).toBe(hourBucket(morning));
    expect(new Set(hours).size).toBe(8);
  });
});
