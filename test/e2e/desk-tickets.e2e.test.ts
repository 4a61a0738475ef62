/**
 * Releasing a job ticket from the planning desk in Debian's Chromium against a real edge server
 * (SPEC DK-21, DK-27, DK-28, DK-29): an admin signs in (Thai, the default), opens Job tickets,
 * releases a ticket of 20 serials on the DAG routing BAG-TOTE generated from the prefix BV- (the
 * form says beforehand which serials it gives) and sees BV-0001 … BV-0020 listed; pasting one of them on another ticket is refused beside the
 * serials field in Thai; the ticket's link to the floor board opens it, and filtered to the ticket
 * the board has its 20 tokens ready at CUT. axe-core finds no serious or critical violation.
 * Screenshots at desktop, tablet and phone sizes in Thai and English (.tmp/shots/tickets/), and
 * the README's in Thai (docs/screenshots/desk-tickets-{desktop,phone}.png).
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { E2E_POLLS } from '../support/station-page';
import { startConsoleBrowser, stopConsoleBrowser } from '../support/console-browser';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const SHOTS = path.join(ROOT, '.tmp/shots/tickets');

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ edge, browser, context, page } = await startConsoleBrowser(SHOTS));
}, 120_000);

afterAll(async () => {
  await stopConsoleBrowser({ edge, browser, context });
});

const SERIALS = Array.from({ length: 20 }, (_, i) => `BV-${String(i + 1).padStart(4, '0')}`);

async function shoot(name: string, language: 'th' | 'en'): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `${name}-${language}-${size}.png`));
}

describe('releasing a job ticket from the planning desk', () => {
  it('DK-28: an admin signs in and opens Job tickets: the published routings to choose from, the demo’s tickets', async () => {
    await signInToConsole(page, `${edge.url}/supervisor`, edge.demo.admin, consoleTh);
    await page.getByRole('link', { name: consoleTh.app.page.tickets }).click();
    await expect.poll(() => page.locator('[data-ticket]').count()).toBe(2);
    await expect.poll(() => page.locator('select[name=routing] option').count()).toBe(3);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('DK-21, DK-28: a ticket of 20 serials from the prefix BV-: the answer lists BV-0001 … BV-0020', async () => {
    await page.getByLabel(consoleTh.tickets.code, { exact: true }).fill('TOTE-0101');
    await page.getByLabel(consoleTh.tickets.routing, { exact: true }).selectOption('BAG-TOTE');
    await page.getByLabel(consoleTh.tickets.qty, { exact: true }).fill('20');
    await page.getByLabel(consoleTh.tickets.prefix, { exact: true }).fill('BV-');
    // Before releasing, the form says which serials the prefix gives.
    await expect
      .poll(() => page.locator('#ticket-prefix-hint').textContent())
      .toBe(consoleTh.tickets.previewHint({ n: 20, first: 'BV-0001', last: 'BV-0020' }));
    await page.getByRole('button', { name: consoleTh.tickets.release }).click();
    const panel = page.locator('[data-released="TOTE-0101"]');
    await expect.poll(() => panel.locator('[data-serials] li').allTextContents()).toEqual(SERIALS);
    expect(await panel.getByRole('status').textContent()).toBe(
      consoleTh.tickets.releasedSerials({ n: 20, first: 'BV-0001', last: 'BV-0020' }),
    );
    await expect
      .poll(() => page.locator('[data-ticket]').first().getAttribute('data-ticket'))
      .toBe('TOTE-0101');
    expect(await page.locator('[data-ticket="TOTE-0101"] [data-done]').textContent()).toBe(
      consoleTh.tickets.doneOf({ done: 0, tokens: 20 }),
    );
    expect(await page.locator('[data-ticket="TOTE-0101"] a').first().getAttribute('href')).toBe(
      '#/labels/TOTE-0101',
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('DK-28: screenshots in Thai and English at desktop, tablet and phone sizes; nothing overflows sideways', async () => {
    await shoot('released', 'th');
    // From the quantity down: the serials the prefix gives next, and what the release gave.
    await page.evaluate(() => {
      const qty = document.querySelector('[data-field="qty"]');
      if (qty) window.scrollTo(0, qty.getBoundingClientRect().top + window.scrollY - 16);
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-tickets-desktop.png') });
    await page.setViewportSize(VIEWPORTS.phone);
    // On a phone: what the release gave, its serials and links.
    await page.locator('[data-released]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-tickets-phone.png') });
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(consoleEn.tickets.heading);
    await shoot('released', 'en');
    await page.getByRole('button', { name: 'ไทย' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(consoleTh.tickets.heading);
  });

  it('DK-29: pasting a serial already in use is refused beside the serials field, in Thai', async () => {
    await page.getByLabel(consoleTh.tickets.code, { exact: true }).fill('TOTE-0102');
    await page.getByLabel(consoleTh.tickets.qty, { exact: true }).fill('2');
    await page.getByLabel(consoleTh.tickets.paste, { exact: true }).check();
    await page.getByLabel(consoleTh.tickets.pasted, { exact: true }).fill('BV-0005\nBV-9999\n');
    expect(await page.locator('#ticket-serials-hint').textContent()).toBe(
      consoleTh.tickets.pastedCount({ n: 2, qty: 2 }),
    );
    await page.getByRole('button', { name: consoleTh.tickets.release }).click();
    await expect
      .poll(() => page.locator('[data-problem="serials"]').textContent())
      .toBe(consoleTh.tickets.serialsInUse({ n: 1, list: 'BV-0005' }));
    expect(
      await page.getByLabel(consoleTh.tickets.pasted, { exact: true }).getAttribute('aria-invalid'),
    ).toBe('true');
    expect(await page.locator('[data-ticket="TOTE-0102"]').count()).toBe(0);
    await shoot('refused', 'th');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('DK-27: the ticket’s link opens the floor board, where its 20 tokens are ready at CUT', async () => {
    await page
      .locator('[data-ticket="TOTE-0101"]')
      .getByRole('link', { name: consoleTh.tickets.board })
      .click();
    await expect.poll(() => page.locator('h2, [data-routing]').count()).toBeGreaterThan(0);
    await page.getByLabel(consoleTh.filters.ticket).fill('TOTE-0101');
    await page.getByRole('button', { name: consoleTh.filters.apply, exact: true }).click();
    const cut = page.locator('[data-routing="BAG-TOTE"] [data-node="CUT"] [data-count="ready"] dd');
    await expect.poll(() => cut.textContent()).toBe('20');
  });
});
