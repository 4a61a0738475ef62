/**
 * @module The labels page (admin, SPEC DK-40 … DK-49): the ticket read once (its serials and its
 * routing's steps), and what to print from it: serial labels for all or some of its serials at a
 * label size, travelers (an A4 page per tote), or the command-barcode sheet; the words on them in
 * Thai or English (the console's language to start with); a serial's DataMatrix plain or as a GS1
 * element string with AI 21. The paper and the `@page` rule for each choice are pure functions here.
 */
import type { Language } from '../../i18n/catalogue';
import type { TicketDetail } from '../../../shared/ticket-desk-api';
import { Model } from '../../state/model';
import { fetchTicketDetail } from '../api/labels';
import { canBeGs1Field } from '../labels/gs1-serial';

export const PRINT_KINDS = ['labels', 'travelers', 'commands'] as const;
export type PrintKind = (typeof PRINT_KINDS)[number];

export const LABEL_SIZES = ['50x25', '4x6', 'a4-sheet'] as const;
export type LabelSize = (typeof LABEL_SIZES)[number];

/** A printed page and the labels on it, in mm. */
export interface Paper {
  page: { width: number; height: number };
  label: { width: number; height: number };
  /** Labels per printed page, in rows of `columns`. */
  perPage: number;
  columns: number;
}

const A4 = { width: 210, height: 297 };

/**
 * A roll label is one printed page; the A4 sheet holds 3 × 8 labels of 70 × 37 mm (the common
 * 24-up sheet), rows starting 0.5 mm down.
 */
export const PAPER: Readonly<Record<LabelSize, Paper>> = {
  '50x25': { page: { width: 50, height: 25 }, label: { width: 50, height: 25 }, perPage: 1, columns: 1 },
  '4x6': {
    page: { width: 101.6, height: 152.4 },
    label: { width: 101.6, height: 152.4 },
    perPage: 1,
    columns: 1,
  },
  'a4-sheet': { page: A4, label: { width: 70, height: 37 }, perPage: 24, columns: 3 },
};

/** Travelers and the command sheet are A4 pages. */
export const A4_PAPER: Paper = { page: A4, label: A4, perPage: 1, columns: 1 };

export function paperOf(kind: PrintKind, size: LabelSize): Paper {
  return kind === 'labels' ? PAPER[size] : A4_PAPER;
}

/** The print page's `@page` rule: the paper's size, no printer margin (the page draws its own). */
export function pageRule(paper: Paper): string {
  return `@page { size: ${paper.page.width}mm ${paper.page.height}mm; margin: 0; }`;
}

/** `items` in printed pages of `perPage`. */
export function pagesOf<T>(items: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let at = 0; at < items.length; at += perPage) pages.push(items.slice(at, at + perPage));
  return pages;
}

export type LoadState = 'no-ticket' | 'loading' | 'ready' | 'not-found' | 'failed';

export interface LabelsState {
  code: string | null;
  detail: TicketDetail | null;
  load: LoadState;
  kind: PrintKind;
  size: LabelSize;
  /** The language of the words printed on the labels (not of the console around them). */
  language: Language;
  gs1: boolean;
  /** The serials to print labels and travelers for (all of the ticket's at first). */
  selected: ReadonlySet<string>;
}

/** The selected serials in the ticket's release order (what is printed). */
export function printedSerials(state: LabelsState): string[] {
  return (state.detail?.serials ?? []).filter((s) => state.selected.has(s));
}

/**
 * Why GS1 is not possible for the ticket: its code (the lot, AI 10) or the first of its serials
 * (AI 21) that cannot be a GS1 field (too long, a character GS1 lacks); null when it is.
 */
export function gs1Blocker(detail: TicketDetail | null): { code: string } | null {
  if (!detail) return null;
  if (!canBeGs1Field(detail.ticket.code)) return { code: detail.ticket.code };
  const serial = detail.serials.find((s) => !canBeGs1Field(s));
  return serial === undefined ? null : { code: serial };
}

export class LabelsModel extends Model<LabelsState> {
  private asked = 0;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    language: Language,
  ) {
    super({
      code: null,
      detail: null,
      load: 'no-ticket',
      kind: 'labels',
      size: '50x25',
      language,
      gs1: false,
      selected: new Set(),
    });
  }

  async load(code: string | null): Promise<void> {
    const asked = ++this.asked;
    if (code === null || code.trim() === '')
      return this.patch({ code: null, detail: null, load: 'no-ticket' });
    this.patch({ code, detail: null, load: 'loading', selected: new Set() });
    const answer = await fetchTicketDetail(this.fetcher, code);
    // A newer ticket was asked for meanwhile: this answer is not the page's any more.
    if (asked !== this.asked) return;
    if (!answer.ok) {
      if (answer.failure.status === 401) return this.unauthorized();
      return this.patch({ load: answer.failure.status === 404 ? 'not-found' : 'failed' });
    }
    const detail = answer.value;
    this.patch({
      detail,
      load: 'ready',
      selected: new Set(detail.serials),
      gs1: this.get().gs1 && gs1Blocker(detail) === null,
    });
  }

  choose(kind: PrintKind): void {
    this.patch({ kind });
  }

  setSize(size: LabelSize): void {
    this.patch({ size });
  }

  setLanguage(language: Language): void {
    this.patch({ language });
  }

  /** GS1 is refused while a serial of the ticket cannot be one (the page says which). */
  setGs1(on: boolean): void {
    this.patch({ gs1: on && gs1Blocker(this.get().detail) === null });
  }

  toggle(serial: string): void {
    const selected = new Set(this.get().selected);
    if (selected.has(serial)) selected.delete(serial);
    else selected.add(serial);
    this.patch({ selected });
  }

  selectAll(all: boolean): void {
    this.patch({ selected: new Set(all ? (this.get().detail?.serials ?? []) : []) });
  }
}
