/**
 * What a tablet downloads first: the entry script index.html names and what it imports statically,
 * gzipped, within the 60 KB; Dexie, the Thai catalogue and the Thai font come later (each
 * its own file, precached by the service worker), and text files have their brotli and gzip twins.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { th } from '../../client/i18n/th';
import { CLIENT_DIST, clientBuilt } from '../../edge-server/http/static-app';

const INITIAL_JS_GZIP_BUDGET = 60 * 1024;

beforeAll(() => {
  if (!clientBuilt()) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: path.join(import.meta.dirname, '../..'),
    });
  }
}, 120_000);

const read = (file: string) => fs.readFileSync(path.join(CLIENT_DIST, file));

/** The entry and its static imports (`import … from "./x.js"` at the top level), transitively. */
function initialScripts(page = 'index.html'): string[] {
  const html = read(page).toString('utf8');
  const named = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g),
  ];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = read(file).toString('utf8');
    for (const [, spec] of code.matchAll(
      /(?:^|[;\n}])\s*import\s*(?:[\w${},\s*]+from\s*)?["'](\.\/[^"']+)["']/g,
    ))
      if (spec) visit(path.posix.join(path.posix.dirname(file), spec));
  };
  for (const [, file] of named) if (file) visit(file);
  return [...seen];
}

describe('the station app’s delivery', () => {
  it('ST-12: the initial JavaScript is at most 60 KB gzipped; Dexie and the Thai catalogue load later', () => {
    const files = initialScripts();
    const gzipped = files.reduce((sum, file) => sum + zlib.gzipSync(read(file), { level: 9 }).length, 0);
    console.info(`initial JS: ${files.join(', ')}: ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(INITIAL_JS_GZIP_BUDGET);
    const assets = fs.readdirSync(path.join(CLIENT_DIST, 'assets'));
    // The Thai catalogue is one chunk of its own (the entry names the language "ไทย", no more).
    const sentence = th.pages.notEnrolled.instruction;
    const thai = assets.filter(
      (f) => f.endsWith('.js') && read(`assets/${f}`).toString('utf8').includes(sentence),
    );
    expect(thai).toHaveLength(1);
    expect(files).not.toContain(`assets/${thai[0]}`);
    const dexie = assets.filter((f) => f.endsWith('.js') && read(`assets/${f}`).includes('Dexie'));
    expect(dexie.length).toBeGreaterThan(0);
    for (const file of dexie) expect(files).not.toContain(`assets/${file}`);
  });

  it('ST-12, SV-7: the supervisor console is its own bundle: none of it in the station’s first download or precache', () => {
    const station = initialScripts();
    const consoleScripts = initialScripts('supervisor/index.html');
    const entry = /<script[^>]*src="\/([^"]+\.js)"/.exec(read('supervisor/index.html').toString('utf8'))?.[1];
    expect(entry).toMatch(/^assets\/console-/);
    expect(station).not.toContain(entry);
    // A sentence only the console says is in the console's scripts and nowhere in the station's.
    const sentence = consoleEn.signIn.heading;
    expect(consoleScripts.some((f) => read(f).toString('utf8').includes(sentence))).toBe(true);
    for (const file of station) expect(read(file).toString('utf8').includes(sentence), file).toBe(false);
    // Tablets do not store the console (it is online only): neither its page nor its own files.
    const sw = read('sw.js').toString('utf8');
    const consoleOnly = fs
      .readdirSync(path.join(CLIENT_DIST, 'assets'))
      .filter((f) => f.startsWith('console-'));
    expect(consoleOnly.length).toBeGreaterThan(0);
    for (const file of consoleOnly) expect(sw.includes(`assets/${file}`), file).toBe(false);
    expect(sw.includes('supervisor/index.html')).toBe(false);
  });

  it('ST-7, ST-12: the Thai font (regular and bold) and the icons are precached; every text file has its .br and .gz', () => {
    const sw = read('sw.js').toString('utf8');
    const fonts = fs.readdirSync(path.join(CLIENT_DIST, 'assets')).filter((f) => f.endsWith('.woff2'));
    expect(fonts).toHaveLength(2);
    for (const font of fonts) expect(sw).toContain(`assets/${font}`);
    for (const icon of ['icon-192.png', 'icon-512.png', 'icon-maskable-512.png', 'apple-touch-icon.png'])
      expect(sw).toContain(icon);
    const manifest = JSON.parse(read('manifest.webmanifest').toString('utf8')) as {
      icons: { src: string; purpose: string }[];
    };
    expect(manifest.icons.filter((i) => i.purpose === 'maskable').map((i) => i.src)).toEqual([
      'icon-maskable-512.png',
    ]);
    const texts = (fs.readdirSync(CLIENT_DIST, { recursive: true }) as string[]).filter((f) =>
      /\.(js|css|html|webmanifest)$/.test(f),
    );
    for (const file of texts) {
      const original = read(file);
      if (original.length < 1024) continue; // a tiny file may not shrink
      // Buffer.equals: a deep comparison byte by byte is slow on the decoder's 450 KB.
      expect(zlib.brotliDecompressSync(read(`${file}.br`)).equals(original), file).toBe(true);
      expect(zlib.gunzipSync(read(`${file}.gz`)).equals(original), file).toBe(true);
    }
  });
});
