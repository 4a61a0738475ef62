/// <reference types="vite/client" />
/**
 * @module Barcode decoders for camera frames, behind one small interface: the browser's own
 * BarcodeDetector, the `barcode-detector` ponyfill on zxing-wasm (its .wasm self-hosted and
 * precached, never fetched from a CDN), and @zxing/browser (pure JavaScript). Each library is
 * imported only when its decoder is loaded, so none of them is in the app's initial JavaScript.
 *
 * Measured order (`npx tsx bench/client-decode.ts`: Debian Chromium 156 on 2 cores shared with
 * other work, six 1280x720 frames, 40 decodes each): zxing-js p50 13-17 ms, p95 22-59 ms; zxing-wasm
 * p50 21-40 ms, p95 24-106 ms. zxing-js was faster in every run (the ponyfill always tries harder:
 * rotations, inverted codes, downscaling), so it goes first and zxing-wasm is the fallback. A Code
 * 128 turned 90° (bars horizontal) is not read by zxing-js as such, and TRY_HARDER does not fix
 * that while making empty frames (the loop's usual case) ~4x slower: zxing-js reads every other
 * frame turned a quarter instead. The
 * native detector (Android, ChromeOS, macOS; not Linux desktop, so not measured here) goes before
 * both: the platform's own decoder, with nothing to download.
 */
import type { BarcodeDetector as BarcodeDetectorClass } from 'barcode-detector/ponyfill';
// The ponyfill embeds zxing-wasm's reader glue; this is the matching .wasm (same zxing-wasm
// version, checked against ZXING_WASM_SHA256 by test/client/decoders.test.ts), emitted by Vite as
// a hashed asset that the service worker precaches.
import zxingReaderWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export type DecoderName = 'native' | 'zxing-wasm' | 'zxing-js';

export type FrameSource = ImageData | HTMLVideoElement | ImageBitmap | HTMLCanvasElement;

export interface FrameDecoder {
  name: DecoderName;
  /** The text of a barcode in the frame, or null when there is none (or no frame yet). */
  decode(source: FrameSource): Promise<string | null>;
}

/** What the shop floor prints: Code 128 (serials, badges, commands), DataMatrix and QR (GS1), EAN-13. */
export const SCAN_FORMATS = ['code_128', 'data_matrix', 'qr_code', 'ean_13'] as const;
/** A native detector must read these to be used; EAN-13 is a "maybe" on the floor. */
const REQUIRED_FORMATS: readonly string[] = ['code_128', 'data_matrix', 'qr_code'];

/** Fastest first; see the measured order above. */
export const DECODER_ORDER: readonly DecoderName[] = ['native', 'zxing-js', 'zxing-wasm'];

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

/** Loads one decoder; a browser without it, or a chunk or .wasm that cannot be fetched, is a value. */
export async function loadDecoder(name: DecoderName): Promise<DecoderLoad> {
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
    return { kind: 'unavailable', name, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function loadNative(): Promise<DecoderLoad> {
  const Native = (globalThis as { BarcodeDetector?: typeof BarcodeDetectorClass }).BarcodeDetector;
  if (!Native) return { kind: 'unavailable', name: 'native', reason: 'no BarcodeDetector in this browser' };
  const supported: readonly string[] = await Native.getSupportedFormats();
  const missing = REQUIRED_FORMATS.filter((f) => !supported.includes(f));
  if (missing.length > 0)
    return { kind: 'unavailable', name: 'native', reason: `BarcodeDetector lacks ${missing.join(', ')}` };
  const detector = new Native({ formats: SCAN_FORMATS.filter((f) => supported.includes(f)) });
  return { kind: 'ready', decoder: detectorDecoder('native', detector) };
}

/**
 * One object for every load: zxing-wasm compares overrides shallowly, and a new locateFile function
 * would make it fetch and compile the .wasm again each time the camera opens.
 */
const ZXING_OVERRIDES = {
  locateFile: (file: string, prefix: string) =>
    file.endsWith('.wasm') ? new URL(zxingReaderWasmUrl, location.href).href : prefix + file,
};

async function loadZxingWasm(): Promise<FrameDecoder> {
  if (typeof WebAssembly === 'undefined') throw new Error('WebAssembly is not available');
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
  // Instantiate now, from our own origin, so a missing .wasm shows here and not at the first frame.
  await prepareZXingModule({ overrides: ZXING_OVERRIDES, fireImmediately: true });
  return detectorDecoder('zxing-wasm', new BarcodeDetector({ formats: [...SCAN_FORMATS] }));
}

function detectorDecoder(name: DecoderName, detector: BarcodeDetectorClass): FrameDecoder {
  return {
    name,
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

/** A video before its first frame has nothing to decode (detect() would throw on it). */
function hasFrame(source: FrameSource): boolean {
  if (source instanceof HTMLVideoElement)
    return source.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && source.videoWidth > 0;
  return source.width > 0 && source.height > 0;
}

/** Copies a frame into `canvas` (resized to it) for a reader that reads canvases only. */
function drawFrame(source: Exclude<FrameSource, HTMLCanvasElement>, canvas: HTMLCanvasElement) {
  if (!hasFrame(source)) return null;
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas context');
  if (source instanceof ImageData) context.putImageData(source, 0, 0);
  else context.drawImage(source, 0, 0);
  return canvas;
}
