/**
 * @module The trace page (SPEC SV-36 … SV-39): one search box whose text is the page's address
 * (`#/trace/<text>`, so a trace can be bookmarked and shared). What the text names exactly opens
 * below it: a serial's header, genealogy and timeline (a table that becomes stacked rows on a
 * phone), a ticket's serials, a component serial's recall; codes that only begin with it are
 * listed as links. Every serial, ticket and component serial shown is a link that traces it;
 * downloads are plain links to the server's streamed exports (the session cookie goes with them).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';
import type { SerialTrace, TimelineEvent, TraceSearch } from '../../../shared/trace-api';
import { SEARCH_LIMIT } from '../../../shared/trace-api';
import type { Language } from '../../i18n/catalogue';
import { formatDateTime, formatTime } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import type { Recall, TraceApi } from '../api/trace';
import { createTraceApi, traceExports } from '../api/trace';
import type { ConsoleCatalogue } from '../i18n/en';
import { useConsoleText } from '../i18n/language';
import type { FoundState, PartFilter, RecallState, TraceState } from '../models/trace-model';
import { ALL_PARTS, TraceModel, eventsOf, exactSerial } from '../models/trace-model';
import type { PageProps } from '../page';
import { routeHash } from '../router';
import './trace.css';

/** The address that traces `text` (a serial, ticket or component serial). */
const traceHref = (text: string): string => routeHash('trace', text);

/** The day a timeline row falls on, as a heading (Gregorian, like format.ts). */
const DAY_LOCALE: Record<Language, string> = { th: 'th-TH-u-ca-gregory-nu-latn', en: 'en-GB' };
function formatDay(language: Language, at: string): string {
  return new Intl.DateTimeFormat(DAY_LOCALE[language], {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(at));
}
const dayOf = (at: string): string => new Date(at).toDateString();

/** An event type in words: the station's actions, the edge server's own events, else the type. */
export function eventWords(t: ConsoleCatalogue, type: string): string {
  const action = t.words.action as Record<string, string>;
  const system = t.trace.systemEvent as Record<string, string>;
  return action[type] ?? system[type] ?? type;
}

const partName = (t: ConsoleCatalogue, branch: string | null): string =>
  branch === null ? t.trace.serialItself : t.trace.part({ part: branch });

/** A table cell: its label for the phone's stacked rows, its content one block beside it. */
function Cell(props: { label: string; class?: string; children: ComponentChildren; upstream?: string }) {
  return (
    <td data-label={props.label} class={props.class} data-upstream={props.upstream}>
      <div>{props.children}</div>
    </td>
  );
}

/** A code (serial, node, station, badge) kept on one line. */
function Code(props: { text: string }) {
  return <span class="nowrap">{props.text}</span>;
}

function CodeLink(props: { code: string }) {
  return (
    <a class="trace-link" href={traceHref(props.code)} data-trace-link={props.code}>
      {props.code}
    </a>
  );
}

function SearchForm(props: { param: string | null; onSearch: (text: string) => void }) {
  const { t } = useConsoleText();
  const [text, setText] = useState(props.param ?? '');
  useEffect(() => setText(props.param ?? ''), [props.param]);
  return (
    <form
      class="trace-search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <label for="trace-query">{t.trace.searchLabel}</label>
      <div class="trace-search-row">
        <input
          id="trace-query"
          type="search"
          value={text}
          autocomplete="off"
          spellcheck={false}
          enterkeyhint="search"
          aria-describedby="trace-query-hint"
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          {t.trace.search}
        </button>
      </div>
      <p id="trace-query-hint" class="trace-hint">
        {t.trace.searchHint}
      </p>
    </form>
  );
}

/** Codes that only begin with the text (or match it exactly, but are not opened below). */
function Matches(props: { search: TraceSearch }) {
  const { t, language } = useConsoleText();
  const { search } = props;
  const serials = search.serials.filter((s) => !s.exact);
  const tickets = search.tickets.filter((k) => !k.exact);
  const components = search.components.filter((c) => !c.exact);
  if (serials.length + tickets.length + components.length === 0) return null;
  const full = [search.serials, search.tickets, search.components].some((l) => l.length >= SEARCH_LIMIT);
  return (
    <section class="trace-section trace-matches" aria-labelledby="trace-matches">
      <h3 id="trace-matches">{t.trace.matchesHeading({ query: search.query })}</h3>
      {serials.length > 0 && (
        <MatchList heading={t.trace.serials} kind="serial">
          {serials.map((s) => (
            <li key={s.code}>
              <CodeLink code={s.code} />{' '}
              <span>{t.words.statusAt({ status: t.words.status[s.status], node: s.nodeCode })}</span>
            </li>
          ))}
        </MatchList>
      )}
      {tickets.length > 0 && (
        <MatchList heading={t.trace.tickets} kind="ticket">
          {tickets.map((k) => (
            <li key={k.code}>
              <CodeLink code={k.code} />{' '}
              <span>{t.trace.ticketLine({ product: k.product, qty: k.qty, routing: k.routing })}</span>
            </li>
          ))}
        </MatchList>
      )}
      {components.length > 0 && (
        <MatchList heading={t.trace.components} kind="component">
          {components.map((c, i) => (
            <li key={`${c.componentSerial}-${i}`}>
              <CodeLink code={c.componentSerial} /> <span>{boundText(t, language, c)}</span>
            </li>
          ))}
        </MatchList>
      )}
      {full && <p class="trace-hint">{t.trace.limited({ limit: SEARCH_LIMIT })}</p>}
    </section>
  );
}

function boundText(
  t: ConsoleCatalogue,
  language: Language,
  c: { serial: string; branch: string | null; boundAt: string },
): string {
  const time = formatDateTime(language, c.boundAt);
  return c.branch === null
    ? t.trace.componentLine({ serial: c.serial, time })
    : t.trace.componentOnPart({ serial: c.serial, part: c.branch, time });
}

function MatchList(props: { heading: string; kind: string; children: ComponentChildren }) {
  return (
    <div class="trace-match-list" data-matches={props.kind}>
      <h4>{props.heading}</h4>
      <ul>{props.children}</ul>
    </div>
  );
}

function TicketSection(props: { ticket: TraceSearch['tickets'][number] }) {
  const { t } = useConsoleText();
  const k = props.ticket;
  return (
    <section class="trace-section" aria-labelledby="trace-ticket" data-ticket={k.code}>
      <h3 id="trace-ticket">{t.trace.ticketHeading({ code: k.code })}</h3>
      <p>{t.trace.ticketLine({ product: k.product, qty: k.qty, routing: k.routing })}</p>
      <p>{t.trace.ticketSerials({ shown: k.serials.length, total: k.serialCount })}</p>
      <ul class="trace-chips">
        {k.serials.map((code) => (
          <li key={code}>
            <CodeLink code={code} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Field(props: { label: string; name: string; children: ComponentChildren }) {
  return (
    <div class="trace-field" data-field={props.name}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function SerialHeader(props: { trace: SerialTrace }) {
  const { t } = useConsoleText();
  const s = props.trace.serial;
  return (
    <dl class="trace-header">
      <Field label={t.trace.ticket} name="ticket">
        <CodeLink code={s.ticket} />
      </Field>
      <Field label={t.trace.product} name="product">
        {s.product}
      </Field>
      <Field label={t.trace.routing} name="routing">
        {t.trace.routingValue(s.routing)}
      </Field>
      <Field label={t.trace.statusNow} name="status">
        <span class={`trace-status status-${s.status}`}>{t.words.status[s.status]}</span>
      </Field>
      <Field label={t.trace.where} name="where">
        {s.nodeCode}
      </Field>
    </dl>
  );
}

function PartButton(props: { branch: string | null; onPart: (part: PartFilter) => void }) {
  const { t } = useConsoleText();
  const name = partName(t, props.branch);
  return (
    <button
      type="button"
      class="trace-part"
      data-part-button={props.branch ?? ''}
      aria-label={t.trace.showPart({ part: name })}
      onClick={() => props.onPart({ all: false, branch: props.branch })}
    >
      {props.branch ?? t.trace.serialItself}
    </button>
  );
}

function Family(props: { trace: SerialTrace; onPart: (part: PartFilter) => void }) {
  const { t, language } = useConsoleText();
  const code = props.trace.serial.code;
  return (
    <ul class="trace-family">
      {props.trace.genealogy.members.map((m) => (
        <li key={m.branch ?? ''} class="trace-member" data-member={m.branch ?? ''}>
          <h5>{m.isRoot ? `${code} · ${t.trace.serialItself}` : t.trace.part({ part: m.branch ?? '' })}</h5>
          <p>{t.words.statusAt({ status: t.words.status[m.status], node: m.nodeCode })}</p>
          <dl>
            <Field label={t.trace.splitFrom} name="parent">
              {m.isRoot ? t.trace.noParent : <PartButton branch={m.parentBranch} onPart={props.onPart} />}
            </Field>
            {m.siblings.length > 0 && (
              <Field label={t.trace.alongside} name="siblings">
                {m.siblings.map((b) => (
                  <PartButton key={b} branch={b} onPart={props.onPart} />
                ))}
              </Field>
            )}
            {m.children.length > 0 && (
              <Field label={t.trace.splitInto} name="children">
                {m.children.map((b) => (
                  <PartButton key={b} branch={b} onPart={props.onPart} />
                ))}
              </Field>
            )}
          </dl>
          {!m.isRoot && (
            <p data-joined={m.joinedInto ? 'yes' : 'no'}>
              {m.joinedInto
                ? t.trace.joinedInto({
                    into: m.joinedInto.branch === null ? code : t.trace.part({ part: m.joinedInto.branch }),
                    node: m.joinedInto.nodeCode,
                    time: formatDateTime(language, m.joinedInto.at),
                  })
                : t.trace.notJoined}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function Genealogy(props: { trace: SerialTrace; onPart: (part: PartFilter) => void }) {
  const { t, language } = useConsoleText();
  const { components, boundInto } = props.trace.genealogy;
  return (
    <section class="trace-section" aria-labelledby="trace-genealogy">
      <h3 id="trace-genealogy">{t.trace.genealogy}</h3>
      <h4>{t.trace.family}</h4>
      <Family trace={props.trace} onPart={props.onPart} />
      <h4>{t.trace.builtIn}</h4>
      {components.length === 0 ? (
        <p>{t.trace.noneBuiltIn}</p>
      ) : (
        <ul class="trace-bound" data-components>
          {components.map((c, i) => (
            <li key={`${c.componentSerial}-${i}`}>
              <CodeLink code={c.componentSerial} />{' '}
              <span>
                {t.trace.boundDetail({
                  part: partName(t, c.branch),
                  node: c.nodeCode ?? '—',
                  station: c.station ?? t.trace.edgeServer,
                  operator: c.operatorBadge ?? t.trace.nobody,
                  time: formatDateTime(language, c.boundAt),
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h4>{t.trace.builtInto}</h4>
      {boundInto.length === 0 ? (
        <p>{t.trace.notBuiltInto}</p>
      ) : (
        <ul class="trace-bound" data-bound-into>
          {boundInto.map((b, i) => (
            <li key={`${b.serial}-${i}`}>
              <CodeLink code={b.serial} />{' '}
              <span>{t.trace.builtIntoLine({ time: formatDateTime(language, b.boundAt) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A time in a row: HH:MM:SS on the row's day, else with its date. */
function At(props: { at: string; day: string }) {
  const { language } = useConsoleText();
  return (
    <time dateTime={props.at}>
      {dayOf(props.at) === props.day ? formatTime(language, props.at) : formatDateTime(language, props.at)}
    </time>
  );
}

function EventCell(props: { event: TimelineEvent }) {
  const { t, language } = useConsoleText();
  const e = props.event;
  const held =
    e.status === 'applied' &&
    e.appliedAt !== null &&
    Date.parse(e.appliedAt) - Date.parse(e.receivedAt) > 1000;
  return (
    <div class="trace-event-body">
      <strong>{eventWords(t, e.type)}</strong>
      {e.status !== 'applied' && (
        <span class={`trace-flag flag-${e.status}`} data-event-status={e.status}>
          {t.trace.eventStatus[e.status]}
        </span>
      )}
      {held && e.appliedAt && (
        <span class="trace-flag flag-held" data-event-status="held">
          {t.trace.appliedLater({ time: formatTime(language, e.appliedAt) })}
        </span>
      )}
      {/* A system event's qty is the token's, not news. */}
      {e.qty !== null && e.origin === 'station' && <span>{t.trace.qty({ n: e.qty })}</span>}
      {e.componentSerial !== null && (
        <span>
          <a class="trace-link" href={traceHref(e.componentSerial)}>
            {t.trace.component({ code: e.componentSerial })}
          </a>
        </span>
      )}
      {e.note !== null && <span class="trace-note">{t.trace.note({ text: e.note })}</span>}
      {e.reason !== null && e.reason !== e.note && <span class="trace-note">{e.reason}</span>}
      {e.archived && <span class="trace-archived">{t.trace.archived}</span>}
    </div>
  );
}

function EventRow(props: { event: TimelineEvent; day: string }) {
  const { t } = useConsoleText();
  const e = props.event;
  const c = t.trace.column;
  return (
    <tr data-event={e.id} data-event-type={e.type} data-part={e.branch ?? ''}>
      <Cell label={c.event} class="trace-event">
        <EventCell event={e} />
      </Cell>
      <Cell label={c.part}>{e.branch === null ? t.trace.serialItself : <Code text={e.branch} />}</Cell>
      <Cell label={c.node}>
        <Code text={e.nodeCode ?? '—'} />
      </Cell>
      <Cell label={c.station}>{e.station === null ? t.trace.edgeServer : <Code text={e.station} />}</Cell>
      <Cell label={c.operator}>
        {e.operatorBadge === null ? (
          t.trace.nobody
        ) : (
          <>
            {e.operatorName === null ? '' : `${e.operatorName} `}
            <Code text={e.operatorName === null ? e.operatorBadge : `(${e.operatorBadge})`} />
          </>
        )}
      </Cell>
      <Cell label={c.deviceTime}>
        <At at={e.occurredAt} day={props.day} />
      </Cell>
      <Cell label={c.correctedTime}>
        <At at={e.occurredAtCorrected} day={props.day} />
      </Cell>
      <Cell label={c.receivedTime}>
        <At at={e.receivedAt} day={props.day} />
      </Cell>
      <Cell label={c.upstream} upstream={e.upstream}>
        {t.trace.upstream[e.upstream]}
      </Cell>
    </tr>
  );
}

/** Rows under a heading per day (of the corrected device time). */
function TimelineRows(props: { events: readonly TimelineEvent[] }) {
  const { language } = useConsoleText();
  const rows: JSX.Element[] = [];
  let day = '';
  for (const e of props.events) {
    const d = dayOf(e.occurredAtCorrected);
    if (d !== day) {
      day = d;
      rows.push(
        <tr key={`day-${d}`} class="trace-day">
          <th colSpan={9} scope="colgroup">
            {formatDay(language, e.occurredAtCorrected)}
          </th>
        </tr>,
      );
    }
    rows.push(<EventRow key={e.id} event={e} day={d} />);
  }
  return <tbody>{rows}</tbody>;
}

function PartSelect(props: { trace: SerialTrace; part: PartFilter; onPart: (part: PartFilter) => void }) {
  const { t } = useConsoleText();
  const members = props.trace.genealogy.members;
  if (members.length < 2) return null;
  const value = props.part.all ? '*' : `=${props.part.branch ?? ''}`;
  return (
    <div class="trace-part-select">
      <label for="trace-part">{t.trace.eventsOf}</label>
      <select
        id="trace-part"
        value={value}
        onChange={(e) => {
          const v = e.currentTarget.value;
          props.onPart(v === '*' ? ALL_PARTS : { all: false, branch: v === '=' ? null : v.slice(1) });
        }}
      >
        <option value="*">{t.trace.allParts}</option>
        {members.map((m) => (
          <option key={m.branch ?? ''} value={`=${m.branch ?? ''}`}>
            {partName(t, m.branch)}
          </option>
        ))}
      </select>
    </div>
  );
}

function Downloads(props: { links: { href: string; label: string; kind: string }[] }) {
  const { t } = useConsoleText();
  return (
    <p class="trace-downloads">
      <span>{t.trace.downloads}:</span>
      {props.links.map((l) => (
        <a key={l.kind} class="trace-download" href={l.href} download data-download={l.kind}>
          {l.label}
        </a>
      ))}
    </p>
  );
}

function Timeline(props: { trace: SerialTrace; part: PartFilter; onPart: (part: PartFilter) => void }) {
  const { t } = useConsoleText();
  const code = props.trace.serial.code;
  const { shown, total } = eventsOf(props.trace.events, props.part);
  const c = t.trace.column;
  return (
    <section class="trace-section" aria-labelledby="trace-timeline" id="trace-timeline-section">
      <h3 id="trace-timeline">{t.trace.timeline}</h3>
      <div class="trace-timeline-bar">
        <PartSelect trace={props.trace} part={props.part} onPart={props.onPart} />
        <p data-event-count={total}>{t.trace.eventCount({ n: total })}</p>
      </div>
      <Downloads
        links={[
          { href: traceExports.timelineCsv(code), label: t.trace.timelineCsv, kind: 'timeline-csv' },
          { href: traceExports.timelineJson(code), label: t.trace.timelineJson, kind: 'timeline-json' },
        ]}
      />
      {shown.length < total && (
        <p class="trace-hint">{t.trace.timelineLimited({ shown: shown.length, total })}</p>
      )}
      {total === 0 ? (
        <p>{t.trace.noEvents}</p>
      ) : (
        <table class="trace-table trace-timeline" data-timeline>
          <caption class="visually-hidden">{t.trace.timeline}</caption>
          <thead>
            <tr>
              {[
                c.event,
                c.part,
                c.node,
                c.station,
                c.operator,
                c.deviceTime,
                c.correctedTime,
                c.receivedTime,
                c.upstream,
              ].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <TimelineRows events={shown} />
        </table>
      )}
    </section>
  );
}

function SerialSection(props: {
  state: FoundState;
  onPart: (part: PartFilter) => void;
  onRetry: () => void;
}) {
  const { t } = useConsoleText();
  const code = exactSerial(props.state.search) ?? '';
  const serial = props.state.serial;
  return (
    <section class="trace-serial" aria-labelledby="trace-serial" data-serial={code}>
      <h2 id="trace-serial" tabIndex={-1} class="trace-result-heading">
        {t.trace.serialHeading({ code })}
      </h2>
      {serial?.kind === 'loading' && <p role="status">{t.trace.loadingTrace}</p>}
      {serial?.kind === 'failed' && (
        <Problem onRetry={props.onRetry}>
          {serial.status === 404 ? t.trace.traceGone({ code }) : t.trace.traceFailed}
        </Problem>
      )}
      {serial?.kind === 'ready' && (
        <>
          <SerialHeader trace={serial.value} />
          <Genealogy
            trace={serial.value}
            onPart={(part) => {
              props.onPart(part);
              document.getElementById('trace-timeline-section')?.scrollIntoView();
            }}
          />
          <Timeline trace={serial.value} part={props.state.part} onPart={props.onPart} />
        </>
      )}
    </section>
  );
}

function Problem(props: { onRetry: () => void; children: ComponentChildren }) {
  const { t } = useConsoleText();
  return (
    <div class="trace-problem" role="alert">
      <p>{props.children}</p>
      <button type="button" onClick={props.onRetry}>
        {t.trace.tryAgain}
      </button>
    </div>
  );
}

export interface TraceViewProps {
  state: TraceState;
  onPart: (part: PartFilter) => void;
  onAll: (all: boolean) => void;
  onRetry: () => void;
}

/** Everything below the search box. */
export function TraceResult(props: TraceViewProps) {
  const { t } = useConsoleText();
  const { state } = props;
  switch (state.kind) {
    case 'empty':
      return <p class="trace-intro">{t.trace.intro}</p>;
    case 'searching':
      return <p role="status">{t.trace.searching({ query: state.query })}</p>;
    case 'failed':
      return <Problem onRetry={props.onRetry}>{t.trace.failed({ query: state.query })}</Problem>;
    case 'not-found':
      return (
        <p class="trace-not-found" role="status" data-not-found={state.query}>
          {t.trace.notFound({ query: state.query })}
        </p>
      );
    case 'found': {
      const ticket = state.search.tickets.find((k) => k.exact);
      return (
        <>
          {state.serial && <SerialSection state={state} onPart={props.onPart} onRetry={props.onRetry} />}
          {ticket && <TicketSection ticket={ticket} />}
          {state.recall && (
            <RecallSection
              recall={state.recall}
              search={state.search}
              onAll={props.onAll}
              onRetry={props.onRetry}
            />
          )}
          <Matches search={state.search} />
        </>
      );
    }
  }
}

function RecallTable(props: { rows: Recall['tokens'] }) {
  const { t, language } = useConsoleText();
  const c = t.trace.recallColumn;
  return (
    <table class="trace-table trace-recall" data-recall>
      <thead>
        <tr>
          {[c.serial, c.ticket, c.status, c.finishedAt, c.boundOn, c.boundBy].map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={`${r.serial}-${i}`} data-recall-serial={r.serial}>
            <Cell label={c.serial}>
              <CodeLink code={r.serial} />
              {r.depth > 1 && (
                <span class="trace-muted" data-through={r.componentSerial}>
                  {' '}
                  {t.trace.recallThrough({ serial: r.componentSerial })}
                </span>
              )}
            </Cell>
            <Cell label={c.ticket}>
              <CodeLink code={r.ticket} /> <span class="trace-muted">{r.product}</span>
            </Cell>
            <Cell label={c.status}>
              {t.words.statusAt({ status: t.words.status[r.status], node: r.nodeCode })}
            </Cell>
            <Cell label={c.finishedAt}>
              {r.finishedAt === null ? t.trace.notFinished : formatDateTime(language, r.finishedAt)}
            </Cell>
            <Cell label={c.boundOn}>
              {t.trace.boundOnValue({
                part: partName(t, r.boundOnBranch),
                node: r.boundAtNode ?? '—',
                time: formatDateTime(language, r.boundAt),
              })}
            </Cell>
            <Cell label={c.boundBy}>
              {t.trace.boundByValue({
                station: r.boundByStation ?? t.trace.edgeServer,
                operator: r.boundByOperator ?? t.trace.nobody,
              })}
            </Cell>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RecallSection(props: {
  recall: RecallState;
  search: TraceSearch;
  onAll: (all: boolean) => void;
  onRetry: () => void;
}) {
  const { t, language } = useConsoleText();
  const { component, all, result } = props.recall;
  const bindings = props.search.components.filter((c) => c.exact);
  return (
    <section
      class="trace-section trace-recall-section"
      aria-labelledby="trace-recall"
      data-component={component}
    >
      <h2 id="trace-recall" tabIndex={-1} class="trace-result-heading">
        {t.trace.recallHeading({ component })}
      </h2>
      <h3>{t.trace.whereBound({ component })}</h3>
      <ul class="trace-bound">
        {bindings.map((b, i) => (
          <li key={`${b.serial}-${i}`}>
            <CodeLink code={b.serial} />{' '}
            <span>
              {t.trace.boundOnPart({
                part: partName(t, b.branch),
                time: formatDateTime(language, b.boundAt),
              })}
            </span>
          </li>
        ))}
      </ul>
      <p>{all ? t.trace.recallIntroAll({ component }) : t.trace.recallIntro({ component })}</p>
      <label class="trace-toggle">
        <input type="checkbox" checked={all} onChange={(e) => props.onAll(e.currentTarget.checked)} />
        {t.trace.includeUnfinished}
      </label>
      <Downloads
        links={[
          { href: traceExports.recallCsv(component, all), label: t.trace.recallCsv, kind: 'recall-csv' },
          { href: traceExports.recallJson(component, all), label: t.trace.recallJson, kind: 'recall-json' },
        ]}
      />
      {result.kind === 'loading' && <p role="status">{t.trace.recallLoading}</p>}
      {result.kind === 'failed' && <Problem onRetry={props.onRetry}>{t.trace.recallFailed}</Problem>}
      {result.kind === 'ready' && (
        <div role="status" class="trace-recall-result">
          {result.value.tokens.length === 0 ? (
            <p class="trace-recall-none" data-recall-empty>
              {all ? t.trace.recallNoneAll({ component }) : t.trace.recallNone({ component })}
              {!all && bindings.length > 0 && ` ${t.trace.recallUnfinishedHint}`}
            </p>
          ) : (
            <p data-recall-count={result.value.tokens.length}>
              {t.trace.recallCount({ n: result.value.tokens.length })}
            </p>
          )}
        </div>
      )}
      {result.kind === 'ready' && result.value.tokens.length > 0 && (
        <RecallTable rows={result.value.tokens} />
      )}
    </section>
  );
}

export function TracePage(props: PageProps & { api?: TraceApi }) {
  const { t } = useConsoleText();
  const { fetcher, signedOut, clock, bus, param } = props;
  const api = useMemo(() => props.api ?? createTraceApi(fetcher), [props.api, fetcher]);
  const model = useMemo(() => new TraceModel(api, signedOut, clock), [api, signedOut, clock]);
  const state = useModel(model);
  const opened = useRef(false);
  useEffect(() => {
    const stop = bus.subscribe({
      kinds: ['token', 'conflict', 'parked'],
      changes: (changes) => model.changed(changes),
      reload: () => model.changed('reload'),
    });
    return () => {
      stop();
      model.stop();
    };
  }, [model, bus]);
  useEffect(() => {
    const follow = opened.current; // a link followed (not the page's first open): show its answer
    opened.current = true;
    void model.open(param).then(() => {
      if (follow) document.querySelector<HTMLElement>('.trace-result-heading')?.focus();
    });
  }, [model, param]);
  return (
    <main class="page trace">
      <h2 class="trace-heading">{t.trace.heading}</h2>
      <SearchForm param={param} onSearch={(text) => props.go('trace', text === '' ? null : text)} />
      <div class="trace-result">
        <TraceResult
          state={state}
          onPart={(part) => model.showPart(part)}
          onAll={(all) => void model.showAll(all)}
          onRetry={() => void model.open(param)}
        />
      </div>
    </main>
  );
}
