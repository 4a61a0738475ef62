/**
 * @module The camera scanning panel, loaded only when the operator opens it: the live picture, the
 * lens and torch where there is a choice, and what the camera read. Each read goes to `onScan`,
 * which treats it as a wedge scan. Closing, unmounting or hiding the page stops the camera.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CameraSession, CameraStart, LoopStats } from './camera';
import { rememberLens, rememberedLens, startCamera, startDecodeLoop } from './camera';
import type { DecoderName } from './decoders';
import { pickDecoder } from './decoders';
import './camera-scanner.css';

type View =
  | { kind: 'starting' }
  | { kind: 'live'; session: CameraSession }
  | { kind: 'paused' }
  | { kind: 'problem'; text: string };

const PROBLEM: Record<Exclude<CameraStart['kind'], 'started' | 'cancelled' | 'failed'>, string> = {
  denied:
    'Camera permission is denied. Allow the camera for this site in the browser settings, or scan with the hand scanner.',
  'no-camera': 'No camera found on this device.',
  insecure: 'The camera needs a secure (https) connection to the edge server.',
};

export default function CameraScanner(props: { onScan: (text: string) => void; onClose: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const onScan = useRef(props.onScan);
  onScan.current = props.onScan;
  const decoder = useMemo(() => pickDecoder(), []);
  const [lens, setLens] = useState<string | null>(() => rememberedLens());
  // Bumped to start the camera again (back from a hidden page, or after it stopped).
  const [generation, setGeneration] = useState(0);
  const [view, setView] = useState<View>({ kind: 'starting' });
  const [decoderName, setDecoderName] = useState<DecoderName | null>(null);
  const [stats, setStats] = useState<LoopStats | null>(null);
  const [torch, setTorch] = useState(false);
  const [lastRead, setLastRead] = useState<string | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const abort = new AbortController();
    let loop: { stop(): void } | null = null;
    let session: CameraSession | null = null;
    setView({ kind: 'starting' });
    setTorch(false);
    let halted = false; // the camera stopped by itself (page hidden) before the loop began
    const onStopped = (reason: 'hidden' | 'ended') => {
      halted = true;
      loop?.stop();
      setView(reason === 'hidden' ? { kind: 'paused' } : { kind: 'problem', text: 'The camera stopped.' });
    };
    void (async () => {
      const [start, pick] = await Promise.all([
        startCamera(video, { deviceId: lens, signal: abort.signal, onStopped }),
        decoder,
      ]);
      if (start.kind === 'cancelled' || abort.signal.aborted || halted) {
        if (start.kind === 'started') start.session.stop();
        return;
      }
      if (start.kind === 'failed')
        return setView({ kind: 'problem', text: `The camera could not start: ${start.message}` });
      if (start.kind !== 'started') return setView({ kind: 'problem', text: PROBLEM[start.kind] });
      const live = start.session;
      session = live;
      if (pick.kind === 'none') {
        live.stop();
        const why = pick.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
        return setView({ kind: 'problem', text: `No barcode decoder could be loaded (${why}).` });
      }
      setDecoderName(pick.decoder.name);
      setView({ kind: 'live', session: live });
      loop = startDecodeLoop({
        decoder: pick.decoder,
        frame: () => video,
        onResult: (text) => {
          setLastRead(text);
          onScan.current(text);
        },
        onStats: setStats,
        onError: (error) => {
          live.stop();
          setView({ kind: 'problem', text: `The barcode decoder failed: ${error.message}` });
        },
      });
    })();
    return () => {
      abort.abort();
      loop?.stop();
      session?.stop();
    };
  }, [decoder, lens, generation]);

  // Back on a page that was hidden: open the camera again.
  useEffect(() => {
    if (view.kind !== 'paused') return;
    const onVisible = () => document.visibilityState === 'visible' && setGeneration((g) => g + 1);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [view.kind]);

  const session = view.kind === 'live' ? view.session : null;
  return (
    <section class="camera" aria-label="Camera scanner">
      <CameraBar
        session={session}
        torch={torch}
        setTorch={setTorch}
        onLens={setLens}
        onClose={props.onClose}
      />
      <video ref={videoRef} class="camera-video" muted playsInline hidden={view.kind !== 'live'} />
      {view.kind === 'starting' ? <p class="camera-note">Starting the camera…</p> : null}
      {view.kind === 'paused' ? <p class="camera-note">Camera paused while the app was hidden.</p> : null}
      {view.kind === 'problem' ? (
        <p class="message refused" role="alert">
          {view.text}{' '}
          <button type="button" onClick={() => setGeneration((g) => g + 1)}>
            Retry
          </button>
        </p>
      ) : null}
      {lastRead ? (
        <p class="camera-read" aria-live="polite">
          Read {lastRead}
        </p>
      ) : null}
      <small class="camera-info" data-testid="camera-info">
        {decoderName ?? 'loading decoder'}
        {stats
          ? ` · ${stats.attemptsPerSecond.toFixed(1)} attempts/s · ${Math.round(stats.lastDecodeMs)} ms`
          : ''}
      </small>
    </section>
  );
}

/** Lens choice and torch where the camera offers them, and Close (which stops the camera). */
function CameraBar(props: {
  session: CameraSession | null;
  torch: boolean;
  setTorch: (on: boolean) => void;
  onLens: (deviceId: string) => void;
  onClose: () => void;
}) {
  const { session, torch, setTorch } = props;
  return (
    <div class="camera-bar">
      {session && session.lenses.length > 1 ? (
        <select
          aria-label="Camera lens"
          value={session.deviceId ?? ''}
          onChange={(e) => {
            const id = (e.target as HTMLSelectElement).value;
            rememberLens(id);
            props.onLens(id);
          }}
        >
          {session.lenses.map((l) => (
            <option key={l.deviceId} value={l.deviceId}>
              {l.label}
            </option>
          ))}
        </select>
      ) : null}
      {session?.torchSupported ? (
        <button
          type="button"
          aria-pressed={torch}
          onClick={() => void session.setTorch(!torch).then((ok) => ok && setTorch(!torch))}
        >
          Torch
        </button>
      ) : null}
      <button
        type="button"
        aria-label="Close camera"
        onClick={() => {
          session?.stop();
          props.onClose();
        }}
      >
        Close
      </button>
    </div>
  );
}
