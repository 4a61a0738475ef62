/**
 * @module What the camera's decode worker and the page say to each other, and the worker's side of
 * it. The page transfers each frame (a VideoFrame of the camera's video, or an ImageBitmap); the
 * worker takes its luma (a camera frame's Y plane as it is; anything else drawn on an
 * OffscreenCanvas and weighed), decodes it and answers with the text it found. One worker per
 * decoder family (decode-worker-*.ts), each bundling only its own library, so no worker needs code
 * splitting and the page downloads only the decoder it uses.
 *
 *   page                                   worker
 *   new Worker(decode-worker-x) ─────────▶ loads its decoder (chunk, .wasm)
 *                               ◀───────── { kind: 'ready' } | { kind: 'unavailable', reason }
 *   { kind: 'decode', id, frame } ───────▶ takes its luma, decodes
 *   (frame transferred)         ◀───────── { kind: 'result', id, text, ms } | { kind: 'error', id, message }
 */

/** A frame as the page grabbed it: a VideoFrame of the camera's video, or an ImageBitmap. */
export type WorkerFrame = ImageBitmap | VideoFrame;

export type ToWorker = { kind: 'decode'; id: number; frame: WorkerFrame };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'result'; id: number; text: string | null; ms: number }
  | { kind: 'error'; id: number; message: string };

/** A frame as one byte of luma per pixel, row by row. */
export interface Luma {
  luma: Uint8Array;
  width: number;
  height: number;
}

/**
 * Reads the text of a barcode in a frame; null when there is none. `luma` gives the frame's luma,
 * made on first use (the native detector takes the frame itself and never asks).
 */
export type PixelDecoder = (
  luma: () => Promise<Luma>,
  frame: WorkerFrame,
) => Promise<string | null> | string | null;

/** The DOM lib has no DedicatedWorkerGlobalScope; this is the part of it the worker uses. */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

/**
 * The worker's side: loads the decoder once, says whether it is ready, then answers every frame in
 * the order they came.
 */
export function serveDecoder(load: () => Promise<PixelDecoder>): void {
  const scope = self as unknown as WorkerScope;
  const canvas = canvasReader();
  const ready = load().then(
    (decoder) => {
      scope.postMessage({ kind: 'ready' });
      return decoder;
    },
    (error: unknown) => {
      scope.postMessage({ kind: 'unavailable', reason: messageOf(error) });
      return null;
    },
  );
  scope.addEventListener('message', (event) => {
    const message = event.data;
    void (async () => {
      const { id, frame } = message;
      const started = performance.now();
      try {
        const decoder = await ready;
        if (!decoder) throw new Error('the decoder did not load');
        let luma: Promise<Luma> | null = null;
        const lumaOf = () => (luma ??= videoFrameLuma(frame) ?? Promise.resolve(lumaOfRgba(canvas(frame))));
        const text = await decoder(lumaOf, frame);
        scope.postMessage({ kind: 'result', id, text, ms: performance.now() - started });
      } catch (error) {
        scope.postMessage({ kind: 'error', id, message: messageOf(error) });
      } finally {
        frame.close();
      }
    })();
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Formats whose first plane is the luma (Y) plane, at full size. */
const YUV = new Set(['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);

/**
 * A camera VideoFrame's luma without a canvas: its Y plane, copied out as it is (no conversion at
 * all). Null for an ImageBitmap, an RGB frame, or a frame whose pixels cannot be copied out
 * (format null: a GPU texture), which go through a canvas instead.
 */
function videoFrameLuma(frame: WorkerFrame): Promise<Luma> | null {
  if (!('format' in frame) || !frame.format || !YUV.has(frame.format)) return null;
  const width = frame.visibleRect?.width ?? frame.displayWidth;
  const height = frame.visibleRect?.height ?? frame.displayHeight;
  return (async () => {
    const bytes = new Uint8Array(frame.allocationSize());
    const [plane] = await frame.copyTo(bytes);
    if (!plane) throw new Error('a video frame without planes');
    if (plane.stride === width)
      return { luma: bytes.subarray(plane.offset, plane.offset + width * height), width, height };
    const rows = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = plane.offset + y * plane.stride;
      rows.set(bytes.subarray(row, row + width), y * width);
    }
    return { luma: rows, width, height };
  })();
}

/** Draws a frame on an OffscreenCanvas (kept between frames) and reads its pixels. */
function canvasReader(): (frame: WorkerFrame) => ImageData {
  let canvas: OffscreenCanvas | null = null;
  let context: OffscreenCanvasRenderingContext2D | null = null;
  return (frame) => {
    const [width, height] =
      'displayWidth' in frame ? [frame.displayWidth, frame.displayHeight] : [frame.width, frame.height];
    if (!canvas || canvas.width !== width || canvas.height !== height) {
      canvas = new OffscreenCanvas(width, height);
      context = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (!context) throw new Error('no 2D context on an OffscreenCanvas');
    context.drawImage(frame, 0, 0);
    return context.getImageData(0, 0, width, height);
  };
}

/** Luma from RGBA pixels, with the weights zxing-wasm uses. */
function lumaOfRgba({ data, width, height }: ImageData): Luma {
  const luma = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < luma.length; i++, p += 4)
    luma[i] = (306 * (data[p] ?? 0) + 601 * (data[p + 1] ?? 0) + 117 * (data[p + 2] ?? 0) + 512) >> 10;
  return { luma, width, height };
}

/** The luma turned a quarter clockwise: `height` wide; source (x, y) lands at (height-1-y, x). */
export function turnQuarter({ luma, width, height }: Luma): Luma {
  const turned = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const column = height - 1 - y;
    for (let x = 0, p = y * width; x < width; x++, p++) turned[x * height + column] = luma[p] ?? 0;
  }
  return { luma: turned, width: height, height: width };
}
