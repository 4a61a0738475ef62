/**
 * @module The camera scanning panel, loaded only when the operator opens it: the live picture, the
 * lens and torch where there is a choice, and what the camera read. Each read goes to `onScan`,
 * which treats it as a wedge scan. Closing, unmounting or hiding the page stops the camera.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Text } from '../i18n/catalogue';
import { useText } from '../i18n/use-text';
import type { CameraSession, CameraStart, LoopStats } from './camera';
import {
  ATTEMPT_INTERVAL_MS,
  WORKER_ATTEMPT_INTERVAL_MS,
  rememberLens,
  rememberedLens,
  startCamera,
  startDecodeLoop,
} from './camera';
import type { DecoderPick } from './decoders';
import { pickDecoder } from './decoders';
import './camera-scanner.css';

type View =
  | { kind: 'starting' }
  | { kind: 'live'; session: CameraSession }
  | { kind: 'paused' }
  | { kind: 'problem'; text: Text };

const PROBLEM: Record<Exclude<CameraStart['kind'], 'started' | 'cancelled' | 'failed'>, Text> = {
  denied: (t) => t.operator.cameraPanel.denied,
  'no-camera': (t) => t.operator.cameraPanel.noCamera,
  insecure: (t) => t.operator.cameraPanel.insecure,
};

export default function CameraScanner(props: { onScan: (text: string) => void; onClose: () => void }) {
  const t = useText();
  const words = t.operator.cameraPanel;
  const videoRef = useRef<HTMLVideoElement>(null);
  const onScan = useRef(props.onScan);
  onScan.current = props.onScan;
  const decoder = usePickedDecoder();
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
      setView(
        reason === 'hidden'
          ? { kind: 'paused' }
          : { kind: 'problem', text: (c) => c.operator.cameraPanel.stopped },
      );
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
        return setView({
          kind: 'problem',
          text: (c) => c.operator.cameraPanel.couldNotStart({ message: start.message }),
        });
      if (start.kind !== 'started') return setView({ kind: 'problem', text: PROBLEM[start.kind] });
      const live = start.session;
      session = live;
      if (pick.kind === 'none') {
        live.stop();
        const why = pick.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
        return setView({ kind: 'problem', text: (c) => c.operator.cameraPanel.noDecoder({ why }) });
      }
      const picked = pick.decoder;
      setDecoderName({ name: picked.name, inWorker: picked.where === 'worker' });
      setView({ kind: 'live', session: live });
      loop = startDecodeLoop({
        decoder: picked,
        frame: () => video,
        intervalMs: picked.where === 'worker' ? WORKER_ATTEMPT_INTERVAL_MS : ATTEMPT_INTERVAL_MS,
        onResult: (text) => {
          setLastRead(text);
          onScan.current(text);
        },
        onStats: setStats,
        onError: (error) => {
          live.stop();
          setView({
            kind: 'problem',
            text: (c) => c.operator.cameraPanel.decoderFailed({ message: error.message }),
          });
        },
      });
    })();
    return () => {
      abort.abort();
      loop?.stop();
      session?.stop();
    };
  }, [decoder, lens, generation]);

  // Back on a page that was hidden: open the camera again. A layout effect, so the listener is in
  // place by the time "Camera paused" is on screen (a plain effect may run a frame later and miss a
  // page that comes back at once).
  useLayoutEffect(() => {
    if (view.kind !== 'paused') return;
    const onVisible = () => document.visibilityState === 'visible' && setGeneration((g) => g + 1);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [view.kind]);

  const session = view.kind === 'live' ? view.session : null;
  return (
    <section class="camera" aria-label={words.label}>
      <CameraBar
        session={session}
        torch={torch}
        setTorch={setTorch}
        onLens={setLens}
        onClose={props.onClose}
      />
      <video ref={videoRef} class="camera-video" muted playsInline hidden={view.kind !== 'live'} />
      {view.kind === 'starting' ? <p class="camera-note">{words.starting}</p> : null}
      {view.kind === 'paused' ? <p class="camera-note">{words.paused}</p> : null}
      {view.kind === 'problem' ? (
        <div class="message refused camera-problem" role="alert">
          <p>{view.text(t)}</p>
          <button type="button" onClick={() => setGeneration((g) => g + 1)}>
            {words.retry}
          </button>
        </div>
      ) : null}
      {lastRead ? (
        <p class="camera-read" aria-live="polite">
          {words.read({ code: lastRead })}
        </p>
      ) : null}
      <CameraInfo decoderName={decoderName} stats={stats} />
    </section>
  );
}

/** The decoder, picked once per panel: its worker lives across lens changes and pauses, not longer. */
function usePickedDecoder(): Promise<DecoderPick> {
  const decoder = useMemo(() => pickDecoder(), []);
  useEffect(
    () => () => void decoder.then((pick) => pick.kind === 'picked' && pick.decoder.close()),
    [decoder],
  );
  return decoder;
}

/** A decoder's product name (not translated) and whether it reads off the page's thread. */
interface DecoderName {
  name: string;
  inWorker: boolean;
}

/** Which decoder reads, and how fast: small print for whoever looks after the tablet. */
function CameraInfo(props: { decoderName: DecoderName | null; stats: LoopStats | null }) {
  const words = useText().operator.cameraPanel;
  const { decoderName, stats } = props;
  const decoder = decoderName && (decoderName.inWorker ? words.inWorker(decoderName) : decoderName.name);
  return (
    <small class="camera-info" data-testid="camera-info">
      {!decoder
        ? words.loadingDecoder
        : stats
          ? words.stats({
              decoder,
              rate: stats.attemptsPerSecond.toFixed(1),
              ms: Math.round(stats.lastDecodeMs),
            })
          : decoder}
    </small>
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
  const words = useText().operator.cameraPanel;
  return (
    <div class="camera-bar">
      {session && session.lenses.length > 1 ? (
        <select
          aria-label={words.lens}
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
          {words.torch}
        </button>
      ) : null}
      <button
        type="button"
        aria-label={words.closeLabel}
        onClick={() => {
          session?.stop();
          props.onClose();
        }}
      >
        {words.close}
      </button>
    </div>
  );
}
