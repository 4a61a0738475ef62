/**
 * The labels page's barcode module (DK-41, DK-43): bwip-js draws Code 128 and DataMatrix as SVG
 * paths with their quiet zones and nothing of the input as markup; the GS1 element string (ticket
 * as AI 10, serial as AI 21) is built only from codes GS1 can carry and reads back to the serial
 * through the station's parser, with or without the leading FNC1 a reader may drop. The drawn GS1
 * DataMatrix, rasterised, decodes (zxing, the station's JavaScript decoder) to that element string.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type * as ZxingLibrary from '@zxing/library';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { code128Svg, dataMatrixSvg } from '../../client/console/labels/barcodes';
import { GS, canBeGs1Field, gs1Bracketed, gs1Scanned } from '../../client/console/labels/gs1-serial';
import { parseScan } from '../../client/scan/gs1';

const require = createRequire(import.meta.url);
const zxing = require('@zxing/library') as typeof ZxingLibrary;

/** Draws `svg` `scale` pixels per unit on white and reads it with zxing's DataMatrix or Code 128 reader. */
async function decode(
  svg: string,
  width: number,
  height: number,
  scale: number,
  format: 'matrix' | 'code128',
) {
  const sized = svg.replace('<svg ', `<svg width="${width * scale}" height="${height * scale}" `);
  const image = await loadImage(Buffer.from(sized));
  const canvas = createCanvas(width * scale + 40, height * scale + 40);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 20, 20);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  const source = new zxing.RGBLuminanceSource(
    Uint8ClampedArray.from({ length: canvas.width * canvas.height }, (_, i) => data[i * 4]!),
    canvas.width,
    canvas.height,
  );
  const bitmap = new zxing.BinaryBitmap(new zxing.HybridBinarizer(source));
  const reader = format === 'matrix' ? new zxing.DataMatrixReader() : new zxing.Code128Reader();
  return reader.decode(bitmap).getText();
}

describe('the labels page’s barcodes', () => {
  it('DK-41: a Code 128 is an SVG of bars with 10-module quiet zones, stretched to its box, no text in it', async () => {
    const drawn = code128Svg('BAG-A1B2');
    expect(drawn.svg.startsWith('<svg preserveAspectRatio="none"')).toBe(true);
    expect(drawn.svg).toContain('<path');
    expect(drawn.svg).not.toContain('BAG-A1B2');
    expect(drawn.svg).not.toMatch(/<text|<script|<foreignObject/);
    // Start B, 8 characters, check, stop: 11 × 10 + 13 modules, and 10 of quiet zone each side.
    expect(drawn.width).toBe(11 * 10 + 13 + 20);
    expect(await decode(drawn.svg, drawn.width, 20, 3, 'code128')).toBe('BAG-A1B2');
  });

  it('DK-41: a plain DataMatrix keeps its squares and reads back to the serial', async () => {
    const drawn = dataMatrixSvg('TOTE-L-0001', null);
    expect(drawn).not.toBeNull();
    expect(drawn!.svg).toContain('preserveAspectRatio="xMidYMid meet"');
    expect(drawn!.width).toBe(drawn!.height);
    expect(await decode(drawn!.svg, drawn!.width, drawn!.height, 6, 'matrix')).toBe('TOTE-L-0001');
  });

  it('DK-43: GS1 DataMatrix carries FNC1, the ticket as AI 10 and the serial as AI 21; the station’s parser reads the serial', async () => {
    const drawn = dataMatrixSvg('TOTE-L-0001', 'TKT-7');
    expect(drawn).not.toBeNull();
    const text = await decode(drawn!.svg, drawn!.width, drawn!.height, 6, 'matrix');
    expect(text).toBe(`${GS}10TKT-7${GS}21TOTE-L-0001`);
    expect(text).toBe(gs1Scanned('TOTE-L-0001', 'TKT-7'));
    expect(parseScan(text)).toMatchObject({ format: 'gs1', code: 'TOTE-L-0001', serial: 'TOTE-L-0001' });
  });

  it('DK-43: the element string is GS1 to the station with or without the leading FNC1, with a symbology prefix, or bracketed', () => {
    const scanned = gs1Scanned('TOTE-L-0001', 'TKT-7')!;
    for (const read of [
      scanned,
      scanned.slice(1),
      `]d2${scanned.slice(1)}`,
      gs1Bracketed('TOTE-L-0001', 'TKT-7')!,
    ])
      expect(parseScan(read)).toMatchObject({
        format: 'gs1',
        code: 'TOTE-L-0001',
        fields: { '10': 'TKT-7', '21': 'TOTE-L-0001' },
      });
  });

  it('DK-43: only codes GS1 can carry become GS1: at most 20 characters of set 82, no brackets', () => {
    expect(canBeGs1Field('A'.repeat(20))).toBe(true);
    expect(canBeGs1Field('A'.repeat(21))).toBe(false);
    for (const bad of ['', 'TOTE 1', 'กล่อง-1', 'TOTE(1)', 'TOTE#1']) expect(canBeGs1Field(bad)).toBe(false);
    expect(gs1Bracketed('TOTE 1', 'TKT-7')).toBeNull();
    expect(gs1Bracketed('TOTE-1', 'TICKET-WITH-A-LONG-CODE')).toBeNull();
    expect(dataMatrixSvg('TOTE 1', 'TKT-7')).toBeNull();
    // The plain DataMatrix has no such limit.
    expect(dataMatrixSvg('TOTE 1', null)).not.toBeNull();
  });
});
