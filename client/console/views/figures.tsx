/**
 * @module The shift figures page (SPEC SV-56): the shift shown and paging between shifts, a routing
 * filter, then per routing: units done per hour per node as a chart (uPlot, loaded by dynamic
 * import only here: figures-chart.ts) and as a table, first-pass yield at each QC node as a big
 * number with its passes and total in words, scrap and rework per node, and the work waiting by how
 * long it has waited as stacked bars with a table. Every number a chart shows is also in a table.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FiguresNode, FiguresRouting, ShiftFigures } from '../../../shared/figures-api';
import type { Language } from '../../i18n/catalogue';
import { formatDateTime, formatTime } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import { createFiguresApi } from '../api/figures';
import type { FiguresApi } from '../api/figures';
import { useConsoleText } from '../i18n/language';
import type { FiguresState } from '../models/figures-model';
import { FiguresModel } from '../models/figures-model';
import type { PageProps } from '../page';
import { formatDuration } from './board';
import type * as ChartModuleShape from './figures-chart';
import './figures.css';

type ChartModule = typeof ChartModuleShape;
export type ChartLoader = () => Promise<ChartModule>;

let chartModule: Promise<ChartModule> | null = null;
/** uPlot comes in its own chunk, fetched the first time a chart is drawn. */
const loadChartModule: ChartLoader = () => (chartModule ??= import('./figures-chart'));

/** Series colours, readable on the console's dark background (each over 7:1 against #0d0d0d). */
export const SERIES_COLOURS = [
  '#6cb6ff',
  '#ffb86b',
  '#7ee787',
  '#ff8c8c',
  '#d2a8ff',
  '#56d4dd',
  '#f2cc60',
  '#ff9bce',
];

const hourFormats = new Map<Language, Intl.DateTimeFormat>();
/** "14:00": an hour of the day, local, 24-hour, Western digits (as client/i18n/format.ts). */
export function hourLabel(language: Language, at: number | string): string {
  let f = hourFormats.get(language);
  if (!f) {
    f = new Intl.DateTimeFormat(language === 'th' ? 'th-TH-u-ca-gregory-nu-latn' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    hourFormats.set(language, f);
  }
  return f.format(new Date(at));
}

/** The nodes where work is done (and counted per hour): operation nodes. */
const workNodes = (r: FiguresRouting): FiguresNode[] => r.nodes.filter((n) => n.type === 'operation');
/** The nodes where tokens wait: operation nodes, and joins (branches waiting for their siblings). */
const waitNodes = (r: FiguresRouting): FiguresNode[] =>
  r.nodes.filter((n) => n.type === 'operation' || n.type === 'join');

const isFuture = (f: ShiftFigures, hour: string): boolean => Date.parse(hour) > Date.parse(f.generatedAt);

function NodeName(props: { node: FiguresNode }) {
  return (
    <>
      {props.node.name} <span class="node-code">{props.node.code}</span>
    </>
  );
}

function ThroughputChart(props: { figures: ShiftFigures; routing: FiguresRouting; loadChart: ChartLoader }) {
  const { t, language } = useConsoleText();
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'loading' | 'drawn' | 'failed'>('loading');
  const { figures, routing } = props;
  useEffect(() => {
    let stopped = false;
    let drawn: { resize(w: number, h: number): void; destroy(): void } | null = null;
    let observer: ResizeObserver | null = null;
    const size = () => {
      const width = Math.max(280, box.current?.clientWidth ?? 600);
      return { width, height: width < 600 ? 240 : 300 };
    };
    props
      .loadChart()
      .then((chart) => {
        if (stopped || !box.current) return;
        const { width, height } = size();
        drawn = chart.drawThroughput(box.current, {
          hours: figures.hours.map((h) => Date.parse(h) / 1000),
          series: workNodes(routing).map((n, i) => ({
            label: n.name,
            color: SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '#fff',
            values: n.throughput.map((h, j) => (isFuture(figures, figures.hours[j] ?? '') ? null : h.units)),
          })),
          width,
          height,
          hourLabel: (s) => hourLabel(language, s * 1000),
          xLabel: t.figures.throughput.hour,
          yLabel: t.figures.throughput.units,
        });
        setStatus('drawn');
        if (typeof ResizeObserver !== 'undefined' && box.current) {
          observer = new ResizeObserver(() => {
            const s = size();
            drawn?.resize(s.width, s.height);
          });
          observer.observe(box.current);
        }
      })
      .catch(() => {
        if (!stopped) setStatus('failed');
      });
    return () => {
      stopped = true;
      observer?.disconnect();
      drawn?.destroy();
    };
  }, [figures, routing, language, props.loadChart]);
  return (
    <figure class="figures-chart">
      <div
        ref={box}
        class="chart-box"
        role="img"
        aria-label={t.figures.throughput.chartLabel}
        data-chart={status}
      />
      {status === 'loading' && <p class="chart-note">{t.figures.throughput.chartLoading}</p>}
      {status === 'failed' && <p class="chart-note">{t.figures.throughput.chartFailed}</p>}
      <figcaption>
        <ul class="chart-legend">
          {workNodes(routing).map((n, i) => (
            <li key={n.code}>
              <span class="swatch" style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }} />
              <NodeName node={n} />
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

function ThroughputTable(props: { figures: ShiftFigures; routing: FiguresRouting; id: string }) {
  const { t, language } = useConsoleText();
  const { figures, routing } = props;
  return (
    <div class="table-scroll" role="region" tabIndex={0} aria-label={t.figures.throughput.scroll}>
      <table class="figures-table" data-table="throughput">
        <caption id={props.id}>{t.figures.throughput.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.figures.throughput.node}</th>
            {figures.hours.map((h) => (
              <th scope="col" key={h}>
                {hourLabel(language, h)}
              </th>
            ))}
            <th scope="col">{t.figures.throughput.total}</th>
          </tr>
        </thead>
        <tbody>
          {workNodes(routing).map((n) => (
            <tr key={n.code} data-node={n.code}>
              <th scope="row">
                <NodeName node={n} />
              </th>
              {n.throughput.map((h, i) => {
                const future = isFuture(figures, figures.hours[i] ?? '');
                return (
                  <td key={figures.hours[i]} class={future ? 'future' : undefined}>
                    {future ? <span class="visually-hidden">{t.figures.throughput.notYet}</span> : h.units}
                  </td>
                );
              })}
              <td class="total">{n.done.units}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FirstPassYield(props: { routing: FiguresRouting }) {
  const { t } = useConsoleText();
  const qc = props.routing.nodes.filter((n) => n.qc && n.firstPass);
  if (qc.length === 0) return <p>{t.figures.quality.noQcNode}</p>;
  return (
    <div class="fpy-list">
      {qc.map((n) => {
        const fp = n.firstPass ?? { firstTime: 0, passed: 0, yield: null };
        return (
          <article class="fpy" key={n.code} data-fpy={n.code}>
            <h5>
              <NodeName node={n} />
            </h5>
            {fp.yield === null ? (
              <p>{t.figures.quality.noneYet}</p>
            ) : (
              <>
                <p class="fpy-value">{t.figures.quality.percent({ n: Math.round(fp.yield * 100) })}</p>
                <p>{t.figures.quality.passedFirst({ passed: fp.passed, total: fp.firstTime })}</p>
              </>
            )}
          </article>
        );
      })}
    </div>
  );
}

function Losses(props: { routing: FiguresRouting }) {
  const { t } = useConsoleText();
  const lossy = workNodes(props.routing).filter((n) => n.scrap.count + n.rework.count > 0);
  if (lossy.length === 0) return <p class="no-losses">{t.figures.quality.noLosses}</p>;
  const cell = (c: { count: number; units: number }) =>
    c.count === 0 ? t.figures.quality.none : t.figures.quality.times(c);
  return (
    <div class="table-scroll" role="region" tabIndex={0} aria-label={t.figures.quality.scroll}>
      <table class="figures-table" data-table="losses">
        <caption>{t.figures.quality.lossesCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.figures.quality.node}</th>
            <th scope="col">{t.figures.quality.scrap}</th>
            <th scope="col">{t.figures.quality.rework}</th>
          </tr>
        </thead>
        <tbody>
          {lossy.map((n) => (
            <tr key={n.code} data-node={n.code}>
              <th scope="row">
                <NodeName node={n} />
              </th>
              <td class={n.scrap.count > 0 ? 'loss' : undefined}>{cell(n.scrap)}</td>
              <td class={n.rework.count > 0 ? 'loss' : undefined}>{cell(n.rework)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WipAgeing(props: { figures: ShiftFigures; routing: FiguresRouting }) {
  const { t } = useConsoleText();
  const nodes = waitNodes(props.routing);
  if (nodes.every((n) => n.wip.tokens === 0)) return <p>{t.figures.wip.nothing}</p>;
  const buckets = t.figures.wip.buckets;
  const now = Date.parse(props.figures.generatedAt);
  return (
    <div class="table-scroll" role="region" tabIndex={0} aria-label={t.figures.wip.scroll}>
      <table class="figures-table wip-table" data-table="wip">
        <caption>{t.figures.wip.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.figures.wip.node}</th>
            {buckets.map((b, i) => (
              <th scope="col" key={b} class={`age-${i}`}>
                {b}
              </th>
            ))}
            <th scope="col">{t.figures.wip.total}</th>
            <th scope="col">{t.figures.wip.oldest}</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.code} data-node={n.code}>
              <th scope="row">
                <NodeName node={n} />
                {n.wip.tokens > 0 && <WipBar buckets={n.wip.buckets} total={n.wip.tokens} />}
              </th>
              {n.wip.buckets.map((count, i) => (
                <td key={buckets[i]} class={count > 0 ? `age-${i}` : undefined}>
                  {count}
                </td>
              ))}
              <td class="total">{n.wip.tokens}</td>
              <td>
                {n.wip.oldestSince === null
                  ? '–'
                  : formatDuration(t, (now - Date.parse(n.wip.oldestSince)) / 1000)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A stacked bar of the waits, youngest to oldest; the cells beside it say the same in numbers. */
function WipBar(props: { buckets: number[]; total: number }) {
  return (
    <span class="wip-bar" aria-hidden="true">
      {props.buckets.map((count, i) =>
        count > 0 ? <span key={i} class={`age-${i}`} style={{ flexGrow: count }} /> : null,
      )}
    </span>
  );
}

function ShiftBar(props: { state: FiguresState; model: FiguresModel }) {
  const { t, language } = useConsoleText();
  const { figures, query, routings } = props.state;
  return (
    <div class="figures-bar">
      {figures && (
        <p class="shift-name" data-shift={figures.shiftStart}>
          <strong>
            {t.figures.shift({
              start: formatDateTime(language, figures.shiftStart),
              end: hourLabel(language, figures.shiftEnd),
            })}
          </strong>{' '}
          <span>{figures.current ? t.figures.currentShift : t.figures.pastShift}</span>
        </p>
      )}
      <div class="shift-tools">
        <button type="button" disabled={!figures} onClick={() => void props.model.previous()}>
          {t.figures.previous}
        </button>
        {figures && !figures.current && (
          <>
            <button type="button" onClick={() => void props.model.next()}>
              {t.figures.next}
            </button>
            <button type="button" class="primary" onClick={() => void props.model.current()}>
              {t.figures.backToCurrent}
            </button>
          </>
        )}
        <label>
          {t.figures.routing}
          <select
            value={query.routing ?? ''}
            onChange={(e) => void props.model.setRouting(e.currentTarget.value || null)}
          >
            <option value="">{t.figures.allRoutings}</option>
            {routings.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

function RoutingFigures(props: { figures: ShiftFigures; routing: FiguresRouting; loadChart: ChartLoader }) {
  const { t } = useConsoleText();
  const r = props.routing;
  const id = `figures-${r.code}-${r.version}`;
  const anyWork = workNodes(r).some((n) => n.done.completions > 0);
  return (
    <section class="figures-routing" data-routing={r.code} aria-labelledby={id}>
      <h3 id={id}>{t.figures.routingHeading({ name: r.name, code: r.code, version: r.version })}</h3>
      <h4>{t.figures.throughput.heading}</h4>
      {anyWork ? (
        <ThroughputChart figures={props.figures} routing={r} loadChart={props.loadChart} />
      ) : (
        <p>{t.figures.throughput.nothing}</p>
      )}
      <ThroughputTable figures={props.figures} routing={r} id={`${id}-hours`} />
      <div class="quality">
        <div>
          <h4>{t.figures.quality.heading}</h4>
          <FirstPassYield routing={r} />
        </div>
        <div>
          <h4>{t.figures.quality.lossesHeading}</h4>
          <Losses routing={r} />
        </div>
      </div>
      <h4>{t.figures.wip.heading}</h4>
      <WipAgeing figures={props.figures} routing={r} />
    </section>
  );
}

export function FiguresView(props: { model: FiguresModel; loadChart?: ChartLoader | undefined }) {
  const { t, language } = useConsoleText();
  const state = useModel(props.model);
  const { figures, failed } = state;
  return (
    <main class="page figures">
      <h2>{t.figures.heading}</h2>
      <ShiftBar state={state} model={props.model} />
      {failed && (
        <p class="figures-failed" role="alert">
          {t.figures.failed}
        </p>
      )}
      {figures === null ? (
        <p>{t.figures.loading}</p>
      ) : (
        <>
          <p class="provisional">
            {t.figures.provisional({ time: formatTime(language, figures.generatedAt) })}
          </p>
          {figures.routings.length === 0 && <p>{t.figures.empty}</p>}
          {figures.routings.map((r) => (
            <RoutingFigures
              key={`${r.code}@${r.version}`}
              figures={figures}
              routing={r}
              loadChart={props.loadChart ?? loadChartModule}
            />
          ))}
        </>
      )}
    </main>
  );
}

/** The page: its model, fed by the live stream's token changes (refetched at most every 5 s). */
export function FiguresPage(props: PageProps & { api?: FiguresApi; loadChart?: ChartLoader }) {
  const api = useMemo(() => props.api ?? createFiguresApi(props.fetcher), [props.api, props.fetcher]);
  const model = useMemo(
    () => new FiguresModel(api, props.signedOut, props.clock),
    [api, props.signedOut, props.clock],
  );
  useEffect(() => {
    // Figures move with tokens (work done, waiting work); a resync refetches as well.
    const follow = () => model.refresh();
    const unsubscribe = props.bus.subscribe({ kinds: ['token'], changes: follow, reload: follow });
    void model.load();
    return () => {
      unsubscribe();
      model.stop();
    };
  }, [model, props.bus]);
  return <FiguresView model={model} loadChart={props.loadChart} />;
}
