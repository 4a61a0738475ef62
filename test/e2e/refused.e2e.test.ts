/**
 * A refused event shown with its reason, in real Chromium against a real edge server. An operator
 * at cutting records offline; before the tablet syncs, the supervisor hands it to stitching (it
 * opens WC-STITCH-1's enrollment link). Its queued events now come from a station that does not
 * report at CUT: the edge server rejects them (NODE_NOT_SERVED), and the station lists them as
 * refused, each with its reason in the operator's words. "Send again" queues a copy under a new
 * id, which the server refuses again at stitching and applies once the tablet is back at cutting;
 * "Discard" drops one. And the note field: the card stops at the station's limit, well inside the
 * server's 16 KiB; a longer note queued by other means is refused with words, not the server's log.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { en } from '../../client/i18n/en';
import type { TestEdge } from '../support/edge';
import type { NetworkLink } from '../support/network-link';
import { setFloorOffline, startNetworkLink } from '../support/network-link';
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
  stationName,
  stopEdgeAndChromium,
  waitForToken,
} from '../support/station-page';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

const STARTED = 'BV-DEMO-0005';
const NOTED = 'BV-DEMO-0006';

let edge: TestEdge;
let browser: Browser;
/** The tablets' way to the server, cut with the browser's offline emulation. */
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

function enrollLink(workCenter: string): string {
  const station = edge.demo.stations.find((s) => s.workCenter === workCenter);
  if (!station) throw new Error(`no demo station at ${workCenter}`);
  return `${network.url}/${new URL(station.enrollUrl).hash}`;
}

interface Row {
  eventId: string;
  type: string;
  station: string;
  status: string;
  reason: string | null;
}

function rowsOf(code: string): Row[] {
  return edge.core.db
    .prepare(
      `SELECT e.event_id AS eventId, e.event_type AS type, s.name AS station, e.status, e.reason_code AS reason
       FROM token_event e JOIN station s ON s.id = e.station_id
       WHERE e.code = ? AND e.origin = 'station' ORDER BY e.id`,
    )
    .all(code) as Row[];
}

function refusedLine(page: Page, text: string) {
  return page.getByTestId('refused').locator('li').filter({ hasText: text });
}

describe('an event the edge server refuses', () => {
  it('ST-5, IN-8: is listed with the reason; Send again re-queues it under a new id; Discard drops it', async () => {
    const context = await browser.newContext();
    let page = await openStation(context, enrollLink('WC-CUT'));
    await signIn(page, 'OP-0001');
    await waitForToken(page, STARTED, 'CUT');

    // Offline at cutting: a start and a note, queued.
    await setFloorOffline(network, [context], true);
    await expect
      .poll(() => page.getByTestId('connection').textContent(), { timeout: SYNC_TIMEOUT_MS })
      .toContain('Offline');
    await recordOnCard(page, { code: STARTED, type: 'start', node: 'CUT', operator: 'OP-0001' });
    await recordOnCard(page, {
      code: NOTED,
      type: 'note',
      node: 'CUT',
      operator: 'OP-0001',
      detail: 'Scratch on panel',
    });
    await expect.poll(() => pendingCount(page)).toBe(2);

    // The tablet moves to stitching before it synced: the supervisor's link enrolls it there.
    await page.close();
    await setFloorOffline(network, [context], false);
    page = await openStation(context, enrollLink('WC-STITCH'));
    await expect.poll(() => stationName(page), { timeout: SYNC_TIMEOUT_MS }).toBe('WC-STITCH-1');

    // Both come back refused, each with the server's reason, and nothing is pending.
    const startLine = () => refusedLine(page, `Start ${STARTED} at CUT`);
    const noteLine = () => refusedLine(page, `Note ${NOTED} at CUT`);
    await expect
      .poll(() => page.getByTestId('refused').locator('li').count(), { timeout: SYNC_TIMEOUT_MS })
      .toBe(2);
    // The reason by its code, in the operator's words (the server's English is for API clients).
    const reason = en.reasons.NODE_NOT_SERVED;
    expect(await startLine().textContent()).toContain(reason);
    expect(await noteLine().textContent()).toContain(reason);
    expect(await pendingCount(page)).toBe(0);
    await expect.poll(() => page.getByTestId('recent').locator('li.state-refused').count()).toBe(2);
    const [first, ...none] = rowsOf(STARTED);
    expect(none).toEqual([]);
    expect(first).toMatchObject({
      type: 'start',
      station: 'WC-STITCH-1',
      status: 'rejected',
      reason: 'NODE_NOT_SERVED',
    });
    expect(rowsOf(NOTED).map((r) => [r.type, r.status, r.reason])).toEqual([
      ['note', 'rejected', 'NODE_NOT_SERVED'],
    ]);

    // Send again: a copy under a new id; the server decides, and at stitching it refuses again.
    await startLine().getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => rowsOf(STARTED).length, { timeout: SYNC_TIMEOUT_MS }).toBe(2);
    const [, second] = rowsOf(STARTED);
    expect(second).toMatchObject({
      type: 'start',
      station: 'WC-STITCH-1',
      status: 'rejected',
      reason: 'NODE_NOT_SERVED',
    });
    expect(second?.eventId).not.toBe(first?.eventId);
    await expect.poll(() => startLine().count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
    await expect
      .poll(async () => (await outboxEntries(page)).filter((e) => e.event.code === STARTED).map((e) => e.id))
      .toEqual([second?.eventId]);

    // Discard: the note leaves the refused list and the outbox; it was never applied.
    await noteLine().getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => noteLine().count()).toBe(0);
    expect((await outboxEntries(page)).filter((e) => e.event.code === NOTED)).toEqual([]);

    // Back at cutting (the station's own credential), Send again is applied.
    await page.close();
    page = await openStation(
      context,
      `${network.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-CUT'))}`,
    );
    await expect.poll(() => stationName(page), { timeout: SYNC_TIMEOUT_MS }).toBe('WC-CUT-1');
    await startLine().getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => rowsOf(STARTED).length, { timeout: SYNC_TIMEOUT_MS }).toBe(3);
    const [, , third] = rowsOf(STARTED);
    expect(third).toMatchObject({ type: 'start', station: 'WC-CUT-1', status: 'applied', reason: null });
    await expect.poll(() => page.getByTestId('refused').count(), { timeout: SYNC_TIMEOUT_MS }).toBe(0);
    await expect.poll(() => pendingCount(page), { timeout: SYNC_TIMEOUT_MS }).toBe(0);
    const entries = (await outboxEntries(page)).filter((e) => e.event.code === STARTED);
    expect(entries.map((e) => [e.id, e.stateKind])).toEqual([[third?.eventId, 'delivered']]);
    expect(
      edge.core.db
        .prepare(
          'SELECT node_code AS node, status FROM flow_token WHERE code = ? AND parent_token_id IS NULL',
        )
        .get(STARTED),
    ).toEqual({ node: 'CUT', status: 'active' });
    await context.close();
  }, 90_000);

  it('ST-21, ST-5, IN-8: the note field stops at the station limit; a longer note queued by other means is refused in words, refused again, and discarded', async () => {
    const context = await browser.newContext();
    const code = 'BV-DEMO-0007';
    const page = await openStation(
      context,
      `${edge.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-CUT'))}`,
    );
    await signIn(page, 'OP-0003');
    await waitForToken(page, code, 'CUT');
    // Pasted into the Note field: the card keeps the station's limit (500), and the note is applied.
    await recordOnCard(page, {
      code,
      type: 'note',
      node: 'CUT',
      operator: 'OP-0003',
      detail: 'x'.repeat(17_000),
    });
    await expect.poll(() => pendingCount(page), { timeout: SYNC_TIMEOUT_MS }).toBe(0);
    const applied = edge.core.db
      .prepare(`SELECT status, data_json AS data FROM token_event WHERE code = ? AND origin = 'station'`)
      .all(code) as { status: string; data: string }[];
    expect(applied.map((r) => [r.status, (JSON.parse(r.data) as { text: string }).text.length])).toEqual([
      ['applied', 500],
    ]);
    expect(await page.getByTestId('refused').count()).toBe(0);

    // A note over the protocol's 16 KiB, queued as an older app would have: refused with words.
    const [firstId] = await injectEvents(page, [
      {
        type: 'note',
        code,
        nodeCode: 'CUT',
        operatorBadge: 'OP-0003',
        occurredAt: new Date().toISOString(),
        data: { text: 'x'.repeat(17_000) },
      },
    ]);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const line = () => refusedLine(page, `Note ${code} at CUT`);
    await expect.poll(() => line().count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
    expect(await line().textContent()).toContain(en.reasons.INVALID_EVENT);
    expect(await line().textContent()).not.toContain('16384 bytes');
    // An event that fails the schema is answered, not stored: the token's trace has only the first note.
    expect(rowsOf(code).length).toBe(1);
    const idsOf = async () =>
      (await outboxEntries(page))
        .filter((e) => e.event.code === code && e.stateKind !== 'delivered')
        .map((e) => [e.id, e.stateKind]);
    expect(await idsOf()).toEqual([[firstId, 'refused']]);

    // Sent again, it is the same note: refused again, under a new id.
    await line().getByRole('button', { name: 'Send again' }).click();
    await expect
      .poll(
        async () => {
          const entries = await idsOf();
          return entries.length === 1 && entries[0]?.[0] !== firstId ? entries[0]?.[1] : 'not yet';
        },
        { timeout: SYNC_TIMEOUT_MS },
      )
      .toBe('refused');
    expect(await line().textContent()).toContain(en.reasons.INVALID_EVENT);
    expect(rowsOf(code).length).toBe(1);

    // Discarded: gone from the list and the outbox; the token never changed.
    await line().getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.getByTestId('refused').count()).toBe(0);
    expect(await idsOf()).toEqual([]);
    expect(await pendingCount(page)).toBe(0);
    await context.close();
  }, 60_000);
});
