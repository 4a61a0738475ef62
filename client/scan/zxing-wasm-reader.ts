/// <reference types="vite/client" />
/**
 * @module zxing-wasm (zxing-cpp compiled to WebAssembly) set up for camera frames, for its decode
 * worker and for the page when there is no worker: the floor's formats only, rotations (a label
 * turned 90° reads in one attempt) and the downscaled pass, but neither zxing-cpp's "try harder"
 * scan nor the inverted-colour pass. Measured on the bench frames (CPU time per 1280x720 frame, in
 * Node, same .wasm): 20 ms with the `barcode-detector` ponyfill's settings (all of them on), 11 ms
 * with "try harder", 6 ms like this, every frame read by all three; a live camera gives the reader
 * a new frame 16 times a second, which pays better than trying harder on one. The .wasm is our
 * own hashed asset, precached, never fetched from a CDN.
 */
import type { ReaderOptions } from 'zxing-wasm/reader';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import zxingReaderWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export const ZXING_READER_OPTIONS: ReaderOptions = {
  formats: ['Code128', 'DataMatrix', 'QRCode', 'EAN13'],
  tryHarder: false,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
  // The text as encoded (a GS1 element string keeps its GS separators), as BarcodeDetector gives it.
  textMode: 'Plain',
};

/**
 * One object for every load: zxing-wasm compares overrides shallowly, and a new locateFile function
 * would make it fetch and compile the .wasm again each time the camera opens.
 */
const OVERRIDES = {
  locateFile: (file: string, prefix: string) =>
    file.endsWith('.wasm') ? new URL(zxingReaderWasmUrl, location.href).href : prefix + file,
};

export interface ZxingWasmReader {
  /** RGBA pixels (a canvas's): zxing-wasm weighs them into luma in JavaScript first. */
  readImage(image: ImageData): Promise<string | null>;
  /**
   * Luma (a camera frame's Y plane) as a binary PGM, which zxing-cpp's image loader takes as it
   * is: no RGBA made and weighed back (measured: 1-10 ms a frame against 7-12 ms from RGBA).
   */
  readLuma(frame: { luma: Uint8Array; width: number; height: number }): Promise<string | null>;
}

/** Fetches and instantiates the .wasm now (so a missing one shows here, not at the first frame). */
export async function loadZxingWasmReader(): Promise<ZxingWasmReader> {
  if (typeof WebAssembly === 'undefined') throw new Error('WebAssembly is not available');
  await prepareZXingModule({ overrides: OVERRIDES, fireImmediately: true });
  const first = async (input: ImageData | Uint8Array) =>
    (await readBarcodes(input, ZXING_READER_OPTIONS))[0]?.text ?? null;
  return {
    readImage: first,
    readLuma({ luma, width, height }) {
      const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
      const pgm = new Uint8Array(header.length + luma.length);
      pgm.set(header);
      pgm.set(luma, header.length);
      return first(pgm);
    },
  };
}
