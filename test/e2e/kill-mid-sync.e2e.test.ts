/**
 * The page killed in the middle of a sync, in real Chromium against a real edge server: a station
 * queues 600 events offline, more than one push carries (a few notes by the card, the rest through
 * the app's own outbox code, in the same IndexedDB database), comes back online, and its tab is
 * crashed while the first push is in flight: after the edge server applied it, before the answer
 * reached the tab. The station opened again in a new tab sends everything once more; the resent
 * events come back duplicate, the outbox drains, nothing is refused, and the edge server holds
 * each event exactly once.
 */
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_EVENTS_PER_BATCH } from '../../shared/station-api';
import type { TestEdge } from '../support/edge';
import {
  E2E_POLLS,
  SYNC_TIMEOUT_MS,
  injectEvents,
  openStation,
  outboxEntries,
  pendingCount,
  recordOnCard,
  signIn,
  startEdgeAndChromium,
  stopEdgeAndChromium,
  waitForToken,
} from '../support/station-page';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

/** More than one push can carry. */
const TOTAL = MAX_EVENTS_PER_BATCH + 100;
const BY_CARD = 5;
const OPERATOR = 'OP-0004';

let edge: TestEdge;
let browser: Browser;

beforeAll(async () => {
  ({ edge, browser } = await startEdgeAndChromium());
}, 120_000);

afterAll(() => stopEdgeAndChromium(edge, browser));

function rowsOf(ids: readonly string[]): { eventId: string; status: string }[] {
  const wanted = new Set(ids);
  return (
    edge.core.db
      .prepare(`SELECT event_id AS eventId, status FROM token_event WHERE origin = 'station' ORDER BY id`)
      .all() as { eventId: string; status: string }[]
  ).filter((r) => wanted.has(r.eventId));
}

const demoCode = (i: number) => `BV-DEMO-${String((i % 10) + 1).padStart(4, '0')}`;

describe('a station tab killed while a push is in flight', () => {
  it('SY-2, IN-2: is opened again and delivers every event exactly once: resends come back duplicate, none refused', async () => {
    // No service worker here: the test must see the tab's pushes to hold one back.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const token = edge.stationToken('WC-CUT');
    const page = await openStation(context, `${edge.url}/#enroll=${encodeURIComponent(token)}`);
    await signIn(page, OPERATOR);
    await waitForToken(page, demoCode(BY_CARD), 'CUT');

    // Offline: a few notes by the card, then the rest of a shift's backlog through the outbox code.
    await context.setOffline(true);
    await expect
      .poll(() => page.getByTestId('connection').textContent(), { timeout: SYNC_TIMEOUT_MS })
      .toContain('Offline');
    for (let i = 0; i < BY_CARD; i++) {
      await recordOnCard(page, {
        code: demoCode(i),
        type: 'note',
        node: 'CUT',
        operator: OPERATOR,
        detail: `Card note ${i + 1}`,
      });
    }
    const injected = await injectEvents(
      page,
      Array.from({ length: TOTAL - BY_CARD }, (_, i) => ({
        type: 'note' as const,
        code: demoCode(i),
        nodeCode: 'CUT',
        operatorBadge: OPERATOR,
        occurredAt: new Date().toISOString(),
        data: { text: `Backlog note ${i + 1}` },
      })),
    );
    const queued = await outboxEntries(page);
    expect(queued).toHaveLength(TOTAL);
    expect(queued.every((e) => e.stateKind === 'queued')).toBe(true);
    expect(queued.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: TOTAL }, (_, i) => i + 1),
    );
    expect(injected.every((id) => queued.some((e) => e.id === id))).toBe(true);
    const ids = queued.map((e) => e.id);
    await expect.poll(() => pendingCount(page), { timeout: SYNC_TIMEOUT_MS }).toBe(TOTAL);
    expect(rowsOf(ids)).toEqual([]);

    // The first push reaches the edge server, which applies it; its answer never reaches the tab.
    let online = false;
    let firstPush: (sent: { ids: string[]; status: number }) => void = () => undefined;
    const pushed = new Promise<{ ids: string[]; status: number }>((resolve) => {
      firstPush = resolve;
    });
    const held: Route[] = [];
    await page.route('**/api/v1/events', async (route) => {
      if (!online) return route.abort('internetdisconnected');
      held.push(route);
      if (held.length > 1) return; // only one push is in flight per station; none follows it here
      const sent = route.request().postDataJSON() as { events: { id: string }[] };
      const answer = await route.fetch();
      firstPush({ ids: sent.events.map((e) => e.id), status: answer.status() });
    });
    online = true;
    await context.setOffline(false);
    const first = await pushed;
    expect(first.status).toBe(200);
    expect(first.ids).toHaveLength(MAX_EVENTS_PER_BATCH);

    // Killed: the renderer crashes while it still waits for the answer.
    const crashed = page.waitForEvent('crash');
    const cdp = await context.newCDPSession(page);
    cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    // The edge server had the first push before the kill: applied once, answer lost.
    const applied = rowsOf(first.ids);
    expect(applied).toHaveLength(MAX_EVENTS_PER_BATCH);
    expect(applied.every((r) => r.status === 'applied')).toBe(true);
    expect(rowsOf(ids)).toHaveLength(MAX_EVENTS_PER_BATCH);
    await page.close();

    // The station opened again (same browser, same IndexedDB): everything is sent once more.
    const again = await openStation(context, edge.url);
    // (The status bar reads "0 pending" until the page has read its outbox: look at the outbox.)
    await expect
      .poll(async () => (await outboxEntries(again)).filter((e) => e.stateKind === 'queued').length, {
        timeout: SYNC_TIMEOUT_MS,
      })
      .toBe(0);
    await expect.poll(() => pendingCount(again), { timeout: SYNC_TIMEOUT_MS }).toBe(0);
    const rows = rowsOf(ids);
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(TOTAL);
    expect(rows.every((r) => r.status === 'applied')).toBe(true);
    const settled = await outboxEntries(again);
    expect(settled).toHaveLength(TOTAL);
    const resent = new Set(first.ids);
    for (const entry of settled) {
      expect(entry.state.kind).toBe('delivered');
      if (entry.state.kind === 'delivered')
        expect(entry.state.result).toBe(resent.has(entry.id) ? 'duplicate' : 'applied');
    }
    expect(await again.getByTestId('refused').count()).toBe(0);
    // Each event once on the server: no more rows than events for this station.
    expect(
      edge.core.db
        .prepare(
          `SELECT count(*) AS n FROM token_event e JOIN station s ON s.id = e.station_id
           WHERE s.name = 'WC-CUT-1' AND e.origin = 'station'`,
        )
        .get(),
    ).toEqual({ n: TOTAL });
    await context.close();
  }, 120_000);
});
