/**
 * The label printers page in Debian's Chromium against a real edge server (SPEC DK-63), with two
 * fake label printers (TCP servers in this test): an admin signs in (Thai, the default), adds a
 * printer that works and one whose port is closed, prints the labels of the demo ticket DEMO-TOTE
 * on the first (its serials shown, ten labels arrive over TCP, each with its serial) and one serial on the second
 * (the queue shows it failed with the reason in words), retries it after the printer is moved to
 * the working port, and prints a label again with a reason. axe-core finds no serious or critical
 * violation. Screenshots at desktop, tablet and phone sizes in Thai and English
 * (.tmp/shots/printers/), and the README's in Thai (docs/screenshots/desk-printers-*.png).
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { adminSender } from '../support/admin-api';
import type { FakePrinter } from '../support/fake-printer';
import { FakePrinters, closedPort } from '../support/fake-printer';
import { E2E_POLLS } from '../support/station-page';
import { startConsoleBrowser, stopConsoleBrowser } from '../support/console-browser';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const SHOTS = path.join(ROOT, '.tmp/shots/printers');
const th = consoleTh.printers;

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const printers = new FakePrinters();
/** A label printer that answers ~HS "ready" and keeps every byte it is sent. */
let zebra: FakePrinter;
let zebraPort = 0;
const received = () => zebra.received();

beforeAll(async () => {
  zebra = await printers.start();
  zebraPort = zebra.port;
  ({ edge, browser, context, page } = await startConsoleBrowser(SHOTS));
  edge.core.printing.configure({
    connectMs: 1000,
    statusMs: 300,
    sendMs: 2000,
    maxAttempts: 2,
    backoffBaseMs: 50,
    backoffMaxMs: 100,
  });
}, 120_000);

afterAll(async () => {
  await stopConsoleBrowser({ edge, browser, context });
  await printers.closeAll();
});

/** The admin API, signed in afresh for each request. */
const api = adminSender(
  () => edge.url,
  () => edge.login('admin'),
  '/api/v1/admin',
);

const job = (serial: string) =>
  page.locator('[data-job]', { has: page.getByRole('heading', { name: new RegExp(`^${serial} `) }) }).first();

async function addPrinter(name: string, port: number): Promise<void> {
  await page.getByLabel(th.name, { exact: true }).fill(name);
  await page.getByLabel(th.host).fill('127.0.0.1');
  await page.getByLabel(th.port, { exact: true }).fill(String(port));
  await page.getByRole('button', { name: th.add }).click();
  await expect.poll(() => page.locator(`[data-printer="${name}"]`).count()).toBe(1);
}

async function shoot(language: 'th' | 'en'): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `printers-${language}-${size}.png`));
}

describe('the label printers page', () => {
  it('DK-63: an admin signs in, opens Label printers and adds a working printer and one whose port is closed', async () => {
    await signInToConsole(page, `${edge.url}/supervisor`, edge.demo.admin, consoleTh);
    await page.getByRole('link', { name: consoleTh.app.page.printers }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(th.heading);
    await addPrinter('line-1-zebra', zebraPort);
    await addPrinter('line-2-zebra', await closedPort());
    expect(await page.locator('[data-printer="line-1-zebra"] [data-printer-status]').textContent()).toBe(
      th.state.unknown,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('DK-63: the ticket’s labels print on the working printer: its serials shown, ten labels arrive over TCP and the queue says sent', async () => {
    await page.getByLabel(th.ticket).fill('DEMO-TOTE');
    await page.locator('select[name="print-printer"]').selectOption('line-1-zebra');
    // The ticket's serials are shown (the tickets desk's GET /api/v1/admin/tickets/:code), all chosen.
    await page.getByRole('button', { name: th.showSerials }).click();
    await expect.poll(() => page.locator('[data-serial]:checked').count()).toBe(10);
    await page.getByRole('button', { name: th.print({ count: 10 }) }).click();
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: th.queued({ count: 10, printer: 'line-1-zebra' }) })
          .count(),
      )
      .toBe(1);
    await expect.poll(() => page.locator('[data-job][data-state="sent"]').count()).toBe(10);
    const serials = [...received().matchAll(/\^A0N,\d+,\d+\^FH\\\^FD([^^]+)\^FS/g)].map((m) => m[1]);
    expect(serials).toEqual(
      Array.from({ length: 10 }, (_, i) => `BV-DEMO-${String(i + 1).padStart(4, '0')}`),
    );
    expect(await job('BV-DEMO-0001').locator('[data-job-state]').textContent()).toBe(th.jobState.sent);
    await expect
      .poll(() => page.locator('[data-printer="line-1-zebra"] [data-printer-status]').textContent())
      .toContain(th.state.ready);
  });

  it('DK-63: a label for the closed port fails with the reason in words; moved to the working port, a retry prints it', async () => {
    const before = received().length;
    const res = await api('POST', '/print-jobs', {
      printer: 'line-2-zebra',
      serials: ['WL-DEMO-0001'],
      language: 'th',
    });
    expect(res.status).toBe(201);
    await expect.poll(() => job('WL-DEMO-0001').getAttribute('data-state')).toBe('failed');
    expect(await job('WL-DEMO-0001').locator('[data-job-error]').textContent()).toContain(th.error.refused);
    expect(await page.locator('[data-printer="line-2-zebra"]').getAttribute('data-state')).toBe(
      'unreachable',
    );
    await shoot('th');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-printers-desktop.png') });
    await page.setViewportSize(VIEWPORTS.phone);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-printers-phone.png') });
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(consoleEn.printers.heading);
    await shoot('en');
    await page.getByRole('button', { name: 'ไทย' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(th.heading);

    const patched = await api('PATCH', '/printers/line-2-zebra', { port: zebraPort });
    expect(patched.status).toBe(200);
    await job('WL-DEMO-0001')
      .getByRole('button', { name: th.retryLabel({ serial: 'WL-DEMO-0001' }) })
      .click();
    await expect.poll(() => job('WL-DEMO-0001').getAttribute('data-state')).toBe('sent');
    expect(received().slice(before)).toContain('^FDWL-DEMO-0001^FS');
  });

  it('DK-63: printing a label again asks why; the reprint is queued and printed', async () => {
    await job('BV-DEMO-0003')
      .getByRole('button', { name: th.reprintLabel({ serial: 'BV-DEMO-0003' }) })
      .click();
    await page.getByLabel(th.reason).fill('ฉลากขาดตอนแพ็ก');
    await page.getByRole('button', { name: th.reprintYes, exact: true }).click();
    await expect.poll(() => page.getByText(th.reprintOf({ id: 3, reason: 'ฉลากขาดตอนแพ็ก' })).count()).toBe(1);
    await expect.poll(() => page.locator('[data-job][data-state="sent"]').count()).toBe(12);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
