/** @module What a camera decoder is, for the page and the worker client alike (decoders.ts loads them). */

export type DecoderName = 'native' | 'zxing-wasm' | 'zxing-js';

export type FrameSource = ImageData | HTMLVideoElement | ImageBitmap | HTMLCanvasElement | VideoFrame;

/** Where a decoder runs: in its own Web Worker, or on the page's main thread (the fallback). */
export type DecoderPlace = 'worker' | 'main';

export interface FrameDecoder {
  name: DecoderName;
  where: DecoderPlace;
  /** The text of a barcode in the frame, or null when there is none (or no frame yet). */
  decode(source: FrameSource): Promise<string | null>;
  /** Ends the decoder's worker, if it has one; decode() fails after. Safe to call more than once. */
  close(): void;
}
