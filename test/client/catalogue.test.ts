/**
 * The message catalogue as a reader of either language finds it: every English message has a Thai
 * one of the same shape, every code the edge server can send has words in both, placeholders are
 * filled, and the language and dates follow the rules of ST-13 and ST-14.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATOR_EVENT_TYPES, TOKEN_STATUSES } from '../../shared/domain';
import { ERROR_CODES } from '../../shared/protocol';
import { EVENT_REASON_CODES } from '../../shared/reason-codes';
import type { Catalogue } from '../../client/i18n/catalogue';
import { en } from '../../client/i18n/en';
import { formatDateTime, formatTime } from '../../client/i18n/format';
import { chooseLanguage, LanguageModel } from '../../client/i18n/language';
import { th } from '../../client/i18n/th';

type Leaf = string | ((...args: never[]) => string);

/** Every message by its path ("status.pending"), strings and functions alike. */
function leaves(value: unknown, prefix = ''): Map<string, Leaf> {
  const found = new Map<string, Leaf>();
  if (typeof value === 'string' || typeof value === 'function') {
    found.set(prefix, value as Leaf);
    return found;
  }
  if (value === null || typeof value !== 'object')
    throw new Error(`${prefix} is neither a message nor a group`);
  for (const [key, child] of Object.entries(value))
    for (const [path, leaf] of leaves(child, prefix ? `${prefix}.${key}` : key)) found.set(path, leaf);
  return found;
}

/** Placeholder values: numbers where a count is likely, words elsewhere; any key answers. */
const SAMPLE = new Proxy(
  {},
  {
    get: (_target, key) =>
      typeof key === 'string' && /^(n|count|seconds|minutes|total|done|pending|left|rate)$/i.test(key)
        ? 2
        : typeof key === 'string' && /at$/i.test(key)
          ? Date.UTC(2026, 11, 1, 7, 5, 9)
          : `«${String(key)}»`,
  },
);

function say(leaf: Leaf): string {
  return typeof leaf === 'string' ? leaf : (leaf as (p: unknown) => string)(SAMPLE);
}

/** Words that are the same in both languages on purpose (a language's own name, units, codes). */
const SAME_IN_BOTH = new Set(['words.language.th', 'words.language.en']);
const THAI = /[\u0E00-\u0E7F]/;

describe('ST-13 the message catalogue', () => {
  const english = leaves(en);
  const thai = leaves(th);

  it('ST-13: Thai has exactly the English keys, each of the same kind (sentence or sentence with placeholders)', () => {
    expect([...thai.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, leaf] of english) expect(typeof thai.get(path), path).toBe(typeof leaf);
  });

  it('ST-13: every message reads as a whole sentence in both languages: not empty, placeholders filled, Thai written in Thai', () => {
    for (const [path, leaf] of english) {
      const inEnglish = say(leaf);
      const inThai = say(thai.get(path) as Leaf);
      for (const text of [inEnglish, inThai]) {
        expect(text.trim(), path).not.toBe('');
        expect(text, path).not.toMatch(/undefined|NaN|\[object|null/);
      }
      if (!SAME_IN_BOTH.has(path)) expect(inThai, `${path} is not translated`).toMatch(THAI);
    }
  });

  it('ST-13: every reason and error code the edge server can send has words in both languages, and no others are listed', () => {
    for (const catalogue of [en, th] as Catalogue[]) {
      expect(Object.keys(catalogue.reasons).sort()).toEqual([...EVENT_REASON_CODES].sort());
      expect(Object.keys(catalogue.serverErrors).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    }
  });

  it('ST-13: every token status and operator action has a word, never its enum value', () => {
    for (const catalogue of [en, th] as Catalogue[]) {
      for (const status of TOKEN_STATUSES) expect(catalogue.words.status[status]).not.toBe(status);
      for (const action of OPERATOR_EVENT_TYPES) expect(catalogue.words.action[action]).not.toBe(action);
    }
  });
});

describe('ST-14 the language the screen speaks', () => {
  const storage = new Map<string, string>();
  const memory = {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
  };
  afterEach(() => storage.clear());

  it("ST-14: the operator's choice wins over the station's, the station's over Thai", () => {
    expect(chooseLanguage({ operator: 'en', station: 'th' })).toBe('en');
    expect(chooseLanguage({ operator: null, station: 'en' })).toBe('en');
    expect(chooseLanguage({ operator: null, station: undefined })).toBe('th');
  });

  it("ST-14: an operator's choice is remembered with their badge on this tablet; the document's lang follows", async () => {
    const document = { documentElement: { lang: 'en' } };
    const model = new LanguageModel(memory, document);
    await model.choose('B-7', 'th');
    expect(model.get().language).toBe('th');
    expect(model.get().catalogue.words.action.start).toBe(th.words.action.start);
    expect(document.documentElement.lang).toBe('th');
    expect(model.operatorChoice('B-7')).toBe('th');
    expect(model.operatorChoice('B-8')).toBeNull();
    await model.use('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('ST-14: when two languages are asked for quickly, the last one asked for is spoken', async () => {
    const model = new LanguageModel(null, null);
    const thai = model.use('th');
    await model.use('en');
    await thai;
    expect(model.get().language).toBe('en');
  });

  it('ST-14: dates are Gregorian in Thai too (2026, not the Buddhist 2569), times on the 24-hour clock', () => {
    const at = Date.UTC(2026, 11, 1, 7, 5, 9);
    const thai = formatDateTime('th', at);
    expect(thai).toContain('2026');
    expect(thai).not.toContain('2569');
    expect(formatDateTime('en', at)).toContain('2026');
    expect(formatTime('th', at)).toMatch(/^\d\d:05:09$/);
    expect(formatTime('en', at)).toMatch(/^\d\d:05:09$/);
  });
});
