/**
 * @module Generated barcode pictures for camera tests and the decode bench: 1280x720 grey frames
 * (a Code 128 from jsbarcode's encoder, a QR or DataMatrix from @zxing/library's writers, or
 * nothing), and a YUV4MPEG2 video of them for Chromium's fake camera
 * (`--use-file-for-fake-video-capture=<file.y4m>`, which loops the file).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as ZxingLibrary from '@zxing/library';

export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 720;

/** A grey picture: one byte of luma per pixel, row by row. */
export interface LumaFrame {
  width: number;
  height: number;
  luma: Uint8Array;
}

const require = createRequire(import.meta.url);
// Both are CommonJS; require() reads them the same under tsx, vitest and plain Node.
const { BarcodeFormat, DataMatrixWriter, QRCodeWriter } = require('@zxing/library') as typeof ZxingLibrary;
const { CODE128 } = require('jsbarcode/bin/barcodes/CODE128') as {
  CODE128: new (text: string, options: object) => { valid(): boolean; encode(): { data: string } };
};

/** Code 128's bars and spaces as modules, '1' for a bar (jsbarcode picks the A/B/C code sets). */
export function code128Modules(text: string): string {
  const code = new CODE128(text, {});
  if (!code.valid()) throw new Error(`Code 128 cannot encode ${JSON.stringify(text)}`);
  return code.encode().data;
}

export function blankFrame(width = FRAME_WIDTH, height = FRAME_HEIGHT): LumaFrame {
  return { width, height, luma: new Uint8Array(width * height).fill(235) };
}

/**
 * A Code 128 of `text`, centred, `moduleWidth` pixels per module, black on white with the 10-module
 * quiet zones on both sides that the symbology asks for (the whole frame is white around it).
 */
export function code128Frame(
  text: string,
  options: { moduleWidth?: number; noise?: number } = {},
): LumaFrame {
  const modules = code128Modules(text);
  const moduleWidth = options.moduleWidth ?? 4;
  const frame = blankFrame();
  const barsWidth = modules.length * moduleWidth;
  if (barsWidth + 20 * moduleWidth > frame.width) throw new Error(`${text} is too long for the frame`);
  const left = Math.floor((frame.width - barsWidth) / 2);
  const top = Math.floor(frame.height * 0.3);
  const bottom = Math.floor(frame.height * 0.7);
  for (let y = top; y < bottom; y++) {
    const row = y * frame.width;
    for (let m = 0; m < modules.length; m++) {
      if (modules[m] !== '1') continue;
      frame.luma.fill(16, row + left + m * moduleWidth, row + left + (m + 1) * moduleWidth);
    }
  }
  return withNoise(frame, options.noise ?? 0);
}

/**
 * A QR code or DataMatrix of `text` (GS1 strings included: GS is an ordinary byte here), centred,
 * about `size` pixels wide. The writers' own scaling is not used: DataMatrixWriter's is broken.
 */
export function matrixFrame(
  format: 'qr_code' | 'data_matrix',
  text: string,
  options: { size?: number; noise?: number } = {},
): LumaFrame {
  const bits =
    format === 'qr_code'
      ? new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, new Map())
      : new DataMatrixWriter().encode(text, BarcodeFormat.DATA_MATRIX, 0, 0, new Map());
  const scale = Math.max(1, Math.floor((options.size ?? 320) / bits.getWidth()));
  const frame = blankFrame();
  const left = Math.floor((frame.width - bits.getWidth() * scale) / 2);
  const top = Math.floor((frame.height - bits.getHeight() * scale) / 2);
  for (let y = 0; y < bits.getHeight() * scale; y++) {
    for (let x = 0; x < bits.getWidth() * scale; x++) {
      if (bits.get(Math.floor(x / scale), Math.floor(y / scale)))
        frame.luma[(top + y) * frame.width + left + x] = 16;
    }
  }
  return withNoise(frame, options.noise ?? 0);
}

/** The frame turned by `degrees` about its centre (nearest pixel; what comes in from outside is white). */
export function rotated(frame: LumaFrame, degrees: number): LumaFrame {
  const out = blankFrame(frame.width, frame.height);
  const [cos, sin] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const [cx, cy] = [frame.width / 2, frame.height / 2];
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const sx = Math.round(cos * (x - cx) + sin * (y - cy) + cx);
      const sy = Math.round(-sin * (x - cx) + cos * (y - cy) + cy);
      if (sx >= 0 && sx < frame.width && sy >= 0 && sy < frame.height)
        out.luma[y * frame.width + x] = frame.luma[sy * frame.width + sx] ?? 235;
    }
  }
  return out;
}

/** Adds sensor-like noise of ±`amount` levels, the same every time (a fixed-seed generator). */
function withNoise(frame: LumaFrame, amount: number): LumaFrame {
  if (amount === 0) return frame;
  let seed = 0x2f6b1d;
  for (let i = 0; i < frame.luma.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const delta = ((seed >>> 16) % (2 * amount + 1)) - amount;
    frame.luma[i] = Math.min(255, Math.max(0, (frame.luma[i] ?? 0) + delta));
  }
  return frame;
}

/** RGBA pixels of a grey frame, as ImageData holds them. */
export function toRgba(frame: LumaFrame): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(frame.width * frame.height * 4);
  for (let i = 0; i < frame.luma.length; i++) {
    const v = frame.luma[i] ?? 0;
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * Writes `frames` as a Y4M video (4:2:0, grey: chroma planes at 128) at `fps`. Every frame must
 * have the same size, with even width and height.
 */
export function writeY4m(file: string, frames: readonly LumaFrame[], fps = 10): void {
  const first = frames[0];
  if (!first) throw new Error('a video needs at least one frame');
  const { width, height } = first;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const frame of frames) {
      if (frame.width !== width || frame.height !== height) throw new Error('frames differ in size');
      fs.writeSync(fd, 'FRAME\n');
      fs.writeSync(fd, frame.luma);
      fs.writeSync(fd, chroma);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A fake camera's video of a Code 128 label: `blankFrames` empty frames (the label coming into
 * view), then the label for the rest of `seconds` at `fps`. The video loops in Chromium.
 */
export function writeBarcodeVideo(
  file: string,
  text: string,
  options: { seconds?: number; fps?: number; blankFrames?: number } = {},
): void {
  const fps = options.fps ?? 10;
  const total = Math.round((options.seconds ?? 3) * fps);
  const blanks = Math.min(total - 1, options.blankFrames ?? 3);
  const blank = blankFrame();
  const label = code128Frame(text, { noise: 6 });
  writeY4m(
    file,
    [...Array<LumaFrame>(blanks).fill(blank), ...Array<LumaFrame>(total - blanks).fill(label)],
    fps,
  );
}
