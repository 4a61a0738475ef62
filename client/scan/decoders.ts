/**
 * @module Barcode decoders for camera frames, behind one small interface: the browser's own
 * BarcodeDetector, zxing-wasm (zxing-cpp in WebAssembly; its .wasm self-hosted and precached,
 * never fetched from a CDN) and @zxing/library (pure JavaScript). Each runs in a Web Worker of its
 * own where the browser has Workers, OffscreenCanvas and createImageBitmap (decode-worker-*.ts),
 * so the main thread only draws the video; elsewhere, or when the worker cannot start, the same
 * library runs on the page. Each library is loaded only when its decoder is, so none of them is in
 * the app's initial JavaScript.
 *
 * Order: the native detector first where the browser has one (Android, ChromeOS, macOS; not Linux
 * desktop, so not measured here): the platform's own decoder, nothing to download. Then zxing-wasm
 * with camera settings (zxing-wasm-reader.ts): measured in a worker (`npx tsx
 * bench/client-decode.ts`, README "Camera decoders") it reads every bench frame in one attempt,
 * rotations included, in a fraction of zxing-js's time. zxing-js is the fallback where WebAssembly
 * is missing: it does not read a Code 128 turned 90° (bars horizontal) as such, and TRY_HARDER
 * does not fix that while making empty frames ~4x slower, so it reads every other frame turned a
 * quarter instead.
 */
import { hasFrame, loadWorkerDecoder, workerUnsupported } from './decode-worker-client';
import type { DecoderName, DecoderPlace, FrameDecoder, FrameSource } from './decoder-types';
import { REQUIRED_FORMATS, SCAN_FORMATS } from './scan-formats';

export { SCAN_FORMATS } from './scan-formats';

export type { DecoderName, DecoderPlace, FrameDecoder, FrameSource } from './decoder-types';

/** Fastest first; see the measured order above. */
export const DECODER_ORDER: readonly DecoderName[] = ['native', 'zxing-wasm', 'zxing-js'];

export type DecoderLoad =
  { kind: 'ready'; decoder: FrameDecoder } | { kind: 'unavailable'; name: DecoderName; reason: string };

export type DecoderPick =
  | { kind: 'picked'; decoder: FrameDecoder; skipped: { name: DecoderName; reason: string }[] }
  | { kind: 'none'; skipped: { name: DecoderName; reason: string }[] };

/** The first decoder of `order` that loads here; the reasons the ones before it did not. */
export async function pickDecoder(order: readonly DecoderName[] = DECODER_ORDER): Promise<DecoderPick> {
  const skipped: { name: DecoderName; reason: string }[] = [];
  for (const name of order) {
    const load = await loadDecoder(name);
    if (load.kind === 'ready') return { kind: 'picked', decoder: load.decoder, skipped };
    skipped.push({ name: load.name, reason: load.reason });
  }
  return { kind: 'none', skipped };
}

/**
 * Loads one decoder, in a worker where it can (`where: 'auto'`) and on the page otherwise; a
 * browser without it, or a chunk or .wasm that cannot be fetched, is a value (the page's reason).
 */
export async function loadDecoder(
  name: DecoderName,
  where: DecoderPlace | 'auto' = 'auto',
): Promise<DecoderLoad> {
  // What the page lacks, its workers lack too: no worker started just to find out.
  if (name === 'zxing-wasm' && typeof WebAssembly === 'undefined')
    return { kind: 'unavailable', name, reason: 'WebAssembly is not available' };
  if (name === 'native' && !('BarcodeDetector' in globalThis))
    return { kind: 'unavailable', name, reason: 'no BarcodeDetector in this browser' };
  if (where !== 'main') {
    const unsupported = workerUnsupported();
    try {
      if (unsupported) throw new Error(unsupported);
      return { kind: 'ready', decoder: await loadWorkerDecoder(name) };
    } catch (error) {
      if (where === 'worker') return { kind: 'unavailable', name, reason: messageOf(error) };
    }
  }
  try {
    switch (name) {
      case 'native':
        return await loadNative();
      case 'zxing-wasm':
        return { kind: 'ready', decoder: await loadZxingWasm() };
      case 'zxing-js':
        return { kind: 'ready', decoder: await loadZxingJs() };
    }
  } catch (error) {
    return { kind: 'unavailable', name, reason: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The part of the Barcode Detection API used here (not in TypeScript's DOM lib). */
interface Detector {
  detect(source: FrameSource): Promise<{ rawValue: string }[]>;
}
interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

async function loadNative(): Promise<DecoderLoad> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Native) return { kind: 'unavailable', name: 'native', reason: 'no BarcodeDetector in this browser' };
  const supported: readonly string[] = await Native.getSupportedFormats();
  const missing = REQUIRED_FORMATS.filter((f) => !supported.includes(f));
  if (missing.length > 0)
    return { kind: 'unavailable', name: 'native', reason: `BarcodeDetector lacks ${missing.join(', ')}` };
  const detector = new Native({ formats: SCAN_FORMATS.filter((f) => supported.includes(f)) });
  return { kind: 'ready', decoder: detectorDecoder('native', detector) };
}

async function loadZxingWasm(): Promise<FrameDecoder> {
  const { loadZxingWasmReader } = await import('./zxing-wasm-reader');
  const reader = await loadZxingWasmReader();
  const canvas = document.createElement('canvas');
  return {
    name: 'zxing-wasm',
    where: 'main',
    close: () => undefined,
    async decode(source) {
      if (source instanceof ImageData) return reader.readImage(source);
      const frame = source instanceof HTMLCanvasElement ? source : drawFrame(source, canvas);
      if (!frame) return null;
      const context = frame.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('no 2D canvas context');
      return reader.readImage(context.getImageData(0, 0, frame.width, frame.height));
    },
  };
}

function detectorDecoder(name: DecoderName, detector: Detector): FrameDecoder {
  return {
    name,
    where: 'main',
    close: () => undefined,
    async decode(source) {
      if (!hasFrame(source)) return null;
      const found = await detector.detect(source);
      return found[0]?.rawValue ?? null;
    },
  };
}

async function loadZxingJs(): Promise<FrameDecoder> {
  const [{ BrowserMultiFormatReader }, zxing] = await Promise.all([
    import('@zxing/browser'),
    import('@zxing/library'),
  ]);
  const { BarcodeFormat, DecodeHintType } = zxing;
  // TRY_HARDER stays off: measured, it multiplies the time on an empty frame by ~4 and still does
  // not read a Code 128 turned 90° (turning every other frame does).
  const hints = new Map<number, unknown>([
    [
      DecodeHintType.POSSIBLE_FORMATS,
      [BarcodeFormat.CODE_128, BarcodeFormat.DATA_MATRIX, BarcodeFormat.QR_CODE, BarcodeFormat.EAN_13],
    ],
  ]);
  const reader = new BrowserMultiFormatReader(hints);
  const canvas = document.createElement('canvas');
  const turned = document.createElement('canvas');
  let attempt = 0;
  return {
    name: 'zxing-js',
    where: 'main',
    close: () => undefined,
    decode(source) {
      const frame = source instanceof HTMLCanvasElement ? source : drawFrame(source, canvas);
      if (!frame) return Promise.resolve(null);
      // Every other attempt reads the frame turned 90°: a tablet held upright over a label lying
      // across sees its bars horizontal, which this reader does not try by itself. Same cost per
      // attempt; each orientation is read four times a second.
      const target = attempt++ % 2 === 1 ? turnQuarter(frame, turned) : frame;
      try {
        return Promise.resolve(reader.decodeFromCanvas(target).getText());
      } catch (error) {
        // "No barcode here" and "a barcode, but it does not read" are the usual answers, not errors.
        if (
          error instanceof zxing.NotFoundException ||
          error instanceof zxing.ChecksumException ||
          error instanceof zxing.FormatException
        )
          return Promise.resolve(null);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** Draws `frame` turned a quarter clockwise into `canvas`. */
function turnQuarter(frame: HTMLCanvasElement, canvas: HTMLCanvasElement): HTMLCanvasElement {
  if (canvas.width !== frame.height) canvas.width = frame.height;
  if (canvas.height !== frame.width) canvas.height = frame.width;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas context');
  context.setTransform(0, 1, -1, 0, frame.height, 0);
  context.drawImage(frame, 0, 0);
  context.setTransform(1, 0, 0, 1, 0, 0);
  return canvas;
}

/** Copies a frame into `canvas` (resized to it) for a reader that reads canvases only. */
function drawFrame(source: Exclude<FrameSource, HTMLCanvasElement>, canvas: HTMLCanvasElement) {
  if (!hasFrame(source)) return null;
  const [width, height] =
    source instanceof HTMLVideoElement
      ? [source.videoWidth, source.videoHeight]
      : 'displayWidth' in source
        ? [source.displayWidth, source.displayHeight]
        : [source.width, source.height];
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas context');
  if (source instanceof ImageData) context.putImageData(source, 0, 0);
  else context.drawImage(source, 0, 0);
  return canvas;
}
