// @vitest-environment happy-dom
/**
 * The console's label printers page as an admin uses it (SPEC DK-63): printers with their status in
 * words, the queue with each label waiting, sent or failed with the printer's error in words (Thai
 * too), read again while a label waits; adding a printer from a label size preset; printing some
 * of a ticket's serials; a reprint that needs a reason; a retry; a 401 signing out.
 */
import { act, cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PrintJob, Printer } from '../../shared/printing-api';
import type { TicketDetail } from '../../shared/ticket-desk-api';
import { consoleLanguage } from '../../client/console/i18n/language';
import { QUEUE_POLL_MS, REFRESH_MS } from '../../client/console/models/printers-model';
import { PrintersPage } from '../../client/console/views/desk/printers';
import { FakeClock } from './support/fake-clock';
import { adminPageProps } from './support/desk-fixtures';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

const NOW = '2026-12-01T07:30:00.000Z';

function printer(name: string, fields: Partial<Printer> = {}): Printer {
  return {
    name,
    host: '10.0.0.50',
    port: 9100,
    dpi: 203,
    labelWidthMm: 50,
    labelHeightMm: 25,
    enabled: true,
    addedBy: 'admin',
    addedAt: NOW,
    status: { state: 'ready', problems: [], message: null, at: NOW },
    queued: 0,
    failed: 0,
    ...fields,
  };
}

function job(id: number, fields: Partial<PrintJob> = {}): PrintJob {
  return {
    id,
    printer: 'line-1',
    serial: `BV-DEMO-000${id}`,
    ticket: 'DEMO-TOTE',
    kind: 'label',
    language: 'th',
    gs1: false,
    state: 'sent',
    attempts: 1,
    nextAttemptAt: null,
    errorCode: null,
    problems: [],
    lastError: null,
    createdBy: 'admin',
    createdAt: NOW,
    sentAt: NOW,
    reprintOf: null,
    reason: null,
    ...fields,
  };
}

const ticket: TicketDetail = {
  ticket: {
    code: 'DEMO-TOTE',
    routing: 'BAG-TOTE',
    routingVersion: 3,
    routingName: 'Leather tote bag',
    processMode: 'piece',
    qty: 3,
    product: 'Tote',
    createdAt: NOW,
    tokens: 3,
    done: 0,
  },
  serials: ['BV-DEMO-0001', 'BV-DEMO-0002', 'BV-DEMO-0003'],
  steps: [],
};

type Reply = { status: number; body?: unknown };

/** A server the test scripts: `printers` and `jobs` are what the lists answer now. */
function page(initial: { printers: Printer[]; jobs: PrintJob[] }) {
  const server = { ...initial, replies: new Map<string, Reply>() };
  const asked: { method: string; url: string; body: unknown }[] = [];
  const fetcher = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    asked.push({ method, url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    const path = url.split('?')[0] ?? url;
    const scripted = server.replies.get(`${method} ${path}`);
    const reply: Reply =
      scripted ??
      (path === '/api/v1/admin/printers'
        ? { status: 200, body: { printers: server.printers } }
        : path === '/api/v1/admin/print-jobs'
          ? { status: 200, body: { jobs: server.jobs, next: null } }
          : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no', details: [] } } });
    return Promise.resolve(
      new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  }) as unknown as typeof fetch;
  const clock = new FakeClock();
  const signedOut = vi.fn();
  const props = adminPageProps(fetcher, NOW, { clock, signedOut });
  return { props, asked, server, clock, signedOut };
}

const settle = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));
const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const byText = (text: string) =>
  [...document.querySelectorAll('button')].find((b) => b.textContent === text) as HTMLButtonElement;
const type = (selector: string, value: string) => {
  const input = $<HTMLInputElement>(selector)!;
  fireEvent.input(input, { target: { value } });
};
const listsAsked = (asked: { url: string; method: string }[]) =>
  asked.filter((a) => a.method === 'GET' && a.url.startsWith('/api/v1/admin/print-jobs')).length;

describe('the label printers page (DK-63)', () => {
  it('DK-63: printers with their status in words; the queue with each label’s state and the printer’s error in words', async () => {
    const p = page({
      printers: [
        printer('line-1', { queued: 1, failed: 1 }),
        printer('line-2', {
          status: {
            state: 'problem',
            problems: ['paper-out', 'head-open'],
            message: 'the printer reports: paper out, head open',
            at: NOW,
          },
        }),
        printer('line-3', {
          enabled: false,
          status: { state: 'unreachable', problems: [], message: 'x', at: NOW },
        }),
      ],
      jobs: [
        job(3, {
          state: 'failed',
          errorCode: 'refused',
          attempts: 5,
          sentAt: null,
          lastError: 'the printer at 10.0.0.50:9100 refused the connection (ECONNREFUSED)',
        }),
        job(2, { state: 'queued', attempts: 0, sentAt: null, nextAttemptAt: NOW }),
        job(1),
      ],
    });
    render(<PrintersPage {...p.props} />);
    await settle();
    const card = (name: string) => $(`[data-printer="${name}"]`)!;
    expect(card('line-1').dataset.state).toBe('ready');
    expect(card('line-1').querySelector('[data-printer-status]')?.textContent).toContain('Ready');
    expect(card('line-1').querySelector('[data-printer-jobs]')?.textContent).toBe(
      '1 label waiting, 1 failed',
    );
    expect(card('line-2').dataset.state).toBe('problem');
    expect(card('line-2').querySelector('[data-printer-problems]')?.textContent).toBe(
      'It reports: out of labels, head open.',
    );
    expect(card('line-3').dataset.state).toBe('disabled');
    expect(card('line-3').textContent).toContain('Disabled: its labels wait');
    const failed = $('[data-job="3"]')!;
    expect(failed.dataset.state).toBe('failed');
    expect(failed.querySelector('[data-job-state]')?.textContent).toBe('Failed');
    expect(failed.querySelector('[data-job-error]')?.textContent).toContain(
      'The printer refused the connection: is it on, and is the port right?',
    );
    expect(failed.textContent).toContain('5 attempts');
    expect($('[data-job="2"] [data-job-state]')?.textContent).toBe('Waiting');
    expect($('[data-job="1"] [data-job-state]')?.textContent).toBe('Sent');
    // Only the print form lists enabled printers.
    expect(
      [...document.querySelectorAll('select[name="print-printer"] option')].map((o) => o.textContent),
    ).toEqual(['line-1', 'line-2']);

    await act(() => consoleLanguage.choose('th'));
    expect(card('line-2').querySelector('[data-printer-problems]')?.textContent).toBe(
      'เครื่องแจ้งว่า: ฉลากหมด, ฝาหัวพิมพ์เปิด',
    );
    expect(failed.querySelector('[data-job-state]')?.textContent).toBe('ไม่สำเร็จ');
    expect($('[data-job="2"] [data-job-state]')?.textContent).toBe('รอพิมพ์');
  });

  it('DK-63: while a label waits the queue is read again every few seconds; once all are sent, only now and then', async () => {
    const p = page({
      printers: [printer('line-1', { queued: 1 })],
      jobs: [job(1, { state: 'queued', sentAt: null })],
    });
    render(<PrintersPage {...p.props} />);
    await settle();
    expect(listsAsked(p.asked)).toBe(1);
    p.server.jobs = [job(1)];
    p.server.printers = [printer('line-1')];
    await act(() => p.clock.advance(QUEUE_POLL_MS));
    await settle();
    expect(listsAsked(p.asked)).toBe(2);
    expect($('[data-job="1"]')?.dataset.state).toBe('sent');
    await act(() => p.clock.advance(QUEUE_POLL_MS * 3));
    await settle();
    expect(listsAsked(p.asked)).toBe(2);
    await act(() => p.clock.advance(REFRESH_MS));
    await settle();
    expect(listsAsked(p.asked)).toBe(3);
  });

  it('DK-63: adding a printer with the 4 x 6 in preset sends its size in mm; a refusal names the fields in words', async () => {
    const p = page({ printers: [], jobs: [] });
    render(<PrintersPage {...p.props} />);
    await settle();
    expect(document.body.textContent).toContain('No printer yet. Add one below.');
    type('input[name="printer-name"]', 'line-9');
    type('input[name="printer-host"]', '10.0.0.9');
    fireEvent.change($('select[name="printer-dpi"]')!, { target: { value: '300' } });
    fireEvent.click($('input[name="printer-size"][value="4x6in"]')!);
    p.server.replies.set('POST /api/v1/admin/printers', { status: 201, body: printer('line-9') });
    fireEvent.submit($('input[name="printer-name"]')!.closest('form')!);
    await settle();
    expect(p.asked.find((a) => a.method === 'POST')?.body).toEqual({
      name: 'line-9',
      host: '10.0.0.9',
      port: 9100,
      dpi: 300,
      labelWidthMm: 101.6,
      labelHeightMm: 152.4,
    });
    expect($('[role="status"]')?.textContent).toBe('Printer line-9 added.');

    p.server.replies.set('POST /api/v1/admin/printers', {
      status: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: 'Invalid printer',
          details: [
            { path: 'host', message: 'x' },
            { path: 'labelWidthMm', message: 'y' },
          ],
        },
      },
    });
    fireEvent.click($('input[name="printer-size"][value="custom"]')!);
    type('input[name="printer-width"]', '2');
    type('input[name="printer-name"]', 'line-10');
    fireEvent.submit($('input[name="printer-name"]')!.closest('form')!);
    await settle();
    expect($('[role="alert"]')?.textContent).toBe(
      'Check these fields: Address (IP or host name), Width (mm).',
    );
  });

  it('DK-63: a ticket’s serials are shown, all chosen; leaving one out prints the others in Thai on the chosen printer', async () => {
    const p = page({ printers: [printer('line-1'), printer('line-2')], jobs: [] });
    p.server.replies.set('GET /api/v1/admin/tickets/DEMO-TOTE', { status: 200, body: ticket });
    render(<PrintersPage {...p.props} />);
    await settle();
    type('input[name="print-ticket"]', 'DEMO-TOTE');
    fireEvent.click(byText('Show serials'));
    await settle();
    expect($('[data-ticket-serials] legend')?.textContent).toBe(
      'Ticket DEMO-TOTE (Leather tote bag): 3 serials',
    );
    fireEvent.click($('input[data-serial="BV-DEMO-0002"]')!);
    await settle();
    fireEvent.change($('select[name="print-printer"]')!, { target: { value: 'line-2' } });
    p.server.replies.set('POST /api/v1/admin/print-jobs', {
      status: 201,
      body: { printer: 'line-2', ticket: 'DEMO-TOTE', jobs: [job(1), job(3)] },
    });
    fireEvent.click(byText('Print 2 labels'));
    await settle();
    expect(p.asked.find((a) => a.method === 'POST')?.body).toEqual({
      printer: 'line-2',
      ticket: 'DEMO-TOTE',
      language: 'th',
      gs1: false,
      serials: ['BV-DEMO-0001', 'BV-DEMO-0003'],
    });
    expect($('[role="status"]')?.textContent).toBe('2 labels queued for line-2.');

    type('input[name="print-ticket"]', 'NOPE');
    fireEvent.click(byText('Show serials'));
    await settle();
    expect($('[role="alert"]')?.textContent).toBe('No ticket NOPE. Check the code.');
  });

  it('DK-63: printing again needs a reason; a failed label is retried', async () => {
    const p = page({
      printers: [printer('line-1')],
      jobs: [job(2, { state: 'failed', errorCode: 'timeout', sentAt: null }), job(1)],
    });
    render(<PrintersPage {...p.props} />);
    await settle();
    fireEvent.click($('[data-job="1"] button')!);
    await settle();
    fireEvent.submit($('input[name="reprint-reason"]')!.closest('form')!);
    await settle();
    expect($('[role="alert"]')?.textContent).toBe('Say why the label is printed again.');
    expect(p.asked.filter((a) => a.method === 'POST')).toEqual([]);
    type('input[name="reprint-reason"]', 'label torn at packing');
    p.server.replies.set('POST /api/v1/admin/print-jobs/1/reprint', {
      status: 201,
      body: { job: job(4, { state: 'queued', reprintOf: 1, reason: 'label torn at packing' }) },
    });
    fireEvent.submit($('input[name="reprint-reason"]')!.closest('form')!);
    await settle();
    expect(p.asked.find((a) => a.url.endsWith('/reprint'))?.body).toEqual({
      reason: 'label torn at packing',
    });
    expect($('[role="status"]')?.textContent).toBe('The label of BV-DEMO-0001 is queued to print again.');

    p.server.replies.set('POST /api/v1/admin/print-jobs/2/retry', {
      status: 200,
      body: { job: job(2, { state: 'queued' }) },
    });
    fireEvent.click($('[data-job="2"] button[aria-label="Retry now: BV-DEMO-0002"]')!);
    await settle();
    expect(p.asked.some((a) => a.method === 'POST' && a.url === '/api/v1/admin/print-jobs/2/retry')).toBe(
      true,
    );
    expect($('[role="status"]')?.textContent).toBe('The label of BV-DEMO-0002 is queued again.');
  });

  it('DK-63: a 401 hands back to sign-in', async () => {
    const p = page({ printers: [], jobs: [] });
    p.server.replies.set('GET /api/v1/admin/printers', { status: 401, body: {} });
    render(<PrintersPage {...p.props} />);
    await settle();
    expect(p.signedOut).toHaveBeenCalled();
  });
});
