/**
 * The printable command barcodes, measured in Chromium on the built app: every barcode fits its card
 * on a phone, a tablet and an A4 page (two cards a row), labelled in the screen's language.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../client/i18n/en';
import { clientBuilt } from '../../edge-server/http/static-app';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import { launchChromium } from '../support/station-page';

let edge: TestEdge;
let browser: Browser;
beforeAll(async () => {
  if (!clientBuilt()) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: path.join(import.meta.dirname, '../..'),
    });
  }
  edge = await startTestEdge();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await edge?.close();
});

/** Each card's caption, and how far its barcode reaches past the card's content box (px, <= 0 fits). */
async function cards(page: Page) {
  await expect.poll(() => page.locator('.command-card svg rect').count()).toBeGreaterThan(10);
  return page.locator('.command-card').evaluateAll((figures) =>
    figures.map((figure) => {
      const card = figure.getBoundingClientRect();
      const svg = (figure.querySelector('svg') as SVGSVGElement).getBoundingClientRect();
      const padding = parseFloat(getComputedStyle(figure).paddingRight);
      return {
        label: figure.querySelector('figcaption')?.textContent ?? '',
        overflow: Math.max(svg.right - (card.right - padding), card.left + padding - svg.left),
        width: svg.width,
        documentWidth: document.documentElement.scrollWidth,
      };
    }),
  );
}

describe('the command barcodes page', () => {
  it('ST-1, ST-13: every barcode, Bind component included, fits its card on a phone and a tablet', async () => {
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 800, height: 1280 },
      { width: 1280, height: 800 },
    ]) {
      const page = await browser.newPage({ viewport });
      await page.goto(`${edge.url}/commands`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe(en.pages.commands.heading);
      const measured = await cards(page);
      expect(measured.map((c) => c.label)).toContain(en.words.action.bind_component);
      expect(measured.map((c) => c.label)).toContain(en.pages.commands.lock);
      for (const card of measured) {
        expect(card.overflow, card.label).toBeLessThanOrEqual(0.5);
        expect(card.width, card.label).toBeGreaterThan(200);
        expect(card.documentWidth, 'no horizontal scroll').toBeLessThanOrEqual(viewport.width);
      }
      await page.close();
    }
  });

  it('ST-1: printed on A4, two cards a row, every barcode within its card', async () => {
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await page.goto(`${edge.url}/commands`);
    await page.emulateMedia({ media: 'print' });
    const measured = await cards(page);
    for (const card of measured) expect(card.overflow, card.label).toBeLessThanOrEqual(0.5);
    const columns = await page
      .locator('.command-card')
      .evaluateAll((figures) => new Set(figures.map((f) => Math.round(f.getBoundingClientRect().left))).size);
    expect(columns).toBe(2);
    expect(await page.getByRole('button', { name: en.pages.commands.print }).isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    expect(pdf.length).toBeGreaterThan(1000);
    await page.close();
  });
});
