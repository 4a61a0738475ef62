/**
 * @module Times in the event log are integer milliseconds since 1970 (UTC); people and the wire
 * read ISO 8601. These turn one into the other inside SQL, exactly to the millisecond.
 */

/** SQL for the ISO 8601 text (`2026-11-22T08:15:02.310Z`) of a milliseconds column or expression. */
export function isoOf(msColumn: string): string {
  return `strftime('%Y-%m-%dT%H:%M:%fZ', ${msColumn} / 1000.0, 'unixepoch')`;
}

/** SQL for the milliseconds of an ISO 8601 text column or parameter. */
export function msOf(isoColumn: string): string {
  return `CAST(round(unixepoch(${isoColumn}, 'subsec') * 1000) AS INTEGER)`;
}
