/**
 * @module The words on a label (the routing's name, the ticket) rendered to a 1-bit bitmap for
 * ^GFA (SPEC DK-57), so that no printer font is needed: Thai prints on any ZPL printer.
 *
 * Skia (@napi-rs/canvas) shapes Thai: tone marks and vowels above stack where they belong, which
 * a printer's own font does not do. The font is Noto Sans Thai bold (@fontsource's files, Thai
 * and Latin subsets registered under one family, so a line mixing both needs no fallback); bold
 * because a 203 dpi head loses hairlines. Each line gets the largest size that fits its share of
 * the height and the width; the image is thresholded to black and white, not dithered (text).
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import type { Bitmap } from '../../shared/zpl';
import { packMonochrome } from '../../shared/zpl';

export const LABEL_FONT_FAMILY = 'LabelSans';

let registered = false;

/** Registers the label font once per process. */
function registerFont(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const files = path.join(path.dirname(require.resolve('@fontsource/noto-sans-thai/package.json')), 'files');
  for (const subset of ['thai', 'latin']) {
    GlobalFonts.registerFromPath(
      path.join(files, `noto-sans-thai-${subset}-700-normal.woff2`),
      LABEL_FONT_FAMILY,
    );
  }
  registered = true;
}

/**
 * `lines` drawn left-aligned, each in its share of `height` dots, in an image `width` dots wide
 * (rounded down to whole bytes, so the bitmap never overruns the field it is given).
 */
export function renderWords(lines: readonly string[], width: number, height: number): Bitmap {
  registerFont();
  const bytesPerRow = Math.max(1, Math.floor(width / 8));
  const canvasWidth = bytesPerRow * 8;
  const canvas = createCanvas(canvasWidth, Math.max(1, height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvasWidth, height);
  ctx.fillStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  const shown = lines.filter((l) => l.trim() !== '');
  const lineHeight = height / Math.max(1, shown.length);
  shown.forEach((line, i) => {
    // Thai needs room above (stacked marks) and below (descending vowels): ~0.7 of the line.
    let size = Math.floor(lineHeight * 0.7);
    ctx.font = `700 ${size}px ${LABEL_FONT_FAMILY}`;
    const measured = ctx.measureText(line).width;
    if (measured > canvasWidth) {
      size = Math.max(6, Math.floor((size * canvasWidth) / measured));
      ctx.font = `700 ${size}px ${LABEL_FONT_FAMILY}`;
    }
    const baseline = i * lineHeight + lineHeight * 0.5 + size * 0.36;
    ctx.fillText(line, 0, baseline, canvasWidth);
  });
  const pixels = ctx.getImageData(0, 0, canvasWidth, height).data;
  return packMonochrome(pixels, canvasWidth, height);
}
