/**
 * Operators at a station in real Chromium against a real edge server: a PIN set by the admin API
 * reaches the tablet in the snapshot and is checked there (also offline); a wrong PIN is refused;
 * two operators signed in, the one who scanned last is active and events carry their badge;
 * Lock (and the CMD:LOCK command barcode) hands the station back to the badge reader; command
 * barcodes record hands-free; the printable page draws each command as a Code 128 barcode.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  E2E_POLLS,
  activeOperator,
  whereText,
  messageText,
  pendingCount,
  queueLine,
  signIn,
  startEdgeAndChromium,
  stopEdgeAndChromium,
  wedgeScan,
} from '../support/station-page';
import type { TestEdge } from '../support/edge';
import type { NetworkLink } from '../support/network-link';
import { setFloorOffline, startNetworkLink } from '../support/network-link';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

let edge: TestEdge;
let browser: Browser;
/** The tablet's way to the server, cut with the browser's offline emulation. */
let network: NetworkLink;

beforeAll(async () => {
  ({ edge, browser } = await startEdgeAndChromium());
  network = await startNetworkLink(edge.url);
  const admin = await edge.login('admin');
  const res = await fetch(`${edge.url}/api/v1/admin/operators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ badge: 'OP-PIN', name: 'Pat Pin', pin: '4711' }),
  });
  expect(res.status).toBe(201);
}, 120_000);

afterAll(async () => {
  try {
    await network.close();
  } finally {
    await stopEdgeAndChromium(edge, browser);
  }
});

function stationEvents(code: string): { type: string; operator: string }[] {
  return edge.core.db
    .prepare(
      `SELECT event_type AS type, operator_badge AS operator FROM token_event
       WHERE code = ? AND origin = 'station' ORDER BY id`,
    )
    .all(code) as { type: string; operator: string }[];
}

describe('operators and command barcodes in Chromium', () => {
  it('ST-3, SC-4: PIN checked on the tablet (online and offline), two operators with one active, lock, and hands-free commands', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${network.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-CUT'))}`);
    await expect.poll(() => queueLine(page, 'BV-DEMO-0004', 'CUT', 'ready').count()).toBe(1);

    // A PIN operator: the badge asks for the PIN; a wrong one is refused, the right one signs in.
    await wedgeScan(page, 'OP-PIN');
    await page.getByLabel('PIN', { exact: true }).fill('0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('pin').textContent()).toContain('Wrong PIN');
    await page.getByLabel('PIN', { exact: true }).fill('4711');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => activeOperator(page, 'OP-PIN').count()).toBe(1);

    // A second operator scans their badge: both are signed in, the second is active.
    await wedgeScan(page, 'OP-0002');
    await expect.poll(() => activeOperator(page, 'OP-0002').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign out OP-PIN' }).count()).toBe(1);

    // Hands-free: scan the tote, then the Start command barcode.
    await wedgeScan(page, 'BV-DEMO-0004');
    await expect.poll(() => page.getByTestId('card').textContent()).toContain('BV-DEMO-0004');
    await wedgeScan(page, 'CMD:START');
    await expect.poll(() => messageText(page)).toContain('Start BV-DEMO-0004: recorded');
    // A command the state machine does not allow is refused on the tablet, and nothing is recorded.
    await wedgeScan(page, 'BV-DEMO-0004');
    await expect.poll(() => page.getByTestId('card').textContent()).toContain('BV-DEMO-0004');
    await wedgeScan(page, 'CMD:RESUME');
    await expect.poll(() => messageText(page)).toContain('Resume is not possible');
    await wedgeScan(page, 'CMD:CLOSE');
    await expect.poll(() => page.getByTestId('card').count()).toBe(0);

    // The lock command: nobody is active, scanning a tote is refused until a badge is scanned.
    await wedgeScan(page, 'CMD:LOCK');
    await expect.poll(() => page.getByTestId('locked').count()).toBe(1);
    await wedgeScan(page, 'BV-DEMO-0005');
    await expect.poll(() => messageText(page)).toContain('locked');

    // Offline, the PIN is still checked on the tablet (the hash came with the snapshot).
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await setFloorOffline(network, [context], true);
    await expect.poll(() => page.getByTestId('connection').textContent()).toContain('Offline');
    await wedgeScan(page, 'OP-PIN');
    await page.getByLabel('PIN', { exact: true }).fill('4711');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => activeOperator(page, 'OP-PIN').count()).toBe(1);
    await wedgeScan(page, 'BV-DEMO-0005');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => messageText(page)).toContain('recorded offline');
    // Offline, the station already shows the tote active, so it can be paused at once.
    await wedgeScan(page, 'BV-DEMO-0005');
    await expect
      .poll(() => page.getByTestId('card').locator('.card-where').textContent())
      .toBe(whereText('CUT', 'active'));
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => pendingCount(page)).toBe(2);
    await page.getByRole('button', { name: 'Lock' }).click();
    await expect.poll(() => page.getByTestId('locked').count()).toBe(1);

    await setFloorOffline(network, [context], false);
    await expect.poll(() => pendingCount(page)).toBe(0);
    expect(stationEvents('BV-DEMO-0004')).toEqual([{ type: 'start', operator: 'OP-0002' }]);
    expect(stationEvents('BV-DEMO-0005')).toEqual([
      { type: 'start', operator: 'OP-PIN' },
      { type: 'pause', operator: 'OP-PIN' },
    ]);
    await context.close();
  }, 90_000);

  it('SC-12: the command barcodes page draws every command as a barcode, offline too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${edge.url}/commands`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.locator('.command-card svg rect').count()).toBeGreaterThan(100);
    const labels = await page.locator('.command-card figcaption').allTextContents();
    expect(labels).toEqual([
      'Start',
      'Pause',
      'Resume',
      'Complete',
      'QC pass',
      'QC fail',
      'Scrap',
      'Bind component',
      'Note',
      'Close card',
      'Lock station',
    ]);
    expect(await page.getByRole('img', { name: 'Barcode for Start (CMD:START)' }).count()).toBe(1);
    await context.close();
  }, 60_000);

  it('ST-3: after five minutes without a touch the station locks itself; the operators stay signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${edge.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-EDGE'))}`);
    await signIn(page, 'OP-0003');
    await page.clock.fastForward('04:00');
    expect(await page.getByTestId('locked').count()).toBe(0);
    await page.clock.fastForward('01:30');
    await expect.poll(() => page.getByTestId('locked').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign out OP-0003' }).count()).toBe(1);
    await context.close();
  }, 60_000);
});
