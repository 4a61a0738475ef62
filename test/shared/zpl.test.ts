/**
 * The serial label's ZPL, pure (SPEC DK-55 … DK-58): the layout from the printer's resolution and
 * label size, the packing of an image into ^GFA, the field escapes, GS1 AI 21, and the reading of
 * a printer's host status (~HS).
 */
import { describe, expect, it } from 'vitest';
import {
  code128Modules,
  dataMatrixCodewords,
  dataMatrixData,
  dataMatrixSide,
  dots,
  fieldData,
  graphicField,
  gs1SerialProblem,
  hostStatusAnswer,
  labelLayout,
  packMonochrome,
  parseHostStatus,
  serialLabelZpl,
} from '../../shared/zpl';

/** An RGBA image from rows of '#' (black) and '.' (white). */
function image(rows: string[]): { rgba: number[]; width: number; height: number } {
  const width = rows[0]?.length ?? 0;
  const rgba = rows.flatMap((row) =>
    [...row].flatMap((c) => (c === '#' ? [0, 0, 0, 255] : [255, 255, 255, 255])),
  );
  return { rgba, width, height: rows.length };
}

describe('the bitmap packer (DK-57)', () => {
  it('DK-57: black pixels become 1 bits, most significant first, rows padded to whole bytes', () => {
    const { rgba, width, height } = image(['#.........', '.#......##', '..........']);
    const bitmap = packMonochrome(rgba, width, height);
    expect(bitmap).toMatchObject({ width: 16, height: 3, bytesPerRow: 2 });
    expect([...bitmap.data]).toEqual([0b1000_0000, 0, 0b0100_0000, 0b1100_0000, 0, 0]);
  });

  it('DK-57: grey is thresholded at 128 over white; a transparent pixel is white', () => {
    const rgba = [100, 100, 100, 255, 200, 200, 200, 255, 0, 0, 0, 0, 0, 0, 0, 200];
    expect([...packMonochrome(rgba, 4, 1).data]).toEqual([0b1001_0000]);
  });

  it('DK-57: ^GFA gives the byte count twice, the bytes a row, then the hex of every byte', () => {
    const bitmap = packMonochrome(image(['########.#', '..........']).rgba, 10, 2);
    expect(graphicField(bitmap)).toBe('^GFA,4,4,2,FF400000');
  });
});

describe('the label layout (DK-55)', () => {
  it('DK-55: 50 x 25 mm at 203 dpi is 400 x 200 dots; 4 x 6 in at 300 dpi is 1200 x 1800', () => {
    expect(dots(50, 203)).toBe(400);
    expect(dots(25, 203)).toBe(200);
    expect(labelLayout({ dpi: 300, widthMm: 101.6, heightMm: 152.4 }, 'X-1', false)).toMatchObject({
      widthDots: 1200,
      heightDots: 1800,
    });
  });

  it('DK-55: every part lies inside the label and the parts do not overlap', () => {
    for (const size of [
      { dpi: 203, widthMm: 50, heightMm: 25 },
      { dpi: 300, widthMm: 50, heightMm: 25 },
      { dpi: 600, widthMm: 101.6, heightMm: 152.4 },
    ]) {
      const l = labelLayout(size, 'BV-DEMO-0001', true);
      expect(l.fits).toBe(true);
      for (const box of [l.text, l.code128, l.serial, l.dataMatrix]) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(l.widthDots);
        expect(box.y + box.height).toBeLessThanOrEqual(l.heightDots);
      }
      expect(l.text.y + l.text.height).toBeLessThanOrEqual(l.code128.y);
      expect(l.code128.y + l.code128.height).toBeLessThanOrEqual(Math.min(l.serial.y, l.dataMatrix.y));
      expect(l.serial.x + l.serial.width).toBeLessThanOrEqual(l.dataMatrix.x);
      expect(l.code128.width).toBe(l.code128.module * code128Modules('BV-DEMO-0001'));
      expect(l.dataMatrix.width).toBe(l.dataMatrix.module * l.dataMatrix.modules);
    }
  });

  it('DK-55: a serial too long for the label does not fit (the API refuses it, naming serials)', () => {
    expect(
      labelLayout({ dpi: 203, widthMm: 20, heightMm: 15 }, 'A-VERY-LONG-SERIAL-NUMBER-0001', false).fits,
    ).toBe(false);
  });

  it('DK-55: the DataMatrix is the smallest square that holds the codewords (digit pairs count once, FNC1 once)', () => {
    expect(dataMatrixCodewords('BV-DEMO-0001')).toBe(10);
    expect(dataMatrixCodewords('21BV-DEMO-0001', true)).toBe(12);
    expect(dataMatrixSide(12)).toBe(16);
    expect(dataMatrixSide(13)).toBe(18);
  });
});

describe('the label’s commands (DK-56, DK-58)', () => {
  it('DK-56: ^XA … ^XZ with ^PW/^LL, the bitmap, Code 128, the serial in text and the DataMatrix', () => {
    const layout = labelLayout({ dpi: 203, widthMm: 50, heightMm: 25 }, 'S-1', false);
    const words = packMonochrome(image(['#.']).rgba, 2, 1);
    const zpl = serialLabelZpl(layout, { serial: 'S-1', gs1: false, words });
    expect(zpl.startsWith('^XA\n')).toBe(true);
    expect(zpl.endsWith('^XZ\n')).toBe(true);
    expect(zpl).toContain('^PW400\n^LL200');
    expect(zpl).toContain(`^FO12,12^GFA,1,1,1,80^FS`);
    expect(zpl).toContain(
      `^BY${layout.code128.module},3,${layout.code128.height}^BCN,${layout.code128.height},N,N,N^FH\\^FDS-1^FS`,
    );
    expect(zpl).toContain(`^BXN,${layout.dataMatrix.module},200,,,,_^FH\\^FDS-1^FS`);
    expect(zpl).toContain(`^A0N,${layout.serial.fontHeight},${layout.serial.fontHeight}^FH\\^FDS-1^FS`);
  });

  it('DK-58: GS1: FNC1 (_1) then AI 21 before the serial; a literal _ is escaped; ^ ~ \\ go as hex', () => {
    expect(dataMatrixData('AB_1', true)).toBe('_121AB_d0951');
    expect(dataMatrixData('AB', false)).toBe('AB');
    expect(fieldData('A^B~C\\D')).toBe('A\\5EB\\7EC\\5CD');
  });

  it('DK-58: AI 21 holds at most 20 characters of the GS1 set', () => {
    expect(gs1SerialProblem('BV-DEMO-0001')).toBeNull();
    expect(gs1SerialProblem('X'.repeat(21))).toContain('20 characters');
    expect(gs1SerialProblem('BV DEMO')).toContain('GS1 character set');
  });
});

describe('the host status (DK-54)', () => {
  it('DK-54: a ready printer’s ~HS names no problem', () => {
    expect(parseHostStatus(hostStatusAnswer())).toEqual({ problems: [] });
  });

  it('DK-54: paper out, pause, head open, and a ribbon out in thermal transfer mode are read from their flags', () => {
    const answer = hostStatusAnswer({
      'paper-out': true,
      paused: true,
      'head-open': true,
      'ribbon-out': true,
    });
    expect(parseHostStatus(answer)?.problems).toEqual(['paper-out', 'paused', 'head-open', 'ribbon-out']);
    // A real answer (ZPL manual's example), paper out and paused.
    const manual =
      '\x02030,1,1,0508,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n';
    expect(parseHostStatus(manual)?.problems).toEqual(['paper-out', 'paused']);
  });

  it('DK-54: an incomplete or foreign answer is not a status', () => {
    expect(parseHostStatus(hostStatusAnswer().slice(0, 40))).toBeNull();
    expect(parseHostStatus('\x02a\x03\x02b\x03\x02c\x03')).toBeNull();
  });
});
