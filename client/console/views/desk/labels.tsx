/**
 * @module The planning desk's print view (admin, SPEC DK-40 … DK-49), `#/labels/<ticket code>`:
 * serial labels for the ticket or a selection of its serials (50 × 25 mm, 4 × 6 in, or an A4 sheet
 * of 24), travelers (an A4 page per tote) and the command-barcode sheet, in Thai or English. The
 * printed pages and their barcodes (bwip-js) are a module of their own, imported here when the
 * page opens, so the console's first download does not carry them. Printing is the browser's:
 * the page sets `@page` for the paper chosen, one label or sheet per printed page, and while it is
 * open marks the body so that labels.css hides everything but the paper in print.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Language } from '../../../i18n/catalogue';
import { LANGUAGES } from '../../../i18n/catalogue';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { LabelsState, Paper } from '../../models/labels-model';
import {
  LABEL_SIZES,
  LabelsModel,
  PRINT_KINDS,
  gs1Blocker,
  pageRule,
  pagesOf,
  paperOf,
  printedSerials,
} from '../../models/labels-model';
import type * as SheetsModule from '../../labels/sheets';
import type { PageProps } from '../../page';
import './labels.css';

type Sheets = typeof SheetsModule;

/** The class on <body> while this page is open: labels.css's print rules hang on it. */
export const PRINT_VIEW_CLASS = 'labels-print-view';

const MM_PX = 96 / 25.4;

/** Loads the printed pages' module (with bwip-js) once the page opens. */
function useSheets(): Sheets | 'loading' | 'failed' {
  const [sheets, setSheets] = useState<Sheets | 'loading' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    import('../../labels/sheets').then(
      (module) => live && setSheets(module),
      () => live && setSheets('failed'),
    );
    return () => {
      live = false;
    };
  }, []);
  return sheets;
}

/** The preview's zoom: pages at their real proportions, fitted to the screen (never in print). */
function usePreviewZoom(paper: Paper, shown: boolean) {
  const box = useRef<HTMLDivElement>(null);
  const [zoom, setZoom] = useState(1);
  // A 50 mm label at its real size is hard to read on screen: shown half as big again.
  const maxZoom = paper.page.width < 80 ? 1.5 : 1;
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const fit = () => setZoom(Math.min(maxZoom, element.clientWidth / (paper.page.width * MM_PX)));
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    return () => observer.disconnect();
  }, [paper.page.width, maxZoom, shown]);
  return { box, zoom };
}

/**
 * The paper's `@page` rule for the print dialog, in a constructed style sheet adopted by the
 * document while this page is open: the console's Content-Security-Policy (style-src 'self') blocks
 * a <style> element, not a sheet built through the CSSOM.
 */
function usePageRule(rule: string): void {
  useEffect(() => {
    if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rule);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [rule]);
}

function Choices<T extends string>(props: {
  label: string;
  options: readonly T[];
  chosen: T;
  name: (option: T) => string;
  lang?: (option: T) => string;
  onChoose: (option: T) => void;
}) {
  return (
    <div class="labels-choices" role="group" aria-label={props.label}>
      <span class="labels-choices-label" aria-hidden="true">
        {props.label}
      </span>
      <div class="labels-choice-buttons">
        {props.options.map((option) => (
          <button
            type="button"
            key={option}
            lang={props.lang?.(option)}
            aria-pressed={option === props.chosen}
            onClick={() => props.onChoose(option)}
          >
            {props.name(option)}
          </button>
        ))}
      </div>
    </div>
  );
}

function SerialPicker(props: { state: LabelsState; model: LabelsModel }) {
  const { t } = useConsoleText();
  const serials = props.state.detail?.serials ?? [];
  const n = printedSerials(props.state).length;
  return (
    <fieldset class="labels-serials">
      <legend>{t.labels.serials}</legend>
      <label class="labels-check labels-all">
        <input
          type="checkbox"
          checked={n === serials.length}
          indeterminate={n > 0 && n < serials.length}
          onChange={(e) => props.model.selectAll(e.currentTarget.checked)}
        />
        <span>{t.labels.all({ n: serials.length })}</span>
      </label>
      <p class="labels-count" role="status">
        {t.labels.selectedCount({ n, total: serials.length })}
      </p>
      <ul class="labels-serial-list">
        {serials.map((serial) => (
          <li key={serial}>
            <label class="labels-check">
              <input
                type="checkbox"
                checked={props.state.selected.has(serial)}
                onChange={() => props.model.toggle(serial)}
              />
              <span>{serial}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function Controls(props: { state: LabelsState; model: LabelsModel; pages: number }) {
  const { t } = useConsoleText();
  const { state, model } = props;
  const blocker = gs1Blocker(state.detail);
  const n = printedSerials(state).length;
  const nothing = state.kind !== 'commands' && n === 0;
  return (
    <section class="labels-controls" aria-label={t.labels.whatToPrint}>
      <Choices
        label={t.labels.whatToPrint}
        options={PRINT_KINDS}
        chosen={state.kind}
        name={(kind) => t.labels.kind[kind]}
        onChoose={(kind) => model.choose(kind)}
      />
      <div class="labels-options">
        {state.kind === 'labels' && (
          <label class="labels-size">
            <span>{t.labels.size}</span>
            <select
              value={state.size}
              onChange={(e) => model.setSize(e.currentTarget.value as (typeof LABEL_SIZES)[number])}
            >
              {LABEL_SIZES.map((size) => (
                <option key={size} value={size}>
                  {t.labels.sizes[size]}
                </option>
              ))}
            </select>
          </label>
        )}
        <Choices<Language>
          label={t.labels.printedLanguage}
          options={LANGUAGES}
          chosen={state.language}
          name={(language) => t.words.language[language]}
          lang={(language) => language}
          onChoose={(language) => model.setLanguage(language)}
        />
      </div>
      {state.kind === 'labels' && (
        <div class="labels-gs1">
          <label class="labels-check">
            <input
              type="checkbox"
              checked={state.gs1}
              disabled={blocker !== null}
              aria-describedby="labels-gs1-hint"
              onChange={(e) => model.setGs1(e.currentTarget.checked)}
            />
            <span>{t.labels.gs1}</span>
          </label>
          <p id="labels-gs1-hint" class="labels-hint">
            {blocker === null ? t.labels.gs1Hint : t.labels.gs1Blocked(blocker)}
          </p>
        </div>
      )}
      {state.kind !== 'commands' && <SerialPicker state={state} model={model} />}
      <p class="labels-hint">{t.labels.help[state.kind]}</p>
      <div class="labels-print-row">
        <button type="button" class="primary" disabled={nothing} onClick={() => window.print()}>
          {state.kind === 'commands' ? t.labels.print.commands : t.labels.print[state.kind]({ n })}
        </button>
        <p role="status">{nothing ? t.labels.nothingSelected : t.labels.pages({ n: props.pages })}</p>
      </div>
    </section>
  );
}

function Preview(props: { state: LabelsState; sheets: Sheets | 'loading' | 'failed'; paper: Paper }) {
  const { t } = useConsoleText();
  const { state, sheets } = props;
  // The box is there once the sheets are: measured from then on.
  const { box, zoom } = usePreviewZoom(props.paper, typeof sheets !== 'string');
  const serials = useMemo(() => printedSerials(state), [state]);
  if (sheets === 'loading') return <p role="status">{t.labels.drawing}</p>;
  if (sheets === 'failed')
    return (
      <p role="alert" class="labels-problem">
        {t.labels.drawFailed}
      </p>
    );
  const detail = state.detail;
  if (!detail) return null;
  return (
    <section class="labels-preview" aria-label={t.labels.preview} ref={box}>
      <div class="labels-sheets" style={{ '--preview-zoom': String(zoom) }} data-kind={state.kind}>
        {state.kind === 'labels' && (
          <sheets.LabelSheets
            detail={detail}
            serials={serials}
            size={state.size}
            language={state.language}
            gs1={state.gs1}
          />
        )}
        {state.kind === 'travelers' && (
          <sheets.TravelerSheets detail={detail} serials={serials} language={state.language} />
        )}
        {state.kind === 'commands' && <sheets.CommandSheet language={state.language} />}
      </div>
    </section>
  );
}

export function LabelsPage(props: PageProps) {
  const { t, language } = useConsoleText();
  // The console's language is where the printed words start; the page's choice is its own after.
  const model = useMemo(
    () => new LabelsModel(props.fetcher, props.signedOut, language),
    // Not remade when the console's language changes: the page's choice stands.
    [props.fetcher, props.signedOut],
  );
  const state = useModel(model);
  const sheets = useSheets();
  useEffect(() => void model.load(props.param), [model, props.param]);
  useEffect(() => {
    document.body.classList.add(PRINT_VIEW_CLASS);
    return () => document.body.classList.remove(PRINT_VIEW_CLASS);
  }, []);
  const paper = paperOf(state.kind, state.size);
  usePageRule(pageRule(paper));
  const serials = printedSerials(state);
  const pages =
    state.kind === 'commands'
      ? 1
      : state.kind === 'travelers'
        ? serials.length
        : pagesOf(serials, paper.perPage).length;
  return (
    <main class="page labels-page">
      <h2>{state.code ? t.labels.headingFor({ code: state.code }) : t.labels.heading}</h2>
      {state.load === 'no-ticket' && (
        <>
          <p>{t.labels.noTicket}</p>
          <p>
            <a href="#/tickets">{t.labels.toTickets}</a>
          </p>
        </>
      )}
      {state.load === 'loading' && <p role="status">{t.labels.loading}</p>}
      {state.load === 'not-found' && state.code && (
        <p role="alert" class="labels-problem">
          {t.labels.notFound({ code: state.code })}
        </p>
      )}
      {state.load === 'failed' && (
        <div class="labels-problem-row">
          <p role="alert" class="labels-problem">
            {t.labels.loadFailed}
          </p>
          <button type="button" onClick={() => void model.load(props.param)}>
            {t.labels.retry}
          </button>
        </div>
      )}
      {state.load === 'ready' && state.detail && (
        <>
          <p class="labels-summary">
            {t.labels.summary({
              routing: state.detail.ticket.routingName,
              version: state.detail.ticket.routingVersion,
              product: state.detail.ticket.product,
              n: state.detail.ticket.qty,
            })}
          </p>
          <div class="labels-workspace">
            <Controls state={state} model={model} pages={pages} />
            <Preview state={state} sheets={sheets} paper={paper} />
          </div>
        </>
      )}
    </main>
  );
}
