/**
 * The camera's decoders in Debian's Chromium, on generated 1280x720 frames: zxing-js and
 * zxing-wasm, each in its Web Worker and on the page, read the same Code 128 (also turned 90°),
 * GS1 QR code and GS1 DataMatrix from a canvas, an ImageData and an ImageBitmap, and find nothing
 * in an empty frame; pickDecoder() takes zxing-wasm in a worker here, runs it on the page where
 * there are no workers, and falls back to zxing-js when WebAssembly is missing; the .wasm comes
 * from the page's own origin and is the one zxing-wasm's reader was built for.
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
  it('SC-5, PF-70: zxing-js and zxing-wasm load here, in a worker; the native detector only where the browser has one', async () => {
    expect(await harnessCall('load', 'zxing-js')).toMatchObject({ ok: true, where: 'worker' });
    expect(await harnessCall('load', 'zxing-wasm')).toMatchObject({ ok: true, where: 'worker' });
    const hasNative = await page.evaluate(() => (window as any).harness.hasNative);
    expect(await harnessCall('load', 'native')).toMatchObject(
      hasNative ? { ok: true } : { ok: false, reason: 'no BarcodeDetector in this browser' },
    );
  });

  // zxing-js reads every other frame turned a quarter, so a decoder is asked to read each frame
  // within two attempts (zxing-wasm reads it in one).
  for (const decoder of ['zxing-js', 'zxing-wasm'] as const) {
    for (const where of ['worker', 'main'] as const) {
      it(`SC-5, PF-70, PF-74: ${decoder} (${where}) reads each frame, upright or turned, within two attempts, from a camera's VideoFrame, a canvas, an ImageData and an ImageBitmap`, async () => {
        expect(await harnessCall('load', decoder, where)).toMatchObject({ ok: true, where });
        for (const { name, text } of FRAMES) {
          for (const as of ['videoframe', 'canvas', 'imagedata', 'bitmap']) {
            const key = `${decoder}:${where}`;
            const read =
              (await harnessCall('decode', key, name, as)) ?? (await harnessCall('decode', key, name, as));
            expect({ name, as, text: read }).toEqual({ name, as, text });
          }
        }
        await harnessCall('close', `${decoder}:${where}`);
      });
    }
  }

  it('PF-71: a closed decoder ends its worker: the next attempt fails instead of waiting forever', async () => {
    expect(await harnessCall('load', 'zxing-js', 'worker')).toMatchObject({ ok: true, where: 'worker' });
    await harnessCall('close', 'zxing-js:worker');
    await expect(harnessCall('decode', 'zxing-js:worker', 'code128', 'canvas')).rejects.toThrow(
      'the decode worker was closed',
    );
  });

  it('SC-5, PF-70: pickDecoder takes the first that loads, in a worker, and skips zxing-wasm when WebAssembly is missing', async () => {
    const hasNative = await page.evaluate(() => (window as any).harness.hasNative);
    expect(await harnessCall('pick')).toMatchObject({
      picked: hasNative ? 'native' : 'zxing-wasm',
      where: 'worker',
    });

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
      where: 'worker',
      skipped: [
        ...(hasNative ? [] : [{ name: 'native', reason: 'no BarcodeDetector in this browser' }]),
        { name: 'zxing-wasm', reason: 'WebAssembly is not available' },
      ],
    });
    await noWasm.close();
  });

  it('PF-73: a browser without Web Workers decodes on the page, with the same decoder', async () => {
    const noWorkers = await browser.newPage();
    await noWorkers.addInitScript(() => {
      delete (globalThis as { Worker?: unknown }).Worker;
    });
    await noWorkers.goto(harness.url);
    await noWorkers.waitForSelector('body[data-ready=yes]', { state: 'attached' });
    const hasNative = await page.evaluate(() => (window as any).harness.hasNative);
    expect(await noWorkers.evaluate(() => (window as any).harness.pick())).toMatchObject({
      picked: hasNative ? 'native' : 'zxing-wasm',
      where: 'main',
    });
    await noWorkers.close();
  });

  it('SC-5: fetches the .wasm from its own origin, never from a CDN, and it is the one zxing-wasm expects', async () => {
    await harnessCall('load', 'zxing-wasm', 'worker');
    await harnessCall('load', 'zxing-wasm', 'main');
    expect(requested.filter((url) => !url.startsWith(harness.url))).toEqual([]);
    const wasm = harness.requests.filter((p) => p.endsWith('.wasm'));
    // Each worker (and the page) instantiates it, always from the one hashed file.
    expect(new Set(wasm).size).toBe(1);
    const bytes = fs.readFileSync(path.join(harness.distDir, wasm[0] ?? ''));
    const { ZXING_WASM_SHA256 } = await import('zxing-wasm/reader');
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(ZXING_WASM_SHA256);
  });
});
