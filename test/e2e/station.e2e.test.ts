/**
 * The station app in real Chromium (Debian's, through playwright-core) against a real edge server:
 * enroll through the link, sign in with a badge, scan with keyboard-wedge typing, record; go
 * offline, reload (the app still opens from its service worker), record again; come back online,
 * and the edge server holds each event exactly once.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  E2E_POLLS,
  controlledByServiceWorker,
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
}, 120_000);

afterAll(async () => {
  try {
    await network.close();
  } finally {
    await stopEdgeAndChromium(edge, browser);
  }
});

function eventsOf(code: string): { type: string; status: string; n: number }[] {
  return edge.core.db
    .prepare(
      `SELECT event_type AS type, status, count(*) AS n FROM token_event
       WHERE code = ? AND origin = 'station' GROUP BY event_id ORDER BY id`,
    )
    .all(code) as { type: string; status: string; n: number }[];
}

describe('station app in Chromium', () => {
  it('ST-6, SC-1, ST-7: enrolls, records by wedge scan online and offline, reopens offline, and delivers each event once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The demo's enrollment link for the CUT station, on this test server's origin.
    const link = edge.demo.stations.find((s) => s.workCenter === 'WC-CUT')?.enrollUrl ?? '';
    await page.goto(`${network.url}/${new URL(link).hash}`);
    await expect.poll(() => queueLine(page, 'BV-DEMO-0001', 'CUT', 'ready').count()).toBe(1);
    // The link works once: a second browser opening it is told so, and is not enrolled.
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto(`${edge.url}/${new URL(link).hash}`);
    await expect.poll(() => second.getByRole('alert').textContent()).toContain('already used');
    await other.close();

    // Sign in with a badge, then scan a tote as a keyboard-wedge scanner types it.
    await signIn(page, 'OP-0001');
    await wedgeScan(page, 'BV-DEMO-0001');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => messageText(page)).toContain('Start BV-DEMO-0001: recorded');
    await expect.poll(() => pendingCount(page)).toBe(0);
    expect(eventsOf('BV-DEMO-0001')).toEqual([{ type: 'start', status: 'applied', n: 1 }]);

    // The service worker takes over; then the network goes away and the page is reloaded.
    await controlledByServiceWorker(page);
    await setFloorOffline(network, [context], true);
    await page.reload();
    await expect.poll(() => page.getByTestId('connection').textContent()).toContain('Offline');
    await signIn(page, 'OP-0001');
    await wedgeScan(page, 'BV-DEMO-0002');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => messageText(page)).toContain('recorded offline');
    await expect.poll(() => pendingCount(page)).toBe(1);
    expect(eventsOf('BV-DEMO-0002')).toEqual([]);

    // Back online: the outbox drains, and the edge server has the event once.
    await setFloorOffline(network, [context], false);
    await expect.poll(() => pendingCount(page)).toBe(0);
    expect(eventsOf('BV-DEMO-0002')).toEqual([{ type: 'start', status: 'applied', n: 1 }]);
    await context.close();
  }, 90_000);

  it('SY-6: two tabs of one station: one pushes at a time (Web Locks), both show the outbox drained, each event applied once', async () => {
    const context = await browser.newContext();
    const token = edge.stationToken('WC-CUT');
    // Each tab notes when its pushes start and end, on the page: the test's own view of the
    // requests arrives late on a loaded machine, and two pushes one after the other could look overlapped.
    await context.addInitScript(() => {
      const pushes: { start: number; end: number }[] = [];
      (window as any).pushes = pushes;
      const original = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (!url.endsWith('/api/v1/events')) return original(input, init);
        const push = { start: Date.now(), end: Infinity };
        pushes.push(push);
        const answer = original(input, init);
        void answer.then(
          () => void (push.end = Date.now()),
          () => void (push.end = Date.now()),
        );
        return answer;
      };
    });
    const tabs = [await context.newPage(), await context.newPage()];
    for (const [i, tab] of tabs.entries()) {
      await tab.goto(`${edge.url}/#enroll=${encodeURIComponent(token)}`);
      await expect.poll(() => queueLine(tab, 'BV-DEMO-0007', 'CUT', 'ready').count()).toBe(1);
      await signIn(tab, 'OP-0002');
      await tab.bringToFront();
      await wedgeScan(tab, i === 0 ? 'BV-DEMO-0006' : 'BV-DEMO-0007');
      await tab.getByRole('button', { name: 'Start', exact: true }).click();
      await expect.poll(() => messageText(tab)).toContain('recorded');
    }
    for (const tab of tabs) {
      await expect.poll(() => pendingCount(tab)).toBe(0);
    }
    expect(eventsOf('BV-DEMO-0006')).toEqual([{ type: 'start', status: 'applied', n: 1 }]);
    expect(eventsOf('BV-DEMO-0007')).toEqual([{ type: 'start', status: 'applied', n: 1 }]);
    // No push of one tab overlapped a push of the other (each tab pushed at least once).
    const pushes = await Promise.all(
      tabs.map((tab) => tab.evaluate(() => (window as any).pushes as { start: number; end: number }[])),
    );
    expect(pushes.map((p) => p.length > 0)).toEqual([true, true]);
    for (const a of pushes[0] ?? []) {
      for (const b of pushes[1] ?? []) expect(a.end <= b.start || b.end <= a.start).toBe(true);
    }
    await context.close();
  }, 90_000);
});
