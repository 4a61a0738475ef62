/**
 * @module Keyboard-wedge scanner detection: a hardware scanner "types" its code far faster than a
 * person and ends with Enter or Tab. Keys that arrive at most `maxGapMs` apart and end with a
 * terminator after at least `minLength` characters are a scan; anything slower is a person typing.
 * Keys typed into a text field are left alone (manual entry has its own field).
 *
 *   idle ──char──▶ collecting ──char within maxGapMs──▶ collecting
 *                      │ gap > maxGapMs: restart with this char
 *                      └─ Enter/Tab: length ≥ minLength → scan, else nothing
 */

export interface WedgeOptions {
  /** Odoo's barcode service uses about 100 ms between keys; scanners type every 5-30 ms. */
  maxGapMs: number;
  minLength: number;
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = { maxGapMs: 100, minLength: 4 };

export interface KeyInput {
  /** KeyboardEvent.key: one character, or a name such as 'Enter', 'Tab', 'Shift'. */
  key: string;
  atMs: number;
  /** The key went to an input, textarea or contenteditable element. */
  inTextField: boolean;
}

export interface KeyVerdict {
  /** The page should not act on this key (it belongs to a scan in progress). */
  consume: boolean;
  /** A complete scan ended with this key. */
  scan?: string;
}

export interface WedgeDetector {
  onKey(input: KeyInput): KeyVerdict;
}

export function createWedgeDetector(options: Partial<WedgeOptions> = {}): WedgeDetector {
  const { maxGapMs, minLength } = { ...DEFAULT_WEDGE_OPTIONS, ...options };
  let buffer = '';
  let lastAt = -Infinity;
  return {
    onKey({ key, atMs, inTextField }) {
      if (inTextField) {
        buffer = '';
        return { consume: false };
      }
      const gap = atMs - lastAt;
      if (key === 'Enter' || key === 'Tab') {
        const candidate = gap <= maxGapMs ? buffer : '';
        buffer = '';
        lastAt = -Infinity;
        return candidate.length >= minLength ? { consume: true, scan: candidate } : { consume: false };
      }
      if (key.length !== 1) return { consume: buffer.length > 0 }; // Shift, Alt…: part of a burst
      buffer = gap <= maxGapMs ? buffer + key : key;
      lastAt = atMs;
      // The first key of a burst cannot be told from a person's key yet; later ones can.
      return { consume: buffer.length > 1 };
    },
  };
}
