/**
 * @module Targets per node (SPEC SV-2, SV-17): the units per hour an admin expects of a node, and
 * what that makes of the shift so far. Pure: the edge server's board and the tests use it.
 */

/** The largest target an admin may set, in units per hour. */
export const MAX_UNITS_PER_HOUR = 100_000;

/**
 * SV-17: the shift's target so far: units per hour × the hours elapsed since the shift started
 * (fractions of an hour count), rounded down; 0 at the shift's first minute, never negative.
 */
export function shiftTargetSoFar(unitsPerHour: number, shiftStart: Date, now: Date): number {
  const hours = Math.max(0, now.getTime() - shiftStart.getTime()) / 3_600_000;
  // A little slack so that 30/h × exactly 2 h is 60, not 59 from floating point.
  return Math.floor(unitsPerHour * hours + 1e-9);
}
