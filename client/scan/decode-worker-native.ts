/**
 * @module The decode worker on the browser's own BarcodeDetector, where the browser offers it to
 * workers (Chrome on Android and ChromeOS, Safari on macOS): the frame goes to the platform's
 * decoder as the frame it came as, without reading its pixels here.
 */
import type { WorkerFrame } from './decode-worker-protocol';
import { serveDecoder } from './decode-worker-protocol';
import { REQUIRED_FORMATS, SCAN_FORMATS } from './scan-formats';

interface Detector {
  detect(source: WorkerFrame): Promise<{ rawValue: string }[]>;
}
interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

serveDecoder(async () => {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Native) throw new Error('no BarcodeDetector in this browser');
  const supported = await Native.getSupportedFormats();
  const missing = REQUIRED_FORMATS.filter((f) => !supported.includes(f));
  if (missing.length > 0) throw new Error(`BarcodeDetector lacks ${missing.join(', ')}`);
  const detector = new Native({ formats: SCAN_FORMATS.filter((f) => supported.includes(f)) });
  return async (_luma, frame) => (await detector.detect(frame))[0]?.rawValue ?? null;
});
