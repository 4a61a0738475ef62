/**
 * The routings page in Debian's Chromium against a real edge server (SPEC DK-14 … DK-18): an admin
 * signs in to the console (Thai), opens Routings, uploads the invalid cycle fixture and checks it:
 * the cycle is named in words with its nodes A and B, and A and B are marked on the drawing;
 * nothing is stored. The DAG fixture pasted and published: BAG-TOTE v3 is already there (the
 * demo's), "already published"; a changed one under v3 is the 409 explained; as v4 it is published,
 * listed and drawn. axe finds no serious violation. Screenshots at three sizes in Thai and English
 * (.tmp/shots/routings/), and the README's (docs/screenshots/desk-routings-*.png, Thai).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { E2E_POLLS } from '../support/station-page';
import { startConsoleBrowser, stopConsoleBrowser } from '../support/console-browser';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const SHOTS = path.join(ROOT, '.tmp/shots/routings');
const CYCLE = path.join(ROOT, 'shared/fixtures/routing-bad-cycle.json');
const BAG = fs.readFileSync(path.join(ROOT, 'shared/fixtures/routing-bag-dag.json'), 'utf8');
const t = consoleTh;

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ edge, browser, context, page } = await startConsoleBrowser(SHOTS));
}, 120_000);

afterAll(async () => {
  await stopConsoleBrowser({ edge, browser, context });
});

const stored = (code: string) =>
  edge.core.db.prepare('SELECT count(*) FROM routing_graph WHERE code = ?').pluck().get(code);
const marked = () =>
  page
    .locator('svg [data-marked="true"]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node')));

async function shoot(name: string, language: 'th' | 'en'): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `${name}-${language}-${size}.png`), {
    // The drawing is laid out again for the phone's direction.
    settle: async (_size, { width }) => {
      const direction = width <= 600 ? 'TB' : 'LR';
      await expect
        .poll(() => page.locator('svg[data-direction]').getAttribute('data-direction'))
        .toBe(direction);
    },
  });
}

async function checkCycle(words: typeof consoleTh): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles(CYCLE);
  await expect.poll(() => page.locator('textarea').inputValue()).toContain('BAD-CYCLE');
  await page.getByRole('button', { name: words.routings.check, exact: true }).click();
  await expect.poll(() => page.locator('[data-result="refused"]').count()).toBe(1);
  await expect.poll(marked).toEqual(['A', 'B']);
}

describe('the routings page', () => {
  it('DK-14, DK-16, RG-2: an admin uploads the invalid cycle fixture: the cycle is named and A and B are marked on the drawing; nothing stored', async () => {
    await signInToConsole(page, `${edge.url}/supervisor`, edge.demo.admin, t);
    await page.getByRole('link', { name: t.app.page.routings }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: t.routings.heading, exact: true }).count())
      .toBe(1);
    await checkCycle(t);
    const refused = page.locator('[data-result="refused"]');
    const text = await refused.textContent();
    expect(text).toContain(t.routings.rules['RG-2']);
    expect(text).toContain('A -> B -> A');
    expect(
      await refused.locator('[data-problem="RG-2"] [data-problem-nodes]').getAttribute('data-problem-nodes'),
    ).toBe('A B');
    expect(await page.locator('[data-marker]').count()).toBe(2);
    // The marked node has a red outline.
    const stroke = await page
      .locator('svg [data-node="A"] rect')
      .first()
      .evaluate((el) => getComputedStyle(el).stroke);
    expect(stroke).toBe('rgb(255, 123, 123)');
    // The README's picture: the problems in words, A and B outlined in red with their markers.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-routings-desktop.png'), fullPage: true });
    // Picking the problem in the list makes its nodes stand out.
    await page.getByRole('button', { name: t.routings.showOnDrawing({ n: 1 }) }).click();
    await expect.poll(() => page.locator('svg .rd-focused').count()).toBe(2);
    expect(stored('BAD-CYCLE')).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('cycle', 'th');
  });

  it('DK-18, AD-1: the DAG fixture pasted: already published; changed under v3, the 409 explained; as v4 published, listed and drawn', async () => {
    const textarea = page.locator('textarea');
    await textarea.fill(BAG);
    await page.getByRole('button', { name: t.routings.publish, exact: true }).click();
    await expect
      .poll(() => page.locator('[data-result="already-published"]').textContent())
      .toBe(t.routings.alreadyPublished({ code: 'BAG-TOTE', version: 3 }));
    await expect.poll(() => page.locator('svg [data-node]').count()).toBe(10);

    const changed = JSON.parse(BAG) as { name: string; version: number };
    changed.name = 'Leather tote bag, new strap';
    await textarea.fill(JSON.stringify(changed, null, 2));
    await page.getByRole('button', { name: t.routings.publish, exact: true }).click();
    await expect
      .poll(() => page.locator('[data-result="version-taken"]').textContent())
      .toContain(t.routings.versionTaken({ code: 'BAG-TOTE', version: 3 }));

    changed.version = 4;
    await textarea.fill(JSON.stringify(changed, null, 2));
    await page.getByRole('button', { name: t.routings.check, exact: true }).click();
    await expect.poll(() => page.locator('[data-result="checked-new"]').count()).toBe(1);
    expect(stored('BAG-TOTE')).toBe(1);
    await page.getByRole('button', { name: t.routings.publish, exact: true }).click();
    await expect
      .poll(() => page.locator('[data-result="published"]').textContent())
      .toBe(t.routings.published({ code: 'BAG-TOTE', version: 4 }));
    expect(stored('BAG-TOTE')).toBe(2);
    const v4 = page.locator('[data-version="BAG-TOTE v4"]');
    await expect.poll(() => v4.count()).toBe(1);
    expect(await v4.textContent()).toContain('Leather tote bag, new strap');
    await v4.getByRole('button', { name: t.routings.draw({ code: 'BAG-TOTE', version: 4 }) }).click();
    await expect.poll(() => page.locator('[data-drawn]').getAttribute('data-drawn')).toBe('BAG-TOTE v4');
    await expect.poll(() => page.locator('svg [data-node]').count()).toBe(10);
    expect(await page.locator('[data-edge="QC-FINAL->ASSEMBLE"]').getAttribute('class')).toContain(
      'rd-edge-rework',
    );
    expect(await page.locator('[data-edge="GRADE->PACK"]').textContent()).toBe('grade = A');
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('[data-drawn]').scrollIntoViewIfNeeded();
    await shoot('bag-tote', 'th');
    await page.setViewportSize(VIEWPORTS.phone);
    await expect.poll(() => page.locator('svg[data-direction]').getAttribute('data-direction')).toBe('TB');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk-routings-phone.png'), fullPage: true });
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('DK-14: in English, a bad paste names its line and column and sends nothing; the cycle reads in English', async () => {
    await page.evaluate(() => localStorage.setItem('console:language', 'en'));
    await page.reload();
    await expect
      .poll(() => page.getByRole('heading', { name: consoleEn.routings.heading, exact: true }).count())
      .toBe(1);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.locator('textarea').fill('{\n  "code": "X",\n  "name": oops\n}');
    await page.getByRole('button', { name: consoleEn.routings.check, exact: true }).click();
    await expect
      .poll(() => page.locator('[data-json-problem] p').first().textContent())
      .toBe(consoleEn.routings.jsonProblem({ line: 3, column: 11 }));
    expect(posts).toEqual([]);
    await checkCycle(consoleEn);
    expect(await page.locator('[data-result="refused"]').textContent()).toContain(
      consoleEn.routings.rules['RG-2'],
    );
    await shoot('cycle', 'en');
    await page
      .getByRole('button', { name: consoleEn.routings.draw({ code: 'BAG-TOTE', version: 4 }) })
      .click();
    await expect.poll(() => page.locator('svg [data-node]').count()).toBe(10);
    await shoot('bag-tote', 'en');
  });
});
