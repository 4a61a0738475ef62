/**
 * Labels printed from the planning desk in Debian's Chromium against a real edge server (DK-40 …
 * DK-47): the admin API releases a ticket of 20 serials on BAG-TOTE; an admin signs in (Thai, the
 * default) and opens its print view; every serial has its label; in print media each label is a
 * 50 × 25 mm page of its own (the PDF Chromium prints has 20 pages of that size); the Code 128 and
 * DataMatrix barcodes on the page, screenshotted one by one, decode back to their serials with the
 * station's own camera decoders (client/scan/decoders.ts, zxing-js and zxing-wasm, through the
 * bench's harness), the GS1 DataMatrix through the station's GS1 parser; then a station at the
 * routing's start (WC-CUT) scans one of the new serials and shows its token. The README's
 * screenshots: the page at desktop and phone size, and the print view.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecodeHarness } from '../../bench/client-decode';
import { openHarness, startDecodeHarness } from '../../bench/client-decode';
import { consoleTh } from '../../client/console/i18n/th';
import { parseScan } from '../../client/scan/gs1';
import { seriousViolations } from '../support/axe';
import type { LumaFrame } from '../support/barcode-video';
import { adminSender } from '../support/admin-api';
import type { TestEdge } from '../support/edge';
import {
  E2E_POLLS,
  openStation,
  signIn,
  startEdgeAndChromium,
  stopEdgeAndChromium,
  waitForToken,
  wedgeScan,
  whereText,
} from '../support/station-page';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const SHOTS = path.join(ROOT, '.tmp/shots/labels');
const TICKET = 'TKT-LABELS-20';
const PREFIX = 'TOTE-LBL-';
/** The labels whose barcodes are decoded: the first, one in the middle, the last. */
const SAMPLE = [`${PREFIX}0001`, `${PREFIX}0007`, `${PREFIX}0020`];
const DECODERS = ['zxing-js', 'zxing-wasm'] as const;
/** 50 × 25 mm in points, as a PDF's MediaBox gives a page's size. */
const LABEL_PT = { width: (50 / 25.4) * 72, height: (25 / 25.4) * 72 };
const A4_PT = { width: (210 / 25.4) * 72, height: (297 / 25.4) * 72 };

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let serials: string[] = [];
/** The barcodes screenshotted from the page, as grey frames for the decoder harness. */
const frames: { name: string; frame: LumaFrame; text: string }[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  ({ edge, browser } = await startEdgeAndChromium());
  const api = adminSender(
    () => edge.url,
    () => edge.login('admin'),
  );
  const res = await api('POST', '/api/v1/admin/tickets', {
    code: TICKET,
    routing: 'BAG-TOTE',
    processMode: 'piece',
    qty: 20,
    serialPrefix: PREFIX,
    product: 'Leather tote, brown',
  });
  expect(res.status).toBe(201);
  serials = (res.body as { tokens: string[] }).tokens;
  // Three device pixels per CSS pixel: a 50 mm label's bars are a few pixels wide each.
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 3 });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await stopEdgeAndChromium(edge, browser);
});

/** A screenshot (PNG) as a grey frame, on a white margin (the quiet zone a camera would see). */
async function lumaOf(png: Buffer, margin = 48): Promise<LumaFrame> {
  const image = await loadImage(png);
  const width = image.width + 2 * margin;
  const height = image.height + 2 * margin;
  const canvas = createCanvas(width, height);
  const context2d = canvas.getContext('2d');
  context2d.fillStyle = '#fff';
  context2d.fillRect(0, 0, width, height);
  context2d.drawImage(image, margin, margin);
  const { data } = context2d.getImageData(0, 0, width, height);
  const luma = new Uint8Array(width * height);
  for (let i = 0; i < luma.length; i++)
    luma[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!);
  return { width, height, luma };
}

async function shootBarcode(serial: string, kind: 'code128' | 'datamatrix' | 'gs1'): Promise<void> {
  const element = page.locator(`[data-label="${serial}"] [data-barcode="${kind}"]`);
  await element.scrollIntoViewIfNeeded();
  frames.push({ name: `${kind}-${serial}`, frame: await lumaOf(await element.screenshot()), text: serial });
}

async function shoot(name: string): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `${name}-${size}.png`), {
    screenshot: { fullPage: false, scale: 'css' },
  });
}

describe('labels printed from the planning desk', () => {
  it('DK-40: an admin opens the print view of a new ticket of 20 serials: a label for each serial', async () => {
    expect(serials).toHaveLength(20);
    await signInToConsole(page, `${edge.url}/supervisor`, edge.demo.admin, consoleTh);
    await expect.poll(() => page.getByRole('navigation').count()).toBeGreaterThan(0);
    await page.goto(`${edge.url}/supervisor#/labels/${TICKET}`);
    await expect.poll(() => page.locator('[data-label]').count()).toBe(20);
    expect(
      await page.locator('[data-label]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-label'))),
    ).toEqual(serials);
    const first = page.locator(`[data-label="${serials[0]}"]`);
    expect(await first.textContent()).toContain(consoleTh.labels.printed.ticket({ code: TICKET }));
    expect(await first.textContent()).toContain('Leather tote bag');
    expect(await page.getByRole('button', { name: consoleTh.labels.print.labels({ n: 20 }) }).count()).toBe(
      1,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('labels-th');
    fs.copyFileSync(
      path.join(SHOTS, 'labels-th-desktop.png'),
      path.join(SCREENSHOTS, 'desk-labels-desktop.png'),
    );
    // On a phone the choices come first: the README shows the labels under them.
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator('.labels-preview').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-labels-phone.png'), scale: 'css' });
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('DK-44, DK-47: printed, each label is a 50 × 25 mm page of its own, the console around it hidden; travelers and the command sheet are A4 pages', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      const boxes = await page.locator('[data-label]').evaluateAll((labels) =>
        labels.map((l) => {
          const r = l.getBoundingClientRect();
          const sheet = l.closest('.print-page');
          return {
            width: r.width,
            height: r.height,
            breakAfter: sheet ? getComputedStyle(sheet).breakAfter : null,
            labelsOnSheet: sheet?.querySelectorAll('[data-label]').length,
          };
        }),
      );
      const mm = 96 / 25.4;
      for (const [i, box] of boxes.entries()) {
        expect(box.width).toBeCloseTo(50 * mm, 0);
        expect(box.height).toBeCloseTo(25 * mm, 0);
        expect(box.labelsOnSheet).toBe(1);
        expect(box.breakAfter).toBe(i === boxes.length - 1 ? 'auto' : 'page');
      }
      expect(await page.locator('.console-header').isVisible()).toBe(false);
      expect(await page.locator('.labels-controls').isVisible()).toBe(false);
      expect(
        await page.evaluate(() =>
          document.adoptedStyleSheets.flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\n'),
        ),
      ).toContain('@page { size: 50mm 25mm; margin: 0px; }');
      // The first labels as the printer gets them, at three device pixels per CSS pixel.
      await page.setViewportSize({ width: 230, height: 390 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-label-print.png') });
      await page.setViewportSize(VIEWPORTS.desktop);
      // What Chromium prints: one page per label, each the label's size.
      const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
      const pages = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
      expect(pages).toHaveLength(20);
      for (const [, width, height] of pages) {
        expect(Math.abs(Number(width) - LABEL_PT.width)).toBeLessThan(1);
        expect(Math.abs(Number(height) - LABEL_PT.height)).toBeLessThan(1);
      }
      // Travelers: an A4 page per tote; the command sheet: one A4 page (chosen on screen: in print
      // the choices are hidden).
      await page.emulateMedia({ media: 'screen' });
      for (const [kind, n] of [
        ['travelers', 20],
        ['commands', 1],
      ] as const) {
        await page.getByRole('button', { name: consoleTh.labels.kind[kind], exact: true }).click();
        await expect
          .poll(() => page.locator(`.labels-sheets[data-kind="${kind}"] .print-page`).count())
          .toBe(n);
        // page.pdf() prints in the media emulated (Playwright): print, as a browser's print does.
        await page.emulateMedia({ media: 'print' });
        const printed = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
        await page.emulateMedia({ media: 'screen' });
        const sizes = [...printed.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
        expect({ kind, pages: sizes.length }).toEqual({ kind, pages: n });
        for (const [, width, height] of sizes) {
          expect(Math.abs(Number(width) - A4_PT.width)).toBeLessThan(1);
          expect(Math.abs(Number(height) - A4_PT.height)).toBeLessThan(1);
        }
      }
      await page.getByRole('button', { name: consoleTh.labels.kind.labels, exact: true }).click();
      await expect.poll(() => page.locator('[data-label]').count()).toBe(20);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('DK-41, DK-43: the Code 128, DataMatrix and GS1 DataMatrix on the page decode to their serials with the station’s camera decoders', async () => {
    for (const serial of SAMPLE) {
      await shootBarcode(serial, 'code128');
      await shootBarcode(serial, 'datamatrix');
    }
    await page.getByLabel(consoleTh.labels.gs1).check();
    await expect.poll(() => page.locator('[data-barcode="gs1"]').count()).toBe(20);
    for (const serial of SAMPLE) await shootBarcode(serial, 'gs1');
    const harness: DecodeHarness = await startDecodeHarness(frames);
    const decoderPage = await openHarness(browser, harness);
    try {
      const call = (fn: string, ...args: unknown[]) =>
        decoderPage.evaluate(([f, a]) => (window as any).harness[f](...a), [fn, args] as const);
      for (const decoder of DECODERS) {
        expect(await call('load', decoder)).toMatchObject({ ok: true });
        for (const { name, text } of frames) {
          // zxing-js reads every other attempt turned a quarter: two attempts read a frame once upright.
          const read = ((await call('decode', decoder, name, 'canvas')) ??
            (await call('decode', decoder, name, 'canvas'))) as string | null;
          expect({ decoder, name, read: read === null ? null : parseScan(read).code }).toEqual({
            decoder,
            name,
            read: text,
          });
          // The GS1 DataMatrix reads as GS1, its lot (AI 10) the ticket; the others as the serial itself.
          if (name.startsWith('gs1-'))
            expect({ name, ...parseScan(read ?? '').fields }).toEqual({ name, '10': TICKET, '21': text });
          else expect(read).toBe(text);
        }
      }
    } finally {
      await decoderPage.close();
      await harness.close();
    }
  });

  it('DK-47: a station at the routing’s start scans one of the new serials and shows its token', async () => {
    const station = edge.demo.stations.find((s) => s.workCenter === 'WC-CUT');
    if (!station) throw new Error('no demo station at WC-CUT');
    const stationContext = await browser.newContext();
    try {
      const tablet = await openStation(stationContext, `${edge.url}/${new URL(station.enrollUrl).hash}`);
      const serial = SAMPLE[1]!;
      await signIn(tablet, 'OP-0001');
      await waitForToken(tablet, serial, 'CUT', 'ready');
      // The text the label's Code 128 decoded to, as a scanner types it.
      await wedgeScan(tablet, serial);
      await expect.poll(() => tablet.getByTestId('card').textContent()).toContain(serial);
      expect(await tablet.getByTestId('card').locator('.card-where').textContent()).toBe(
        whereText('CUT', 'ready'),
      );
    } finally {
      await stationContext.close();
    }
  });
});
