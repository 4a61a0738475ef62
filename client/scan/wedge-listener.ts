/**
 * @module Keyboard-wedge scanners type anywhere on the screen, outside text fields: one keydown
 * listener for the page's life feeds the wedge detector (wedge.ts), so no keystroke falls between
 * two listeners, and hands each complete scan on.
 */
import { createWedgeDetector } from './wedge';

export function listenForWedgeScans(target: Window, onScan: (text: string) => void): () => void {
  const wedge = createWedgeDetector();
  const onKey = (e: KeyboardEvent) => {
    const field = e.target;
    const inTextField =
      field instanceof HTMLElement &&
      (field.tagName === 'INPUT' || field.tagName === 'TEXTAREA' || field.isContentEditable);
    const verdict = wedge.onKey({ key: e.key, atMs: e.timeStamp, inTextField });
    if (verdict.consume) e.preventDefault();
    if (verdict.scan) onScan(verdict.scan);
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
