/**
 * The words of a label rendered to a bitmap with the label font (SPEC DK-57): Thai and English
 * fit the box they are given, with ink, and Thai marks above the line stay inside the box.
 */
import { describe, expect, it } from 'vitest';
import type { Bitmap } from '../../shared/zpl';
import { labelWords } from '../../edge-server/printing/printers';
import { renderWords } from '../../edge-server/printing/text-bitmap';

const ink = (b: Bitmap, rows: [number, number] = [0, b.height]) => {
  let n = 0;
  for (let y = rows[0]; y < rows[1]; y++)
    for (let i = 0; i < b.bytesPerRow; i++)
      n += (b.data[y * b.bytesPerRow + i] ?? 0).toString(2).replaceAll('0', '').length;
  return n;
};

describe('the words bitmap (DK-57)', () => {
  it('DK-57: Thai words render with ink inside the box, rows rounded down to whole bytes', () => {
    const bitmap = renderWords(labelWords('กระเป๋าหนัง', 'DEMO-TOTE', 'th'), 377, 48);
    expect(bitmap).toMatchObject({ width: 376, height: 48, bytesPerRow: 47 });
    expect(bitmap.data.length).toBe(47 * 48);
    expect(ink(bitmap)).toBeGreaterThan(500);
    // The tone mark above ป๋ is drawn: ink in the top quarter of the first line.
    expect(ink(bitmap, [0, 6])).toBeGreaterThan(0);
    // Nothing clipped at the bottom edge.
    expect(ink(bitmap, [47, 48])).toBe(0);
  });

  it('DK-57: a line too long for the box is made smaller, not cut', () => {
    const long = renderWords(['Leather tote bag with a very long routing name that goes on'], 200, 24);
    const lastColumns = [...Array(long.height).keys()].map(
      (y) => long.data[y * long.bytesPerRow + long.bytesPerRow - 1] ?? 0,
    );
    expect(ink(long)).toBeGreaterThan(100);
    // The text ends inside the box: the last byte column holds at most the tail of the last letter.
    expect(lastColumns.filter((b) => b !== 0).length).toBeLessThan(long.height);
  });

  it('DK-57: the label says the ticket in the label’s language', () => {
    expect(labelWords('Tote', 'T-1', 'th')).toEqual(['Tote', 'ใบสั่งงาน T-1']);
    expect(labelWords('Tote', 'T-1', 'en')).toEqual(['Tote', 'Ticket T-1']);
  });
});
