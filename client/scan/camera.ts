/**
 * @module The camera for scanning: opens the back camera (or the lens the operator chose, which is
 * remembered), offers the torch where the track has one, runs the decode loop on its frames, and
 * stops every track when scanning stops, including when the page is hidden.
 *
 * The decode loop, one attempt at a time (an attempt never overlaps the one before; with a worker
 * decoder an attempt is: grab the frame as an ImageBitmap, transfer it, await the worker's answer):
 *
 *   tick ─ no frame yet ───────────────────────────────▶ wait ATTEMPT_INTERVAL_MS ─▶ tick
 *     └─ decode(frame) ─▶ text? ─▶ report if new ─▶ wait what is left of
 *                                                    ATTEMPT_INTERVAL_MS ──────────▶ tick
 */
import type { FrameDecoder, FrameSource } from './decoders';

/**
 * ~8 attempts per second for a decoder on the main thread: a label held up is read within a few
 * tenths of a second, and the page is left alone between attempts (@zxing/browser's default is one
 * attempt per 500 ms).
 */
export const ATTEMPT_INTERVAL_MS = 125;
/**
 * ~16 attempts per second for a decoder in a worker: the page only grabs the frame, so the next one
 * goes as soon as the worker answers, but no sooner than this (a worker decoding flat out would
 * keep a tablet's core busy for nothing; 16 a second reads a label passed by within a tenth).
 */
export const WORKER_ATTEMPT_INTERVAL_MS = 62;
/** A code seen again after being gone this long is a new presentation, and is reported again. */
export const FORGET_AFTER_MS = 1000;
/** How often the attempts-per-second figure is refreshed. */
const STATS_WINDOW_MS = 1000;
const LENS_KEY = 'scan-station.camera-lens';

export interface Lens {
  deviceId: string;
  label: string;
}

export interface CameraSession {
  /** The lens in use (as the track reports it), and every camera the browser lists. */
  readonly deviceId: string | null;
  readonly lenses: readonly Lens[];
  readonly torchSupported: boolean;
  /** Turns the torch on or off; false when the track refused. */
  setTorch(on: boolean): Promise<boolean>;
  /** Stops every track and detaches the video. Safe to call more than once. */
  stop(): void;
}

export type CameraStart =
  | { kind: 'started'; session: CameraSession }
  | { kind: 'denied' }
  | { kind: 'no-camera' }
  | { kind: 'insecure' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export interface CameraOptions {
  /** A lens chosen before; if it is gone, the back camera is used instead. */
  deviceId?: string | null;
  /** Aborting stops a camera that is still starting (the panel was closed meanwhile). */
  signal?: AbortSignal;
  /** Called when the camera stopped by itself: the page was hidden, or the camera went away. */
  onStopped?: (reason: 'hidden' | 'ended') => void;
  media?: MediaDevices;
}

/** Opens the camera into `video` and plays it. Permission refused, no camera... are values. */
export async function startCamera(
  video: HTMLVideoElement,
  options: CameraOptions = {},
): Promise<CameraStart> {
  // navigator.mediaDevices is missing outside a secure context (http on the LAN).
  const media: MediaDevices | undefined = options.media ?? navigator.mediaDevices;
  if (!media?.getUserMedia) return window.isSecureContext ? { kind: 'no-camera' } : { kind: 'insecure' };
  let stream: MediaStream;
  try {
    stream = await openStream(media, options.deviceId ?? null);
  } catch (error) {
    return startFailure(error);
  }
  const tracks = stream.getTracks();
  const stopTracks = () => tracks.forEach((t) => t.stop());
  if (options.signal?.aborted) {
    stopTracks();
    return { kind: 'cancelled' };
  }

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopTracks();
    video.srcObject = null;
    document.removeEventListener('visibilitychange', onVisibility);
    removeEventListener('pagehide', onHide);
    options.signal?.removeEventListener('abort', stop);
  };
  const stopBy = (reason: 'hidden' | 'ended') => {
    if (stopped) return;
    stop();
    options.onStopped?.(reason);
  };
  // A hidden page keeps no camera: the light goes off, and another app can have it.
  const onVisibility = () => document.visibilityState === 'hidden' && stopBy('hidden');
  const onHide = () => stopBy('hidden');
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onHide);
  options.signal?.addEventListener('abort', stop);

  const track = stream.getVideoTracks()[0];
  track?.addEventListener('ended', () => stopBy('ended'));
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch (error) {
    // play() is interrupted when the camera is stopped meanwhile; anything else is a failure.
    if (stopped) return { kind: 'cancelled' };
    stop();
    return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }

  const capabilities = (track?.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
  // Labels are listed only once the permission is granted, so the list comes after getUserMedia.
  const lenses = (await media.enumerateDevices())
    .filter((d) => d.kind === 'videoinput' && d.deviceId)
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
  return {
    kind: 'started',
    session: {
      deviceId: track?.getSettings().deviceId ?? null,
      lenses,
      torchSupported: capabilities.torch === true,
      async setTorch(on) {
        if (!track || stopped) return false;
        try {
          await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
          return true;
        } catch {
          return false; // some devices list a torch and refuse it while another app holds it
        }
      },
      stop,
    },
  };
}

async function openStream(media: MediaDevices, deviceId: string | null): Promise<MediaStream> {
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  if (deviceId) {
    try {
      return await media.getUserMedia({ video: { ...size, deviceId: { exact: deviceId } }, audio: false });
    } catch (error) {
      // The remembered lens is gone (another tablet, a USB camera unplugged): use the back camera.
      if (!(error instanceof DOMException) || !['OverconstrainedError', 'NotFoundError'].includes(error.name))
        throw error;
    }
  }
  return media.getUserMedia({ video: { ...size, facingMode: { ideal: 'environment' } }, audio: false });
}

function startFailure(error: unknown): CameraStart {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return { kind: 'denied' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return { kind: 'no-camera' };
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/** The lens the operator chose on this tablet, if any. */
export function rememberedLens(storage: Pick<Storage, 'getItem'> = localStorage): string | null {
  return storage.getItem(LENS_KEY);
}

export function rememberLens(deviceId: string, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(LENS_KEY, deviceId);
}

export interface LoopClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: LoopClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LoopStats {
  attemptsPerSecond: number;
  /** How long the last attempt took, in milliseconds. */
  lastDecodeMs: number;
}

export interface DecodeLoopOptions {
  decoder: Pick<FrameDecoder, 'decode'>;
  /** The frame to decode now (usually the <video>), or null while there is none. */
  frame: () => FrameSource | null;
  onResult: (text: string) => void;
  onStats?: (stats: LoopStats) => void;
  /** The decoder threw (a bug, or a broken .wasm): the loop stops. */
  onError?: (error: Error) => void;
  clock?: LoopClock;
  intervalMs?: number;
}

/** Decodes frames until stopped; a code held in view is reported once (see FORGET_AFTER_MS). */
export function startDecodeLoop(options: DecodeLoopOptions): { stop(): void } {
  const clock = options.clock ?? browserClock;
  const interval = options.intervalMs ?? ATTEMPT_INTERVAL_MS;
  let stopped = false;
  let timer: unknown = null;
  let last: { text: string; seenAt: number } | null = null;
  let windowStart = clock.now();
  let windowAttempts = 0;
  let lastDecodeMs = 0;

  const schedule = (ms: number) => {
    timer = clock.setTimeout(() => void tick(), Math.max(0, ms));
  };
  const tick = async () => {
    timer = null;
    const source = options.frame();
    if (!source) return schedule(interval);
    const started = clock.now();
    // The pace: attempts started in the window that ends as this one starts.
    if (started - windowStart >= STATS_WINDOW_MS) {
      options.onStats?.({
        attemptsPerSecond: (windowAttempts * 1000) / (started - windowStart),
        lastDecodeMs,
      });
      windowStart = started;
      windowAttempts = 0;
    }
    windowAttempts += 1;
    let text: string | null;
    try {
      text = await options.decoder.decode(source);
    } catch (error) {
      if (stopped) return;
      stopped = true;
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (stopped) return;
    const now = clock.now();
    lastDecodeMs = now - started;
    if (text !== null) {
      const isNew = !last || last.text !== text || now - last.seenAt > FORGET_AFTER_MS;
      last = { text, seenAt: now };
      if (isNew) options.onResult(text);
    }
    if (!stopped) schedule(interval - lastDecodeMs);
  };

  schedule(0);
  return {
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
