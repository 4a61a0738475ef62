/**
 * @module Times, dates and numbers for the screen, by Intl in the active language, always in the
 * Gregorian calendar (th-TH alone would give Buddhist-era years) and with Western digits.
 */
import type { Language } from './catalogue';

const LOCALE: Record<Language, string> = { th: 'th-TH-u-ca-gregory-nu-latn', en: 'en-GB' };

const cache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(language: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}:${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[language], options);
    cache.set(key, format);
  }
  return format;
}

/** "14:05:09": when something happened today. */
export function formatTime(language: Language, at: number | string | Date): string {
  return dateFormat(language, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(at));
}

/** "1 Dec 2026, 14:05": a moment that may not be today. */
export function formatDateTime(language: Language, at: number | string | Date): string {
  return dateFormat(language, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(at));
}

/** A time today as HH:MM:SS, one of another day with its date (a console's "last contact"). */
export function formatWhen(language: Language, at: number | string | Date, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay ? formatTime(language, at) : formatDateTime(language, at);
}

export function formatNumber(language: Language, n: number): string {
  return new Intl.NumberFormat(LOCALE[language]).format(n);
}
