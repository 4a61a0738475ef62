// @vitest-environment happy-dom
/**
 * The job tickets page as an admin uses it (SPEC DK-28, DK-29): the routings from the board, the
 * pasted serials counted against the quantity, what the form alone can tell said beside its field,
 * the server's refusal said in words beside the field it names (English and Thai), a release
 * showing its serials and the list again, links to the labels page and the board, a token change
 * refetching the list, a 401 signing out.
 */
import { act, cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TicketSummary } from '../../shared/ticket-desk-api';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import type { ReleaseForm } from '../../client/console/models/tickets-model';
import {
  EMPTY_FORM,
  TICKETS_REFETCH_MS,
  buildRelease,
  refusalProblems,
} from '../../client/console/models/tickets-model';
import { TicketsPage } from '../../client/console/views/desk/tickets';
import { FakeClock } from './support/fake-clock';
import { adminPageProps, deskBoard } from './support/desk-fixtures';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

const NOW = '2026-12-01T07:30:00.000Z';

const BOARD = deskBoard(
  NOW,
  [
    { code: 'BAG-TOTE', version: 2, name: 'Tote (old)', nodes: [] },
    { code: 'BAG-TOTE', version: 3, name: 'Leather tote bag', nodes: [] },
    { code: 'WALLET-LINEAR', version: 1, name: 'Wallet', nodes: [] },
  ],
  { cursor: 7 },
);

function ticket(code: string, fields: Partial<TicketSummary> = {}): TicketSummary {
  return {
    code,
    routing: 'BAG-TOTE',
    routingVersion: 3,
    routingName: 'Leather tote bag',
    processMode: 'piece',
    qty: 20,
    product: 'Leather tote bag',
    createdAt: NOW,
    tokens: 20,
    done: 4,
    ...fields,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A server: GET board and tickets answer from `lists` (one per GET), POST from `releases`. */
function page(lists: TicketSummary[][], releases: Response[] = []) {
  const posted: unknown[] = [];
  const asked: string[] = [];
  const fetcher = vi.fn((url: string, init?: RequestInit) => {
    asked.push(`${init?.method ?? 'GET'} ${url}`);
    if (url.startsWith('/api/v1/supervisor/board')) return Promise.resolve(json(BOARD));
    if (url.startsWith('/api/v1/admin/serials/next')) {
      const q = new URL(url, 'http://edge').searchParams;
      const [prefix, qty] = [q.get('prefix') ?? '', Number(q.get('qty'))];
      const serial = (n: number) => `${prefix}${String(n).padStart(4, '0')}`;
      return Promise.resolve(json({ prefix, qty, first: serial(21), last: serial(20 + qty) }));
    }
    if (init?.method === 'POST') {
      posted.push(JSON.parse(init.body as string));
      return Promise.resolve(releases.shift() ?? json({}, 500));
    }
    const tickets = lists.length > 1 ? lists.shift() : lists[0];
    return Promise.resolve(json({ tickets, next: null }));
  }) as unknown as typeof fetch;
  const bus = new LiveBus();
  const clock = new FakeClock(NOW);
  const signedOut = vi.fn();
  const props = adminPageProps(fetcher, NOW, { bus, clock, signedOut });
  render(<TicketsPage {...props} />);
  return { posted, asked, bus, clock, signedOut };
}

const settle = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));
const $ = <T extends Element = HTMLInputElement>(selector: string) => document.querySelector(selector) as T;
const type = (selector: string, value: string) => fireEvent.input($(selector), { target: { value } });
const choose = (selector: string, value: string) =>
  fireEvent.change($<HTMLSelectElement>(selector), { target: { value } });
const problem = (field: string) => document.querySelector(`[data-problem="${field}"]`)?.textContent;
const submit = async () => {
  fireEvent.submit($('form.ticket-form'));
  await settle();
};

describe('the release form', () => {
  it('DK-28: the published routings from the board, latest version first; pasted serials counted against the quantity', async () => {
    page([[]]);
    await settle();
    const routings = [...document.querySelectorAll('select[name=routing] option')].map((o) => o.textContent);
    expect(routings).toEqual([
      consoleEn.tickets.routingChoose,
      'Leather tote bag (BAG-TOTE)',
      'Wallet (WALLET-LINEAR)',
    ]);
    choose('select[name=routing]', 'BAG-TOTE');
    const versions = [...document.querySelectorAll('select[name=version] option')].map((o) => o.textContent);
    expect(versions).toEqual(['Latest (v3)', 'v2']);
    type('input[name=qty]', '3');
    fireEvent.click($('input[name=source][value=paste]'));
    type('textarea[name=serials]', 'A-1\n\n  A-2  \n');
    expect($('#ticket-serials-hint').textContent).toBe('2 serials of 3');
    // The prefix hint shows what a generated serial looks like: the code and a dash by default.
    fireEvent.click($('input[name=source][value=generate]'));
    type('input[name=code]', 'TOTE-9');
    expect($('#ticket-prefix-hint').textContent).toContain('TOTE-9-0001');
  });

  it('DK-21, DK-28: once typing pauses, the hint says which serials the prefix gives next', async () => {
    const p = page([[]]);
    await settle();
    type('input[name=code]', 'TOTE-9');
    type('input[name=qty]', '20');
    type('input[name=serialPrefix]', 'BV-');
    expect(p.asked.filter((a) => a.includes('/serials/next'))).toEqual([]);
    await act(() => p.clock.advance(300));
    await settle();
    expect(p.asked.filter((a) => a.includes('/serials/next'))).toEqual([
      'GET /api/v1/admin/serials/next?prefix=BV-&qty=20',
    ]);
    expect($('#ticket-prefix-hint').textContent).toBe(
      consoleEn.tickets.previewHint({ n: 20, first: 'BV-0021', last: 'BV-0040' }),
    );
    // A changed quantity: the old preview is not shown for it.
    type('input[name=qty]', '2');
    expect($('#ticket-prefix-hint').textContent).toContain('BV-0001');
  });

  it('DK-29: what the form alone can tell is said beside its field, and nothing is sent', async () => {
    const p = page([[]]);
    await settle();
    type('input[name=qty]', '0');
    await submit();
    expect(problem('code')).toBe(consoleEn.tickets.needCode);
    expect(problem('routing')).toBe(consoleEn.tickets.needRouting);
    expect(problem('qty')).toBe(consoleEn.tickets.badQty);
    expect($('input[name=qty]').getAttribute('aria-invalid')).toBe('true');
    expect($('input[name=qty]').getAttribute('aria-describedby')).toBe('ticket-qty-problem');
    expect(p.posted).toEqual([]);
    // Typing in a field clears its problem only.
    type('input[name=qty]', '2');
    expect(problem('qty')).toBeUndefined();
    expect(problem('code')).toBe(consoleEn.tickets.needCode);
  });

  it('DK-29: serials already in use, named by the answer, are said beside the serials in English and in Thai', async () => {
    const refusal = {
      error: {
        code: 'BAD_REQUEST',
        message: 'serials: 2 already in use on this site: BV-0001, BV-0002',
        details: [{ path: 'serials', message: '…', reason: 'in-use', values: ['BV-0001', 'BV-0002'] }],
      },
    };
    const p = page([[]], [json(refusal, 400), json(refusal, 400)]);
    await settle();
    type('input[name=code]', 'T-1');
    choose('select[name=routing]', 'BAG-TOTE');
    type('input[name=qty]', '2');
    fireEvent.click($('input[name=source][value=paste]'));
    type('textarea[name=serials]', 'BV-0001\nBV-0002');
    await submit();
    expect(p.posted).toEqual([
      { code: 'T-1', routing: 'BAG-TOTE', processMode: 'piece', qty: 2, serials: ['BV-0001', 'BV-0002'] },
    ]);
    expect(problem('serials')).toBe('These serials are already in use on this site: BV-0001, BV-0002');
    expect($('textarea[name=serials]').getAttribute('aria-invalid')).toBe('true');
    await act(() => consoleLanguage.choose('th'));
    expect(problem('serials')).toBe(consoleTh.tickets.serialsInUse({ n: 2, list: 'BV-0001, BV-0002' }));
    expect(problem('serials')).toContain('ถูกใช้แล้ว');
  });

  it('DK-29: an unknown routing and a code in use are said beside routing and code', async () => {
    const unknown = {
      error: {
        code: 'BAD_REQUEST',
        message: 'routing: …',
        details: [{ path: 'routing', message: 'no routing BAG-TOTE is published' }],
      },
    };
    const conflict = { error: { code: 'CONFLICT', message: 'Job ticket T-2 already exists', details: [] } };
    page([[]], [json(unknown, 400), json(conflict, 409)]);
    await settle();
    type('input[name=code]', 'T-2');
    choose('select[name=routing]', 'BAG-TOTE');
    type('input[name=qty]', '5');
    await submit();
    expect(problem('routing')).toBe(consoleEn.tickets.unknownRouting({ routing: 'BAG-TOTE' }));
    await submit();
    expect(problem('routing')).toBeUndefined();
    expect(problem('code')).toBe(consoleEn.tickets.codeInUse({ code: 'T-2' }));
  });

  it('DK-28: a release shows its serials, the list again, and links to the labels page and the board', async () => {
    const released = {
      ticketId: 9,
      code: 'TOTE-20',
      routing: 'BAG-TOTE',
      routingVersion: 3,
      processMode: 'piece',
      tokens: Array.from({ length: 20 }, (_, i) => `BV-${String(i + 21).padStart(4, '0')}`),
    };
    const p = page([[ticket('OLD')], [ticket('TOTE-20', { done: 0 }), ticket('OLD')]], [json(released, 201)]);
    await settle();
    type('input[name=code]', 'TOTE-20');
    choose('select[name=routing]', 'BAG-TOTE');
    choose('select[name=version]', '2');
    type('input[name=qty]', '20');
    type('input[name=serialPrefix]', 'BV-');
    await submit();
    expect(p.posted).toEqual([
      {
        code: 'TOTE-20',
        routing: 'BAG-TOTE',
        routingVersion: 2,
        processMode: 'piece',
        qty: 20,
        serialPrefix: 'BV-',
      },
    ]);
    const panel = $<HTMLElement>('[data-released="TOTE-20"]');
    expect(panel.textContent).toContain('20 serials, BV-0021 to BV-0040');
    expect([...panel.querySelectorAll('[data-serials] li')].map((li) => li.textContent)).toEqual(
      released.tokens,
    );
    expect(panel.querySelector('a.ticket-link')?.getAttribute('href')).toBe('#/labels/TOTE-20');
    // The list, read again, has it first; each ticket says how many of its tokens are done.
    const items = [...document.querySelectorAll('[data-ticket]')];
    expect(items.map((i) => i.getAttribute('data-ticket'))).toEqual(['TOTE-20', 'OLD']);
    expect(items[1]?.querySelector('[data-done]')?.textContent).toBe('4 of 20');
    expect(items[1]?.textContent).toContain('Leather tote bag v3');
    const links = [...(items[1]?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['#/labels/OLD', '#/board']);
    // The form keeps the routing, mode and prefix for the next ticket; its code is cleared.
    expect($('input[name=code]').value).toBe('');
    expect($('input[name=serialPrefix]').value).toBe('BV-');
  });

  it('DK-28: a batch sends its quantity and optional code, no serials', async () => {
    const p = page(
      [[]],
      [
        json(
          {
            ticketId: 1,
            code: 'LOT',
            routing: 'WALLET-LINEAR',
            routingVersion: 1,
            processMode: 'batch',
            tokens: ['L-7'],
          },
          201,
        ),
      ],
    );
    await settle();
    type('input[name=code]', 'LOT');
    choose('select[name=routing]', 'WALLET-LINEAR');
    fireEvent.click($('input[name=mode][value=batch]'));
    type('input[name=qty]', '40');
    type('input[name=batchCode]', 'L-7');
    await submit();
    expect(p.posted).toEqual([
      { code: 'LOT', routing: 'WALLET-LINEAR', processMode: 'batch', qty: 40, batchCode: 'L-7' },
    ]);
    expect($<HTMLElement>('[data-released="LOT"]').textContent).toContain('One batch L-7 of 40');
  });
});

describe('the list', () => {
  it('DK-28: tokens moving on the floor refetch the list (at most every few seconds); a 401 signs out', async () => {
    const p = page([[ticket('A', { done: 1 })], [ticket('A', { done: 2 })], [ticket('A', { done: 3 })]]);
    await settle();
    expect($('[data-ticket="A"] [data-done]').textContent).toBe('1 of 20');
    const change = { cursor: 8, changes: [{ kind: 'token', id: 'A-0001', status: 'completed' }] } as never;
    await act(() => p.bus.publish(change));
    await settle();
    expect($('[data-ticket="A"] [data-done]').textContent).toBe('2 of 20');
    await act(() => p.bus.publish(change));
    await settle();
    expect($('[data-ticket="A"] [data-done]').textContent).toBe('2 of 20');
    await act(() => p.clock.advance(TICKETS_REFETCH_MS));
    await settle();
    expect($('[data-ticket="A"] [data-done]').textContent).toBe('3 of 20');
  });

  it('DK-28: a 401 hands back to sign-in', async () => {
    const fetcher = vi.fn(() => Promise.resolve(json({}, 401))) as unknown as typeof fetch;
    const signedOut = vi.fn();
    const clock = new FakeClock(NOW);
    render(
      <TicketsPage
        fetcher={fetcher}
        session={{ username: 'admin', role: 'admin', expiresAt: NOW }}
        bus={new LiveBus()}
        clock={clock}
        param={null}
        go={() => {}}
        signedOut={signedOut}
      />,
    );
    await settle();
    expect(signedOut).toHaveBeenCalled();
  });
});

describe('the form, pure', () => {
  const form = (changes: Partial<ReleaseForm>): ReleaseForm => ({
    ...EMPTY_FORM,
    code: 'T',
    routing: 'R',
    qty: '2',
    ...changes,
  });

  it('DK-29: pasted serials: blank lines dropped, each trimmed; repeated or spaced ones named', () => {
    expect(buildRelease(form({ source: 'paste', pasted: ' A \r\n\r\nB\n' }))).toEqual({
      request: { code: 'T', routing: 'R', processMode: 'piece', qty: 2, serials: ['A', 'B'] },
    });
    const repeated = buildRelease(form({ source: 'paste', pasted: 'A\nA' }));
    expect('problems' in repeated && repeated.problems.serials?.(consoleEn)).toBe('Listed more than once: A');
    const spaced = buildRelease(form({ source: 'paste', pasted: 'A B\nC' }));
    expect('problems' in spaced && spaced.problems.serials?.(consoleEn)).toContain('A B');
    const count = buildRelease(form({ source: 'paste', pasted: 'A' }));
    expect('problems' in count && count.problems.serials?.(consoleEn)).toBe(
      consoleEn.tickets.serialsCount({ n: 1, qty: 2 }),
    );
  });

  it.each(['0', '-1', '2.5', '100001', 'x', ''])('DK-29: a quantity of "%s" is refused beside qty', (qty) => {
    const built = buildRelease(form({ qty }));
    expect('problems' in built && built.problems.qty?.(consoleEn)).toBe(consoleEn.tickets.badQty);
  });

  it('DK-29: an answer naming no field it knows is said with the server’s words; no answer is said so', () => {
    const request = { code: 'T', routing: 'R', processMode: 'piece' as const, qty: 2 };
    const odd = refusalProblems(
      { status: 400, retryAfterSeconds: null, body: { error: { message: 'something odd', details: [] } } },
      request,
    );
    expect(odd.form?.(consoleEn)).toBe('The edge server refused it: something odd');
    expect(refusalProblems({ status: 0, retryAfterSeconds: null }, request).form?.(consoleEn)).toBe(
      consoleEn.tickets.unreachable,
    );
  });
});
