/**
 * A new site set up from the browser alone (issue 12's bar; SPEC DK-2 with the desk's pages), in
 * Debian's Chromium against a real edge server on an empty data folder (DEMO=0): the first admin is
 * made with the setup code from the server's log, publishes the DAG routing, enrolls a station and
 * adds an operator, releases a ticket of 20 serials and opens their labels; a tablet opens the
 * station's link, the operator signs in and starts one of the new serials at CUT, and the floor
 * board shows it active. Nothing is set up outside the browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleTh } from '../../client/console/i18n/th';
import type { EdgeCore } from '../../edge-server/edge';
import { seriousViolations } from '../support/axe';
import type { EmptySite } from '../support/empty-site';
import { startEmptySite } from '../support/empty-site';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  openStation,
  recordOnCard,
  signIn,
  snapshotShown,
  stationName,
  waitForToken,
} from '../support/station-page';
import { VIEWPORTS } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const t = consoleTh;
const BAG = fs.readFileSync(path.join(ROOT, 'shared/fixtures/routing-bag-dag.json'), 'utf8');
const SERIALS = Array.from({ length: 20 }, (_, i) => `NS-${String(i + 1).padStart(4, '0')}`);

let site: EmptySite;
let core: EdgeCore;
let url: string;
let browser: Browser;
let adminContext: BrowserContext;
let stationContext: BrowserContext;
let admin: Page;

beforeAll(async () => {
  buildClientIfMissing();
  site = await startEmptySite();
  ({ core, url } = site);
  browser = await launchChromium();
  adminContext = await browser.newContext({ viewport: VIEWPORTS.desktop });
  stationContext = await browser.newContext();
  admin = await adminContext.newPage();
}, 120_000);

afterAll(async () => {
  await adminContext?.close();
  await stationContext?.close();
  await browser?.close();
  await site?.close();
});

async function openDesk(page: 'routings' | 'tickets' | 'people', heading: string): Promise<void> {
  await admin.getByRole('link', { name: t.app.page[page] }).click();
  await expect.poll(() => admin.getByRole('heading', { name: heading, exact: true }).count()).toBe(1);
}

describe('a new site from the browser alone', () => {
  let stationLink = '';

  it('DK-2: the log’s setup link makes the first admin, who lands signed in with the desk’s tabs', async () => {
    const code = core.firstAdmin.pendingCode();
    expect(code).not.toBeNull();
    await admin.goto(`${url}/supervisor#setup=${code}`);
    await expect.poll(() => admin.getByRole('heading', { name: t.firstAdmin.heading }).count()).toBe(1);
    // The code is filled in from the link and has left the address.
    expect(await admin.getByLabel(t.firstAdmin.code).inputValue()).toBe(code);
    expect(new URL(admin.url()).hash).not.toContain(code!);
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: path.join(ROOT, 'docs/screenshots/desk-setup.png') });
    await admin.getByLabel(t.firstAdmin.username).fill('nok');
    await admin.getByLabel(t.firstAdmin.password).fill('short');
    await admin.getByRole('button', { name: t.firstAdmin.submit }).click();
    await expect.poll(() => admin.getByRole('alert').textContent()).toContain('password');
    await admin.getByLabel(t.firstAdmin.password).fill('a-long-password');
    await admin.getByRole('button', { name: t.firstAdmin.submit }).click();
    await expect.poll(() => admin.getByRole('link', { name: t.app.page.routings }).count()).toBe(1);
    expect(core.firstAdmin.pendingCode()).toBeNull();
  });

  it('DK-1, DK-10, DK-20, DK-30: the admin publishes the routing, enrolls a station, adds an operator and releases 20 serials', async () => {
    await openDesk('routings', t.routings.heading);
    await admin.locator('textarea').fill(BAG);
    await admin.getByRole('button', { name: t.routings.publish, exact: true }).click();
    await expect.poll(() => admin.locator('[data-result="published"]').count()).toBe(1);

    await openDesk('people', t.people.heading);
    await admin.getByLabel(t.people.stationName).fill('CUT-1');
    await admin.getByLabel(t.people.workCenter).selectOption('WC-CUT');
    await admin.getByRole('button', { name: t.people.enroll }).click();
    await expect.poll(() => admin.locator('[data-link]').count()).toBe(1);
    stationLink = await admin.locator('[data-link]').inputValue();
    await admin.getByRole('link', { name: t.people.tab.operators }).click();
    await admin.getByLabel(t.people.badge, { exact: true }).fill('OP-NEW');
    await admin.getByLabel(t.people.operatorName).fill('สมชาย');
    await admin.getByRole('button', { name: t.people.addOperator }).click();
    await expect.poll(() => admin.locator('[data-operator="OP-NEW"]').count()).toBe(1);

    await openDesk('tickets', t.tickets.heading);
    await admin.getByLabel(t.tickets.code, { exact: true }).fill('NS-1');
    await admin.getByLabel(t.tickets.routing, { exact: true }).selectOption('BAG-TOTE');
    await admin.getByLabel(t.tickets.qty, { exact: true }).fill('20');
    await admin.getByLabel(t.tickets.prefix, { exact: true }).fill('NS-');
    await admin.getByRole('button', { name: t.tickets.release }).click();
    const released = admin.locator('[data-released="NS-1"] [data-serials] li');
    await expect.poll(() => released.allTextContents()).toEqual(SERIALS);
    // The ticket's labels, from its card: one per serial, in release order, with their barcodes.
    await admin.locator('[data-ticket="NS-1"]').getByRole('link', { name: t.tickets.labels }).click();
    await expect.poll(() => admin.locator('[data-label]').count()).toBe(20);
    expect(
      await admin.locator('[data-label]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-label'))),
    ).toEqual(SERIALS);
    await expect.poll(() => admin.locator('[data-label] [data-barcode]').count()).toBe(40);

    // Every change above is a line of the change log, by the new admin.
    const changes = core.db.prepare('SELECT username, action FROM admin_change ORDER BY id').all();
    expect(changes).toEqual([
      { username: 'nok', action: 'user.add' },
      { username: 'nok', action: 'routing.publish' },
      { username: 'nok', action: 'station.enroll' },
      { username: 'nok', action: 'operator.add' },
      { username: 'nok', action: 'ticket.release' },
    ]);
  });

  it('DK-27, DK-31: the tablet opens the station’s link, the operator starts a new serial at CUT, and the board shows it', async () => {
    const station = await openStation(stationContext, stationLink);
    await snapshotShown(station);
    expect(await stationName(station)).toContain('CUT-1');
    await signIn(station, 'OP-NEW');
    await waitForToken(station, 'NS-0007', 'CUT');
    await recordOnCard(station, { code: 'NS-0007', type: 'start', node: 'CUT', operator: 'OP-NEW' });
    await admin.goto(`${url}/supervisor#/board`);
    const active = admin.locator('[data-routing="BAG-TOTE"] [data-node="CUT"] [data-count="active"] dd');
    await expect.poll(() => active.textContent()).toBe('1');
    const ready = admin.locator('[data-routing="BAG-TOTE"] [data-node="CUT"] [data-count="ready"] dd');
    expect(await ready.textContent()).toBe('19');
  });
});
