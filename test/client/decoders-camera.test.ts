// @vitest-environment happy-dom
/**
 * The camera's logic without a camera: the decode loop on a fake clock (pace, no overlapping
 * attempts, a code held in view reported once), and startCamera on fake media devices (the
 * remembered lens, the back camera as fallback, the torch only where the track has one, every
 * track stopped on stop, on page hide and when closed while starting, refusals as values).
 */
import { describe, expect, it } from 'vitest';
import type { LoopClock } from '../../client/scan/camera';
import {
  ATTEMPT_INTERVAL_MS,
  FORGET_AFTER_MS,
  WORKER_ATTEMPT_INTERVAL_MS,
  rememberLens,
  rememberedLens,
  startCamera,
  startDecodeLoop,
} from '../../client/scan/camera';

/** A clock whose timers fire only when the test advances it; `spend` moves time without firing. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  let timers: { id: number; at: number; fn: () => void }[] = [];
  const clock: LoopClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.push({ id: nextId, at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return {
    clock,
    spend: (ms: number) => void (now += ms),
    pending: () => timers.length,
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await flush();
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = due.at;
        due.fn();
      }
      now = end;
      await flush();
    },
  };
}

/** A decoder that answers from `script` (null: nothing in the frame), taking `ms` of clock time. */
function scriptedDecoder(time: ReturnType<typeof fakeClock>, script: (string | null)[], ms = 20) {
  const calls = { count: 0, inFlight: 0, maxInFlight: 0 };
  return {
    calls,
    decoder: {
      async decode() {
        calls.count++;
        calls.inFlight++;
        calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
        time.spend(ms);
        await Promise.resolve();
        calls.inFlight--;
        return script.length > 1 ? (script.shift() ?? null) : (script[0] ?? null);
      },
    },
  };
}

const FRAME = {} as HTMLCanvasElement;

/** A loop over a decoder that finds nothing in 30 ms, its calls, and the paces it reported. */
function pacedLoop(intervalMs?: number) {
  const time = fakeClock();
  const { calls, decoder } = scriptedDecoder(time, [null], 30);
  const stats: number[] = [];
  const loop = startDecodeLoop({
    decoder,
    frame: () => FRAME,
    onResult: () => undefined,
    onStats: (s) => stats.push(Math.round(s.attemptsPerSecond)),
    clock: time.clock,
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
  return { time, calls, stats, loop };
}

describe('decode loop', () => {
  it('SC-7: makes about 8 attempts a second, one at a time, and reports its pace', async () => {
    const { time, calls, stats, loop } = pacedLoop();
    await time.advance(2000);
    loop.stop();
    expect(ATTEMPT_INTERVAL_MS).toBe(125);
    expect(calls.count).toBeGreaterThanOrEqual(16);
    expect(calls.count).toBeLessThanOrEqual(17);
    expect(calls.maxInFlight).toBe(1);
    expect(stats).toEqual([8, 8]);
    expect(time.pending()).toBe(0);
  });

  it('PF-72: with a worker decoder, makes about 16 attempts a second, the next as soon as the worker answers', async () => {
    const { time, calls, stats, loop } = pacedLoop(WORKER_ATTEMPT_INTERVAL_MS);
    await time.advance(2200);
    expect(calls.count).toBeGreaterThanOrEqual(35);
    expect(calls.maxInFlight).toBe(1);
    expect(stats).toEqual([16, 16]);
    loop.stop();

    // A slow worker (80 ms a frame, over the interval): no pause between answer and next frame.
    const slow = fakeClock();
    const busy = scriptedDecoder(slow, [null], 80);
    const paced = startDecodeLoop({
      decoder: busy.decoder,
      frame: () => FRAME,
      onResult: () => undefined,
      clock: slow.clock,
      intervalMs: WORKER_ATTEMPT_INTERVAL_MS,
    });
    await slow.advance(1000);
    paced.stop();
    expect(busy.calls.count).toBeGreaterThanOrEqual(12);
    expect(busy.calls.maxInFlight).toBe(1);
  });

  it('SC-7: never starts an attempt while one is still decoding, however slow', async () => {
    const time = fakeClock();
    const releases: (() => void)[] = [];
    let calls = 0;
    const loop = startDecodeLoop({
      decoder: {
        decode: () =>
          new Promise((resolve) => {
            calls++;
            releases.push(() => resolve(null));
          }),
      },
      frame: () => FRAME,
      onResult: () => undefined,
      clock: time.clock,
    });
    await time.advance(1000);
    expect(calls).toBe(1);
    time.spend(400);
    releases.shift()?.();
    await time.advance(0); // it took longer than the interval: the next attempt goes at once
    expect(calls).toBe(2);
    loop.stop();
    releases.shift()?.();
    await time.advance(1000);
    expect(calls).toBe(2);
  });

  it('SC-7: reports a code held in view once, a different code at once, and the same code again after it was gone', async () => {
    const time = fakeClock();
    const A = 'BV-DEMO-0001';
    const B = 'BV-DEMO-0002';
    const gone = Math.ceil(FORGET_AFTER_MS / ATTEMPT_INTERVAL_MS) + 1;
    const script = [null, A, A, A, null, A, B, B, A, ...Array<null>(gone).fill(null), A, null];
    const { decoder } = scriptedDecoder(time, script);
    const results: string[] = [];
    const loop = startDecodeLoop({
      decoder,
      frame: () => FRAME,
      onResult: (t) => results.push(t),
      clock: time.clock,
    });
    await time.advance(ATTEMPT_INTERVAL_MS * (script.length + 2));
    loop.stop();
    expect(results).toEqual([A, B, A, A]);
  });

  it('SC-7: waits for a frame without counting an attempt, and stops when the decoder throws', async () => {
    const time = fakeClock();
    let frame: HTMLCanvasElement | null = null;
    const errors: string[] = [];
    let calls = 0;
    startDecodeLoop({
      decoder: {
        decode: () => {
          calls++;
          return Promise.reject(new Error('wasm aborted'));
        },
      },
      frame: () => frame,
      onResult: () => undefined,
      onError: (e) => errors.push(e.message),
      clock: time.clock,
    });
    await time.advance(500);
    expect(calls).toBe(0);
    frame = FRAME;
    await time.advance(1000);
    expect({ calls, errors, timers: time.pending() }).toEqual({
      calls: 1,
      errors: ['wasm aborted'],
      timers: 0,
    });
  });
});

interface FakeTrack {
  readyState: 'live' | 'ended';
  deviceId: string;
  torch: boolean | undefined;
  applied: unknown[];
  stop(): void;
  getCapabilities(): Record<string, unknown>;
  getSettings(): { deviceId: string };
  applyConstraints(c: unknown): Promise<void>;
  addEventListener(type: string, fn: () => void): void;
}

/** Media devices with the given cameras; getUserMedia fails with `fail` (a DOMException name) if set. */
function fakeMedia(
  cameras: { deviceId: string; label: string; torch?: boolean }[],
  fail: string | null = null,
) {
  const tracks: FakeTrack[] = [];
  const requests: MediaStreamConstraints[] = [];
  const media = {
    getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
      requests.push(constraints);
      if (fail) return Promise.reject(new DOMException(fail, fail));
      const video = constraints.video as MediaTrackConstraints;
      const exact = (video.deviceId as ConstrainDOMStringParameters | undefined)?.exact;
      const camera = exact ? cameras.find((c) => c.deviceId === exact) : cameras[cameras.length - 1];
      if (!camera)
        return Promise.reject(new DOMException('gone', exact ? 'OverconstrainedError' : 'NotFoundError'));
      const track: FakeTrack = {
        readyState: 'live',
        deviceId: camera.deviceId,
        torch: camera.torch,
        applied: [],
        stop() {
          this.readyState = 'ended';
        },
        getCapabilities() {
          return camera.torch === undefined ? {} : { torch: camera.torch };
        },
        getSettings() {
          return { deviceId: camera.deviceId };
        },
        applyConstraints(c) {
          this.applied.push(c);
          return Promise.resolve();
        },
        addEventListener() {},
      };
      tracks.push(track);
      // A MediaStream by prototype, for the video element's srcObject check; the tracks are fakes.
      return Promise.resolve(
        Object.assign(Object.create(MediaStream.prototype) as MediaStream, {
          getTracks: () => [track],
          getVideoTracks: () => [track],
        }),
      );
    },
    enumerateDevices() {
      return Promise.resolve(
        cameras.map((c) => ({ kind: 'videoinput', deviceId: c.deviceId, label: c.label })),
      );
    },
  };
  return { media: media as unknown as MediaDevices, tracks, requests };
}

function videoElement(): HTMLVideoElement {
  const video = document.createElement('video');
  video.play = () => Promise.resolve();
  return video;
}

describe('startCamera', () => {
  const BACK = { deviceId: 'back', label: 'Back camera', torch: true };
  const FRONT = { deviceId: 'front', label: 'Front camera' };

  it('SC-8: opens the back camera at 1280x720, lists the lenses, and offers the torch the track has', async () => {
    const { media, tracks, requests } = fakeMedia([FRONT, BACK]);
    const start = await startCamera(videoElement(), { media });
    if (start.kind !== 'started') throw new Error(start.kind);
    expect(requests).toEqual([
      {
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: { ideal: 'environment' } },
        audio: false,
      },
    ]);
    expect(start.session.deviceId).toBe('back');
    expect(start.session.lenses).toEqual([
      { deviceId: 'front', label: 'Front camera' },
      { deviceId: 'back', label: 'Back camera' },
    ]);
    expect(start.session.torchSupported).toBe(true);
    expect(await start.session.setTorch(true)).toBe(true);
    expect(tracks[0]?.applied).toEqual([{ advanced: [{ torch: true }] }]);
    start.session.stop();
    start.session.stop();
    expect(tracks.map((t) => t.readyState)).toEqual(['ended']);
    expect(await start.session.setTorch(false)).toBe(false);
  });

  it('SC-8: uses the remembered lens, and the back camera when that lens is gone', async () => {
    rememberLens('front');
    expect(rememberedLens()).toBe('front');
    const both = fakeMedia([FRONT, BACK]);
    const start = await startCamera(videoElement(), { media: both.media, deviceId: rememberedLens() });
    if (start.kind !== 'started') throw new Error(start.kind);
    expect(start.session.deviceId).toBe('front');
    expect(start.session.torchSupported).toBe(false);
    start.session.stop();

    const backOnly = fakeMedia([BACK]);
    const again = await startCamera(videoElement(), { media: backOnly.media, deviceId: 'front' });
    if (again.kind !== 'started') throw new Error(again.kind);
    expect(again.session.deviceId).toBe('back');
    expect(backOnly.requests).toHaveLength(2);
    again.session.stop();
  });

  it('SC-5: stops every track when the page is hidden, and says why', async () => {
    const { media, tracks } = fakeMedia([BACK]);
    const stopped: string[] = [];
    const start = await startCamera(videoElement(), { media, onStopped: (r) => stopped.push(r) });
    expect(start.kind).toBe('started');
    dispatchEvent(new Event('pagehide'));
    expect({ tracks: tracks.map((t) => t.readyState), stopped }).toEqual({
      tracks: ['ended'],
      stopped: ['hidden'],
    });
  });

  it('SC-5: stops the camera that was still starting when the panel closed', async () => {
    const { media, tracks } = fakeMedia([BACK]);
    const abort = new AbortController();
    const starting = startCamera(videoElement(), { media, signal: abort.signal });
    abort.abort();
    expect(await starting).toEqual({ kind: 'cancelled' });
    expect(tracks.map((t) => t.readyState)).toEqual(['ended']);
  });

  it('SC-8: tells refusal, no camera and no media devices apart', async () => {
    const video = videoElement();
    expect(await startCamera(video, { media: fakeMedia([BACK], 'NotAllowedError').media })).toEqual({
      kind: 'denied',
    });
    expect(await startCamera(video, { media: fakeMedia([]).media })).toEqual({ kind: 'no-camera' });
    expect(await startCamera(video, { media: fakeMedia([BACK], 'NotReadableError').media })).toEqual({
      kind: 'failed',
      message: 'NotReadableError',
    });
    expect(await startCamera(video, { media: {} as MediaDevices })).toEqual(
      window.isSecureContext ? { kind: 'no-camera' } : { kind: 'insecure' },
    );
  });
});
