/**
 * @module CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field
 * quoted (its quotes doubled) when it holds a comma, a quote, CR or LF. The file starts with a UTF-8
 * byte order mark: Excel opens a CSV without one in the computer's ANSI code page, which turns Thai
 * (operators' names, notes) into mojibake; with it, Excel reads UTF-8, and other readers skip it.
 */

/** Written once, before the header line. */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell that starts like a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe, so that a
 * note typed as `=HYPERLINK(...)` stays text in a spreadsheet (OWASP "CSV injection"). Numbers and
 * times are written as they are: only text from people can start so.
 */
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? defused(value)
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF included. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** An attachment's Content-Disposition: an ASCII fallback name and the exact one (RFC 6266, 5987). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
