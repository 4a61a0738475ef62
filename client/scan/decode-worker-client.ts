/**
 * @module The page's side of a decode worker (decode-worker-protocol.ts): a FrameDecoder whose
 * decode() grabs the frame (a VideoFrame of the video, or an ImageBitmap), transfers it to the
 * worker and waits for the answer. The main thread only draws the video; converting the frame,
 * reading its pixels and decoding them happen in the worker.
 */
import type { FromWorker, ToWorker } from './decode-worker-protocol';
import type { DecoderName, FrameDecoder, FrameSource } from './decoder-types';

/** A worker that has not said ready by then (a chunk or .wasm that never comes) is given up. */
export const WORKER_LOAD_TIMEOUT_MS = 20_000;

export interface WorkerDecoder extends FrameDecoder {
  /** How long the worker itself spent on the last frame (pixels read and decoded), in ms. */
  readonly lastWorkerMs: number;
}

/** The worker for each decoder: a separate entry each, so Vite bundles each library on its own. */
function spawn(name: DecoderName): Worker {
  switch (name) {
    case 'native':
      return new Worker(new URL('./decode-worker-native.ts', import.meta.url), { type: 'module' });
    case 'zxing-wasm':
      return new Worker(new URL('./decode-worker-zxing-wasm.ts', import.meta.url), { type: 'module' });
    case 'zxing-js':
      return new Worker(new URL('./decode-worker-zxing-js.ts', import.meta.url), { type: 'module' });
  }
}

/** Why this browser cannot decode in a worker at all (then the decoders run on the page). */
export function workerUnsupported(): string | null {
  if (typeof Worker === 'undefined') return 'no Web Workers';
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas';
  if (typeof createImageBitmap === 'undefined') return 'no createImageBitmap';
  return null;
}

/** Starts the decoder's worker and waits for it to load; a worker that cannot is terminated. */
export async function loadWorkerDecoder(name: DecoderName): Promise<WorkerDecoder> {
  const worker = spawn(name);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the decode worker did not start')),
        WORKER_LOAD_TIMEOUT_MS,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        fn();
      };
      const onMessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.kind === 'ready') done(resolve);
        else if (message.kind === 'unavailable') done(() => reject(new Error(message.reason)));
      };
      const onError = (event: ErrorEvent) => {
        event.preventDefault();
        done(() => reject(new Error(event.message || 'the decode worker could not be loaded')));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
    });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return workerDecoder(name, worker);
}

function workerDecoder(name: DecoderName, worker: Worker): WorkerDecoder {
  let nextId = 1;
  let closed = false;
  let lastWorkerMs = 0;
  const waiting = new Map<number, { resolve: (text: string | null) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    if (message.kind !== 'result' && message.kind !== 'error') return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.kind === 'error') return pending?.reject(new Error(message.message));
    lastWorkerMs = message.ms;
    pending?.resolve(message.text);
  });
  // A worker that dies (out of memory, a broken .wasm) fails the attempt waiting on it.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failAll(new Error(event.message || 'the decode worker stopped'));
  });
  return {
    name,
    where: 'worker',
    get lastWorkerMs() {
      return lastWorkerMs;
    },
    async decode(source: FrameSource) {
      if (closed) throw new Error('the decode worker was closed');
      if (!hasFrame(source)) return null;
      const frame = await grab(source);
      const id = nextId++;
      return new Promise<string | null>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ kind: 'decode', id, frame } satisfies ToWorker, [frame]);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      worker.terminate();
      failAll(new Error('the decode worker was closed'));
    },
  };
}

/**
 * The frame to transfer. Of a video, a VideoFrame where the browser has them: it wraps the decoded
 * picture the video already holds (no conversion, no copy on the main thread), and the worker
 * copies out its luma (Y) plane or has it converted to RGBA. A VideoFrame given is cloned (the
 * caller keeps its own); anything else goes as an ImageBitmap, which the worker draws.
 */
async function grab(source: FrameSource): Promise<ImageBitmap | VideoFrame> {
  if (typeof VideoFrame !== 'undefined') {
    if (source instanceof VideoFrame) return source.clone();
    if (source instanceof HTMLVideoElement) return new VideoFrame(source);
  }
  return createImageBitmap(source);
}

/** A video before its first frame has nothing to decode (createImageBitmap would throw on it). */
export function hasFrame(source: FrameSource): boolean {
  if ('displayWidth' in source) return source.displayWidth > 0; // a VideoFrame
  if (source instanceof HTMLVideoElement)
    return source.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && source.videoWidth > 0;
  return source.width > 0 && source.height > 0;
}
