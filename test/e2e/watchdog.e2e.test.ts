/**
 * The stall watchdog in real Chromium: the network is up, a scan waits, and every push fails;
 * after three minutes (Playwright's clock) the screen raises the alarm; once pushes go through
 * again the alarm clears. The page's timer also keeps to the engine's backoff instead of pushing
 * every 5 s against a failing server.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  E2E_POLLS,
  pendingCount,
  signIn,
  startEdgeAndChromium,
  stopEdgeAndChromium,
} from '../support/station-page';
import type { TestEdge } from '../support/edge';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

let edge: TestEdge;
let browser: Browser;

beforeAll(async () => {
  ({ edge, browser } = await startEdgeAndChromium());
}, 120_000);

afterAll(() => stopEdgeAndChromium(edge, browser));

describe('stall watchdog in Chromium', () => {
  it('SY-10, SY-4: raises the alarm when a scan has not moved for three minutes online, backs off meanwhile, and clears', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    let pushes = 0;
    await page.route('**/api/v1/events', (route) => {
      pushes++;
      return route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'INTERNAL', message: 'disk on fire', details: [] } }),
      });
    });
    await page.goto(`${edge.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-CUT'))}`);
    await signIn(page, 'OP-0004');
    await page.getByRole('textbox').fill('BV-DEMO-0001');
    await page.getByRole('textbox').press('Enter');
    await page.getByRole('button', { name: 'Note', exact: true }).click();
    await page.getByLabel('Note', { exact: true }).fill('thread colour checked');
    await page.getByRole('button', { name: 'Record Note' }).click();
    await expect.poll(() => pendingCount(page)).toBe(1);

    const before = pushes;
    await page.clock.runFor('02:30');
    expect(await page.getByTestId('stalled').count()).toBe(0);
    await page.clock.runFor('01:00');
    await expect
      .poll(() => page.getByTestId('stalled').textContent())
      .toContain('1 scan has not moved for 3 min');
    // 3.5 minutes at one push per 5 s would be 42 pushes; backoff keeps it to a handful.
    expect(pushes - before).toBeLessThan(15);

    await page.unroute('**/api/v1/events');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => pendingCount(page)).toBe(0);
    await page.clock.runFor('00:15');
    await expect.poll(() => page.getByTestId('stalled').count()).toBe(0);
    await context.close();
  }, 90_000);
});
