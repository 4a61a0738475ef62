/**
 * The console's shift figures page in Debian's Chromium against a real edge server: stations push
 * totes through the bag routing over HTTP (one fails QC, is reworked and passes; one passes first
 * time; one is scrapped at cutting); a supervisor signs in on the board, and uPlot's chunk is not
 * fetched until the Figures page opens. There the chart's canvas is drawn, the numbers in the tables
 * and words match what was pushed, a new push shows within the 5 s refetch, and axe-core finds no
 * serious or critical violation. Thai screenshots go to docs/screenshots/ (and, with SHOTS=1, every
 * size in both languages to .tmp/shots/figures/ for a look by eye).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  stopEdgeAndChromium,
} from '../support/station-page';

vi.setConfig(E2E_POLLS);

const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
const SHOTS = path.join(import.meta.dirname, '../../.tmp/shots/figures');
const t = consoleEn.figures;

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every script the page fetched, in order, with whether the figures page was open then. */
const scripts: { url: string; onFigures: boolean }[] = [];

const station = (wc: string): TestStation => new TestStation(edge.url, edge.stationToken(wc));

async function pushTotes(): Promise<void> {
  const [cut, edgeSt, stitch, asm, qc] = ['WC-CUT', 'WC-EDGE', 'WC-STITCH', 'WC-ASM', 'WC-QC'].map(
    station,
  ) as [TestStation, TestStation, TestStation, TestStation, TestStation];
  const toQc = async (code: string) => {
    for (const [s, n] of [
      [cut, 'CUT'],
      [edgeSt, 'EDGE-BODY'],
      [stitch, 'STITCH-STRAP'],
      [asm, 'ASSEMBLE'],
    ] as const) {
      await s.send('start', code, n);
      await s.send('complete', code, n);
    }
    await qc.send('start', code, 'QC-FINAL');
  };
  await toQc('BV-DEMO-0001');
  await qc.send('qc_fail', 'BV-DEMO-0001', 'QC-FINAL', { reason: 'glue stain' });
  await asm.send('start', 'BV-DEMO-0001', 'ASSEMBLE');
  await asm.send('complete', 'BV-DEMO-0001', 'ASSEMBLE');
  await qc.send('start', 'BV-DEMO-0001', 'QC-FINAL');
  await qc.send('qc_pass', 'BV-DEMO-0001', 'QC-FINAL', { grade: 'A' });
  await toQc('BV-DEMO-0002');
  await qc.send('qc_pass', 'BV-DEMO-0002', 'QC-FINAL', { grade: 'A' });
  await cut.send('scrap', 'BV-DEMO-0003', 'CUT');
}

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge();
  await pushTotes();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('request', (req) => {
    if (req.resourceType() === 'script')
      scripts.push({ url: req.url(), onFigures: page.url().endsWith('#/figures') });
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await stopEdgeAndChromium(edge, browser);
});

const row = (table: string, node: string) =>
  page.locator(`[data-routing="BAG-TOTE"] [data-table="${table}"] tr[data-node="${node}"]`);
const cellTexts = (table: string, node: string) => row(table, node).locator('td').allTextContents();
const chartScripts = () => scripts.filter((s) => /figures-chart-[\w-]+\.js$/.test(s.url));

/** Whether the throughput chart's canvas has anything drawn on it (not every pixel transparent). */
function canvasDrawn(): Promise<boolean> {
  return page.locator('[data-routing="BAG-TOTE"] .chart-box canvas').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return false;
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) return true;
    return false;
  });
}

async function shoot(language: 'en' | 'th'): Promise<void> {
  if (process.env['SHOTS'] !== '1') return;
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [name, width, height] of [
    ['desktop', 1280, 800],
    ['tablet', 800, 1280],
    ['phone', 390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expect.poll(() => page.locator('.chart-box[data-chart="drawn"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, `${language}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('the console’s shift figures', () => {
  it('SV-56: uPlot is not fetched with the console; opening Figures fetches it and draws the chart', async () => {
    await page.goto(`${edge.url}/supervisor`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel(consoleEn.signIn.username).fill(edge.demo.supervisor.username);
    await page.getByLabel(consoleEn.signIn.password).fill(edge.demo.supervisor.password);
    await page.getByRole('button', { name: consoleEn.signIn.submit }).click();
    await expect.poll(() => page.locator('[data-routing="BAG-TOTE"] [data-node="CUT"]').count()).toBe(1);
    expect(scripts.length).toBeGreaterThan(0);
    expect(chartScripts()).toEqual([]);

    await page.getByRole('link', { name: consoleEn.app.page.figures }).click();
    await expect.poll(() => page.url()).toMatch(/#\/figures$/);
    await expect
      .poll(() => page.locator('[data-routing="BAG-TOTE"] .chart-box').getAttribute('data-chart'))
      .toBe('drawn');
    expect(chartScripts()).toHaveLength(1);
    expect(chartScripts()[0]?.onFigures).toBe(true);
    await expect.poll(canvasDrawn).toBe(true);
    expect(await page.getByRole('img', { name: t.throughput.chartLabel }).count()).toBeGreaterThan(0);
  });

  it('SV-50, SV-51, SV-52, SV-53: the numbers are the pushed events’, in tables and words', async () => {
    // Cutting did two totes (the third was scrapped there); assembly three times (one rework).
    await expect.poll(() => row('throughput', 'CUT').locator('td.total').textContent()).toBe('2');
    expect(await row('throughput', 'ASSEMBLE').locator('td.total').textContent()).toBe('3');
    expect(await row('throughput', 'QC-FINAL').locator('td.total').textContent()).toBe('2');
    const fpy = page.locator('[data-routing="BAG-TOTE"] [data-fpy="QC-FINAL"]');
    expect(await fpy.locator('.fpy-value').textContent()).toBe(t.quality.percent({ n: 50 }));
    expect(await fpy.textContent()).toContain(t.quality.passedFirst({ passed: 1, total: 2 }));
    expect(await cellTexts('losses', 'CUT')).toEqual([
      t.quality.times({ count: 1, units: 1 }),
      t.quality.none,
    ]);
    expect(await cellTexts('losses', 'QC-FINAL')).toEqual([
      t.quality.none,
      t.quality.times({ count: 1, units: 1 }),
    ]);
    // Seven totes still ready at cutting, all for under 15 minutes; two waiting at packing.
    expect((await cellTexts('wip', 'CUT')).slice(0, 6)).toEqual(['7', '0', '0', '0', '0', '7']);
    expect((await cellTexts('wip', 'PACK')).slice(0, 6)).toEqual(['2', '0', '0', '0', '0', '2']);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('SV-56: a station’s push shows on the open page within the refetch interval', async () => {
    const cut = station('WC-CUT');
    (cut as unknown as { seq: number }).seq = 100;
    await cut.send('start', 'BV-DEMO-0004', 'CUT');
    await cut.send('complete', 'BV-DEMO-0004', 'CUT');
    await expect
      .poll(() => row('throughput', 'CUT').locator('td.total').textContent(), { timeout: 10_000 })
      .toBe('3');
    expect(chartScripts()).toHaveLength(1);
    await shoot('en');
  });

  it('SV-56: in Thai, screenshots at 1280x800 and 390x844; the phone scrolls tables in their own regions', async () => {
    await page.getByRole('button', { name: 'ไทย' }).click();
    await expect.poll(() => page.getByRole('heading', { name: consoleTh.figures.heading }).count()).toBe(1);
    await expect
      .poll(() => page.locator('[data-routing="BAG-TOTE"] .chart-box').getAttribute('data-chart'))
      .toBe('drawn');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-figures-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(390);
    // The phone shot shows the figures, not the header and tabs above them.
    await page
      .locator('[data-routing="BAG-TOTE"] h3')
      .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-figures-phone.png') });
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await shoot('th');
  });
});
