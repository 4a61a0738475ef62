// @vitest-environment happy-dom
/**
 * The wall display as a TV shows it (SPEC SV-62 … SV-66), with a fake API, a fake EventSource and
 * a hand-driven clock: the link's secret is exchanged and leaves the address, one routing per
 * screen rotating every 20 s (or ?rotate=), counts and flags in words, a live change refetching
 * the board, and a revoked or unknown link stopping the wall with a message in words.
 */
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Board } from '../../shared/supervisor-api';
import { consoleLanguage } from '../../client/console/i18n/language';
import type { WallAnswer, WallApi } from '../../client/console/wall/wall-api';
import { WallApp, gridOf } from '../../client/console/wall/wall-app';
import { DEFAULT_ROTATE_MS, rotateMsOf } from '../../client/console/wall/wall-model';
import { FakeClock } from './support/fake-clock';
import { FakeSource, boardNode } from './support/console-fixtures';

afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

function board(cursor = 5, cutReady = 3): Board {
  return {
    cursor,
    generatedAt: '2026-12-01T07:30:00Z',
    hourStart: '2026-12-01T07:00:00Z',
    shiftStart: '2026-12-01T06:00:00Z',
    blockedQueue: 20,
    filters: { routing: null, ticket: null, workCenter: null },
    routings: [
      {
        code: 'BAG-TOTE',
        version: 1,
        name: 'Leather tote bag',
        nodes: [
          boardNode('CUT', 0, 0, {
            ready: cutReady,
            active: 2,
            blocked: cutReady > 20,
            doneThisHour: { completions: 12, units: 12 },
            targetPerHour: 30,
            targetThisShift: 45,
          }),
          boardNode('SPLIT', 1, 0, { type: 'split' }),
          boardNode('JOIN', 2, 0, { type: 'join', waiting: 4 }),
          boardNode('PACK', 3, 0, { starved: true }),
        ],
      },
      { code: 'WALLET', version: 1, name: 'Wallet', nodes: [boardNode('SEW', 0, 0, { ready: 7 })] },
      { code: 'BELT', version: 2, name: 'Belt', nodes: [boardNode('PUNCH', 0, 0)] },
    ],
    completeness: {
      stationsWithUnsent: 2,
      unsentEvents: 41,
      stationsQuiet: 1,
      stationsNeverReported: 0,
      quietAfterSeconds: 120,
      nextQuietAt: null,
    },
  };
}

const refusal = (refused: 'revoked' | 'unknown'): WallAnswer<never> => ({
  ok: false,
  refused,
  retryAfterSeconds: null,
});

function fakeApi(
  boards: WallAnswer<Board>[],
  session: WallAnswer<{ display: string }> = { ok: true, value: { display: 'tv' } },
) {
  const calls = { signIn: [] as string[], board: 0 };
  const api: WallApi = {
    signIn: (secret) => {
      calls.signIn.push(secret);
      return Promise.resolve(session);
    },
    board: () => {
      calls.board += 1;
      const next = boards.length > 1 ? boards.shift() : boards[0];
      return Promise.resolve(next as WallAnswer<Board>);
    },
  };
  return { api, calls };
}

function setup(options: {
  boards: WallAnswer<Board>[];
  hash?: string;
  search?: string;
  session?: WallAnswer<{ display: string }>;
}) {
  const clock = new FakeClock();
  const sources: FakeSource[] = [];
  const replaced: string[] = [];
  const { api, calls } = fakeApi(options.boards, options.session);
  const location = { hash: options.hash ?? '', search: options.search ?? '', pathname: '/supervisor/wall' };
  const history = { replaceState: (_d: unknown, _u: string, url?: string) => void replaced.push(url ?? '') };
  render(
    <WallApp
      fetcher={fetch}
      openSource={(url) => {
        const source = new FakeSource(url);
        sources.push(source);
        return source;
      }}
      api={api}
      clock={clock}
      location={location}
      history={history}
    />,
  );
  return { clock, sources, replaced, calls };
}

/** Lets the model's awaited answers settle. */
const settle = () =>
  act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });

const SECRET = 'dsp_abcdefghijklmnopqrstuvwxyz0123456789';
const heading = () => document.querySelector('h1')?.textContent;

describe('the wall display', () => {
  it('SV-62: exchanges the link’s secret, drops it from the address, and opens the wall’s stream after the board’s cursor', async () => {
    const { calls, replaced, sources } = setup({
      boards: [{ ok: true, value: board(5) }],
      hash: `#display=${SECRET}`,
    });
    await settle();
    expect(calls.signIn).toEqual([SECRET]);
    expect(replaced).toEqual(['/supervisor/wall']);
    expect(heading()).toBe('Leather tote bag');
    expect(sources.map((s) => s.url)).toEqual(['/api/v1/wall/stream?after=5']);
  });

  it('SV-65: one routing per screen, rotating every 20 s with “Routing n of 3”; ?rotate= changes the period', async () => {
    const { clock } = setup({ boards: [{ ok: true, value: board() }] });
    await settle();
    expect(heading()).toBe('Leather tote bag');
    expect(screen.getByText('Routing 1 of 3')).toBeTruthy();
    await act(() => clock.advance(DEFAULT_ROTATE_MS - 1));
    expect(heading()).toBe('Leather tote bag');
    // Routings in a stable order (by code), the same as the console's board.
    await act(() => clock.advance(1));
    expect(heading()).toBe('Belt');
    expect(screen.getByText('Routing 2 of 3')).toBeTruthy();
    await act(() => clock.advance(DEFAULT_ROTATE_MS));
    expect(heading()).toBe('Wallet');
    await act(() => clock.advance(DEFAULT_ROTATE_MS));
    expect(heading()).toBe('Leather tote bag');
    expect(rotateMsOf('?rotate=8')).toBe(8000);
    expect(rotateMsOf('?rotate=1')).toBe(DEFAULT_ROTATE_MS);
    expect(rotateMsOf('?rotate=abc')).toBe(DEFAULT_ROTATE_MS);
  });

  it('SV-65: ?rotate=8 rotates every 8 s', async () => {
    const { clock } = setup({ boards: [{ ok: true, value: board() }], search: '?rotate=8' });
    await settle();
    await act(() => clock.advance(7999));
    expect(heading()).toBe('Leather tote bag');
    await act(() => clock.advance(1));
    expect(heading()).toBe('Belt');
  });

  it('SV-64: per node the counts in large type, starved and blocked in words, nodes that hold no work left out; the completeness line', async () => {
    setup({ boards: [{ ok: true, value: board(5, 25) }] });
    await settle();
    const cards = [...document.querySelectorAll('[data-node]')].map((c) => c.getAttribute('data-node'));
    expect(cards).toEqual(['CUT', 'JOIN', 'PACK']);
    const cut = document.querySelector('[data-node="CUT"]') as HTMLElement;
    expect(cut.querySelector('[data-count="ready"] dd')?.textContent).toBe('25');
    expect(cut.querySelector('[data-count="active"] dd')?.textContent).toBe('2');
    expect(cut.textContent).toContain('Blocked: over 20 ready');
    expect(document.querySelector('[data-node="PACK"]')?.textContent).toContain('Starved: nothing ready');
    expect(document.querySelector('[data-node="JOIN"] [data-count="waiting"] dd')?.textContent).toBe('4');
    expect(document.querySelector('[data-completeness]')?.textContent).toBe(
      '2 stations hold 41 unsent events: figures may still change · 1 station is not reporting',
    );
  });

  it('SV-17: a node with a target shows the hour’s units done against it, “12 / 30”; one without, the units alone', async () => {
    setup({ boards: [{ ok: true, value: board() }] });
    await settle();
    // "12 / 30" is held together by no-break spaces.
    const cut = document.querySelector('[data-node="CUT"] .wall-line')?.textContent ?? '';
    expect(cut.replace(/\s+/g, ' ')).toContain('12 / 30 done this hour');
    expect(document.querySelector('[data-node="PACK"] .wall-line')?.textContent).toContain(
      '0 done this hour',
    );
    expect(document.querySelector('[data-node="PACK"] .wall-line')?.textContent).not.toContain('/');
  });

  it('SV-66: a live clock, HH:MM:SS, ticking each second', async () => {
    const { clock } = setup({ boards: [{ ok: true, value: board() }] });
    await settle();
    const shown = () => document.querySelector('[data-wall-clock]')?.textContent ?? '';
    const first = shown();
    expect(first).toMatch(/^\d\d:\d\d:\d\d$/);
    await act(() => clock.advance(1000));
    expect(shown()).not.toBe(first);
    expect(shown()).toMatch(/:01$/);
  });

  it('SV-64: a change on the stream refetches the board and the figures move', async () => {
    const { sources, clock, calls } = setup({
      boards: [
        { ok: true, value: board(5, 3) },
        { ok: true, value: board(6, 4) },
      ],
    });
    await settle();
    const source = sources[0] as FakeSource;
    source.emit('ready', { cursor: 5, heartbeatMs: 15000 });
    source.emit('changes', {
      cursor: 6,
      changes: [{ cursor: 6, kind: 'token', ref: 1, code: 'BV-1', node: 'CUT', status: 'ready', graph: 1 }],
    });
    await act(() => clock.advance(1000));
    await settle();
    expect(calls.board).toBe(2);
    expect(document.querySelector('[data-node="CUT"] [data-count="ready"] dd')?.textContent).toBe('4');
    expect(screen.getByRole('status', { name: '' }).textContent).toMatch(/Live/);
  });

  it('SV-63: revoked while showing: the full-screen message in words, the stream closed, no more requests', async () => {
    const { sources, clock, calls } = setup({ boards: [{ ok: true, value: board() }, refusal('revoked')] });
    await settle();
    const source = sources[0] as FakeSource;
    // The server ended the stream and refused the reconnect: the browser gives up on it.
    source.readyState = 2;
    source.emit('error');
    await act(() => clock.advance(1000));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe(
      'This display has been revoked.Ask an admin for a new link.',
    );
    expect(source.closed).toBe(true);
    const asked = calls.board;
    await act(() => clock.advance(120_000));
    await settle();
    expect(calls.board).toBe(asked);
    expect(sources).toHaveLength(1);
  });

  it('SV-63: a revoked link says so at sign-in; an unknown one (or none) says there is no valid link', async () => {
    setup({
      boards: [{ ok: true, value: board() }],
      hash: `#display=${SECRET}`,
      session: refusal('revoked'),
    });
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('This display has been revoked.');
    cleanup();
    const { calls } = setup({ boards: [refusal('unknown')] });
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('This screen has no valid display link.');
    expect(calls.board).toBe(1);
  });

  it('SV-66: ?lang=th speaks Thai (Gregorian clock, Thai words)', async () => {
    setup({ boards: [{ ok: true, value: board() }], search: '?lang=th' });
    await settle();
    expect(document.querySelector('[data-node="CUT"] [data-count="ready"] dt')?.textContent).toBe('พร้อมทำ');
    expect(screen.getByText('เส้นทางการผลิต 1 จาก 3')).toBeTruthy();
  });

  it('SV-66: lays the cards out to fill a landscape screen', () => {
    expect(gridOf(4)).toEqual({ cols: 4, rows: 1 });
    expect(gridOf(8)).toEqual({ cols: 4, rows: 2 });
    expect(gridOf(5)).toEqual({ cols: 3, rows: 2 });
    expect(gridOf(10)).toEqual({ cols: 4, rows: 3 });
  });
});
