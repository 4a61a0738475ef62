/**
 * Renders the app's PNG icons from client/public/icon.svg, once; the PNGs are committed, so the build
 * does not need a browser. Run again only when icon.svg changes:
 *
 *   scripts/node24 npx tsx scripts/render-icons.ts
 *
 * It draws the SVG in Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH) and screenshots
 * it at each size:
 * - icon-192.png, icon-512.png ('any'): the SVG as it is, rounded corners transparent;
 * - icon-maskable-512.png ('maskable'): the background fills the square and the mark is scaled to
 *   80% around the centre, so it stays inside the safe zone (a centred circle of 80% of the width)
 *   whatever shape a launcher crops to;
 * - apple-touch-icon.png (180): a full square (iOS rounds the corners itself and shows transparency
 *   as black).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const PUBLIC = path.join(import.meta.dirname, '../client/public');
const svg = fs.readFileSync(path.join(PUBLIC, 'icon.svg'), 'utf8');

/** The background drawn edge to edge (no rounded corners). */
const fullBleed = svg.replace(/ rx="\d+"/, '');
/** Full bleed, and the mark (the <g>) shrunk to 80% around the centre of the 64x64 view box. */
const maskable = fullBleed.replace('<g ', '<g transform="translate(6.4 6.4) scale(0.8)" ');

const ICONS = [
  { file: 'icon-192.png', size: 192, svg },
  { file: 'icon-512.png', size: 512, svg },
  { file: 'icon-maskable-512.png', size: 512, svg: maskable },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const icon of ICONS) {
    await page.setViewportSize({ width: icon.size, height: icon.size });
    const sized = icon.svg.replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    await page.locator('svg').screenshot({ path: path.join(PUBLIC, icon.file), omitBackground: true });
    console.log(
      `${icon.file}: ${icon.size}x${icon.size}, ${fs.statSync(path.join(PUBLIC, icon.file)).size} bytes`,
    );
  }
} finally {
  await browser.close();
}
