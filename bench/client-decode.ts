/**
 * @module The camera decoders in Debian's Chromium: decode time per 1280x720 frame and attempts
 * per second for each decoder this browser has (client/scan/decoders.ts), on the same frames (a
 * Code 128 serial, a GS1 QR code, a GS1 DataMatrix, an empty frame); and the station app's initial
 * JavaScript, gzipped, against its budget, with the lazily loaded decoder chunks and .wasm.
 *
 * The decoders run in a tiny page of their own (built here with Vite's JS API into a temp dir and
 * served on loopback), so the app's build exposes nothing for the bench. The app itself is built
 * into another temp dir to be measured. Run alone: `npx tsx bench/client-decode.ts`.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { DecoderName } from '../client/scan/decoders';
import type { LumaFrame } from '../test/support/barcode-video';
import { blankFrame, code128Frame, matrixFrame, rotated } from '../test/support/barcode-video';
import { percentile } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** The targets: p95 decode time per frame, and the app's initial JavaScript gzipped. */
export const TARGETS = { decodeP95Ms: 50, initialJsGzipKb: 60 } as const;
const DECODERS: readonly DecoderName[] = ['native', 'zxing-wasm', 'zxing-js'];
/** Timed decodes per frame and decoder (after WARMUP): enough for a stable p95 in ~20 s in all. */
const ITERATIONS = 40;
const WARMUP = 3;
const ROUNDS = 4;
/** How long the real decode loop (client/scan/camera.ts) runs on a frame to count attempts. */
const LOOP_SECONDS = 3;

/** A GS1 element string as the floor's DataMatrix and QR labels carry it: GTIN, serial, GS, lot. */
export const GS1_TEXT = '010950110102091721BV-DEMO-0001\u001d10LOT42';
export const SERIAL_TEXT = 'BV-2025-004711';

/** The bench's frames: the name the page knows each by, what it shows, and the text it holds. */
export function benchFrames(): { name: string; frame: LumaFrame; text: string | null }[] {
  return [
    { name: 'code128', frame: code128Frame(SERIAL_TEXT, { moduleWidth: 3, noise: 6 }), text: SERIAL_TEXT },
    { name: 'qr-gs1', frame: matrixFrame('qr_code', GS1_TEXT, { size: 240, noise: 6 }), text: GS1_TEXT },
    {
      name: 'datamatrix-gs1',
      frame: matrixFrame('data_matrix', GS1_TEXT, { size: 240, noise: 6 }),
      text: GS1_TEXT,
    },
    // A label held at a slant, and one held upright (the bars horizontal): the reader has to rotate.
    {
      name: 'code128-tilted',
      frame: rotated(code128Frame(SERIAL_TEXT, { moduleWidth: 3 }), 12),
      text: SERIAL_TEXT,
    },
    {
      name: 'code128-upright',
      frame: rotated(code128Frame(SERIAL_TEXT, { moduleWidth: 2 }), 90),
      text: SERIAL_TEXT,
    },
    { name: 'empty', frame: blankFrame(), text: null },
  ];
}

/** The page the harness serves: the decoders and the decode loop, driven through `window.harness`. */
function harnessEntry(dir: string): string {
  const from = (file: string) => JSON.stringify(path.relative(dir, path.join(ROOT, file)));
  return `
import { loadDecoder, pickDecoder } from ${from('client/scan/decoders.ts')};
import { startDecodeLoop } from ${from('client/scan/camera.ts')};

const decoders = new Map();
const canvases = new Map();

async function canvasOf(name) {
  if (canvases.has(name)) return canvases.get(name);
  const res = await fetch('/frames/' + name + '.bin');
  const [width, height] = res.headers.get('x-size').split('x').map(Number);
  const luma = new Uint8Array(await res.arrayBuffer());
  const image = new ImageData(width, height);
  for (let i = 0; i < luma.length; i++) {
    image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = luma[i];
    image.data[i * 4 + 3] = 255;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d', { willReadFrequently: true }).putImageData(image, 0, 0);
  canvases.set(name, canvas);
  return canvas;
}

async function sourceOf(frame, as) {
  const canvas = await canvasOf(frame);
  if (as === 'canvas') return canvas;
  if (as === 'imagedata') return canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  return createImageBitmap(canvas);
}

window.harness = {
  hasNative: 'BarcodeDetector' in window,
  async pick(order) {
    const pick = await pickDecoder(order);
    return { picked: pick.kind === 'picked' ? pick.decoder.name : null, skipped: pick.skipped };
  },
  async load(name) {
    const started = performance.now();
    const load = await loadDecoder(name);
    if (load.kind === 'ready') decoders.set(name, load.decoder);
    return { ok: load.kind === 'ready', reason: load.reason ?? null, ms: performance.now() - started };
  },
  async decode(name, frame, as) {
    return decoders.get(name).decode(await sourceOf(frame, as));
  },
  async time(name, frame, iterations, warmup) {
    const decoder = decoders.get(name);
    const canvas = await canvasOf(frame);
    const ms = [];
    const texts = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const started = performance.now();
      const text = await decoder.decode(canvas);
      if (i >= warmup) ms.push(performance.now() - started);
      if (!texts.includes(text)) texts.push(text);
    }
    return { ms, texts };
  },
  async loop(name, frame, seconds) {
    const decoder = decoders.get(name);
    const canvas = await canvasOf(frame);
    let attempts = 0;
    const results = [];
    const counted = { decode: (source) => (attempts++, decoder.decode(source)) };
    const loop = startDecodeLoop({ decoder: counted, frame: () => canvas, onResult: (t) => results.push(t) });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    loop.stop();
    return { attemptsPerSecond: attempts / seconds, results };
  },
};
document.body.dataset.ready = 'yes';
`;
}

export interface DecodeHarness {
  url: string;
  /** The built harness (its assets/ holds the decoder chunks and the .wasm as the app has them). */
  distDir: string;
  /** Every URL the harness server was asked for. */
  requests: string[];
  close(): Promise<void>;
}

/** Builds the decoder harness page with the given frames and serves it on a loopback port. */
export async function startDecodeHarness(
  frames: { name: string; frame: LumaFrame }[],
): Promise<DecodeHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-harness-'));
  const distDir = path.join(dir, 'dist');
  fs.writeFileSync(path.join(dir, 'entry.ts'), harnessEntry(dir));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><body><script type="module" src="./entry.ts"></script></body></html>',
  );
  await build({
    configFile: false,
    root: dir,
    logLevel: 'warn',
    build: {
      outDir: distDir,
      emptyOutDir: true,
      assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    },
  });
  fs.mkdirSync(path.join(distDir, 'frames'));
  for (const { name, frame } of frames)
    fs.writeFileSync(path.join(distDir, 'frames', `${name}.bin`), frame.luma);
  const sizes = new Map(
    frames.map(({ name, frame }) => [`/frames/${name}.bin`, `${frame.width}x${frame.height}`]),
  );
  const requests: string[] = [];
  const server = serveStatic(distDir, sizes, requests);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    distDir,
    requests,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

function serveStatic(dir: string, sizes: Map<string, string>, requests: string[]): http.Server {
  return http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(pathname);
    const file = path.join(dir, path.normalize(pathname === '/' ? '/index.html' : pathname));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      ...(sizes.has(pathname) ? { 'x-size': sizes.get(pathname) } : {}),
    });
    res.end(fs.readFileSync(file));
  });
}

/** Opens the harness in `browser`; the page's `harness` object is ready when this resolves. */
export async function openHarness(browser: Browser, harness: DecodeHarness): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(harness.url);
  await page.waitForSelector('body[data-ready=yes]', { state: 'attached' });
  return page;
}

export interface DecoderFigures {
  decoder: DecoderName;
  /** Load time: the chunk, and for zxing-wasm the .wasm fetched and instantiated. */
  loadMs: number;
  /** Per frame kind, and over all frames together. */
  perFrame: { frame: string; p50Ms: number; p95Ms: number; read: boolean }[];
  p50Ms: number;
  p95Ms: number;
  /** What the real decode loop achieved on the Code 128 frame, and what decoding alone would allow. */
  attemptsPerSecond: number;
  maxAttemptsPerSecond: number;
}

export interface DecodeBenchResult {
  chromium: string;
  decoders: DecoderFigures[];
  unavailable: { decoder: DecoderName; reason: string }[];
  /** The order pickDecoder() should use on this machine, fastest p95 first. */
  fastestFirst: DecoderName[];
  initialJs: { files: string[]; gzipBytes: number; rawBytes: number };
  /** The lazily loaded parts: the camera panel, the decoder chunks, the .wasm. */
  lazy: { file: string; what: string; gzipBytes: number; rawBytes: number; precached: boolean }[];
}

export async function runDecodeBench(): Promise<DecodeBenchResult> {
  const frames = benchFrames();
  const harness = await startDecodeHarness(frames);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await openHarness(browser, harness);
    const loaded: { decoder: DecoderName; loadMs: number }[] = [];
    const unavailable: { decoder: DecoderName; reason: string }[] = [];
    for (const decoder of DECODERS) {
      const load = (await page.evaluate((name) => (window as any).harness.load(name), decoder)) as {
        ok: boolean;
        reason: string | null;
        ms: number;
      };
      if (load.ok) loaded.push({ decoder, loadMs: load.ms });
      else unavailable.push({ decoder, reason: load.reason ?? 'unknown' });
    }
    // Rounds alternate the decoders on each frame, so a busy moment of a shared machine does not
    // land on one decoder only.
    const samples = new Map<string, { ms: number[]; texts: Set<string | null> }>();
    for (const { name } of frames) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const { decoder } of loaded) {
          const run = (await page.evaluate(([d, f, n, w]) => (window as any).harness.time(d, f, n, w), [
            decoder,
            name,
            ITERATIONS / ROUNDS,
            round === 0 ? WARMUP : 0,
          ] as const)) as { ms: number[]; texts: (string | null)[] };
          const key = `${decoder} ${name}`;
          const sample = samples.get(key) ?? { ms: [], texts: new Set() };
          sample.ms.push(...run.ms);
          run.texts.forEach((t) => sample.texts.add(t));
          samples.set(key, sample);
        }
      }
    }
    const decoders: DecoderFigures[] = [];
    for (const { decoder, loadMs } of loaded) {
      const all: number[] = [];
      const perFrame = frames.map(({ name, text }) => {
        const sample = samples.get(`${decoder} ${name}`) ?? { ms: [], texts: new Set() };
        const sorted = [...sample.ms].sort((a, b) => a - b);
        all.push(...sample.ms);
        return {
          frame: name,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          // Read: the right text came, and nothing else did (zxing-js misses on the attempts it
          // spends on the frame turned a quarter, which the camera loop makes up for).
          read: sample.texts.has(text) && [...sample.texts].every((t) => t === text || t === null),
        };
      });
      const loop = (await page.evaluate(([d, s]) => (window as any).harness.loop(d, 'code128', s), [
        decoder,
        LOOP_SECONDS,
      ] as const)) as { attemptsPerSecond: number; results: string[] };
      const sorted = all.sort((a, b) => a - b);
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      decoders.push({
        decoder,
        loadMs,
        perFrame,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        attemptsPerSecond: loop.attemptsPerSecond,
        maxAttemptsPerSecond: 1000 / mean,
      });
    }
    const sizes = await measureAppBuild();
    return {
      chromium: browser.version(),
      decoders,
      unavailable,
      fastestFirst: [...decoders].sort((a, b) => a.p95Ms - b.p95Ms).map((d) => d.decoder),
      ...sizes,
    };
  } finally {
    await browser.close();
    await harness.close();
  }
}

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  assets?: string[];
}

/**
 * Builds the station app (the project's vite.config.ts) into a temp dir with a manifest, and sizes
 * what index.html loads (its entry and the entry's static imports, transitively) and what the
 * camera loads later. `precached`: the service worker's precache list names the file.
 */
async function measureAppBuild(): Promise<Pick<DecodeBenchResult, 'initialJs' | 'lazy'>> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-bench-app-'));
  try {
    await build({
      configFile: path.join(ROOT, 'vite.config.ts'),
      root: path.join(ROOT, 'client'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, manifest: true },
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    const sw = fs.readFileSync(path.join(outDir, 'sw.js'), 'utf8');
    const size = (file: string) => {
      const bytes = fs.readFileSync(path.join(outDir, file));
      return { rawBytes: bytes.length, gzipBytes: zlib.gzipSync(bytes).length };
    };
    const staticClosure = (keys: string[], seen = new Set<string>()): Set<string> => {
      for (const key of keys) {
        if (seen.has(key) || !manifest[key]) continue;
        seen.add(key);
        staticClosure(manifest[key].imports ?? [], seen);
      }
      return seen;
    };
    const entries = Object.keys(manifest).filter((k) => manifest[k]?.isEntry);
    const initial = staticClosure(entries);
    const initialFiles = [...initial].map((k) => manifest[k]?.file ?? k);
    const initialSizes = initialFiles.map(size);

    const lazy: DecodeBenchResult['lazy'] = [];
    const add = (file: string, what: string) => {
      if (lazy.some((l) => l.file === file) || initialFiles.includes(file)) return;
      lazy.push({ file, what, ...size(file), precached: sw.includes(file) });
    };
    const panelKey = Object.keys(manifest).find((k) => k.endsWith('scan/camera-scanner.tsx'));
    if (panelKey)
      for (const key of staticClosure([panelKey])) add(manifest[key]?.file ?? key, 'camera panel');
    for (const [key, chunk] of Object.entries(manifest)) {
      const what = /barcode-detector|zxing-wasm/.test(key)
        ? 'zxing-wasm decoder'
        : /@zxing/.test(key)
          ? 'zxing-js decoder'
          : null;
      if (what) for (const k of staticClosure([key])) add(manifest[k]?.file ?? k, what);
      for (const asset of chunk.assets ?? []) if (asset.endsWith('.wasm')) add(asset, 'zxing-wasm .wasm');
    }
    return {
      initialJs: {
        files: initialFiles,
        rawBytes: initialSizes.reduce((a, s) => a + s.rawBytes, 0),
        gzipBytes: initialSizes.reduce((a, s) => a + s.gzipBytes, 0),
      },
      lazy,
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(1);

export function formatDecodeBench(result: DecodeBenchResult): string {
  const lines = [
    `Camera decoders in ${result.chromium}, 1280x720 frames (${ITERATIONS} decodes per frame and decoder):`,
    'decoder      load ms  p50 ms  p95 ms  attempts/s (max)  per frame p50/p95 ms (read?)',
  ];
  for (const d of result.decoders) {
    const frames = d.perFrame.map(
      (f) => `${f.frame} ${ms(f.p50Ms)}/${ms(f.p95Ms)}${f.read ? '' : ' NOT READ'}`,
    );
    const verdict = d.p95Ms <= TARGETS.decodeP95Ms ? 'ok' : 'MISS';
    lines.push(
      `${d.decoder.padEnd(12)} ${ms(d.loadMs).padStart(7)} ${ms(d.p50Ms).padStart(7)} ${ms(d.p95Ms).padStart(7)}` +
        `  ${d.attemptsPerSecond.toFixed(1).padStart(5)} (${d.maxAttemptsPerSecond.toFixed(0)})` +
        `  ${verdict.padEnd(4)}  ${frames.join(', ')}`,
    );
  }
  for (const u of result.unavailable) lines.push(`${u.decoder.padEnd(12)} not available: ${u.reason}`);
  lines.push(
    `Fastest first (p95): ${result.fastestFirst.join(' > ')}; target p95 <= ${TARGETS.decodeP95Ms} ms`,
  );
  const initialKb = result.initialJs.gzipBytes / 1024;
  lines.push(
    `Initial JS: ${kb(result.initialJs.gzipBytes)} KB gzipped (${kb(result.initialJs.rawBytes)} KB raw, ` +
      `${result.initialJs.files.length} files), target <= ${TARGETS.initialJsGzipKb} KB: ` +
      (initialKb <= TARGETS.initialJsGzipKb ? 'ok' : 'MISS'),
  );
  for (const l of result.lazy)
    lines.push(
      `  lazy ${l.what.padEnd(18)} ${kb(l.gzipBytes).padStart(7)} KB gz ${kb(l.rawBytes).padStart(8)} KB raw` +
        `  ${l.precached ? 'precached' : 'NOT PRECACHED'}  ${l.file}`,
    );
  if (!result.lazy.some((l) => l.what === 'camera panel'))
    lines.push('  (the app does not load the camera panel yet: no decoder chunks in its build)');
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runDecodeBench();
  console.log(formatDecodeBench(result));
}
