/**
 * @module A serial as a GS1 element string (SPEC DK-43): the ticket as the lot (AI 10), then the
 * serial (AI 21). Both are variable-length, so a group separator stands between them in what any
 * reader sends, even one that drops the leading FNC1 (zxing-wasm and the platform's
 * BarcodeDetector give `10<ticket><GS>21<serial>`; zxing-js and most scanners also a leading GS).
 * That GS is what tells the station's parser (client/scan/gs1.ts) the text is GS1: a serial alone
 * as AI 21 would read back as the plain text `21<serial>` from those decoders.
 *
 * Which codes can be GS1 (character set 82, at most 20 characters, the limit the station's parser
 * reads for AI 10 and AI 21), the bracketed form bwip-js encodes, and the text a scanner gives back.
 * Small and free of bwip-js, so the page can say why GS1 is not possible before the barcodes load.
 */

/** AI 10's and AI 21's maximum length (GS1 General Specifications; client/scan/gs1.ts reads the same). */
export const GS1_FIELD_MAX = 20;

/**
 * GS1 AI encodable character set 82, less "(" and ")": the bracketed form (what bwip-js reads, and
 * what the station's parser also accepts when typed) would take them for the start of another AI.
 */
const CSET_82 = /^[!"%&'*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** The group separator: FNC1 as a reader sends it. */
export const GS = '\u001d';

/** Whether `code` can be the value of AI 10 or AI 21. */
export function canBeGs1Field(code: string): boolean {
  return code.length > 0 && code.length <= GS1_FIELD_MAX && CSET_82.test(code);
}

/** `(10)TKT-1(21)BAG-0001`: what bwip-js's gs1datamatrix encodes; null when either cannot be GS1. */
export function gs1Bracketed(serial: string, ticket: string): string | null {
  return canBeGs1Field(serial) && canBeGs1Field(ticket) ? `(10)${ticket}(21)${serial}` : null;
}

/** `<GS>10TKT-1<GS>21BAG-0001`: the element string as a reader gives it, FNC1 first as GS. */
export function gs1Scanned(serial: string, ticket: string): string | null {
  return gs1Bracketed(serial, ticket) === null ? null : `${GS}10${ticket}${GS}21${serial}`;
}
