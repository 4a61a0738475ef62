/**
 * @module What a scanned text means: a GS1 element string (AI 01 GTIN, AI 21 serial, …, fields
 * ended by the group separator or by a fixed length, with or without an AIM symbology prefix, or
 * in the bracketed human-readable form) or a plain code. The work item's code is the AI 21 serial
 * when there is one, else the whole text.
 */

export interface ScanText {
  /** What the station looks up: the serial of a GS1 string, else the text itself. */
  code: string;
  raw: string;
  format: 'gs1' | 'plain';
  /** Application identifier → value, for a GS1 string. */
  fields: Readonly<Record<string, string>>;
  gtin?: string;
  serial?: string;
}

/** The group separator (FNC1 inside a GS1 string). */
export const GS = '\u001d';

/** AIs whose value has a fixed length (GS1 General Specifications, figure 3.2-1); others end at GS. */
const FIXED_LENGTH: Readonly<Record<string, number>> = {
  '00': 18,
  '01': 14,
  '02': 14,
  '11': 6,
  '12': 6,
  '13': 6,
  '15': 6,
  '16': 6,
  '17': 6,
  '20': 2,
};

/** Variable-length AIs we read (value up to the next GS or the end), with their maximum length. */
const VARIABLE_LENGTH: Readonly<Record<string, number>> = {
  '10': 20,
  '21': 20,
  '22': 20,
  '240': 30,
  '250': 30,
};

const AIM_PREFIX = /^\][A-Za-z][0-9]/;

export function parseScan(input: string): ScanText {
  const raw = input.replace(/[\r\n\t]+$/, '');
  const bracketed = parseBracketed(raw);
  if (bracketed) return gs1(raw, bracketed);
  const hasAim = AIM_PREFIX.test(raw);
  const aim = hasAim ? raw.slice(0, 3) : '';
  const body = hasAim ? raw.slice(3) : raw;
  // ]C1, ]e0, ]d2, ]Q3 are GS1-128, GS1 DataBar, GS1 DataMatrix and GS1 QR; a leading GS is FNC1.
  const declaredGs1 = ['C1', 'e0', 'd2', 'Q3'].includes(aim.slice(1));
  if (declaredGs1 || body.startsWith(GS) || body.includes(GS)) {
    const fields = parseElementString(body.startsWith(GS) ? body.slice(1) : body);
    if (fields) return gs1(raw, fields);
  }
  return { code: body.trim(), raw, format: 'plain', fields: {} };
}

function gs1(raw: string, fields: Record<string, string>): ScanText {
  const serial = fields['21'];
  const gtin = fields['01'];
  return {
    code: serial ?? gtin ?? Object.values(fields)[0] ?? raw,
    raw,
    format: 'gs1',
    fields,
    ...(gtin === undefined ? {} : { gtin }),
    ...(serial === undefined ? {} : { serial }),
  };
}

/** `(01)09501101530003(21)ABC123` → fields, or null if the text is not in that form. */
function parseBracketed(text: string): Record<string, string> | null {
  if (!text.startsWith('(')) return null;
  const fields: Record<string, string> = {};
  const pattern = /\((\d{2,4})\)([^(]*)/g;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index !== consumed) return null;
    fields[match[1] ?? ''] = match[2] ?? '';
    consumed += match[0].length;
  }
  return consumed === text.length && Object.keys(fields).length > 0 ? fields : null;
}

/** An element string without brackets; null when it does not parse as one. */
function parseElementString(text: string): Record<string, string> | null {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    if (text[at] === GS) {
      at++;
      continue;
    }
    const ai = [4, 3, 2]
      .map((n) => text.slice(at, at + n))
      .find((candidate) => candidate in FIXED_LENGTH || candidate in VARIABLE_LENGTH);
    if (ai === undefined) return null;
    at += ai.length;
    const fixed = FIXED_LENGTH[ai];
    if (fixed !== undefined) {
      const value = text.slice(at, at + fixed);
      if (value.length !== fixed || !/^\d+$/.test(value)) return null;
      fields[ai] = value;
      at += fixed;
      continue;
    }
    const end = text.indexOf(GS, at);
    const value = text.slice(at, end < 0 ? text.length : end);
    if (value.length === 0 || value.length > (VARIABLE_LENGTH[ai] ?? 0)) return null;
    fields[ai] = value;
    at += value.length;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}
