/**
 * @module The wall display's screen at /supervisor/wall (SPEC SV-62 … SV-66): a read-only board for
 * a TV, read from 5 m. One routing per screen, rotating (?rotate=<seconds>, 20 s by default) with
 * "Routing 2 of 3" and a bar that fills until the next; per node its name, the ready / active /
 * waiting counts in large type, starved or blocked in words on a coloured band; a live clock, the
 * Live / As-of indicator and what stations still hold unsent. Nothing to click. A revoked or
 * unknown link: a full-screen message, and no more requests.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BoardCompleteness, BoardNode } from '../../../shared/supervisor-api';
import { formatTime } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import { consoleLanguage, useConsoleText } from '../i18n/language';
import type { LiveClock, OpenSource } from '../models/live-model';
import { systemClock } from '../models/live-model';
import { formatDuration } from '../views/board';
import { LiveIndicator } from '../views/live-indicator';
import type { WallApi } from './wall-api';
import { createWallApi } from './wall-api';
import type { WallHistory, WallLocation, WallState } from './wall-model';
import { WallModel, languageOf, rotateMsOf } from './wall-model';
import './wall.css';

export interface WallProps {
  fetcher: typeof fetch;
  openSource: OpenSource;
  /** Tests pass a fake API, clock, address and history. */
  api?: WallApi;
  clock?: LiveClock;
  location?: WallLocation;
  history?: WallHistory;
}

/** HH:MM:SS, ticking on the second. */
function WallClock(props: { clock: LiveClock }) {
  const { language } = useConsoleText();
  const [now, setNow] = useState(props.clock.now());
  useEffect(() => {
    let timer: unknown = null;
    const tick = () => {
      const at = props.clock.now();
      setNow(at);
      timer = props.clock.setTimeout(tick, 1000 - (at % 1000));
    };
    tick();
    return () => props.clock.clearTimeout(timer);
  }, [props.clock]);
  return (
    <time class="wall-clock" dateTime={new Date(now).toISOString()} data-wall-clock>
      {formatTime(language, now)}
    </time>
  );
}

/** Nodes that hold work (operations and joins), in routing order, as cards on a grid that fills the screen. */
function workNodes(nodes: readonly BoardNode[]): BoardNode[] {
  return nodes.filter((n) => n.type === 'operation' || n.type === 'join');
}

/** Columns and rows for n cards on a landscape screen: up to 4 across, wider when there are many. */
export function gridOf(n: number): { cols: number; rows: number } {
  if (n <= 0) return { cols: 1, rows: 1 };
  const cols = n <= 12 ? Math.ceil(n / Math.ceil(n / 4)) : Math.ceil(Math.sqrt(n * 1.8));
  return { cols, rows: Math.ceil(n / cols) };
}

function WallCard(props: { node: BoardNode; blockedQueue: number }) {
  const { t } = useConsoleText();
  const n = props.node;
  const flag = n.blocked ? 'blocked' : n.starved ? 'starved' : n.type === 'join' ? 'join' : 'ok';
  const band =
    flag === 'blocked'
      ? t.wall.blocked({ limit: props.blockedQueue })
      : flag === 'starved'
        ? t.wall.starved
        : flag === 'join'
          ? t.wall.join
          : t.wall.flowing;
  return (
    <article class={`wall-card wall-${flag}`} data-node={n.code} data-flag={flag}>
      <h2>{n.name}</h2>
      <p class="wall-band">{band}</p>
      <dl class="wall-counts">
        <div data-count="ready">
          <dt>{t.wall.ready}</dt>
          <dd>{n.ready}</dd>
        </div>
        <div data-count="active">
          <dt>{t.wall.active}</dt>
          <dd>{n.active}</dd>
        </div>
        {n.type === 'join' && (
          <div data-count="waiting">
            <dt>{t.wall.waiting}</dt>
            <dd>{n.waiting}</dd>
          </div>
        )}
      </dl>
      <p class="wall-line">
        {[
          n.oldestWaitSeconds === null
            ? t.wall.noWait
            : t.wall.oldestWait({ duration: formatDuration(t, n.oldestWaitSeconds) }),
          ...(n.paused > 0 ? [t.wall.paused({ n: n.paused })] : []),
          n.targetPerHour === null
            ? t.wall.doneHour({ units: n.doneThisHour.units })
            : t.wall.doneHourOf({ units: n.doneThisHour.units, target: n.targetPerHour }),
        ].join(' · ')}
      </p>
    </article>
  );
}

/** What the figures may still miss: unsent events at stations, stations not reporting. */
function Completeness(props: { completeness: BoardCompleteness | undefined }) {
  const { t } = useConsoleText();
  const c = props.completeness;
  if (!c) return null;
  const parts = [
    c.unsentEvents > 0
      ? t.wall.unsent({ stations: c.stationsWithUnsent, events: c.unsentEvents })
      : t.wall.allSent,
    ...(c.stationsQuiet > 0 ? [t.wall.quiet({ stations: c.stationsQuiet })] : []),
  ];
  const provisional = c.unsentEvents > 0 || c.stationsQuiet > 0;
  return (
    <p class={`wall-complete${provisional ? ' wall-provisional' : ''}`} data-completeness>
      {parts.join(' · ')}
    </p>
  );
}

function Refused(props: { reason: 'revoked' | 'unknown' }) {
  const { t } = useConsoleText();
  return (
    <main class="wall wall-refused" data-refused={props.reason}>
      <div role="alert">
        <h1>{props.reason === 'revoked' ? t.wall.revokedHeading : t.wall.unknownHeading}</h1>
        <p>{props.reason === 'revoked' ? t.wall.revokedBody : t.wall.unknownBody}</p>
      </div>
    </main>
  );
}

function Showing(props: {
  state: Extract<WallState, { kind: 'showing' }>;
  model: WallModel;
  clock: LiveClock;
  rotateMs: number;
}) {
  const { t, language } = useConsoleText();
  const live = useModel(props.model.live);
  const { board, index, failed } = props.state;
  const routing = board.routings[index];
  const count = board.routings.length;
  const nodes = routing ? workNodes(routing.nodes) : [];
  const grid = gridOf(nodes.length);
  return (
    <main class="wall" data-routing={routing?.code ?? ''}>
      <header class="wall-top">
        <div class="wall-title">
          <h1>{routing ? routing.name : t.wall.heading}</h1>
          {count > 1 && (
            <p class="wall-rotation" data-rotation={`${index + 1}/${count}`}>
              <span>{t.wall.routingOf({ n: index + 1, count })}</span>
              <span class="wall-dots" aria-hidden="true">
                {board.routings.map((r, i) => (
                  <span key={`${r.code}@${r.version}`} class={i === index ? 'on' : ''} />
                ))}
              </span>
            </p>
          )}
          <Completeness completeness={board.completeness} />
        </div>
        <div class="wall-status">
          <WallClock clock={props.clock} />
          <LiveIndicator state={live} />
        </div>
      </header>
      {failed && (
        <p class="wall-failed" role="status">
          {t.wall.failed({ time: formatTime(language, board.generatedAt) })}
        </p>
      )}
      {routing ? (
        <section
          class="wall-grid"
          aria-label={routing.name}
          style={{ '--cols': grid.cols, '--rows': grid.rows }}
          data-rows={grid.rows}
        >
          {nodes.map((n) => (
            <WallCard key={n.code} node={n} blockedQueue={board.blockedQueue} />
          ))}
        </section>
      ) : (
        <p class="wall-empty">{t.wall.noRoutings}</p>
      )}
      {count > 1 && (
        // Fills over the rotation period, restarted (key) when the next routing comes on screen.
        <div
          key={`${index}:${props.state.shownAt}`}
          class="wall-progress"
          aria-hidden="true"
          style={{ '--rotate': `${props.rotateMs}ms` }}
        />
      )}
    </main>
  );
}

export function WallApp(props: WallProps) {
  const { t } = useConsoleText();
  const clock = props.clock ?? systemClock;
  const location = props.location ?? window.location;
  const rotateMs = rotateMsOf(location.search);
  const model = useMemo(
    () => new WallModel(props.api ?? createWallApi(props.fetcher), props.openSource, clock, rotateMs),
    [props.api, props.fetcher, props.openSource, clock, rotateMs],
  );
  useEffect(() => {
    const language = languageOf(location.search);
    if (language !== null && language !== consoleLanguage.get().language) consoleLanguage.choose(language);
    void model.start(location, props.history ?? window.history);
    return () => model.stop();
    // The address is read once, at start (the secret leaves it then).
  }, [model]);
  useEffect(() => {
    document.title = t.wall.title;
  }, [t]);
  const state = useModel(model);
  if (state.kind === 'refused') return <Refused reason={state.reason} />;
  if (state.kind === 'starting') {
    return (
      <main class="wall wall-starting">
        <p role="status">{t.wall.starting}</p>
      </main>
    );
  }
  return <Showing state={state} model={model} clock={clock} rotateMs={rotateMs} />;
}
