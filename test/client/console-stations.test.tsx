// @vitest-environment happy-dom
/**
 * The console's stations page as a shift lead reads it (SV-44 … SV-47): a card per station with
 * its state in words (grey "not reporting" with the time since its last contact), unsent events
 * and the oldest, refused events, lost device data, a flagged clock in words, app version and
 * storage; a station turning quiet as time passes without a reload (a hand-driven clock, the
 * answer's threshold); stations needing attention first, by name within; a live station change
 * refetching the page (throttled); Thai; a 401 signing out.
 */
import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StationHealth, StationsHealth } from '../../shared/supervisor-api';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import { REFRESH_MS, TICK_MS } from '../../client/console/models/stations-model';
import type { PageProps } from '../../client/console/page';
import { StationsPage } from '../../client/console/views/stations';
import { FakeClock } from './support/fake-clock';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

const NOW = '2026-12-01T07:30:00.000Z';
const ago = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();

function station(name: string, fields: Partial<StationHealth> = {}): StationHealth {
  return {
    name,
    workCenter: `WC-${name}`,
    nodes: [],
    enrolledAt: ago(86_400),
    revoked: false,
    lastSeenAt: ago(10),
    secondsSinceSeen: 10,
    lastContactAt: ago(10),
    secondsSinceContact: 10,
    state: 'reporting',
    lastSeq: 12,
    clockSkewMs: 1200,
    clockSkewFlagged: false,
    parkedEvents: 0,
    seqGaps: [],
    report: {
      reportedAt: ago(10),
      appVersion: 'build Ab12Cd34',
      pending: 0,
      oldestPendingAt: null,
      refusedCount: 0,
      storage: { usedBytes: 12.5 * 1024 * 1024, quotaBytes: 2 * 1024 ** 3 },
      onlineSince: ago(3600),
    },
    ...fields,
  };
}

function answer(stations: StationHealth[]): StationsHealth {
  return { generatedAt: NOW, quietAfterSeconds: 120, clockSkewThresholdSeconds: 120, stations };
}

function page(answers: (StationsHealth | number)[], clock = new FakeClock()) {
  const asked: string[] = [];
  const fetcher = vi.fn((url: string) => {
    asked.push(url);
    const next = answers.length > 1 ? answers.shift() : answers[0];
    const res =
      typeof next === 'number'
        ? new Response('{}', { status: next })
        : new Response(JSON.stringify(next), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
    return Promise.resolve(res);
  }) as unknown as typeof fetch;
  const bus = new LiveBus();
  const signedOut = vi.fn();
  const props: PageProps = {
    fetcher,
    session: { username: 'supervisor', role: 'supervisor', expiresAt: NOW },
    bus,
    clock,
    param: null,
    go: () => {},
    signedOut,
  };
  return { props, asked, bus, clock, signedOut };
}

/** Lets the page's fetch answer and render. */
const settle = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));
const card = (name: string) => document.querySelector(`[data-station="${name}"]`) as HTMLElement;
const fact = (name: string, what: string) =>
  card(name).querySelector(`[data-fact="${what}"] dd`)?.textContent;
const order = () =>
  [...document.querySelectorAll('[data-station]')].map((c) => c.getAttribute('data-station'));

describe('the stations page', () => {
  it('SV-46: a card per station: state in words, unsent and the oldest, refused, lost device data, clock, version, storage', async () => {
    const p = page([
      answer([
        station('WC-CUT-1', {
          report: {
            ...station('x').report!,
            pending: 41,
            oldestPendingAt: ago(25 * 60),
            refusedCount: 2,
          },
          seqGaps: [{ fromSeq: 13, toSeq: 15, missing: 3, detectedAt: ago(60) }],
          clockSkewMs: -190_000,
          clockSkewFlagged: true,
        }),
        station('WC-SEW-1', {
          lastContactAt: ago(12 * 60),
          secondsSinceContact: 12 * 60,
          state: 'quiet',
        }),
        station('WC-QC-1', {
          lastSeenAt: null,
          lastContactAt: null,
          secondsSinceContact: null,
          state: 'never',
          report: null,
          clockSkewMs: null,
        }),
      ]),
    ]);
    render(<StationsPage {...p.props} />);
    await settle();
    expect(document.querySelector('[data-stations-summary]')?.textContent).toBe(
      '3 stations: 1 reporting, 1 not reporting, 1 never reported',
    );
    const cut = card('WC-CUT-1');
    expect(cut.dataset.state).toBe('reporting');
    expect(cut.textContent).toContain('Work center WC-WC-CUT-1');
    expect(cut.querySelector('[data-station-state]')?.textContent).toBe('Reporting · last contact 10 s ago');
    expect(cut.textContent).toContain(consoleEn.stations.attention);
    expect(fact('WC-CUT-1', 'unsent')).toBe(
      '41 events, oldest from 07:05:00 · Old events are not getting out',
    );
    expect(fact('WC-CUT-1', 'refused')).toBe('2 events: see Exceptions');
    expect(fact('WC-CUT-1', 'gaps')).toBe('3 events never arrived (seq 13–15)');
    expect(fact('WC-CUT-1', 'clock')).toBe('3 min slow: set the tablet’s clock');
    expect(fact('WC-CUT-1', 'version')).toBe('build Ab12Cd34');
    expect(fact('WC-CUT-1', 'storage')).toBe('12.5 MB used of 2 GB (1%)');

    const sew = card('WC-SEW-1');
    expect(sew.dataset.state).toBe('quiet');
    expect(sew.className).toContain('station-quiet');
    expect(sew.querySelector('[data-station-state]')?.textContent).toBe(
      'Not reporting · last contact 12 min ago',
    );
    expect(fact('WC-SEW-1', 'clock')).toBe('On time (off by 1 s)');

    const qc = card('WC-QC-1');
    expect(qc.querySelector('[data-station-state]')?.textContent).toBe(consoleEn.stations.state.never);
    // Never heard from: one line, not a list of unknowns.
    expect(qc.textContent).toContain(consoleEn.stations.noData);
    expect(qc.querySelector('[data-fact]')).toBeNull();
  });

  it('SV-47: a station turns grey "not reporting" as time passes, without a reload, by the answer’s threshold', async () => {
    const p = page([answer([station('WC-CUT-1', { lastContactAt: ago(100), secondsSinceContact: 100 })])]);
    render(<StationsPage {...p.props} />);
    await settle();
    expect(card('WC-CUT-1').dataset.state).toBe('reporting');
    await act(() => p.clock.advance(TICK_MS * 3)); // 115 s: still within 120 s
    expect(card('WC-CUT-1').dataset.state).toBe('reporting');
    await act(() => p.clock.advance(TICK_MS * 2)); // 125 s
    expect(card('WC-CUT-1').dataset.state).toBe('quiet');
    expect(card('WC-CUT-1').querySelector('[data-station-state]')?.textContent).toBe(
      'Not reporting · last contact 2 min ago',
    );
    expect(p.asked).toHaveLength(1);
  });

  it('SV-46: stations needing attention first, then reporting, never heard from, revoked; by name within each, whatever the answer’s order', async () => {
    const p = page([
      answer([
        station('A-REVOKED', { revoked: true, state: 'quiet' }),
        station('B-NEVER', { lastContactAt: null, secondsSinceContact: null, state: 'never', report: null }),
        station('C-FINE'),
        station('D-QUIET', { lastContactAt: ago(600), secondsSinceContact: 600, state: 'quiet' }),
        station('E-FINE'),
        station('F-GAPS', { seqGaps: [{ fromSeq: 3, toSeq: 3, missing: 1, detectedAt: NOW }] }),
      ]),
    ]);
    render(<StationsPage {...p.props} />);
    await settle();
    expect(order()).toEqual(['D-QUIET', 'F-GAPS', 'C-FINE', 'E-FINE', 'B-NEVER', 'A-REVOKED']);
    expect(card('A-REVOKED').querySelector('[data-station-state]')?.textContent).toContain(
      consoleEn.stations.state.revoked,
    );
  });

  it('SV-45: station contact in the live stream refetches the page, at most once per interval', async () => {
    const first = answer([
      station('WC-CUT-1', { lastContactAt: ago(600), secondsSinceContact: 600, state: 'quiet' }),
    ]);
    const second = answer([station('WC-CUT-1')]);
    const p = page([first, second]);
    render(<StationsPage {...p.props} />);
    await settle();
    expect(card('WC-CUT-1').dataset.state).toBe('quiet');
    const change = {
      cursor: 9,
      kind: 'station' as const,
      ref: 1,
      code: 'WC-CUT-1',
      node: null,
      status: null,
      graph: null,
    };
    await act(() => {
      p.bus.publish({ cursor: 9, changes: [change] });
      p.bus.publish({ cursor: 10, changes: [{ ...change, cursor: 10 }] });
    });
    await act(() => p.clock.advance(REFRESH_MS));
    await settle();
    expect(p.asked).toHaveLength(2);
    expect(card('WC-CUT-1').dataset.state).toBe('reporting');
    // Token changes are not this page's.
    await act(() => p.bus.publish({ cursor: 11, changes: [{ ...change, cursor: 11, kind: 'token' }] }));
    await act(() => p.clock.advance(REFRESH_MS * 4));
    expect(p.asked).toHaveLength(2);
  });

  it('SV-9, SV-46: speaks Thai; a 401 signs out', async () => {
    consoleLanguage.choose('th');
    const p = page([
      answer([station('WC-SEW-1', { lastContactAt: ago(720), secondsSinceContact: 720, state: 'quiet' })]),
    ]);
    render(<StationsPage {...p.props} />);
    await settle();
    expect(document.querySelector('h2')?.textContent).toBe(consoleTh.stations.heading);
    expect(card('WC-SEW-1').querySelector('[data-station-state]')?.textContent).toBe(
      `${consoleTh.stations.state.quiet} · ${consoleTh.stations.lastContact({ ago: consoleTh.duration.minutes({ n: 12 }) })}`,
    );
    cleanup();
    const gone = page([401]);
    render(<StationsPage {...gone.props} />);
    await settle();
    expect(gone.signedOut).toHaveBeenCalled();
  });
});
