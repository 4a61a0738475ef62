/**
 * @module Repeated-scan suppression: a scanner (or a camera that still sees the label) often reads
 * the same code twice within a moment; the same code with the same action inside the window is
 * one scan, not two.
 */

/** Long enough for a double read, short enough that a deliberate re-scan goes through. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 1500;

export interface DuplicateFilter {
  /** True if this scan should go on; false if it repeats one within the window. */
  accept(code: string, action: string, atMs: number): boolean;
}

export function createDuplicateFilter(windowMs = DEFAULT_DUPLICATE_WINDOW_MS): DuplicateFilter {
  const lastSeen = new Map<string, number>();
  return {
    accept(code, action, atMs) {
      const key = `${action}\u0000${code}`;
      const previous = lastSeen.get(key);
      lastSeen.set(key, atMs);
      // Forget old entries so a shift of scans does not grow the map without bound.
      if (lastSeen.size > 256) {
        for (const [k, t] of lastSeen) if (atMs - t > windowMs) lastSeen.delete(k);
      }
      return previous === undefined || atMs - previous > windowMs;
    },
  };
}
