/** The scan pipeline's pure parts: GS1 parsing, keyboard-wedge detection, repeated-scan suppression. */
import { describe, expect, it } from 'vitest';
import { createDuplicateFilter } from '../../client/scan/duplicate-filter';
import { GS, parseScan } from '../../client/scan/gs1';
import { createWedgeDetector } from '../../client/scan/wedge';

describe('GS1 element strings', () => {
  it('SC-2: reads GTIN (01) and serial (21) from a GS1 DataMatrix string with its AIM prefix; the serial is the code', () => {
    expect(parseScan(`]d20109501101530003${GS}21BV-DEMO-0001`)).toEqual({
      code: 'BV-DEMO-0001',
      raw: `]d20109501101530003${GS}21BV-DEMO-0001`,
      format: 'gs1',
      fields: { '01': '09501101530003', '21': 'BV-DEMO-0001' },
      gtin: '09501101530003',
      serial: 'BV-DEMO-0001',
    });
  });

  it('SC-2: ends a variable field at the group separator and reads the fields after it', () => {
    const scan = parseScan(`${GS}21WL-0042${GS}10LOT7${GS}17261130`);
    expect(scan.fields).toEqual({ '21': 'WL-0042', '10': 'LOT7', '17': '261130' });
    expect(scan.code).toBe('WL-0042');
  });

  it('SC-2: reads the bracketed human-readable form', () => {
    expect(parseScan('(01)09501101530003(21)ABC123')).toMatchObject({
      format: 'gs1',
      code: 'ABC123',
      gtin: '09501101530003',
    });
  });

  it('SC-9: a GTIN without a serial identifies by the GTIN', () => {
    expect(parseScan(']C10109501101530003')).toMatchObject({ format: 'gs1', code: '09501101530003' });
  });

  it('SC-9: a plain Code 128 serial is its own code, without the scanner’s terminator', () => {
    expect(parseScan('BV-DEMO-0007\r\n')).toEqual({
      code: 'BV-DEMO-0007',
      raw: 'BV-DEMO-0007',
      format: 'plain',
      fields: {},
    });
  });

  it('SC-9: text that only looks like GS1 (a broken fixed-length field) stays plain', () => {
    expect(parseScan(`01123${GS}21X`).format).toBe('plain');
  });
});

describe('keyboard-wedge scanner', () => {
  const typed = (text: string, startMs: number, gapMs: number, inTextField = false) =>
    [...text].map((key, i) => ({ key, atMs: startMs + i * gapMs, inTextField }));

  it('SC-1: a burst of keys 10 ms apart ending with Enter is a scan, and its keys are kept from the page', () => {
    const wedge = createWedgeDetector();
    const verdicts = [...typed('BV-DEMO-0001', 0, 10), { key: 'Enter', atMs: 130, inTextField: false }].map(
      (k) => wedge.onKey(k),
    );
    expect(verdicts.at(-1)).toEqual({ consume: true, scan: 'BV-DEMO-0001' });
    expect(verdicts.slice(1, -1).every((v) => v.consume)).toBe(true);
  });

  it('SC-1: Tab also ends a scan', () => {
    const wedge = createWedgeDetector();
    for (const k of typed('WL-0042', 0, 5)) wedge.onKey(k);
    expect(wedge.onKey({ key: 'Tab', atMs: 40, inTextField: false }).scan).toBe('WL-0042');
  });

  it('SC-1: a person typing (250 ms between keys) is not a scan', () => {
    const wedge = createWedgeDetector();
    for (const k of typed('1234', 0, 250)) expect(wedge.onKey(k).consume).toBe(false);
    expect(wedge.onKey({ key: 'Enter', atMs: 1000, inTextField: false })).toEqual({ consume: false });
  });

  it('SC-10: a burst shorter than the minimum length is not a scan', () => {
    const wedge = createWedgeDetector({ minLength: 4 });
    for (const k of typed('AB', 0, 5)) wedge.onKey(k);
    expect(wedge.onKey({ key: 'Enter', atMs: 15, inTextField: false }).scan).toBeUndefined();
  });

  it('SC-1: keys typed into a text field are left to the field', () => {
    const wedge = createWedgeDetector();
    for (const k of typed('BV-DEMO-0001', 0, 5, true)) expect(wedge.onKey(k)).toEqual({ consume: false });
    expect(wedge.onKey({ key: 'Enter', atMs: 70, inTextField: true }).scan).toBeUndefined();
  });

  it('SC-1: a pause inside a burst starts a new one: only the keys after it count', () => {
    const wedge = createWedgeDetector();
    for (const k of typed('XX', 0, 5)) wedge.onKey(k);
    for (const k of typed('BV-0001', 500, 5)) wedge.onKey(k);
    expect(wedge.onKey({ key: 'Enter', atMs: 540, inTextField: false }).scan).toBe('BV-0001');
  });
});

describe('repeated-scan suppression', () => {
  it('SC-3: the same code and action within the window is one scan; after it, or with another action, it counts', () => {
    const filter = createDuplicateFilter(1500);
    expect(filter.accept('BV-1', 'start', 0)).toBe(true);
    expect(filter.accept('BV-1', 'start', 400)).toBe(false);
    expect(filter.accept('BV-1', 'complete', 500)).toBe(true);
    expect(filter.accept('BV-2', 'start', 600)).toBe(true);
    expect(filter.accept('BV-1', 'start', 2000)).toBe(true);
  });
});
