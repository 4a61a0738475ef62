/**
 * @module Scanning by hand: the field that takes a typed code (or badge), and the camera panel,
 * loaded on first use (its decoders are large). While nobody is signed in, a large "Scan your
 * badge" says what to do first.
 */
import type { ComponentType } from 'preact';
import { useState } from 'preact/hooks';
import { useText } from '../i18n/use-text';

type CameraPanel = ComponentType<{ onScan: (text: string) => void; onClose: () => void }>;

export function ScanEntry(props: {
  /** An operator is active: the field asks for a code, else for a badge. */
  signedIn: boolean;
  onScan: (text: string) => void;
  /** The camera panel could not be loaded. */
  onCameraFailed: () => void;
}) {
  const t = useText();
  const [manual, setManual] = useState('');
  const [cameraOpen, setCameraOpen] = useState(false);
  const [Camera, setCamera] = useState<CameraPanel | null>(null);
  const label = props.signedIn ? t.operator.fieldCode : t.operator.fieldBadge;
  const openCamera = () => {
    setCameraOpen(true);
    if (!Camera)
      import('../scan/camera-scanner')
        .then((m) => setCamera(() => m.default))
        .catch(() => {
          setCameraOpen(false);
          props.onCameraFailed();
        });
  };
  return (
    <>
      {props.signedIn ? null : (
        <div class="badge-prompt" data-testid="badge-prompt" role="status">
          <p class="badge-prompt-title">{t.operator.scanBadge}</p>
          <p class="badge-prompt-hint">{t.operator.scanBadgeHint}</p>
        </div>
      )}
      <form
        class="manual"
        onSubmit={(e) => {
          e.preventDefault();
          if (manual.trim()) props.onScan(manual.trim());
          setManual('');
        }}
      >
        <input
          aria-label={label}
          value={manual}
          onInput={(e) => setManual(e.currentTarget.value)}
          placeholder={label}
        />
        <button type="submit">{t.operator.ok}</button>
        <button type="button" onClick={openCamera}>
          {t.operator.camera}
        </button>
      </form>
      {cameraOpen && Camera ? <Camera onScan={props.onScan} onClose={() => setCameraOpen(false)} /> : null}
    </>
  );
}
