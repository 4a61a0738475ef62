/**
 * @module ZPL for a serial label (SPEC DK-55 … DK-58), pure: the layout of a label from the
 * printer's resolution and label size, the label's commands (Code 128 and DataMatrix of the
 * serial, the serial in text, and a bitmap of the routing's name and the ticket as ^GFA), the
 * packing of a rendered image into that bitmap, and the reading of a printer's host status (~HS).
 *
 * Why a bitmap for the words: a Zebra printer without a Unicode font prints Thai as "????", and
 * even with one it does not stack Thai tone marks; the edge server renders the line itself
 * (edge-server/printing/text-bitmap.ts) and the printer only prints dots.
 *
 * Fields go through ^FH\ so that a serial with ^, ~ or \ cannot end a field early. The DataMatrix
 * uses `_` as its escape character: `_1` is FNC1 (a GS1 element string), `_d095` a literal `_`.
 */
import type { PrinterProblem } from './printing-api';

export interface LabelSize {
  dpi: number;
  widthMm: number;
  heightMm: number;
}

/** A 1-bit image, rows packed most significant bit first, 1 = a black dot (as ^GF takes it). */
export interface Bitmap {
  /** Width in dots (a multiple of 8: bytesPerRow * 8). */
  width: number;
  height: number;
  bytesPerRow: number;
  data: Uint8Array;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where each part of a label goes, in dots from its top left corner. */
export interface LabelLayout {
  widthDots: number;
  heightDots: number;
  /** The bitmap of the routing's name and the ticket: two lines across the top. */
  text: Box;
  /** The Code 128: its module width (^BY) and where it starts. */
  code128: Box & { module: number };
  /** The serial in the printer's font 0 (ASCII only: serials are), its letter height. */
  serial: Box & { fontHeight: number };
  /** The DataMatrix: its module size and the symbol's side in modules. */
  dataMatrix: Box & { module: number; modules: number };
  /** False when the serial's Code 128 is wider than the label even at one dot a module. */
  fits: boolean;
}

/** Dots in `mm` at `dpi`. */
export function dots(mm: number, dpi: number): number {
  return Math.round((mm * dpi) / 25.4);
}

/** Code 128 subset B's width in modules: start, 11 per character, check character, stop (13). */
export function code128Modules(text: string): number {
  return 11 * text.length + 35;
}

/** ECC 200 square symbols: side in modules → data codewords it holds. */
const DATA_MATRIX_SIZES: readonly [number, number][] = [
  [10, 3],
  [12, 5],
  [14, 8],
  [16, 12],
  [18, 18],
  [20, 22],
  [22, 30],
  [24, 36],
  [26, 44],
  [32, 62],
  [36, 86],
  [40, 114],
  [44, 144],
  [48, 174],
  [52, 204],
];

/** Codewords in ASCII encodation: a digit pair is one, a byte above 127 two, FNC1 one. */
export function dataMatrixCodewords(text: string, fnc1 = false): number {
  let count = fnc1 ? 1 : 0;
  for (let i = 0; i < text.length; i++) {
    const here = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    const digit = (c: number) => c >= 48 && c <= 57;
    if (digit(here) && digit(next)) i++;
    count += here > 127 ? 2 : 1;
  }
  return count;
}

/** The side of the smallest square ECC 200 symbol that holds `codewords`. */
export function dataMatrixSide(codewords: number): number {
  return (DATA_MATRIX_SIZES.find(([, capacity]) => capacity >= codewords) ?? [64, 0])[0];
}

/** GS1 AI 21 (serial number): up to 20 characters of GS1's 82-character set. */
const GS1_CHARACTERS = /^[A-Za-z0-9!"%&'()*+,\-./:;<=>?_]{1,20}$/;

/** Why a serial cannot be an AI 21 element, or null when it can. */
export function gs1SerialProblem(serial: string): string | null {
  if (serial.length > 20) return 'longer than the 20 characters AI 21 allows';
  if (!GS1_CHARACTERS.test(serial)) return 'has characters outside the GS1 character set';
  return null;
}

/** Printable ASCII: what Code 128 subset B and the printer's own font print. */
export function printableSerial(serial: string): boolean {
  return /^[\x20-\x7e]+$/.test(serial);
}

/** The layout of a serial label of this size for this serial (and whether it is GS1). */
export function labelLayout(size: LabelSize, serial: string, gs1: boolean): LabelLayout {
  const d = (mm: number) => dots(mm, size.dpi);
  const widthDots = d(size.widthMm);
  const heightDots = d(size.heightMm);
  const margin = Math.max(d(1.5), 8);
  const gap = Math.max(d(0.75), 4);
  const innerW = widthDots - 2 * margin;
  const innerH = heightDots - 2 * margin;
  // Top to bottom: the words, the Code 128, then the serial beside the DataMatrix. Large labels
  // keep each part a readable size instead of growing it without end.
  const textH = Math.min(Math.round(innerH * 0.27), d(16));
  const barsH = Math.min(Math.round(innerH * 0.3), d(22));
  const rowY = margin + textH + gap + barsH + gap;
  // The serial and the DataMatrix sit right under the bars (a tall label leaves the rest blank).
  const rowH = Math.min(heightDots - margin - rowY, d(30));

  const modules = code128Modules(serial);
  const barModule = Math.max(1, Math.min(Math.floor(innerW / modules), Math.max(2, d(0.5))));
  const barsW = barModule * modules;

  const side = dataMatrixSide(dataMatrixCodewords(gs1 ? `21${serial}` : serial, gs1));
  const dmModule = Math.max(1, Math.min(Math.floor(Math.min(rowH, innerW / 2) / side), Math.max(2, d(1))));
  const dmSize = dmModule * side;

  const serialW = innerW - dmSize - gap;
  // Font 0 is about 0.6 of its height wide a character.
  const fontHeight = Math.max(
    8,
    Math.floor(Math.min(rowH * 0.6, d(6), serialW / (0.6 * Math.max(serial.length, 1)))),
  );
  return {
    widthDots,
    heightDots,
    text: { x: margin, y: margin, width: innerW, height: textH },
    code128: {
      x: margin + Math.max(0, Math.floor((innerW - barsW) / 2)),
      y: margin + textH + gap,
      width: barsW,
      height: barsH,
      module: barModule,
    },
    serial: {
      x: margin,
      y: rowY + Math.max(0, Math.floor((rowH - fontHeight) / 2)),
      width: serialW,
      height: fontHeight,
      fontHeight,
    },
    dataMatrix: {
      x: widthDots - margin - dmSize,
      y: rowY + Math.max(0, Math.floor((rowH - dmSize) / 2)),
      width: dmSize,
      height: dmSize,
      module: dmModule,
      modules: side,
    },
    fits: barsW <= innerW && dmSize <= rowH && rowH > 0,
  };
}

/**
 * Packs an RGBA image (a canvas's pixels) into a 1-bit bitmap: a dot is black where the pixel is
 * darker than `threshold` (0-255, of its luminance over white). Rows are padded to whole bytes.
 */
export function packMonochrome(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  threshold = 128,
): Bitmap {
  const bytesPerRow = Math.ceil(width / 8);
  const data = new Uint8Array(bytesPerRow * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const alpha = (rgba[i + 3] ?? 0) / 255;
      // Over white: a transparent pixel is white.
      const luminance =
        255 * (1 - alpha) +
        alpha * (0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0));
      if (luminance < threshold) {
        const at = y * bytesPerRow + (x >> 3);
        data[at] = (data[at] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  return { width: bytesPerRow * 8, height, bytesPerRow, data };
}

const HEX = '0123456789ABCDEF';

/** `^GFA,<bytes>,<bytes>,<bytes a row>,<hex>`: the bitmap as ZPL's ASCII-hex graphic field. */
export function graphicField(bitmap: Bitmap): string {
  const cached = graphicFields.get(bitmap);
  if (cached !== undefined) return cached;
  const hex = Array.from(bitmap.data, (byte) => HEX_PAIRS[byte]).join('');
  const total = bitmap.data.length;
  const field = `^GFA,${total},${total},${bitmap.bytesPerRow},${hex}`;
  graphicFields.set(bitmap, field);
  return field;
}

/** Every byte as two hex digits, looked up rather than built per byte. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => `${HEX[b >> 4] ?? ''}${HEX[b & 15] ?? ''}`);
/** A ticket's words are one bitmap on every label of it: its field is written once. */
const graphicFields = new WeakMap<Bitmap, string>();

/** Field data for ^FH\: the characters that would end or escape a field, as hex. */
export function fieldData(text: string): string {
  return text.replace(/[\\^~]/g, (c) => `\\${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The DataMatrix's data with `_` as its escape character: `_1` is FNC1, a literal `_` is `_d095`. */
export function dataMatrixData(serial: string, gs1: boolean): string {
  const escaped = fieldData(serial).replace(/_/g, '_d095');
  return gs1 ? `_121${escaped}` : escaped;
}

export interface SerialLabel {
  serial: string;
  gs1: boolean;
  /** The routing's name and the ticket, rendered to fit `layout.text` (may be null: no words). */
  words: Bitmap | null;
}

/** One serial label: ^XA … ^XZ, sized by ^PW/^LL, printed once. */
export function serialLabelZpl(layout: LabelLayout, label: SerialLabel): string {
  const { code128: bars, serial, dataMatrix: dm } = layout;
  const lines = [
    '^XA',
    '^CI0^LH0,0^PON^MNY',
    `^PW${layout.widthDots}`,
    `^LL${layout.heightDots}`,
    ...(label.words ? [`^FO${layout.text.x},${layout.text.y}${graphicField(label.words)}^FS`] : []),
    `^FO${bars.x},${bars.y}^BY${bars.module},3,${bars.height}^BCN,${bars.height},N,N,N^FH\\^FD${fieldData(label.serial)}^FS`,
    `^FO${serial.x},${serial.y}^A0N,${serial.fontHeight},${serial.fontHeight}^FH\\^FD${fieldData(label.serial)}^FS`,
    `^FO${dm.x},${dm.y}^BXN,${dm.module},200,,,,_^FH\\^FD${dataMatrixData(label.serial, label.gs1)}^FS`,
    '^PQ1',
    '^XZ',
  ];
  return `${lines.join('\n')}\n`;
}

/** What asks a Zebra printer for its host status: three lines back, each STX … ETX CR LF. */
export const HOST_STATUS_QUERY = '~HS';

/** The three lines of a complete ~HS answer, or null while it is still incomplete. */
export function hostStatusLines(text: string): string[] | null {
  const STX = '\u0002';
  const ETX = '\u0003';
  const lines: string[] = [];
  let at = text.indexOf(STX);
  while (at >= 0 && lines.length < 3) {
    const end = text.indexOf(ETX, at + 1);
    if (end < 0) break;
    lines.push(text.slice(at + 1, end));
    at = text.indexOf(STX, end + 1);
  }
  return lines.length === 3 ? lines : null;
}

/**
 * The problems a printer's host status names (ZPL manual, ~HS):
 *   line 1  aaa,b,c,dddd,eee,f,g,h,iii,j,k,l  b paper out, c pause, f buffer full, j corrupt RAM,
 *                                               k under temperature, l over temperature
 *   line 2  mmm,n,o,p,q,r,…                   o head up (open), p ribbon out, q thermal transfer
 * A ribbon out counts only in thermal transfer mode (direct thermal needs none). Null: not an
 * answer to ~HS.
 */
export function parseHostStatus(text: string): { problems: PrinterProblem[] } | null {
  const lines = hostStatusLines(text);
  if (!lines) return null;
  const one = (lines[0] ?? '').split(',');
  const two = (lines[1] ?? '').split(',');
  if (one.length < 12 || two.length < 5) return null;
  const on = (fields: string[], index: number) => fields[index]?.trim() === '1';
  const problems: PrinterProblem[] = [];
  if (on(one, 1)) problems.push('paper-out');
  if (on(one, 2)) problems.push('paused');
  if (on(two, 2)) problems.push('head-open');
  if (on(two, 3) && on(two, 4)) problems.push('ribbon-out');
  if (on(one, 5)) problems.push('buffer-full');
  if (on(one, 9)) problems.push('corrupt-ram');
  if (on(one, 10)) problems.push('under-temperature');
  if (on(one, 11)) problems.push('over-temperature');
  return { problems };
}

/** A ~HS answer as a printer sends it (tests' fake printers, and what the parser expects). */
export function hostStatusAnswer(flags: Partial<Record<PrinterProblem, boolean>> = {}): string {
  const bit = (problem: PrinterProblem) => (flags[problem] ? '1' : '0');
  const one = [
    '030',
    bit('paper-out'),
    bit('paused'),
    '1218',
    '000',
    bit('buffer-full'),
    '0',
    '0',
    '000',
    bit('corrupt-ram'),
    bit('under-temperature'),
    bit('over-temperature'),
  ];
  const two = [
    '001',
    '0',
    bit('head-open'),
    bit('ribbon-out'),
    flags['ribbon-out'] ? '1' : '0',
    '2',
    '6',
    '0',
    '00000000',
    '1',
    '000',
  ];
  return `\x02${one.join(',')}\x03\r\n\x02${two.join(',')}\x03\r\n\x021234,0\x03\r\n`;
}
