/**
 * @module The print view's barcodes as vectors (SPEC DK-41): Code 128 and DataMatrix (plain, or GS1
 * DataMatrix with FNC1 for a serial as AI 21) drawn by bwip-js as SVG. Only the three encoders and
 * the SVG drawing are imported (bwip-js's per-encoder ESM exports), and this module is loaded only
 * by the labels page (a dynamic import), so neither the console's first download nor the station
 * app carries it. The page sizes each drawing in mm (its viewBox keeps the proportions).
 */
import type { RenderOptions } from 'bwip-js/browser';
import { code128, datamatrix, drawingSVG, gs1datamatrix } from 'bwip-js/browser';
import { gs1Bracketed } from './gs1-serial';

export interface BarcodeSvg {
  /** The `<svg>` as bwip-js drew it: bars or modules as paths, no text (nothing of the input). */
  svg: string;
  /** The drawing's size in modules, quiet zones included (its viewBox). */
  width: number;
  height: number;
}

/**
 * Quiet zones in bwip-js units at scale 1: Code 128 wants 10 modules each side (ISO/IEC 15417), a
 * module one unit; DataMatrix wants one module, we give two (a module is two units there).
 */
const CODE128_QUIET = 10;
const MATRIX_QUIET = 4;

/** The drawing's viewBox, and a check that it holds nothing but shapes. */
function finish(svg: string, stretch: boolean): BarcodeSvg {
  const box = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  // bwip-js draws paths only (includetext is off): no text, so nothing of the input is in the markup.
  if (!box || !svg.startsWith('<svg ') || /<(?!\/?(svg|path|rect)\b)/.test(svg))
    throw new Error('bwip-js drew something other than an SVG of shapes');
  // A Code 128 is stretched to the height the label gives it; a matrix keeps its squares.
  const attributes = `preserveAspectRatio="${stretch ? 'none' : 'xMidYMid meet'}" aria-hidden="true" focusable="false" `;
  return {
    svg: svg.replace('<svg ', `<svg ${attributes}`),
    width: Number(box[1]),
    height: Number(box[2]),
  };
}

const common = { scale: 1, backgroundcolor: 'FFFFFF' } as const;

/** A Code 128 of `text` (a serial, a node code, a command), quiet zones included. */
export function code128Svg(text: string): BarcodeSvg {
  const options: RenderOptions = {
    ...common,
    bcid: 'code128',
    text,
    // bwip-js's height is in mm at 72 dpi; 2 mm is enough: the page stretches the bars to its box.
    height: 2,
    paddingleft: CODE128_QUIET,
    paddingright: CODE128_QUIET,
  };
  return finish(code128(options, drawingSVG()), true);
}

/**
 * A DataMatrix of the serial: plain (the serial's text), or, given the ticket, GS1 DataMatrix
 * (FNC1 first, then `10<ticket><GS>21<serial>`), which the station's parser reads back to the
 * serial. Null when the serial or the ticket cannot be a GS1 field (see gs1-serial.ts).
 */
export function dataMatrixSvg(serial: string, gs1Ticket: string | null): BarcodeSvg | null {
  const padding = { paddingwidth: MATRIX_QUIET, paddingheight: MATRIX_QUIET };
  if (gs1Ticket === null)
    return finish(
      datamatrix({ ...common, ...padding, bcid: 'datamatrix', text: serial }, drawingSVG()),
      false,
    );
  const text = gs1Bracketed(serial, gs1Ticket);
  if (text === null) return null;
  // AI 10 and AI 21 without the GTIN (AI 01) GS1 pairs them with: a tote has no GTIN, so the
  // requisite-AI check is off; the character set and lengths were checked by gs1Bracketed.
  const options: RenderOptions & { dontlint: boolean } = {
    ...common,
    ...padding,
    bcid: 'gs1datamatrix',
    text,
    dontlint: true,
  };
  return finish(gs1datamatrix(options, drawingSVG()), false);
}
