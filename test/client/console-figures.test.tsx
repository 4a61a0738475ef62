// @vitest-environment happy-dom
/**
 * The console's shift figures page (SV-56) as a supervisor reads it, with a fake API and a fake
 * chart module: every number in tables and words (units per hour, first-pass yield with its passes
 * and total, scrap and rework, waiting work by age), the chart given one series per work node with
 * hours still to come left empty, token changes refetching at most once per 5 s, paging to the
 * previous shift and back, and Thai words.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FiguresNode, ShiftFigures } from '../../shared/figures-api';
import type { Answer } from '../../client/console/api';
import type { FiguresApi, FiguresQuery } from '../../client/console/api/figures';
import { figuresQuery } from '../../client/console/api/figures';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import { REFRESH_MS } from '../../client/console/models/figures-model';
import type { ChartLoader } from '../../client/console/views/figures';
import { FiguresPage, hourLabel } from '../../client/console/views/figures';
import type { ChartInput } from '../../client/console/views/figures-chart';
import { FakeClock } from './support/fake-clock';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => cleanup());

const HOURS = [
  '2026-12-01T06:00:00Z',
  '2026-12-01T07:00:00Z',
  '2026-12-01T08:00:00Z',
  '2026-12-01T09:00:00Z',
  '2026-12-01T10:00:00Z',
];

function node(code: string, fields: Partial<FiguresNode> = {}): FiguresNode {
  const throughput = fields.throughput ?? HOURS.map(() => ({ completions: 0, units: 0 }));
  return {
    code,
    name: `Step ${code}`,
    type: 'operation',
    workCenter: `WC-${code}`,
    qc: false,
    throughput,
    done: throughput.reduce(
      (s, h) => ({ completions: s.completions + h.completions, units: s.units + h.units }),
      {
        completions: 0,
        units: 0,
      },
    ),
    firstPass: null,
    scrap: { count: 0, units: 0 },
    rework: { count: 0, units: 0 },
    wip: { buckets: [0, 0, 0, 0, 0], tokens: 0, oldestSince: null },
    ...fields,
  };
}

const perHour = (...units: number[]) => units.map((u) => ({ completions: u, units: u }));

function figures(fields: Partial<ShiftFigures> = {}): ShiftFigures {
  return {
    generatedAt: '2026-12-01T09:30:00.000Z',
    shiftStart: '2026-12-01T06:00:00.000Z',
    shiftEnd: '2026-12-01T11:00:00.000Z',
    current: true,
    previousShiftStart: '2026-12-01T01:00:00.000Z',
    hours: HOURS,
    ageLimitsMinutes: [15, 60, 240, 480],
    filters: { routing: null },
    routings: [
      {
        code: 'BAG',
        version: 1,
        name: 'Bag',
        nodes: [
          node('CUT', {
            throughput: perHour(4, 6, 5, 2, 0),
            scrap: { count: 1, units: 1 },
            wip: { buckets: [2, 1, 3, 0, 1], tokens: 7, oldestSince: '2026-11-30T23:30:00.000Z' },
          }),
          node('SPLIT', { type: 'split', workCenter: null }),
          node('QC', {
            qc: true,
            throughput: perHour(0, 1, 1, 1, 0),
            firstPass: { firstTime: 3, passed: 2, yield: 2 / 3 },
            rework: { count: 1, units: 1 },
          }),
        ],
      },
    ],
    ...fields,
  };
}

class FakeFiguresApi implements FiguresApi {
  calls: FiguresQuery[] = [];
  answer: ShiftFigures = figures();
  figures(query: FiguresQuery): Promise<Answer<ShiftFigures>> {
    this.calls.push(query);
    const answer = query.shift
      ? figures({
          current: false,
          shiftStart: query.shift,
          shiftEnd: '2026-12-01T06:00:00.000Z',
          previousShiftStart: '2026-11-30T21:00:00.000Z',
        })
      : this.answer;
    return Promise.resolve({ ok: true, value: answer });
  }
}

function setup() {
  const api = new FakeFiguresApi();
  const clock = new FakeClock('2026-12-01T09:30:00Z');
  const bus = new LiveBus();
  const drawn: ChartInput[] = [];
  const loadChart: ChartLoader = () =>
    Promise.resolve({
      drawThroughput: (_into: HTMLElement, input: ChartInput) => {
        drawn.push(input);
        return { resize: () => undefined, destroy: () => undefined };
      },
    });
  render(
    <FiguresPage
      fetcher={fetch}
      session={{ username: 'sup', role: 'supervisor', expiresAt: '2026-12-02T00:00:00Z' }}
      bus={bus}
      clock={clock}
      param={null}
      go={() => undefined}
      signedOut={() => undefined}
      api={api}
      loadChart={loadChart}
    />,
  );
  return { api, clock, bus, drawn };
}

const rowOf = (table: string, code: string): HTMLElement => {
  const row = document.querySelector<HTMLElement>(`[data-table="${table}"] tr[data-node="${code}"]`);
  if (!row) throw new Error(`no row ${code} in ${table}`);
  return row;
};
const cells = (row: HTMLElement): string[] => [...row.querySelectorAll('td')].map((c) => c.textContent ?? '');

describe('console shift figures', () => {
  it('SV-56: every figure is in a table or in words, the chart gets one series per work node', async () => {
    const { drawn } = setup();
    await screen.findByText('Units done per hour at each node (applied complete and QC pass)');
    // Hours after the answer's time are "not yet", not 0.
    expect(cells(rowOf('throughput', 'CUT'))).toEqual(['4', '6', '5', '2', 'not yet', '17']);
    expect(cells(rowOf('throughput', 'QC'))).toEqual(['0', '1', '1', '1', 'not yet', '3']);
    expect(document.querySelector('[data-table="throughput"] tr[data-node="SPLIT"]')).toBeNull();
    const headers = [...document.querySelectorAll('[data-table="throughput"] thead th')].map(
      (h) => h.textContent,
    );
    expect(headers).toEqual(['Node', ...HOURS.map((h) => hourLabel('en', h)), 'Shift total']);

    const fpy = document.querySelector<HTMLElement>('[data-fpy="QC"]');
    expect(fpy).not.toBeNull();
    expect(within(fpy as HTMLElement).getByText('67 %')).toBeTruthy();
    expect(within(fpy as HTMLElement).getByText('2 of 3 units passed at their first QC here')).toBeTruthy();
    expect(document.querySelector('[data-fpy="CUT"]')).toBeNull();

    expect(cells(rowOf('losses', 'CUT'))).toEqual(['1 time, 1 unit', 'none']);
    expect(cells(rowOf('losses', 'QC'))).toEqual(['none', '1 time, 1 unit']);

    expect(cells(rowOf('wip', 'CUT'))).toEqual(['2', '1', '3', '0', '1', '7', '10 h 0 min']);
    expect(screen.getByRole('columnheader', { name: '8 h or more' })).toBeTruthy();

    await waitFor(() => expect(drawn).toHaveLength(1));
    expect(document.querySelector('.chart-box')?.getAttribute('data-chart')).toBe('drawn');
    const input = drawn[0] as ChartInput;
    expect(input.series.map((s) => s.label)).toEqual(['Step CUT', 'Step QC']);
    expect(input.series[0]?.values).toEqual([4, 6, 5, 2, null]);
    expect(input.hours[0]).toBe(Date.parse(HOURS[0] as string) / 1000);
    expect(input.series[0]?.color).not.toBe(input.series[1]?.color);
    expect(screen.getByRole('img', { name: /Chart of units done per hour/ })).toBeTruthy();
  });

  it('SV-56: token changes refetch at most once per 5 s; other kinds do not', async () => {
    const { api, clock, bus } = setup();
    await screen.findByText('67 %');
    expect(api.calls).toHaveLength(1);
    const change = (kind: 'token' | 'conflict') =>
      bus.publish({ cursor: 2, changes: [{ kind, key: 'x', cursor: 2 }] } as never);
    await act(() => change('conflict'));
    expect(api.calls).toHaveLength(1);
    await act(() => {
      change('token');
      change('token');
    });
    expect(api.calls).toHaveLength(1);
    await act(() => clock.advance(REFRESH_MS));
    expect(api.calls).toHaveLength(2);
    await act(() => bus.reload());
    expect(api.calls).toHaveLength(2);
    await act(() => clock.advance(REFRESH_MS));
    expect(api.calls).toHaveLength(3);
  });

  it('SV-54: the previous shift and back; a routing filter goes to the server', async () => {
    const { api } = setup();
    await screen.findByText('This shift, so far');
    expect(screen.queryByRole('button', { name: 'Next shift' })).toBeNull();
    await act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Previous shift' }));
    });
    expect(api.calls.at(-1)).toEqual({ routing: null, shift: '2026-12-01T01:00:00.000Z' });
    await screen.findByText('An earlier shift');
    await act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Back to this shift' }));
    });
    expect(api.calls.at(-1)).toEqual({ routing: null, shift: null });
    await screen.findByText('This shift, so far');
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Routing' });
    await act(() => {
      fireEvent.change(select, { target: { value: 'BAG' } });
    });
    expect(api.calls.at(-1)).toEqual({ routing: 'BAG', shift: null });
    expect(figuresQuery({ routing: 'BAG', shift: '2026-12-01T01:00:00.000Z' })).toBe(
      '?routing=BAG&shift=2026-12-01T01%3A00%3A00.000Z',
    );
    expect(figuresQuery({ routing: null, shift: null })).toBe('');
  });

  it('SV-56: in Thai', async () => {
    consoleLanguage.choose('th');
    setup();
    await screen.findByText('ผ่าน QC ตั้งแต่ครั้งแรกที่นี่ 2 จาก 3 ชิ้น');
    expect(screen.getByRole('heading', { name: 'ตัวเลขประจำกะ' })).toBeTruthy();
    expect(cells(rowOf('losses', 'CUT'))).toEqual(['1 ครั้ง 1 ชิ้น', 'ไม่มี']);
    expect(screen.getByRole('columnheader', { name: '8 ชม. ขึ้นไป' })).toBeTruthy();
  });
});
