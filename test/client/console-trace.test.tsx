// @vitest-environment happy-dom
/**
 * The console's trace page as a supervisor reads it, against a fake trace API: an unknown code said
 * in words; a ticket's serials and the codes that begin with the text as links; a serial's header,
 * genealogy (its parts, the components bound into it, what it was bound into, each a link) and its
 * timeline across parts with event types, parked and held events and upstream state in words; a part
 * chosen shows only its events; a component's recall, empty said in words, unfinished ones on
 * request; live changes to a serial on the page refetch it, others do not; a 401 signs out.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveChange } from '../../shared/live-api';
import type { RecallRow, SerialTrace, TimelineEvent, TraceSearch } from '../../shared/trace-api';
import type { Answer } from '../../client/console/api';
import type { Recall, TraceApi } from '../../client/console/api/trace';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import { TRACE_REFRESH_MS, TraceModel } from '../../client/console/models/trace-model';
import type { PageProps } from '../../client/console/page';
import type { ConsolePage } from '../../client/console/router';
import { TracePage, TraceResult } from '../../client/console/views/trace';
import { useModel } from '../../client/state/use-model';
import { FakeClock } from './support/fake-clock';

const t = consoleEn.trace;

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => cleanup());

const NONE: TraceSearch = {
  query: '',
  serials: [],
  tickets: [],
  components: [],
  message: null,
  code: null,
};

function event(id: string, fields: Partial<TimelineEvent>): TimelineEvent {
  return {
    id,
    origin: 'station',
    type: 'start',
    status: 'applied',
    branch: null,
    nodeCode: 'CUT',
    station: 'WC-CUT-1',
    seq: 1,
    operatorBadge: 'OP-0001',
    operatorName: 'Operator 1',
    occurredAt: '2026-12-01T07:00:00.000Z',
    occurredAtCorrected: '2026-12-01T07:00:02.000Z',
    receivedAt: '2026-12-01T07:00:03.000Z',
    appliedAt: '2026-12-01T07:00:03.000Z',
    upstream: 'forwarded',
    qty: null,
    reasonCode: null,
    reason: null,
    componentSerial: null,
    note: null,
    data: {},
    archived: false,
    ...fields,
  };
}

const TRACE: SerialTrace = {
  serial: {
    code: 'BV-1',
    ticket: 'TOTE-7',
    product: 'Tote bag',
    routing: { code: 'BAG-TOTE', version: 2 },
    nodeCode: 'PACK',
    status: 'active',
    finished: false,
  },
  genealogy: {
    members: [
      {
        branch: null,
        parentBranch: null,
        isRoot: true,
        siblings: [],
        nodeCode: 'PACK',
        status: 'active',
        qty: 1,
        since: '2026-12-01T07:20:00Z',
        joinedInto: null,
        children: ['BODY', 'STRAP'],
      },
      ...(['BODY', 'STRAP'] as const).map((branch) => ({
        branch,
        parentBranch: null,
        isRoot: false,
        siblings: [branch === 'BODY' ? 'STRAP' : 'BODY'],
        nodeCode: 'JOIN',
        status: 'completed' as const,
        qty: 1,
        since: '2026-12-01T07:15:00Z',
        joinedInto: { nodeCode: 'JOIN', branch: null, at: '2026-12-01T07:15:00Z' },
        children: [],
      })),
    ],
    components: [
      {
        componentSerial: 'HIDE-42',
        branch: 'BODY',
        boundAt: '2026-12-01T07:05:00Z',
        nodeCode: 'EDGE',
        station: 'WC-EDGE-1',
        operatorBadge: 'OP-0002',
      },
    ],
    boundInto: [{ serial: 'CRATE-9', branch: null, boundAt: '2026-12-01T07:25:00Z' }],
  },
  events: [
    event('e1', { type: 'start' }),
    event('e2', { type: 'split', origin: 'system', station: null, operatorBadge: null, operatorName: null }),
    event('e3', {
      type: 'bind_component',
      branch: 'BODY',
      nodeCode: 'EDGE',
      station: 'WC-EDGE-1',
      componentSerial: 'HIDE-42',
      upstream: 'pending',
    }),
    event('e4', {
      type: 'complete',
      branch: 'STRAP',
      nodeCode: 'STITCH',
      station: 'WC-STITCH-1',
      appliedAt: '2026-12-01T07:09:00.000Z',
      note: 'Thread re-run',
    }),
    event('e5', { type: 'pause', branch: 'BODY', nodeCode: 'EDGE', status: 'parked', upstream: 'not-sent' }),
    event('e6', {
      type: 'join',
      origin: 'system',
      nodeCode: 'JOIN',
      station: null,
      operatorBadge: null,
      operatorName: null,
      occurredAtCorrected: '2026-12-02T00:10:00.000Z',
    }),
  ],
};

function recallRow(serial: string, finished: boolean): RecallRow {
  return {
    componentSerial: 'HIDE-42',
    depth: 1,
    serial,
    ticket: 'TOTE-7',
    product: 'Tote bag',
    routing: 'BAG-TOTE',
    status: finished ? 'completed' : 'active',
    finished,
    finishedAt: finished ? '2026-12-01T07:40:00Z' : null,
    nodeCode: 'PACK',
    boundOnBranch: 'BODY',
    boundAt: '2026-12-01T07:05:00Z',
    boundAtNode: 'EDGE',
    boundByStation: 'WC-EDGE-1',
    boundByOperator: 'OP-0002',
  };
}

const ok = <T,>(value: T): Promise<Answer<T>> => Promise.resolve({ ok: true, value });
const fail = <T,>(status: number): Promise<Answer<T>> =>
  Promise.resolve({ ok: false, failure: { status, retryAfterSeconds: null } });

/** Answers from tables; records every request. */
class FakeTraceApi implements TraceApi {
  asked: string[] = [];
  searches = new Map<string, TraceSearch>();
  traces = new Map<string, SerialTrace>();
  recalls = new Map<string, RecallRow[]>();
  status: number | null = null;

  search(query: string) {
    this.asked.push(`search ${query}`);
    if (this.status !== null) return fail<TraceSearch>(this.status);
    return ok(
      this.searches.get(query) ?? {
        ...NONE,
        query,
        code: 'TRACE_NOT_FOUND' as const,
        message: `Nothing on this site has the serial, ticket or component serial "${query}"`,
      },
    );
  }
  serial(code: string) {
    this.asked.push(`serial ${code}`);
    const trace = this.traces.get(code);
    return trace ? ok(trace) : fail<SerialTrace>(404);
  }
  recall(component: string, all: boolean) {
    this.asked.push(`recall ${component}${all ? ' all' : ''}`);
    const rows = (this.recalls.get(component) ?? []).filter((r) => all || r.finished);
    return ok<Recall>({ component, all, tokens: rows });
  }
}

function demoApi(): FakeTraceApi {
  const api = new FakeTraceApi();
  api.searches.set('BV-1', {
    ...NONE,
    query: 'BV-1',
    serials: [
      {
        code: 'BV-1',
        ticket: 'TOTE-7',
        routing: 'BAG-TOTE',
        nodeCode: 'PACK',
        status: 'active',
        exact: true,
      },
      {
        code: 'BV-10',
        ticket: 'TOTE-7',
        routing: 'BAG-TOTE',
        nodeCode: 'CUT',
        status: 'ready',
        exact: false,
      },
    ],
  });
  api.traces.set('BV-1', TRACE);
  api.searches.set('TOTE-7', {
    ...NONE,
    query: 'TOTE-7',
    tickets: [
      {
        code: 'TOTE-7',
        product: 'Tote bag',
        qty: 30,
        routing: 'BAG-TOTE',
        serialCount: 30,
        serials: ['BV-1', 'BV-2', 'BV-3'],
        exact: true,
      },
    ],
  });
  api.searches.set('HIDE-42', {
    ...NONE,
    query: 'HIDE-42',
    components: [
      {
        componentSerial: 'HIDE-42',
        serial: 'BV-1',
        branch: 'BODY',
        boundAt: '2026-12-01T07:05:00Z',
        exact: true,
      },
    ],
  });
  // BV-1 holds it; BV-9 holds BV-1 as a sub-assembly.
  api.recalls.set('HIDE-42', [
    recallRow('BV-1', false),
    { ...recallRow('BV-9', false), depth: 2, componentSerial: 'BV-1', boundOnBranch: null },
  ]);
  return api;
}

function View(props: { model: TraceModel }) {
  const model = props.model;
  return (
    <TraceResult
      state={useModel(model)}
      onPart={(part) => model.showPart(part)}
      onAll={(all) => void model.showAll(all)}
      onRetry={() => undefined}
    />
  );
}

async function opened(api: FakeTraceApi, text: string, clock = new FakeClock()): Promise<TraceModel> {
  const model = new TraceModel(api, () => undefined, clock);
  await act(() => model.open(text));
  render(<View model={model} />);
  return model;
}

const links = (root: ParentNode = document) =>
  [...root.querySelectorAll('a[data-trace-link]')].map((a) => [a.textContent, a.getAttribute('href')]);
const rows = () => [...document.querySelectorAll('tr[data-event]')] as HTMLElement[];
const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent);

describe('the trace page', () => {
  it('SV-36: a code nothing has is said so in words, not as an error', async () => {
    await opened(demoApi(), 'BV-9999');
    expect(screen.getByRole('status').textContent).toBe(t.notFound({ query: 'BV-9999' }));
    expect(screen.getByRole('status').textContent).toMatch(
      /^No serial, ticket or component serial BV-9999 on this site/,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('SV-36: a ticket lists its serials as links that trace them', async () => {
    await opened(demoApi(), ' TOTE-7 ');
    expect(screen.getByRole('heading', { name: t.ticketHeading({ code: 'TOTE-7' }) })).toBeTruthy();
    expect(screen.getByText(t.ticketSerials({ shown: 3, total: 30 }))).toBeTruthy();
    expect(links()).toEqual([
      ['BV-1', '#/trace/BV-1'],
      ['BV-2', '#/trace/BV-2'],
      ['BV-3', '#/trace/BV-3'],
    ]);
  });

  it('SV-37: a serial’s header and its timeline across its parts, in words', async () => {
    const api = demoApi();
    await opened(api, 'BV-1');
    expect(api.asked).toEqual(['search BV-1', 'serial BV-1']);
    const header = document.querySelector('.trace-header') as HTMLElement;
    const field = (name: string) => header.querySelector(`[data-field="${name}"] dd`)?.textContent;
    expect(field('ticket')).toBe('TOTE-7');
    expect(field('routing')).toBe('BAG-TOTE, version 2');
    expect(field('status')).toBe(consoleEn.words.status.active);
    expect(field('where')).toBe('PACK');
    expect(rows().map((r) => r.dataset['part'])).toEqual(['', '', 'BODY', 'STRAP', 'BODY', '']);
    const [start, split, bind, complete, pause, join] = rows() as [HTMLElement, ...HTMLElement[]];
    expect(cells(start)).toEqual([
      'Start',
      t.serialItself,
      'CUT',
      'WC-CUT-1',
      'Operator 1 (OP-0001)',
      '07:00:00',
      '07:00:02',
      '07:00:03',
      t.upstream.forwarded,
    ]);
    expect(cells(split!).slice(0, 5)).toEqual([
      'Split into parts',
      t.serialItself,
      'CUT',
      t.edgeServer,
      t.nobody,
    ]);
    expect(cells(bind!)[0]).toBe('Bind component' + t.component({ code: 'HIDE-42' }));
    expect(cells(bind!)[8]).toBe(t.upstream.pending);
    expect(cells(complete!)[0]).toBe(
      'Complete' + t.appliedLater({ time: '07:09:00' }) + t.note({ text: 'Thread re-run' }),
    );
    expect(cells(pause!)[0]).toBe('Pause' + t.eventStatus.parked);
    expect(cells(pause!)[8]).toBe(t.upstream['not-sent']);
    // A new day (of the corrected time) gets its heading; a time on another day carries its date.
    expect(document.querySelectorAll('tr.trace-day')).toHaveLength(2);
    expect(cells(join!)[0]).toBe('Parts joined');
    expect(cells(join!)[6]).toBe('00:10:00');
    expect(cells(join!)[5]).toMatch(/1 Dec 2026/);
    // Each cell carries its label for the phone's stacked rows.
    expect([...start.querySelectorAll('td')].map((td) => td.dataset['label'])).toEqual(
      Object.values(t.column),
    );
    const downloads = [...document.querySelectorAll('a[download]')].map((a) => a.getAttribute('href'));
    expect(downloads).toEqual([
      '/api/v1/supervisor/trace/serials/BV-1/timeline.csv',
      '/api/v1/supervisor/trace/serials/BV-1/timeline.json',
    ]);
  });

  it('SV-38: genealogy backward and forward: parts, components bound in, what it was bound into, each a link', async () => {
    await opened(demoApi(), 'BV-1');
    const member = (branch: string) => document.querySelector(`[data-member="${branch}"]`) as HTMLElement;
    expect(within(member('')).getByText(t.noParent)).toBeTruthy();
    expect(
      [...member('').querySelectorAll('[data-field="children"] button')].map((b) => b.textContent),
    ).toEqual(['BODY', 'STRAP']);
    expect(member('BODY').querySelector('[data-field="parent"] button')?.textContent).toBe(t.serialItself);
    expect(member('BODY').querySelector('[data-field="siblings"]')?.textContent).toContain('STRAP');
    expect(member('BODY').querySelector('[data-joined]')?.textContent).toMatch(/^Joined into BV-1 at JOIN, /);
    expect(links(document.querySelector('[data-components]') as HTMLElement)).toEqual([
      ['HIDE-42', '#/trace/HIDE-42'],
    ]);
    expect(document.querySelector('[data-components]')?.textContent).toContain(
      'On Part BODY at EDGE, WC-EDGE-1, by OP-0002',
    );
    expect(links(document.querySelector('[data-bound-into]') as HTMLElement)).toEqual([
      ['CRATE-9', '#/trace/CRATE-9'],
    ]);
    // The serial's ticket and a code that begins with the text are links too.
    expect(links()).toEqual(
      expect.arrayContaining([
        ['TOTE-7', '#/trace/TOTE-7'],
        ['BV-10', '#/trace/BV-10'],
      ]),
    );
  });

  it('SV-38: a part chosen in the genealogy shows only its events; every part again from the list', async () => {
    await opened(demoApi(), 'BV-1');
    const body = document.querySelector('[data-member=""] [data-part-button="BODY"]') as HTMLElement;
    expect(body.getAttribute('aria-label')).toBe(t.showPart({ part: t.part({ part: 'BODY' }) }));
    await act(() => {
      fireEvent.click(body);
    });
    expect(rows().map((r) => r.dataset['event'])).toEqual(['e3', 'e5']);
    expect(screen.getByText(t.eventCount({ n: 2 }))).toBeTruthy();
    const select = screen.getByLabelText<HTMLSelectElement>(t.eventsOf);
    await act(() => {
      fireEvent.change(select, { target: { value: '*' } });
    });
    expect(rows()).toHaveLength(6);
  });

  it('SV-39: a component serial opens its recall: none finished is said in words; unfinished ones on request', async () => {
    const api = demoApi();
    const model = await opened(api, 'HIDE-42');
    expect(screen.getByRole('heading', { name: t.recallHeading({ component: 'HIDE-42' }) })).toBeTruthy();
    expect(document.querySelector('[data-recall-empty]')?.textContent).toBe(
      `${t.recallNone({ component: 'HIDE-42' })} ${t.recallUnfinishedHint}`,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(links()).toEqual([['BV-1', '#/trace/BV-1']]); // where it was bound
    const hrefs = () => [...document.querySelectorAll('a[download]')].map((a) => a.getAttribute('href'));
    expect(hrefs()).toEqual([
      '/api/v1/supervisor/trace/recall.csv?component=HIDE-42',
      '/api/v1/supervisor/trace/recall.json?component=HIDE-42',
    ]);
    await act(() => {
      fireEvent.click(screen.getByLabelText(t.includeUnfinished));
    });
    await act(() => Promise.resolve());
    expect(model.get()).toMatchObject({ recall: { all: true, result: { kind: 'ready' } } });
    expect(api.asked).toEqual(['search HIDE-42', 'recall HIDE-42', 'recall HIDE-42 all']);
    const row = document.querySelector('[data-recall-serial="BV-1"]') as HTMLElement;
    expect(cells(row)[3]).toBe(t.notFinished);
    expect(cells(row)[4]).toMatch(/^Part BODY at EDGE, /);
    const holder = document.querySelector('[data-recall-serial="BV-9"]') as HTMLElement;
    expect(cells(holder)[0]).toBe(`BV-9 ${t.recallThrough({ serial: 'BV-1' })}`);
    expect(cells(row)[0]).toBe('BV-1');
    expect(hrefs()[0]).toBe('/api/v1/supervisor/trace/recall.csv?component=HIDE-42&all');
  });

  it('SV-39: a component bound nowhere finished, asked for all, is an empty list said in words', async () => {
    const api = demoApi();
    api.recalls.set('HIDE-42', []);
    const model = await opened(api, 'HIDE-42');
    await act(() => model.showAll(true));
    expect(document.querySelector('[data-recall-empty]')?.textContent).toBe(
      t.recallNoneAll({ component: 'HIDE-42' }),
    );
    expect(document.querySelector('table')).toBeNull();
  });

  it('SV-39: a live change to the traced serial refetches it (at most once a second); other serials do not', async () => {
    const api = demoApi();
    const clock = new FakeClock();
    const model = await opened(api, 'BV-1', clock);
    const change = (code: string): LiveChange => ({
      cursor: 1,
      kind: 'token',
      ref: 1,
      code,
      node: 'PACK',
      status: 'completed',
      graph: 1,
    });
    api.asked = [];
    model.changed([change('BV-2')]);
    expect(api.asked).toEqual([]);
    const grown = {
      ...TRACE,
      events: [...TRACE.events, event('e7', { type: 'complete', nodeCode: 'PACK' })],
    };
    api.traces.set('BV-1', grown);
    await act(async () => {
      model.changed([change('BV-1')]);
      await Promise.resolve();
    });
    await act(async () => {
      model.changed([change('BV-1')]);
      clock.advance(TRACE_REFRESH_MS);
      await Promise.resolve();
    });
    expect(api.asked).toEqual(['serial BV-1', 'serial BV-1']);
    expect(rows()).toHaveLength(7);
  });
});

describe('the trace page in the console', () => {
  function page(api: TraceApi, param: string | null, signedOut = () => {}) {
    const went: [ConsolePage, string | null | undefined][] = [];
    const props: PageProps = {
      fetcher: () => Promise.reject(new Error('no network in this test')),
      session: { username: 'sup', role: 'supervisor', expiresAt: '2026-12-01T19:00:00Z' },
      bus: new LiveBus(),
      clock: new FakeClock(),
      param,
      go: (p, text) => went.push([p, text]),
      signedOut,
    };
    return { props, went, view: render(<TracePage {...props} api={api} />) };
  }

  it('SV-36: the search box holds the address’s text and searching opens #/trace/<text>', async () => {
    const api = demoApi();
    const { props, went, view } = page(api, 'BV-1');
    const input = screen.getByLabelText<HTMLInputElement>(t.searchLabel);
    expect(input.value).toBe('BV-1');
    await screen.findByRole('heading', { name: t.serialHeading({ code: 'BV-1' }) });
    fireEvent.input(input, { target: { value: '  HIDE-42 ' } });
    fireEvent.submit(input.form as HTMLFormElement);
    expect(went).toEqual([['trace', 'HIDE-42']]);
    // The shell answers go() with the new parameter.
    view.rerender(<TracePage {...props} param="HIDE-42" api={api} />);
    await screen.findByRole('heading', { name: t.recallHeading({ component: 'HIDE-42' }) });
    expect(screen.getByLabelText<HTMLInputElement>(t.searchLabel).value).toBe('HIDE-42');
  });

  it('SV-36: without a text the page says what it does; a 401 signs out', async () => {
    page(demoApi(), null);
    expect(screen.getByText(t.intro)).toBeTruthy();
    cleanup();
    const api = demoApi();
    api.status = 401;
    let out = 0;
    page(api, 'BV-1', () => (out += 1));
    await act(() => Promise.resolve());
    expect(out).toBe(1);
  });
});
