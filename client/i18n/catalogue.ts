/**
 * @module The typed message catalogue. English (en/) is the source; every other language is a value
 * of `Catalogue`, so a missing key or a wrong placeholder is a type error. Messages are whole
 * sentences: a plain string, or a function of named placeholders (plural forms inside it), never
 * pieces glued together by the caller.
 *
 * Models that say something hold a `Text` (a function of the catalogue), not a string: the screen
 * reads it in the language active when it renders, so switching language re-words what is shown.
 */
import type { en } from './en';

export type Catalogue = typeof en;
export type Text = (catalogue: Catalogue) => string;

export const LANGUAGES = ['th', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
