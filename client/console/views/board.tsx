/**
 * @module The floor board: filters, the live indicator, totals with what stations still hold
 * unsent, then per routing its nodes as cards in routing order (a column per step, a split's
 * branches side by side in one column, the join after). Flags are words on a coloured band, not
 * icons; a card whose figures just changed is outlined for a moment (never moved).
 */
import { useState } from 'preact/hooks';
import type { Board, BoardNode } from '../../../shared/supervisor-api';
import type { BoardFilters } from '../api';
import { NO_FILTERS } from '../api';
import type { ConsoleCatalogue } from '../i18n/en';
import { useConsoleText } from '../i18n/language';
import type { BoardState, Unsent } from '../models/board-model';
import { nodeKey } from '../models/board-model';

/** "45 s", "12 min", "2 h 5 min". */
export function formatDuration(t: ConsoleCatalogue, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t.duration.seconds({ n: s });
  if (s < 3600) return t.duration.minutes({ n: Math.floor(s / 60) });
  return t.duration.hours({ h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function Filters(props: { state: BoardState; onFilters: (filters: BoardFilters) => void }) {
  const { t } = useConsoleText();
  const { filters } = props.state;
  const [ticket, setTicket] = useState(filters.ticket ?? '');
  const set = (changes: Partial<BoardFilters>) => props.onFilters({ ...filters, ...changes });
  return (
    <form
      class="filters"
      aria-label={t.filters.heading}
      onSubmit={(event) => {
        event.preventDefault();
        set({ ticket: ticket.trim() || null });
      }}
    >
      <label>
        {t.filters.routing}
        <select
          value={filters.routing ?? ''}
          onChange={(e) => set({ routing: e.currentTarget.value || null })}
        >
          <option value="">{t.filters.all}</option>
          {props.state.routings.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.filters.workCenter}
        <select
          value={filters.workCenter ?? ''}
          onChange={(e) => set({ workCenter: e.currentTarget.value || null })}
        >
          <option value="">{t.filters.all}</option>
          {props.state.workCenters.map((wc) => (
            <option key={wc} value={wc}>
              {wc}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.filters.ticket}
        <input value={ticket} onInput={(e) => setTicket(e.currentTarget.value)} />
      </label>
      <button type="submit">{t.filters.apply}</button>
      <button
        type="button"
        onClick={() => {
          setTicket('');
          props.onFilters(NO_FILTERS);
        }}
      >
        {t.filters.clear}
      </button>
    </form>
  );
}

function Count(props: { label: string; n: number; name: string }) {
  return (
    <div class={`count count-${props.name}`} data-count={props.name}>
      <dt>{props.label}</dt>
      <dd>{props.n}</dd>
    </div>
  );
}

/**
 * SV-2, SV-17: units done this hour and this shift, against the node's target when one is set. A
 * node whose shift is behind the target so far says so in words (and in amber, never colour alone).
 */
function DoneLine(props: { node: BoardNode }) {
  const { t } = useConsoleText();
  const n = props.node;
  const hour = n.doneThisHour.units;
  const shift = n.doneThisShift.units;
  const behind = n.targetThisShift === null ? 0 : n.targetThisShift - shift;
  return (
    <p class={`node-done${behind > 0 ? ' behind' : ''}`} data-behind={behind > 0 ? 'yes' : 'no'}>
      <span data-done="hour">
        {n.targetPerHour === null
          ? t.board.doneHour({ units: hour })
          : t.board.doneHourOf({ units: hour, target: n.targetPerHour })}
      </span>
      <span data-done="shift">
        {n.targetThisShift === null
          ? t.board.doneShift({ units: shift })
          : t.board.doneShiftOf({ units: shift, target: n.targetThisShift })}
      </span>
      {behind > 0 && <strong class="node-behind">{t.board.behind({ units: behind })}</strong>}
    </p>
  );
}

export function NodeCard(props: { node: BoardNode; changed: boolean; blockedQueue: number }) {
  const { t } = useConsoleText();
  const n = props.node;
  const flag = n.blocked ? 'blocked' : n.starved ? 'starved' : null;
  const hidden = n.active - n.activeTokens.length;
  return (
    <article
      class={`node-card${flag ? ` node-${flag}` : ''}${props.changed ? ' changed' : ''}`}
      data-node={n.code}
      data-changed={props.changed ? 'yes' : 'no'}
      style={{ '--col': n.depth + 1, '--row': n.lane + 1 }}
    >
      <h4>{n.name}</h4>
      {/* The code and work center on one small line: the name is what is read from afar. */}
      <p class="node-meta">
        <span class="node-code">{n.code}</span>
        {n.workCenter && <span class="node-wc">{t.board.workCenter({ code: n.workCenter })}</span>}
      </p>
      {n.type === 'operation' && (
        <p class={`node-flag flag-${flag ?? 'ok'}`} data-flag={flag ?? 'ok'}>
          {n.blocked
            ? t.board.blocked({ limit: props.blockedQueue })
            : n.starved
              ? t.board.starved
              : t.board.flowing}
        </p>
      )}
      <dl class="counts">
        <Count name="ready" label={t.board.ready} n={n.ready} />
        <Count name="active" label={t.board.active} n={n.active} />
        <Count name="paused" label={t.board.paused} n={n.paused} />
        {/* Only a join holds tokens waiting for their siblings. */}
        {n.type === 'join' && <Count name="waiting" label={t.board.waiting} n={n.waiting} />}
      </dl>
      <p class="node-oldest">
        {n.oldestWaitSeconds === null
          ? t.board.noWait
          : t.board.oldestWait({ duration: formatDuration(t, n.oldestWaitSeconds) })}
      </p>
      {n.activeTokens.length > 0 && (
        <ul class="node-active">
          {n.activeTokens.map((a) => (
            <li key={a.code}>
              {a.operator
                ? t.board.activeBy({
                    code: a.code,
                    operator: a.operator,
                    duration: formatDuration(t, a.elapsedSeconds),
                  })
                : t.board.activeNobody({ code: a.code, duration: formatDuration(t, a.elapsedSeconds) })}
            </li>
          ))}
          {hidden > 0 && <li>{t.board.moreActive({ n: hidden })}</li>}
        </ul>
      )}
      <DoneLine node={n} />
    </article>
  );
}

/**
 * The nodes (in board order) as columns, one per step: a split's branches stacked in their column,
 * each card as tall as its own content, so a second branch sits right under the first.
 */
function columns(nodes: readonly BoardNode[]): BoardNode[][] {
  const byDepth = new Map<number, BoardNode[]>();
  for (const n of nodes) byDepth.set(n.depth, [...(byDepth.get(n.depth) ?? []), n]);
  return [...byDepth.entries()].sort(([a], [b]) => a - b).map(([, column]) => column);
}

/**
 * SV-6: what stations still hold unsent, and the stations that cannot say (not reporting, never
 * reported): with any of those, "every station has sent" would not be honest.
 */
export function UnsentNotice(props: { unsent: Unsent | null }) {
  const { t } = useConsoleText();
  const { unsent } = props;
  const silent = unsent === null ? 0 : unsent.quiet + unsent.never;
  const text =
    unsent === null
      ? t.board.unsentUnknown
      : unsent.events > 0
        ? t.board.unsent({ stations: unsent.stations, events: unsent.events })
        : silent > 0
          ? t.board.allSentReporting
          : t.board.allSent;
  return (
    <div
      class={`unsent${unsent === null || unsent.events > 0 || silent > 0 ? ' unsent-some' : ''}`}
      data-unsent
    >
      <p>{text}</p>
      {unsent !== null && unsent.quiet > 0 && (
        <p data-unsent-quiet>{t.board.notReporting({ n: unsent.quiet })}</p>
      )}
      {unsent !== null && unsent.never > 0 && (
        <p data-unsent-never>{t.board.neverReported({ n: unsent.never })}</p>
      )}
    </div>
  );
}

function Totals(props: { board: Board }) {
  const { t } = useConsoleText();
  const sum = { ready: 0, active: 0, paused: 0, waiting: 0 };
  for (const r of props.board.routings)
    for (const n of r.nodes) {
      sum.ready += n.ready;
      sum.active += n.active;
      sum.paused += n.paused;
      sum.waiting += n.waiting;
    }
  return <p class="totals">{t.board.totals(sum)}</p>;
}

export function BoardView(props: { state: BoardState; onFilters: (filters: BoardFilters) => void }) {
  const { t } = useConsoleText();
  const { board, failed, highlighted, unsent } = props.state;
  return (
    <main class="board">
      <div class="board-bar spread-row">
        <h2>{t.app.board}</h2>
      </div>
      <Filters state={props.state} onFilters={props.onFilters} />
      {failed && (
        <p class="board-failed" role="alert">
          {t.board.failed}
        </p>
      )}
      {board === null ? (
        <p class="board-loading">{t.board.loading}</p>
      ) : (
        <>
          <div class="board-summary spread-row">
            <Totals board={board} />
            <UnsentNotice unsent={unsent} />
          </div>
          {board.routings.length === 0 && <p>{t.board.empty}</p>}
          {board.routings.map((r) => (
            <section class="routing" key={`${r.code}@${r.version}`} data-routing={r.code}>
              <h3 id={`routing-${r.code}-${r.version}`}>
                {t.board.routing({ name: r.name, code: r.code, version: r.version })}
              </h3>
              {/* Focusable: a wide routing scrolls sideways, and the keyboard must be able to scroll it. */}
              <div
                class="routing-grid"
                role="region"
                tabIndex={0}
                aria-labelledby={`routing-${r.code}-${r.version}`}
              >
                {columns(r.nodes).map((column) => (
                  <div class="board-column" key={column[0]?.depth}>
                    {column.map((n) => (
                      <NodeCard
                        key={n.code}
                        node={n}
                        changed={highlighted.has(nodeKey(r, n))}
                        blockedQueue={board.blockedQueue}
                      />
                    ))}
                  </div>
                ))}
              </div>
            </section>
          ))}
        </>
      )}
    </main>
  );
}
