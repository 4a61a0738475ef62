/**
 * @module The README's screenshots of the station screen (docs/screenshots/): a Thai site at a
 * tablet (800x1280), a landscape tablet (1280x800) and a phone (390x844) with a card open, the
 * "Scan your badge" prompt, the red banner of a refusal that came with a later sync, the scrap
 * confirm step, and an English site at a tablet. Each from a test edge server with the demo loaded
 * and Debian's Chromium, the viewport only (what an operator sees), at device scale factor 1.
 *
 *   scripts/node24 npx tsx scripts/screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Catalogue } from '../client/i18n/catalogue';
import { en } from '../client/i18n/en';
import { th } from '../client/i18n/th';
import type { TestEdge } from '../test/support/edge';
import { startTestEdge } from '../test/support/edge';
import { buildClientIfMissing, injectEvents, launchChromium, wedgeScan } from '../test/support/station-page';
import { waitFor } from '../test/support/wait';

const OUT = path.join(import.meta.dirname, '../docs/screenshots');
const TABLET = { width: 800, height: 1280 };
const LANDSCAPE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let stations = 0;

/** Enrolls a station serving CUT by the admin API; returns its one-time enrollment link. */
async function enrollStation(edge: TestEdge, name: string): Promise<string> {
  const res = await fetch(`${edge.url}/api/v1/admin/stations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await edge.login('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, nodeCodes: ['CUT'] }),
  });
  if (res.status !== 201) throw new Error(`enrolling ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { enrollUrl: string }).enrollUrl;
}

async function visible(page: Page, selector: string, what: string): Promise<void> {
  await waitFor(() => page.locator(selector).count(), { until: (n) => n > 0, what });
}

/** A station of its own at `viewport`, its snapshot shown, its fonts loaded; signed in unless told. */
async function station(
  browser: Browser,
  edge: TestEdge,
  viewport: { width: number; height: number },
  t: Catalogue,
  signIn = true,
): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(await enrollStation(edge, `LINE-${++stations}`));
  await waitFor(() => page.locator('.queue button').count(), { until: (n) => n > 0, what: 'the work list' });
  await waitFor(() => page.evaluate(() => document.documentElement.lang), {
    until: (lang) => lang === (t === th ? 'th' : 'en'),
    what: 'the language',
  });
  if (signIn) {
    await page.getByRole('textbox').fill('OP-0001');
    await page.getByRole('textbox').press('Enter');
    await visible(page, '.operator-chip.active', 'the operator signed in');
  }
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  return page;
}

/** Scans the code and waits for its card. */
async function openCard(page: Page, code: string): Promise<void> {
  await wedgeScan(page, code);
  await visible(page, '[data-testid="card"]', `the card of ${code}`);
}

/** Waits for the last outcome to fade, so that a screenshot shows the state, not a passing message. */
async function quiet(page: Page): Promise<void> {
  await waitFor(() => page.locator('[data-testid="message"]').count(), {
    until: (n) => n === 0,
    what: 'the outcome to fade',
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, caret: 'hide' });
  console.log(`${name}: ${Math.round(fs.statSync(file).size / 1024)} KB`);
}

/** The tablet in Thai: a tote started, its card open again (Complete the primary action). */
async function thaiTablet(browser: Browser, edge: TestEdge): Promise<void> {
  const page = await station(browser, edge, TABLET, th);
  await openCard(page, 'BV-DEMO-0001');
  await page.getByRole('button', { name: th.words.action.start, exact: true }).click();
  await waitFor(() => page.getByTestId('card').count(), { until: (n) => n === 0, what: 'the card to close' });
  await openCard(page, 'BV-DEMO-0001');
  await shoot(page, 'station-th-tablet.png');

  // A refusal that comes with a later sync: its own banner (an unknown code queued offline).
  await page.getByRole('button', { name: th.card.close }).click();
  await page.context().setOffline(true);
  await injectEvents(page, [
    {
      type: 'start',
      code: 'BV-GONE-0404',
      nodeCode: 'CUT',
      operatorBadge: 'OP-0001',
      occurredAt: new Date().toISOString(),
      data: {},
    },
  ]);
  await page.context().setOffline(false);
  await visible(page, '[data-testid="refusal-banner"]', 'the refusal banner');
  await quiet(page);
  await shoot(page, 'refusal-th-tablet.png');
  await page.context().close();
}

async function thaiPhone(browser: Browser, edge: TestEdge): Promise<void> {
  const prompt = await station(browser, edge, PHONE, th, false);
  await shoot(prompt, 'badge-prompt-th-phone.png');
  await prompt.context().close();

  const page = await station(browser, edge, PHONE, th);
  await openCard(page, 'BV-DEMO-0002');
  await shoot(page, 'station-th-phone.png');
  await page.locator('[data-testid="card"] .action.danger').click();
  await visible(page, '[role="alertdialog"]', 'the scrap confirm step');
  await shoot(page, 'scrap-confirm-th-phone.png');
  await page.context().close();
}

async function thaiLandscape(browser: Browser, edge: TestEdge): Promise<void> {
  const page = await station(browser, edge, LANDSCAPE, th);
  await openCard(page, 'BV-DEMO-0003');
  await shoot(page, 'station-th-landscape.png');
  await page.context().close();
}

/** English at each size: the same screen an English-speaking operator works. */
async function englishSizes(browser: Browser, edge: TestEdge): Promise<void> {
  const sizes = [
    ['tablet', TABLET, 'BV-DEMO-0001'],
    ['phone', PHONE, 'BV-DEMO-0002'],
    ['landscape', LANDSCAPE, 'BV-DEMO-0003'],
  ] as const;
  for (const [size, viewport, code] of sizes) {
    const page = await station(browser, edge, viewport, en);
    await openCard(page, code);
    await shoot(page, `station-en-${size}.png`);
    await page.context().close();
  }
}

async function main(): Promise<void> {
  buildClientIfMissing();
  fs.mkdirSync(OUT, { recursive: true });
  const thai = await startTestEdge({ language: 'th' });
  const english = await startTestEdge({ language: 'en' });
  const browser = await launchChromium();
  try {
    await thaiTablet(browser, thai);
    await thaiPhone(browser, thai);
    await thaiLandscape(browser, thai);
    await englishSizes(browser, english);
  } finally {
    await browser.close();
    await thai.close();
    await english.close();
  }
}

await main();
