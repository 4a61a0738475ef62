/**
 * The camera's decoders in Debian's Chromium, on generated 1280x720 frames: zxing-js and
 * zxing-wasm read the same Code 128 (also turned 90°), GS1 QR code and GS1 DataMatrix from a
 * canvas, an ImageData and an ImageBitmap, and find nothing in an empty frame; pickDecoder() falls back when
 * WebAssembly is missing; the .wasm comes from the page's own origin and is the one the ponyfill
 * was built for.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodeHarness } from '../../bench/client-decode';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  GS1_TEXT,
  openHarness,
  startDecodeHarness,
} from '../../bench/client-decode';
import { blankFrame, code128Frame, matrixFrame, rotated } from '../support/barcode-video';

const FRAMES = [
  { name: 'code128', frame: code128Frame('BV-DEMO-0001', { noise: 6 }), text: 'BV-DEMO-0001' },
  // A label lying across a tablet held upright: the bars are horizontal in the frame.
  {
    name: 'code128-turned',
    frame: rotated(code128Frame('BV-DEMO-0002', { moduleWidth: 2 }), 90),
    text: 'BV-DEMO-0002',
  },
  { name: 'qr', frame: matrixFrame('qr_code', GS1_TEXT, { noise: 6 }), text: GS1_TEXT },
  { name: 'datamatrix', frame: matrixFrame('data_matrix', GS1_TEXT, { noise: 6 }), text: GS1_TEXT },
  { name: 'empty', frame: blankFrame(), text: null },
];

let harness: DecodeHarness;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium`);
  harness = await startDecodeHarness(FRAMES);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await openHarness(browser, harness);
  page.on('request', (r) => requested.push(r.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

const harnessCall = (fn: string, ...args: unknown[]) =>
  page.evaluate(([f, a]) => (window as any).harness[f](...a), [fn, args] as const);

describe('camera decoders in Chromium', () => {
  it('SC-5: zxing-js and zxing-wasm load here; the native detector only where the browser has one', async () => {
    expect(await harnessCall('load', 'zxing-js')).toMatchObject({ ok: true });
    expect(await harnessCall('load', 'zxing-wasm')).toMatchObject({ ok: true });
    const hasNative = await page.evaluate(() => (window as any).harness.hasNative);
    expect(await harnessCall('load', 'native')).toMatchObject(
      hasNative ? { ok: true } : { ok: false, reason: 'no BarcodeDetector in this browser' },
    );
  });

  // The camera loop tries about 8 frames a second; zxing-js reads every other one turned a quarter,
  // so a decoder is asked to read each frame within two attempts.
  for (const decoder of ['zxing-js', 'zxing-wasm'] as const) {
    it(`SC-5: ${decoder} reads each frame, upright or turned, within two attempts, from a canvas, an ImageData and an ImageBitmap`, async () => {
      expect(await harnessCall('load', decoder)).toMatchObject({ ok: true });
      for (const { name, text } of FRAMES) {
        for (const as of ['canvas', 'imagedata', 'bitmap']) {
          const read =
            (await harnessCall('decode', decoder, name, as)) ??
            (await harnessCall('decode', decoder, name, as));
          expect({ name, as, text: read }).toEqual({ name, as, text });
        }
      }
    });
  }

  it('SC-5: pickDecoder takes the first that loads, and skips zxing-wasm when WebAssembly is missing', async () => {
    const hasNative = await page.evaluate(() => (window as any).harness.hasNative);
    expect(await harnessCall('pick')).toMatchObject({ picked: hasNative ? 'native' : 'zxing-js' });

    const noWasm = await browser.newPage();
    await noWasm.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    });
    await noWasm.goto(harness.url);
    await noWasm.waitForSelector('body[data-ready=yes]', { state: 'attached' });
    expect(
      await noWasm.evaluate(() => (window as any).harness.pick(['native', 'zxing-wasm', 'zxing-js'])),
    ).toEqual({
      picked: 'zxing-js',
      skipped: [
        ...(hasNative ? [] : [{ name: 'native', reason: 'no BarcodeDetector in this browser' }]),
        { name: 'zxing-wasm', reason: 'WebAssembly is not available' },
      ],
    });
    await noWasm.close();
  });

  it('SC-5: fetches the .wasm from its own origin, never from a CDN, and it is the one the ponyfill expects', async () => {
    await harnessCall('load', 'zxing-wasm');
    expect(requested.filter((url) => !url.startsWith(harness.url))).toEqual([]);
    const wasm = harness.requests.filter((p) => p.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    const bytes = fs.readFileSync(path.join(harness.distDir, wasm[0] ?? ''));
    const { ZXING_WASM_SHA256 } = await import('barcode-detector/ponyfill');
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(ZXING_WASM_SHA256);
  });
});
