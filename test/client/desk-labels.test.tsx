// @vitest-environment happy-dom
/**
 * The labels page as an admin uses it (DK-40 … DK-46), on a stubbed ticket answer: a label per
 * serial with its barcodes, the serial, the routing and the ticket; a selection of serials; the
 * words on the paper in Thai or English whatever the console speaks; GS1 refused, with the code
 * named, when a serial cannot be one; travelers with the routing's steps in order and a barcode for
 * each; the station's command list; the paper's `@page` rule and pages; an unknown ticket, a failed
 * load and a 401 in words; the print view's body class only while the page is open.
 */
import { act, cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TicketDetail } from '../../shared/ticket-desk-api';
import { allCommands } from '../../client/scan/commands';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import {
  A4_PAPER,
  LabelsModel,
  PAPER,
  gs1Blocker,
  pageRule,
  pagesOf,
  printedSerials,
} from '../../client/console/models/labels-model';
import type { PageProps } from '../../client/console/page';
import { LabelsPage, PRINT_VIEW_CLASS } from '../../client/console/views/desk/labels';
import { FakeClock } from './support/fake-clock';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

function detail(serials = ['TOTE-1', 'TOTE-2', 'TOTE-3']): TicketDetail {
  return {
    ticket: {
      code: 'TKT-9',
      routing: 'BAG-TOTE',
      routingVersion: 2,
      routingName: 'Leather tote bag',
      processMode: 'piece',
      qty: serials.length,
      product: 'Tote, brown',
      createdAt: '2026-12-01T07:00:00.000Z',
      tokens: serials.length,
      done: 0,
    },
    serials,
    steps: [
      { node: 'CUT', name: 'Cut panels', workCenter: 'WC-CUT', workCenterName: 'Cutting' },
      { node: 'ASSEMBLE', name: 'Assemble', workCenter: 'WC-ASM', workCenterName: 'Assembly' },
      { node: 'PACK', name: 'Pack', workCenter: 'WC-PACK', workCenterName: 'Packing' },
    ],
  };
}

function stub(answer: TicketDetail | number) {
  const asked: string[] = [];
  const fetcher = vi.fn((url: string) => {
    asked.push(url);
    return Promise.resolve(
      typeof answer === 'number'
        ? new Response('{}', { status: answer })
        : new Response(JSON.stringify(answer), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          }),
    );
  }) as unknown as typeof fetch;
  return { fetcher, asked };
}

function page(answer: TicketDetail | number, param: string | null = 'TKT-9') {
  const { fetcher, asked } = stub(answer);
  const signedOut = vi.fn();
  const props: PageProps = {
    fetcher,
    session: { username: 'admin', role: 'admin', expiresAt: '2026-12-01T08:00:00.000Z' },
    bus: new LiveBus(),
    clock: new FakeClock(),
    param,
    go: () => {},
    signedOut,
  };
  return { props, asked, signedOut };
}

/** Lets the fetch answer, the barcode module load and the page render. */
async function settled(check: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await act(async () => await new Promise((resolve) => setTimeout(resolve, 10)));
      check();
    },
    { timeout: 20_000, interval: 20 },
  );
}

const labels = () => [...document.querySelectorAll('[data-label]')].map((l) => l.getAttribute('data-label'));
const button = (name: string) =>
  [...document.querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;

describe('the labels page’s model', () => {
  it('DK-44: the paper and its @page rule: 50 × 25 mm, 4 × 6 in, an A4 sheet of 24, A4 for travelers', () => {
    expect(pageRule(PAPER['50x25'])).toBe('@page { size: 50mm 25mm; margin: 0; }');
    expect(pageRule(PAPER['4x6'])).toBe('@page { size: 101.6mm 152.4mm; margin: 0; }');
    expect(pageRule(PAPER['a4-sheet'])).toBe('@page { size: 210mm 297mm; margin: 0; }');
    expect(pageRule(A4_PAPER)).toBe('@page { size: 210mm 297mm; margin: 0; }');
    expect(pagesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(
      pagesOf(
        Array.from({ length: 25 }, (_, i) => i),
        PAPER['a4-sheet'].perPage,
      ),
    ).toHaveLength(2);
  });

  it('DK-42, DK-43: every serial selected at first, in release order; GS1 refused naming a serial it cannot carry', async () => {
    const { fetcher } = stub(detail(['TOTE-1', 'TOTE 2', 'TOTE-3']));
    const model = new LabelsModel(fetcher, () => {}, 'th');
    await model.load('TKT-9');
    expect(printedSerials(model.get())).toEqual(['TOTE-1', 'TOTE 2', 'TOTE-3']);
    model.toggle('TOTE-1');
    expect(printedSerials(model.get())).toEqual(['TOTE 2', 'TOTE-3']);
    model.selectAll(false);
    expect(printedSerials(model.get())).toEqual([]);
    model.selectAll(true);
    expect(printedSerials(model.get())).toHaveLength(3);
    expect(gs1Blocker(model.get().detail)).toEqual({ code: 'TOTE 2' });
    model.setGs1(true);
    expect(model.get().gs1).toBe(false);
    expect(model.get().language).toBe('th');
  });
});

describe('the labels page', () => {
  it('DK-40, DK-41: a label per serial with its Code 128 and DataMatrix, the serial, the routing’s name and the ticket', async () => {
    const { props, asked } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toEqual(['TOTE-1', 'TOTE-2', 'TOTE-3']));
    expect(asked).toEqual(['/api/v1/admin/tickets/TKT-9']);
    const label = document.querySelector('[data-label="TOTE-2"]')!;
    expect(label.querySelector('[data-barcode="code128"] svg')).not.toBeNull();
    expect(label.querySelector('[data-barcode="datamatrix"] svg')).not.toBeNull();
    expect(label.querySelector('[data-barcode="code128"]')!.getAttribute('aria-label')).toBe(
      consoleEn.labels.printed.code128({ text: 'TOTE-2' }),
    );
    expect(label.textContent).toContain('TOTE-2');
    expect(label.textContent).toContain('Leather tote bag');
    expect(label.textContent).toContain('Ticket TKT-9');
    expect(document.body.classList.contains(PRINT_VIEW_CLASS)).toBe(true);
    expect(button(consoleEn.labels.print.labels({ n: 3 }))).toBeDefined();
    cleanup();
    await settled(() => expect(document.body.classList.contains(PRINT_VIEW_CLASS)).toBe(false));
  });

  it('DK-42: a selection of serials prints only those; none selected, nothing to print', async () => {
    const { props } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toHaveLength(3));
    const box = (serial: string) =>
      [...document.querySelectorAll('.labels-serial-list label')]
        .find((l) => l.textContent === serial)!
        .querySelector('input')!;
    fireEvent.click(box('TOTE-2'));
    await settled(() => expect(labels()).toEqual(['TOTE-1', 'TOTE-3']));
    expect(document.querySelector('.labels-count')!.textContent).toBe(
      consoleEn.labels.selectedCount({ n: 2, total: 3 }),
    );
    fireEvent.click(document.querySelector('.labels-all input')!);
    await settled(() => expect(labels()).toHaveLength(3));
    fireEvent.click(document.querySelector('.labels-all input')!);
    await settled(() => expect(labels()).toEqual([]));
    expect(button(consoleEn.labels.print.labels({ n: 0 })).disabled).toBe(true);
    expect(document.body.textContent).toContain(consoleEn.labels.nothingSelected);
  });

  it('DK-46: the words on the paper are Thai or English, whatever the console speaks', async () => {
    const { props } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toHaveLength(3));
    fireEvent.click(button('ไทย'));
    await settled(() =>
      expect(document.querySelector('[data-label="TOTE-1"]')!.textContent).toContain(
        consoleTh.labels.printed.ticket({ code: 'TKT-9' }),
      ),
    );
    // The console's own words stay English.
    expect(document.querySelector('h2')!.textContent).toBe(consoleEn.labels.headingFor({ code: 'TKT-9' }));
  });

  it('DK-43: GS1 DataMatrix on demand; refused with the serial named when one cannot be GS1', async () => {
    const { props } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toHaveLength(3));
    fireEvent.click(document.querySelector('.labels-gs1 input')!);
    await settled(() => expect(document.querySelectorAll('[data-barcode="gs1"]')).toHaveLength(3));
    cleanup();
    const bad = page(detail(['TOTE-1', 'A-SERIAL-LONGER-THAN-20']));
    render(<LabelsPage {...bad.props} />);
    await settled(() => expect(labels()).toHaveLength(2));
    expect((document.querySelector('.labels-gs1 input') as HTMLInputElement).disabled).toBe(true);
    expect(document.body.textContent).toContain(
      consoleEn.labels.gs1Blocked({ code: 'A-SERIAL-LONGER-THAN-20' }),
    );
  });

  it('DK-45: travelers: an A4 page per tote, its serial’s barcode on top, the steps in order with a barcode each and boxes to sign', async () => {
    const { props } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toHaveLength(3));
    fireEvent.click(button(consoleEn.labels.kind.travelers));
    await settled(() => expect(document.querySelectorAll('[data-traveler]')).toHaveLength(3));
    const traveler = document.querySelector('[data-traveler="TOTE-2"]')!;
    expect(traveler.querySelector('.traveler-head [data-barcode="code128"]')!.getAttribute('data-text')).toBe(
      'TOTE-2',
    );
    expect([...traveler.querySelectorAll('tr[data-step]')].map((r) => r.getAttribute('data-step'))).toEqual([
      'CUT',
      'ASSEMBLE',
      'PACK',
    ]);
    expect(traveler.querySelectorAll('tr[data-step] [data-barcode="code128"]')).toHaveLength(3);
    expect(traveler.querySelectorAll('tr[data-step] .traveler-box')).toHaveLength(6);
    expect(traveler.textContent).toContain(consoleEn.labels.printed.unitOf({ n: 2, total: 3 }));
    expect(document.body.textContent).toContain(consoleEn.labels.help.travelers);
  });

  it('DK-46: the command sheet is the station’s own command list, each a Code 128 of its text', async () => {
    const { props } = page(detail());
    render(<LabelsPage {...props} />);
    await settled(() => expect(labels()).toHaveLength(3));
    fireEvent.click(button(consoleEn.labels.kind.commands));
    await settled(() =>
      expect(document.querySelectorAll('[data-command]')).toHaveLength(allCommands().length),
    );
    expect(document.querySelector('[data-command="CMD:START"] [data-barcode="code128"] svg')).not.toBeNull();
  });

  it('DK-40: no ticket, an unknown one, a failed load and a 401, each in words', async () => {
    render(<LabelsPage {...page(detail(), null).props} />);
    await settled(() => expect(document.body.textContent).toContain(consoleEn.labels.noTicket));
    cleanup();
    render(<LabelsPage {...page(404, 'TKT-NONE').props} />);
    await settled(() =>
      expect(document.querySelector('[role=alert]')!.textContent).toBe(
        consoleEn.labels.notFound({ code: 'TKT-NONE' }),
      ),
    );
    cleanup();
    render(<LabelsPage {...page(503).props} />);
    await settled(() =>
      expect(document.querySelector('[role=alert]')!.textContent).toBe(consoleEn.labels.loadFailed),
    );
    cleanup();
    const refused = page(401);
    render(<LabelsPage {...refused.props} />);
    await settled(() => expect(refused.signedOut).toHaveBeenCalled());
  });
});
