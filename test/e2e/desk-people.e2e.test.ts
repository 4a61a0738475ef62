/**
 * The planning desk's stations, operators and change log in Debian's Chromium against a real edge
 * server (SPEC DK-30 … DK-39): an admin (Thai console) enrolls a station from the page and sees its
 * link and QR code; the link opened in a second browser context enrolls that browser and the
 * station opens; the admin adds an operator with a PIN and Thai; that operator signs in on the new
 * station with the PIN and the station's screen turns Thai; the change log lists those changes in
 * words. axe-core finds no serious or critical violation; the pages fit a phone. Screenshots for
 * the README (Thai) and of every size in both languages under .tmp/shots/people.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import {
  E2E_POLLS,
  activeOperator,
  buildClientIfMissing,
  launchChromium,
  openStation,
  snapshotShown,
  stationName,
  stopEdgeAndChromium,
  wedgeScan,
} from '../support/station-page';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
const SHOTS = path.join(import.meta.dirname, '../../.tmp/shots/people');
const t = consoleTh;

let edge: TestEdge;
let browser: Browser;
let adminContext: BrowserContext;
let stationContext: BrowserContext;
let admin: Page;
let station: Page;

beforeAll(async () => {
  buildClientIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  edge = await startTestEdge();
  browser = await launchChromium();
  adminContext = await browser.newContext({ viewport: VIEWPORTS.desktop });
  stationContext = await browser.newContext();
  admin = await adminContext.newPage();
}, 120_000);

afterAll(async () => {
  await adminContext?.close();
  await stationContext?.close();
  await stopEdgeAndChromium(edge, browser);
});

/** The page at each size (it must not scroll sideways), saved as <name>-<size>-<language>.png. */
async function shots(page: Page, name: string, language: string): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `${name}-${size}-${language}.png`));
}

const card = (kind: string, name: string) => admin.locator(`[data-${kind}="${name}"]`);

describe('stations, operators and the change log on the desk', () => {
  let link = '';

  it('DK-30, DK-32: the admin enrolls a station from the page and sees its link and QR code once', async () => {
    await signInToConsole(admin, `${edge.url}/supervisor#/people`, edge.demo.admin, t);
    await expect.poll(() => admin.getByRole('heading', { name: t.people.heading }).count()).toBe(1);
    await expect.poll(() => card('station', 'WC-CUT-1').count()).toBe(1);
    // A name with a space is refused, said beside the name.
    await admin.getByLabel(t.people.stationName).fill('CUT DESK');
    await admin.getByLabel(t.people.workCenter).selectOption('WC-CUT');
    await admin.getByRole('button', { name: t.people.enroll }).click();
    await expect
      .poll(() => admin.locator('[data-problem-for="station-name"]').textContent())
      .toBe(t.people.stationNameBad);
    await admin.getByLabel(t.people.stationName).fill('CUT-DESK');
    await admin.getByLabel(t.people.stationLanguage).selectOption('en');
    await admin.getByRole('button', { name: t.people.enroll }).click();
    const shown = admin.locator('[data-link]');
    await expect.poll(() => shown.count()).toBe(1);
    link = await shown.inputValue();
    expect(link).toMatch(new RegExp(`^${edge.url}/#enroll=enr_[A-Za-z0-9_-]+$`));
    expect(await admin.getByRole('img', { name: t.people.qr({ name: 'CUT-DESK' }) }).count()).toBe(1);
    await expect.poll(() => card('station', 'CUT-DESK').count()).toBe(1);
    expect(await card('station', 'CUT-DESK').locator('[data-field="language"]').textContent()).toBe(
      'English',
    );
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'desk-people-desktop.png') });
    await admin.setViewportSize(VIEWPORTS.phone);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await admin.locator('.people-link').scrollIntoViewIfNeeded();
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'desk-people-phone.png') });
    await shots(admin, 'stations-link', 'th');
  });

  it('DK-31: the link opened in another browser enrolls it and the station opens; the list counts its tablet', async () => {
    station = await openStation(stationContext, link);
    await snapshotShown(station);
    expect(await stationName(station)).toContain('CUT-DESK');
    await admin.reload();
    await expect
      .poll(() => card('station', 'CUT-DESK').locator('[data-field="devices"]').textContent())
      .toBe(t.people.devices({ n: 1 }));
    expect(await card('station', 'CUT-DESK').locator('[data-field="link"]').textContent()).toBe(
      t.people.noLinkWaiting,
    );
    // A new link on demand, shown once.
    await admin.getByRole('button', { name: t.people.newLinkLabel({ name: 'CUT-DESK' }) }).click();
    await expect
      .poll(() => admin.locator('#people-link-heading').textContent())
      .toBe(t.people.relinkedHeading({ name: 'CUT-DESK' }));
    expect(await admin.locator('[data-link]').inputValue()).not.toBe(link);
    await shots(admin, 'stations', 'th');
  });

  it('DK-33, DK-36: the admin adds an operator with a PIN and Thai; signed in on the station, it speaks Thai', async () => {
    await admin.getByRole('link', { name: t.people.tab.operators }).click();
    await expect.poll(() => card('operator', 'OP-0001').count()).toBe(1);
    await admin.getByLabel(t.people.badge, { exact: true }).fill('OP-TH');
    await admin.getByLabel(t.people.operatorName).fill('สมศรี ใจดี');
    await admin.getByLabel(t.people.pin, { exact: true }).fill('12');
    await admin.getByLabel(t.people.operatorLanguage).selectOption('th');
    await admin.getByRole('button', { name: t.people.addOperator }).click();
    await expect
      .poll(() => admin.locator('[data-problem-for="operator-pin"]').textContent())
      .toBe(t.people.pinBad);
    await admin.getByLabel(t.people.pin, { exact: true }).fill('2468');
    await admin.getByRole('button', { name: t.people.addOperator }).click();
    await expect
      .poll(() => admin.locator('.people-saved').textContent())
      .toBe(t.people.operatorAdded({ badge: 'OP-TH' }));
    const added = card('operator', 'OP-TH');
    await expect.poll(() => added.locator('[data-field="language"]').textContent()).toBe('ไทย');
    expect(await added.locator('[data-field="pin"]').textContent()).toBe(t.people.pinSet);
    expect(await seriousViolations(admin)).toEqual([]);
    await shots(admin, 'operators', 'th');

    // The station has the operator from its next snapshot; the badge asks for the PIN, then Thai.
    await expect
      .poll(() => station.evaluate(() => localStorage.getItem('scan-station.snapshot') ?? ''))
      .toContain('OP-TH');
    expect(await station.evaluate(() => document.documentElement.lang)).toBe('en');
    await wedgeScan(station, 'OP-TH');
    await station.getByLabel('PIN', { exact: true }).fill('2468');
    await station.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => activeOperator(station, 'OP-TH').count()).toBe(1);
    await expect.poll(() => station.evaluate(() => document.documentElement.lang)).toBe('th');
  });

  it('DK-34, DK-35, DK-37: the admin changes an operator and adds a user', async () => {
    await admin.getByRole('button', { name: t.people.changeLabel({ badge: 'OP-0002' }) }).click();
    await admin.getByLabel(t.people.canSignIn).uncheck();
    await admin.getByRole('button', { name: t.people.save }).click();
    await expect
      .poll(() => card('operator', 'OP-0002').locator('[data-field="active"]').textContent())
      .toBe(t.people.inactive);
    await admin.getByRole('link', { name: t.people.tab.users }).click();
    await admin.getByLabel(t.people.username).fill('lead.somsri');
    await admin.getByLabel(t.people.password).fill('long-enough-1');
    await admin.getByRole('button', { name: t.people.addUser }).click();
    await expect.poll(() => card('user', 'lead.somsri').count()).toBe(1);
    expect(await card('user', 'lead.somsri').locator('[data-field="role"]').textContent()).toBe(
      t.people.roleShort.supervisor,
    );
    expect(await seriousViolations(admin)).toEqual([]);
    await shots(admin, 'users', 'th');
  });

  it('DK-39: the change log lists those changes newest first, in words, and narrows to one subject', async () => {
    await admin.goto(`${edge.url}/supervisor#/changes`);
    await expect.poll(() => admin.locator('[data-change]').count()).toBeGreaterThan(4);
    const actions = await admin.locator('[data-change] [data-action]').allTextContents();
    expect(actions.slice(0, 5)).toEqual([
      t.changes.actions['user.add'],
      t.changes.actions['operator.change'],
      t.changes.actions['operator.add'],
      t.changes.actions['station.link'],
      t.changes.actions['station.enroll'],
    ]);
    expect(await admin.locator('[data-change]').nth(1).textContent()).toContain(t.changes.detail.inactive);
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'desk-changes-desktop.png') });
    await shots(admin, 'changes', 'th');
    await admin.getByRole('textbox', { name: t.changes.subject }).fill('CUT-DESK');
    await admin.getByRole('button', { name: t.changes.apply, exact: true }).click();
    await expect
      .poll(() =>
        admin
          .locator('[data-change]')
          .evaluateAll((lines) => lines.map((l) => l.getAttribute('data-change'))),
      )
      .toEqual(['station.link', 'station.enroll']);
  });

  it('DK-32, DK-39: the pages in English fit every size', async () => {
    const en = consoleEn;
    await admin.evaluate(() => localStorage.setItem('console:language', 'en'));
    await admin.goto(`${edge.url}/supervisor#/changes`);
    await admin.reload();
    await expect.poll(() => admin.getByRole('heading', { name: en.changes.heading }).count()).toBe(1);
    await expect.poll(() => admin.locator('[data-change]').count()).toBeGreaterThan(4);
    await shots(admin, 'changes', 'en');
    for (const section of ['stations', 'operators', 'users'] as const) {
      await admin.goto(`${edge.url}/supervisor#/people/${section}`);
      await expect.poll(() => admin.locator('.people-card').count()).toBeGreaterThan(0);
      await shots(admin, section, 'en');
    }
    expect(await seriousViolations(admin)).toEqual([]);
  });
});
