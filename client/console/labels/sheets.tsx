/**
 * @module The printed pages of the labels view (SPEC DK-40 … DK-46), loaded with the barcode module
 * only when the page opens: serial labels (a Code 128 and a DataMatrix of the serial, the serial in
 * text, the routing's name and the ticket), travelers (an A4 page per tote: its routing's steps in
 * order, a Code 128 of each step's node code, boxes to sign and date) and the station's command
 * barcodes (the station's own list and words, client/scan/commands.ts, on one A4 page). Words on
 * the paper are in the language chosen for it, not necessarily the console's.
 */
import { useMemo } from 'preact/hooks';
import type { Language } from '../../i18n/catalogue';
import { en } from '../../i18n/en';
import { th } from '../../i18n/th';
import { allCommands, commandText } from '../../scan/commands';
import type { TicketDetail } from '../../../shared/ticket-desk-api';
import { CATALOGUES } from '../i18n/language';
import type { LabelSize, Paper } from '../models/labels-model';
import { A4_PAPER, PAPER, pagesOf } from '../models/labels-model';
import type { BarcodeSvg } from './barcodes';
import { code128Svg, dataMatrixSvg } from './barcodes';

const STATION_WORDS = { en, th } as const;

/** Drawings by symbology and text: the same serial is drawn once, however often the page renders. */
const drawn = new Map<string, BarcodeSvg | null>();
function draw(kind: BarcodeKind, text: string, ticket: string): BarcodeSvg | null {
  const key = [kind, text, kind === 'gs1' ? ticket : ''].join('\u0000');
  if (!drawn.has(key))
    drawn.set(
      key,
      kind === 'code128' ? code128Svg(text) : dataMatrixSvg(text, kind === 'gs1' ? ticket : null),
    );
  return drawn.get(key) ?? null;
}

type BarcodeKind = 'code128' | 'datamatrix' | 'gs1';

function Barcode(props: {
  kind: BarcodeKind;
  text: string;
  label: string;
  class: string;
  /** The lot (AI 10) of a GS1 DataMatrix. */
  ticket?: string;
}) {
  const svg = draw(props.kind, props.text, props.ticket ?? '');
  if (!svg) return null;
  return (
    <div
      class={`barcode ${props.class}`}
      role="img"
      aria-label={props.label}
      data-barcode={props.kind}
      data-text={props.text}
      // Safe: the markup is bwip-js's drawing of paths and a rect, checked in barcodes.ts to hold no
      // other element and no text (the serial is encoded as shapes, never written into it).
      dangerouslySetInnerHTML={{ __html: svg.svg }}
    />
  );
}

/** A printed page's box: the paper's size (the page's own margins are padding inside it). */
const pageStyle = (paper: Paper) => ({ width: `${paper.page.width}mm`, height: `${paper.page.height}mm` });

function SerialLabel(props: {
  detail: TicketDetail;
  serial: string;
  size: LabelSize;
  language: Language;
  gs1: boolean;
}) {
  const words = CATALOGUES[props.language].labels.printed;
  const { serial, detail } = props;
  return (
    <article class={`serial-label serial-label-${props.size}`} data-label={serial}>
      <Barcode kind="code128" text={serial} label={words.code128({ text: serial })} class="label-code128" />
      <div class="label-body">
        <Barcode
          kind={props.gs1 ? 'gs1' : 'datamatrix'}
          text={serial}
          label={props.gs1 ? words.gs1DataMatrix({ text: serial }) : words.dataMatrix({ text: serial })}
          ticket={detail.ticket.code}
          class="label-matrix"
        />
        <div class="label-text">
          <p class="label-serial">{serial}</p>
          <p class="label-routing">{detail.ticket.routingName}</p>
          <p class="label-ticket">{words.ticket({ code: detail.ticket.code })}</p>
        </div>
      </div>
    </article>
  );
}

export function LabelSheets(props: {
  detail: TicketDetail;
  serials: readonly string[];
  size: LabelSize;
  language: Language;
  gs1: boolean;
}) {
  const paper = PAPER[props.size];
  const pages = useMemo(() => pagesOf(props.serials, paper.perPage), [props.serials, paper.perPage]);
  return (
    <>
      {pages.map((serials, n) => (
        <section
          key={`${props.size}-${n}`}
          class={`print-page label-page label-page-${props.size}`}
          style={pageStyle(paper)}
          lang={props.language}
          data-page={n + 1}
        >
          {serials.map((serial) => (
            <SerialLabel key={serial} {...props} serial={serial} />
          ))}
        </section>
      ))}
    </>
  );
}

function Traveler(props: {
  detail: TicketDetail;
  serial: string;
  language: Language;
  n: number;
  total: number;
  /** The tote's place among the ticket's serials (not among the ones printed). */
  unit: number;
}) {
  const words = CATALOGUES[props.language].labels.printed;
  const { detail, serial } = props;
  const { ticket } = detail;
  return (
    <section
      class="print-page traveler"
      style={pageStyle(A4_PAPER)}
      lang={props.language}
      data-page={props.n}
      data-traveler={serial}
    >
      <header class="traveler-head">
        <div>
          <h2>{words.traveler}</h2>
          <p class="traveler-serial">{serial}</p>
          <p>{words.ticket({ code: ticket.code })}</p>
        </div>
        <Barcode
          kind="code128"
          text={serial}
          label={words.code128({ text: serial })}
          class="traveler-code128"
        />
      </header>
      <dl class="traveler-facts">
        <div>
          <dt>{words.routing}</dt>
          <dd>
            {words.routingVersion({
              name: ticket.routingName,
              code: ticket.routing,
              version: ticket.routingVersion,
            })}
          </dd>
        </div>
        <div>
          <dt>{words.product}</dt>
          <dd>{ticket.product}</dd>
        </div>
        <div>
          <dt>{words.tote}</dt>
          <dd>
            {ticket.processMode === 'batch'
              ? words.batch({ qty: ticket.qty })
              : words.unitOf({ n: props.unit, total: ticket.qty })}
          </dd>
        </div>
      </dl>
      <table class="traveler-steps">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{words.step}</th>
            <th scope="col">{words.workCenter}</th>
            <th scope="col">{words.stepBarcode}</th>
            <th scope="col">{words.signed}</th>
            <th scope="col">{words.when}</th>
          </tr>
        </thead>
        <tbody>
          {detail.steps.map((step, i) => (
            <tr key={step.node} data-step={step.node}>
              <td>{i + 1}</td>
              <td>
                <strong>{step.node}</strong>
                <br />
                {step.name}
              </td>
              <td>
                {step.workCenter ?? ''}
                {step.workCenterName && step.workCenterName !== step.workCenter && (
                  <>
                    <br />
                    {step.workCenterName}
                  </>
                )}
              </td>
              <td>
                <Barcode
                  kind="code128"
                  text={step.node}
                  label={words.code128({ text: step.node })}
                  class="step-code128"
                />
              </td>
              <td class="traveler-box" />
              <td class="traveler-box" />
            </tr>
          ))}
        </tbody>
      </table>
      <footer class="traveler-foot">{words.page({ n: props.n, total: props.total })}</footer>
    </section>
  );
}

export function TravelerSheets(props: {
  detail: TicketDetail;
  serials: readonly string[];
  language: Language;
}) {
  return (
    <>
      {props.serials.map((serial, i) => (
        <Traveler
          key={serial}
          detail={props.detail}
          serial={serial}
          language={props.language}
          n={i + 1}
          total={props.serials.length}
          unit={props.detail.serials.indexOf(serial) + 1}
        />
      ))}
    </>
  );
}

/** The station's command cards (its list and its words), on one A4 page. */
export function CommandSheet(props: { language: Language }) {
  const t = STATION_WORDS[props.language];
  return (
    <section class="print-page command-sheet" style={pageStyle(A4_PAPER)} lang={props.language} data-page={1}>
      <h2>{t.pages.commands.heading}</h2>
      <p class="command-sheet-intro">{t.pages.commands.intro}</p>
      <div class="command-sheet-grid">
        {allCommands().map(({ command, label }) => {
          const text = commandText(command);
          const name = label(t);
          return (
            <figure key={text} class="command-sheet-card" data-command={text}>
              <figcaption>{name}</figcaption>
              <Barcode
                kind="code128"
                text={text}
                label={t.pages.commands.barcode({ label: name, text })}
                class="command-code128"
              />
              <p class="command-sheet-text">{text}</p>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
