// @vitest-environment happy-dom
/**
 * The supervisor console's floor board and live indicator as a supervisor reads them: cards in
 * routing order (a split's branches side by side) that never move, starved and blocked in words,
 * a brief outline on a card whose figures changed, changes refetching the board at most once per
 * 300 ms, and "Live" turning to "As of HH:MM:SS" while the stream is down, then Live again (with a
 * fake EventSource and a hand-driven clock). Sign-in failures in words.
 */
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Board, BoardNode } from '../../shared/supervisor-api';
import type { Answer, BoardFilters, ConsoleApi } from '../../client/console/api';
import { NO_FILTERS } from '../../client/console/api';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleLanguage } from '../../client/console/i18n/language';
import {
  BOARD_STALE_MS,
  BoardModel,
  HIGHLIGHT_MS,
  REFRESH_MS,
} from '../../client/console/models/board-model';
import { EVENT_SOURCE_CLOSED, LiveModel, REOPEN_MS } from '../../client/console/models/live-model';
import { signInProblem } from '../../client/console/models/session-model';
import { BoardView } from '../../client/console/views/board';
import { LiveIndicator } from '../../client/console/views/live-indicator';
import { useModel } from '../../client/state/use-model';
import { formatTime } from '../../client/i18n/format';
import { FakeClock } from './support/fake-clock';
import { FakeSource, boardNode } from './support/console-fixtures';
import { ALL_SENT } from './support/desk-fixtures';

afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

function board(nodes: BoardNode[], cursor = 1, completeness = ALL_SENT): Board {
  return {
    completeness,
    cursor,
    generatedAt: '2026-12-01T07:30:00Z',
    hourStart: '2026-12-01T07:00:00Z',
    shiftStart: '2026-12-01T06:00:00Z',
    blockedQueue: 20,
    filters: { routing: null, ticket: null, workCenter: null },
    routings: [{ code: 'BAG-TOTE', version: 1, name: 'Tote bag', nodes }],
  };
}

/** Answers boards in turn; counts and records the filters of each request. */
function fakeApi(boards: Board[]): ConsoleApi & { asked: BoardFilters[] } {
  const asked: BoardFilters[] = [];
  return {
    asked,
    session: () => Promise.resolve({ ok: false, failure: { status: 401, retryAfterSeconds: null } }),
    signIn: () => Promise.resolve({ ok: false, failure: { status: 401, retryAfterSeconds: null } }),
    signOut: () => Promise.resolve(),
    board: (filters): Promise<Answer<Board>> => {
      asked.push(filters);
      const next = boards.length > 1 ? (boards.shift() as Board) : (boards[0] as Board);
      return Promise.resolve({ ok: true, value: next });
    },
  };
}

function Board_(props: { model: BoardModel }) {
  return <BoardView state={useModel(props.model)} onFilters={() => {}} />;
}

const cardCodes = () => [...document.querySelectorAll('[data-node]')].map((c) => c.getAttribute('data-node'));
const card = (code: string) => document.querySelector(`[data-node="${code}"]`) as HTMLElement;

describe('the floor board', () => {
  it('SV-1: cards in routing order, a split’s branches side by side in one column, the join after', async () => {
    const nodes = [
      boardNode('JOIN', 3, 0),
      boardNode('SEW-B', 2, 1),
      boardNode('CUT', 0, 0),
      boardNode('SEW-A', 2, 0),
      boardNode('SPLIT', 1, 0),
    ];
    const model = new BoardModel(fakeApi([board(nodes)]), () => {}, new FakeClock());
    await act(() => model.load());
    render(<Board_ model={model} />);
    expect(cardCodes()).toEqual(['CUT', 'SPLIT', 'SEW-A', 'SEW-B', 'JOIN']);
    expect(card('SEW-A').style.getPropertyValue('--col')).toBe('3');
    expect(card('SEW-B').style.getPropertyValue('--col')).toBe('3');
    expect(card('SEW-B').style.getPropertyValue('--row')).toBe('2');
    // The branches share one column, the second under the first.
    expect(card('SEW-B').parentElement).toBe(card('SEW-A').parentElement);
    expect(card('SEW-A').nextElementSibling).toBe(card('SEW-B'));
    expect(card('JOIN').parentElement).not.toBe(card('SEW-A').parentElement);
    expect(card('JOIN').style.getPropertyValue('--col')).toBe('4');
  });

  it('SV-3: starved and blocked are said in words on the card, with counts, oldest wait and work done', async () => {
    const nodes = [
      boardNode('CUT', 0, 0, {
        ready: 25,
        active: 1,
        oldestWaitSeconds: 754,
        oldestSince: '2026-12-01T07:17:26Z',
        blocked: true,
        activeTokens: [{ code: 'BV-1', branch: null, operator: 'OP-0001', since: '', elapsedSeconds: 65 }],
        doneThisHour: { completions: 3, units: 3 },
        doneThisShift: { completions: 12, units: 12 },
      }),
      boardNode('SEW', 1, 0, { starved: true }),
      boardNode('QC', 2, 0),
    ];
    const model = new BoardModel(fakeApi([board(nodes)]), () => {}, new FakeClock());
    await act(() => model.load());
    render(<Board_ model={model} />);
    expect(card('CUT').textContent).toContain(consoleEn.board.blocked({ limit: 20 }));
    expect(card('CUT').className).toContain('node-blocked');
    expect(card('CUT').textContent).toContain('Oldest wait 12 min');
    expect(card('CUT').textContent).toContain('BV-1 · OP-0001 · 1 min');
    expect(card('CUT').textContent).toContain('This hour: 3 done');
    expect(card('CUT').textContent).toContain('This shift: 12 done');
    expect(card('CUT').querySelector('[data-count="ready"] dd')?.textContent).toBe('25');
    expect(card('SEW').textContent).toContain(consoleEn.board.starved);
    expect(card('QC').textContent).toContain(consoleEn.board.flowing);
    expect(screen.getByText(consoleEn.board.allSent)).toBeTruthy();
  });

  it('SV-2, SV-17: with a target, the card shows the units done against it; a shift behind its target says so in words', async () => {
    const nodes = [
      boardNode('CUT', 0, 0, {
        doneThisHour: { completions: 12, units: 12 },
        doneThisShift: { completions: 80, units: 80 },
        targetPerHour: 30,
        targetThisShift: 120,
      }),
      boardNode('SEW', 1, 0, {
        doneThisHour: { completions: 31, units: 31 },
        doneThisShift: { completions: 130, units: 130 },
        targetPerHour: 30,
        targetThisShift: 120,
      }),
      boardNode('QC', 2, 0, { doneThisHour: { completions: 4, units: 4 } }),
    ];
    const model = new BoardModel(fakeApi([board(nodes)]), () => {}, new FakeClock());
    await act(() => model.load());
    render(<Board_ model={model} />);
    const line = (code: string) => card(code).querySelector('.node-done') as HTMLElement;
    // The figure and its target never part across lines (a no-break space between them).
    const done = (code: string) => ({
      textContent: (line(code).textContent ?? '').replace(/\s+/g, ' '),
      className: line(code).className,
    });
    expect(done('CUT').textContent).toContain('This hour: 12 of 30');
    expect(done('CUT').textContent).toContain('This shift: 80 of 120');
    // Behind: in words, not by colour alone.
    expect(done('CUT').textContent).toContain('Behind target by 40');
    expect(done('CUT').className).toContain('behind');
    expect(done('SEW').textContent).toContain('This shift: 130 of 120');
    expect(done('SEW').textContent).not.toContain('Behind');
    expect(done('SEW').className).not.toContain('behind');
    // No target: the units alone.
    expect(done('QC').textContent).toContain('This hour: 4 done');
    expect(done('QC').textContent).not.toContain(' of ');

    await act(() => consoleLanguage.choose('th'));
    expect(done('CUT').textContent).toContain('ชั่วโมงนี้ เสร็จ 12 จาก 30');
    expect(done('CUT').textContent).toContain('ต่ำกว่าเป้า 40');
  });

  it('SV-6: beside the figures, what stations hold unsent and which are not reporting; a station turning quiet refetches the board', async () => {
    const clock = new FakeClock();
    const holding = board([boardNode('CUT', 0, 0)], 1, {
      ...ALL_SENT,
      stationsWithUnsent: 3,
      unsentEvents: 41,
      stationsNeverReported: 1,
      // The one reporting station turns quiet 30 s after this answer, unless it is heard from.
      nextQuietAt: '2026-12-01T07:30:30.000Z',
    });
    const quiet = board([boardNode('CUT', 0, 0)], 1, {
      ...holding.completeness,
      stationsQuiet: 1,
      nextQuietAt: null,
    });
    const api = fakeApi([holding, quiet]);
    const model = new BoardModel(api, () => {}, clock);
    await act(() => model.load());
    render(<Board_ model={model} />);
    const notice = () => document.querySelector('[data-unsent]')?.textContent ?? '';
    expect(notice()).toContain('3 stations hold 41 unsent events: figures may still change');
    expect(notice()).toContain('1 station has never reported');
    expect(notice()).not.toContain('not reporting');
    await act(() => clock.advance(29_000));
    expect(api.asked).toHaveLength(1);
    await act(() => clock.advance(2_000));
    expect(api.asked).toHaveLength(2);
    await act(() => Promise.resolve());
    expect(notice()).toContain('1 station is not reporting: what it holds is unknown');
  });

  it('SV-1: on a quiet floor (no change, no station turning quiet) the board is asked again each minute, so waits and elapsed times move', async () => {
    const clock = new FakeClock();
    const waiting = (seconds: number) =>
      board([
        boardNode('CUT', 0, 0, {
          ready: 1,
          oldestWaitSeconds: seconds,
          activeTokens: [
            { code: 'BV-1', branch: null, operator: 'OP-0001', since: '', elapsedSeconds: seconds },
          ],
        }),
      ]);
    const api = fakeApi([waiting(120), waiting(180)]);
    const model = new BoardModel(api, () => {}, clock);
    await act(() => model.load());
    render(<Board_ model={model} />);
    expect(card('CUT').textContent).toContain('Oldest wait 2 min');
    await act(() => clock.advance(BOARD_STALE_MS - 1_000));
    expect(api.asked).toHaveLength(1);
    await act(() => clock.advance(1_000));
    await act(() => Promise.resolve());
    expect(api.asked).toHaveLength(2);
    expect(card('CUT').textContent).toContain('Oldest wait 3 min');
    expect(card('CUT').textContent).toContain('BV-1 · OP-0001 · 3 min');
    // Stopped (the page left), it asks no more.
    model.stop();
    await act(() => clock.advance(3 * BOARD_STALE_MS));
    expect(api.asked).toHaveLength(2);
  });

  it('SV-1: two loads at once (new filters over a first load), then the page left: no minute timer is left asking', async () => {
    const clock = new FakeClock();
    const api = fakeApi([board([boardNode('CUT', 0, 0)])]);
    const model = new BoardModel(api, () => {}, clock);
    await act(async () => {
      await Promise.all([model.load(), model.setFilters({ ...NO_FILTERS, routing: 'BAG-TOTE' })]);
    });
    expect(api.asked).toHaveLength(2);
    model.stop();
    await act(() => clock.advance(5 * BOARD_STALE_MS));
    expect(api.asked).toHaveLength(2);
  });

  it('SV-6: with every reporting station sent but one silent, the notice does not say "every station"', async () => {
    const model = new BoardModel(
      fakeApi([board([boardNode('CUT', 0, 0)], 1, { ...ALL_SENT, stationsQuiet: 2 })]),
      () => {},
      new FakeClock(),
    );
    await act(() => model.load());
    render(<Board_ model={model} />);
    const notice = document.querySelector('[data-unsent]')?.textContent ?? '';
    expect(notice).toContain(consoleEn.board.allSentReporting);
    expect(notice).toContain('2 stations are not reporting');
    expect(notice).not.toContain(consoleEn.board.allSent);
  });

  it('SV-4: a card whose figures changed is outlined for a moment, in place; the others are not', async () => {
    const clock = new FakeClock();
    const first = board([boardNode('CUT', 0, 0, { ready: 2 }), boardNode('SEW', 1, 0)]);
    const second = board([boardNode('CUT', 0, 0, { ready: 1 }), boardNode('SEW', 1, 0, { active: 1 })], 2);
    const third = board([boardNode('CUT', 0, 0, { ready: 1 }), boardNode('SEW', 1, 0, { active: 1 })], 3);
    const model = new BoardModel(fakeApi([first, second, third]), () => {}, clock);
    await act(() => model.load());
    render(<Board_ model={model} />);
    expect(card('CUT').dataset.changed).toBe('no');
    await act(() => model.load());
    expect(cardCodes()).toEqual(['CUT', 'SEW']);
    expect(card('CUT').dataset.changed).toBe('yes');
    expect(card('SEW').dataset.changed).toBe('yes');
    await act(() => clock.advance(HIGHLIGHT_MS));
    expect(card('CUT').dataset.changed).toBe('no');
    await act(() => model.load()); // same figures: nothing outlined
    expect(card('SEW').dataset.changed).toBe('no');
  });

  it('SV-5: a burst of changes refetches the board at once, then at most once per 300 ms', async () => {
    const clock = new FakeClock();
    const api = fakeApi([board([boardNode('CUT', 0, 0)])]);
    const model = new BoardModel(api, () => {}, clock);
    await model.load();
    clock.advance(REFRESH_MS);
    model.refresh();
    await Promise.resolve();
    for (let i = 0; i < 10; i++) model.refresh();
    await Promise.resolve();
    expect(api.asked).toHaveLength(2);
    clock.advance(REFRESH_MS);
    await Promise.resolve();
    expect(api.asked).toHaveLength(3);
    clock.advance(REFRESH_MS * 5);
    expect(api.asked).toHaveLength(3);
  });
});

function liveSetup() {
  const clock = new FakeClock();
  const sources: FakeSource[] = [];
  const seen = { changes: 0, reloads: 0, closed: 0 };
  const live = new LiveModel(
    (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    {
      changes: () => (seen.changes += 1),
      reload: () => (seen.reloads += 1),
      closed: () => (seen.closed += 1),
    },
    clock,
  );
  function Indicator() {
    return <LiveIndicator state={useModel(live)} />;
  }
  render(<Indicator />);
  const text = () => screen.getByRole('status').textContent;
  return { clock, sources, seen, live, text, last: () => sources.at(-1) as FakeSource };
}

describe('the live indicator', () => {
  it('SV-8: Live with the time of the last change; "As of" when the stream drops; Live again on reconnect', async () => {
    const { clock, seen, live, text, last } = liveSetup();
    await act(() => live.start(7));
    expect(last().url).toBe('/api/v1/supervisor/stream?after=7');
    expect(text()).toBe('Connecting…');
    await act(() => last().emit('ready', { cursor: 7, heartbeatMs: 15000 }));
    expect(text()).toBe('Live');
    const changedAt = clock.now();
    await act(() => last().emit('changes', { cursor: 9, changes: [] }));
    expect(seen.changes).toBe(1);
    expect(text()).toBe(`Live · last change ${formatTime('en', changedAt)}`);
    clock.advance(5000);
    const droppedAt = clock.now();
    await act(() => last().emit('error')); // the browser reconnects by itself (still CONNECTING)
    expect(text()).toBe(`As of ${formatTime('en', droppedAt)} · reconnecting`);
    expect(screen.getByRole('status').dataset.live).toBe('dropped');
    await act(() => last().emit('ready', { cursor: 9, heartbeatMs: 15000 }));
    expect(text()).toBe(`Live · last change ${formatTime('en', changedAt)}`);
    expect(seen.reloads).toBe(1); // back after a gap: the board is fetched again
  });

  it('SV-8: when the browser gives up on the stream, a new one resumes after the last cursor', async () => {
    const { clock, sources, seen, live, text, last } = liveSetup();
    await act(() => live.start(3));
    await act(() => last().emit('changes', { cursor: 12, changes: [] }));
    last().readyState = EVENT_SOURCE_CLOSED;
    await act(() => last().emit('error'));
    expect(seen.closed).toBe(1);
    expect(text()).toContain('As of');
    expect(sources).toHaveLength(1);
    await act(() => clock.advance(REOPEN_MS));
    expect(sources).toHaveLength(2);
    expect(last().url).toBe('/api/v1/supervisor/stream?after=12');
    await act(() => last().emit('resync', { cursor: 40 }));
    expect(seen.reloads).toBe(1);
    await act(() => last().emit('ready', { cursor: 40, heartbeatMs: 15000 }));
    expect(text()).toContain('Live');
    live.stop();
    expect(last().closed).toBe(true);
  });

  it('SV-9: the indicator speaks Thai with Gregorian times', async () => {
    const { clock, live, text, last } = liveSetup();
    await act(() => consoleLanguage.choose('th'));
    await act(() => live.start(0));
    await act(() => last().emit('error'));
    expect(text()).toBe(`ข้อมูล ณ ${formatTime('th', clock.now())} · กำลังเชื่อมต่อใหม่`);
    expect(document.documentElement.lang).toBe('th');
    expect(text()).not.toContain('2569'); // no Buddhist-era year anywhere
  });
});

describe('sign-in', () => {
  it('AU-1: a failed sign-in says why: wrong password, throttled with the wait, not allowed, no answer', () => {
    const t = consoleEn;
    expect(signInProblem({ status: 401, retryAfterSeconds: null })(t)).toBe(t.signIn.wrongPassword);
    expect(signInProblem({ status: 429, retryAfterSeconds: 30 })(t)).toBe(
      'Too many failed sign-ins. Wait 30 seconds, then try again.',
    );
    expect(signInProblem({ status: 403, retryAfterSeconds: null })(t)).toBe(t.signIn.notAllowed);
    expect(signInProblem({ status: 0, retryAfterSeconds: null })(t)).toBe(t.signIn.unreachable);
  });
});
