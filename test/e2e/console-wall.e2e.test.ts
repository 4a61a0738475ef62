/**
 * The wall display in Debian's Chromium against a real edge server (SPEC SV-60 … SV-67): an admin
 * signs in to the console (Thai), issues a display on the wall displays page and gets its link and
 * QR code; the link opened in a second browser context (the TV, 1920x1080) signs in, drops the
 * secret from its address and shows the board: one routing, a ticking clock, Live; a station's push
 * moves its figures; the admin revokes the display and the TV says so in words. axe-core finds no
 * serious or critical violation on the displays page and the wall. Screenshots to docs/screenshots/.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
const SHOTS = path.join(import.meta.dirname, '../../.tmp/shots/wall');
const t = consoleTh;

let edge: TestEdge;
let browser: Browser;
let adminContext: BrowserContext;
let tvContext: BrowserContext;
let admin: Page;
let tv: Page;
let link = '';

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge();
  browser = await launchChromium();
  adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  tvContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  admin = await adminContext.newPage();
  tv = await tvContext.newPage();
}, 120_000);

afterAll(async () => {
  await adminContext?.close();
  await tvContext?.close();
  await stopEdgeAndChromium(edge, browser);
});

const tvCount = (node: string, name: string) =>
  tv.locator(`[data-node="${node}"] [data-count="${name}"] dd`).textContent();

describe('the wall display', () => {
  it('SV-60, SV-67: an admin issues a display in the console and gets its link, once, with a QR code', async () => {
    await admin.goto(`${edge.url}/supervisor#/displays`);
    await admin.getByLabel(t.signIn.username).fill(edge.demo.admin.username);
    await admin.getByLabel(t.signIn.password).fill(edge.demo.admin.password);
    await admin.getByRole('button', { name: t.signIn.submit }).click();
    await expect.poll(() => admin.getByRole('heading', { name: t.displays.heading }).count()).toBe(1);
    await expect.poll(() => admin.getByText(t.displays.none).count()).toBe(1);
    await admin.getByLabel(t.displays.name).fill('has space');
    await admin.getByRole('button', { name: t.displays.issue }).click();
    await expect.poll(() => admin.getByRole('alert').textContent()).toBe(t.displays.badName);
    await admin.getByLabel(t.displays.name).fill('line-1-tv');
    await admin.getByRole('button', { name: t.displays.issue }).click();
    const shown = admin.locator('[data-link]');
    await expect.poll(() => shown.count()).toBe(1);
    link = await shown.inputValue();
    expect(link).toMatch(new RegExp(`^${edge.url}/supervisor/wall#display=dsp_[A-Za-z0-9_-]+$`));
    expect(await admin.getByRole('img', { name: t.displays.qr({ name: 'line-1-tv' }) }).count()).toBe(1);
    await expect.poll(() => admin.locator('[data-display="line-1-tv"]').count()).toBe(1);
    expect(await admin.locator('[data-display="line-1-tv"] [data-state]').textContent()).toBe(
      t.displays.inUse,
    );
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'console-displays-desktop.png') });
    await admin.setViewportSize({ width: 390, height: 844 });
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'console-displays-phone.png'), fullPage: true });
    await admin.setViewportSize({ width: 1280, height: 800 });
  });

  it('SV-62, SV-65, SV-66: the link on the TV shows one routing with a ticking clock, Live, in Thai; the secret leaves the address', async () => {
    await tv.goto(link);
    await expect.poll(() => tv.locator('[data-node="CUT"]').count()).toBe(1);
    expect(tv.url()).toBe(`${edge.url}/supervisor/wall`);
    expect(await tv.evaluate(() => document.documentElement.lang)).toBe('th');
    expect(await tv.locator('h1').textContent()).toBe('Leather tote bag');
    expect(await tv.locator('[data-rotation]').textContent()).toContain(t.wall.routingOf({ n: 1, count: 2 }));
    await expect.poll(() => tv.locator('[data-live]').getAttribute('data-live')).toBe('live');
    const clock = tv.locator('[data-wall-clock]');
    const first = await clock.textContent();
    expect(first).toMatch(/^\d\d:\d\d:\d\d$/);
    await expect.poll(() => clock.textContent()).not.toBe(first);
    expect(await tvCount('CUT', 'ready')).toBe('10');
    expect(await tvCount('CUT', 'active')).toBe('0');
    // Nothing to point at on a TV; it fits the screen without scrolling.
    expect(await tv.locator('main').evaluate((el) => getComputedStyle(el).cursor)).toBe('none');
    expect(await tv.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);
    expect(await seriousViolations(tv)).toEqual([]);
  });

  it('SV-64: a station’s push moves the figures on the wall', async () => {
    const station = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    await station.send('start', 'BV-DEMO-0001', 'CUT');
    await expect.poll(() => tvCount('CUT', 'active'), { timeout: 5_000 }).toBe('1');
    expect(await tvCount('CUT', 'ready')).toBe('9');
    await tv.screenshot({ path: path.join(SCREENSHOTS, 'console-wall-tv.png') });
    await tv.setViewportSize({ width: 1280, height: 720 });
    expect(await tv.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(720);
    await tv.screenshot({ path: path.join(SHOTS, 'wall-1280x720-th.png') });
    await tv.setViewportSize({ width: 1920, height: 1080 });
  });

  it('SV-63: the admin revokes the display after a confirmation and the TV says it was revoked', async () => {
    await admin.getByRole('button', { name: t.displays.revokeLabel({ name: 'line-1-tv' }) }).click();
    expect(await admin.getByRole('alertdialog').textContent()).toContain(
      t.displays.confirm({ name: 'line-1-tv' }),
    );
    await admin.getByRole('button', { name: t.displays.confirmYes }).click();
    await expect
      .poll(() => admin.locator('[data-display="line-1-tv"] [data-state]').getAttribute('data-state'))
      .toBe('revoked');
    await expect
      .poll(() => tv.getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe(`${t.wall.revokedHeading}${t.wall.revokedBody}`);
    expect(await tv.locator('[data-node]').count()).toBe(0);
    expect(await seriousViolations(tv)).toEqual([]);
    await tv.screenshot({ path: path.join(SHOTS, 'wall-revoked-th.png') });
  });
});
