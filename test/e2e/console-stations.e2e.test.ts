/**
 * Station health in Debian's Chromium against a real edge server started with STATION_QUIET_SECONDS=2
 * (SV-6, SV-44 … SV-47): a supervisor signs in and opens Stations (Thai, the default); a station
 * that keeps sending heartbeats over HTTP, holding 41 unsent events and two refused, shows as
 * reporting with them, and the floor board's completeness says one station holds 41 unsent events;
 * another station pushes with a seq gap and a fast clock (lost device data and a flagged clock on
 * its card); then the first station stops reporting and its card turns grey "not reporting"
 * without a reload. axe-core finds no serious or critical violation. Screenshots at desktop,
 * tablet and phone sizes in Thai and English (.tmp/shots/stations/), and the README's in Thai.
 */
import fs from 'node:fs';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import type { Heartbeat } from '../../shared/station-api';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent } from '../support/edge';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  stopEdgeAndChromium,
} from '../support/station-page';
import { VIEWPORTS, expectFitsAndShoot, signInToConsole } from '../support/console-page';

vi.setConfig(E2E_POLLS);

const ROOT = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const SHOTS = path.join(ROOT, '.tmp/shots/stations');

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let beating: NodeJS.Timeout | null = null;

async function heartbeat(workCenter: string, fields: Partial<Heartbeat> = {}): Promise<void> {
  const now = new Date().toISOString();
  const body: Heartbeat = {
    stationClock: now,
    appVersion: 'build Ab12Cd34',
    pending: 0,
    oldestPendingAt: null,
    refusedCount: 0,
    refused: [],
    storage: { usedBytes: 14 * 1024 * 1024, quotaBytes: 3 * 1024 ** 3 },
    onlineSince: new Date(Date.now() - 3_600_000).toISOString(),
    ...fields,
  };
  const res = await fetch(`${edge.url}/api/v1/station/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${edge.stationToken(workCenter)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`heartbeat: ${res.status} ${await res.text()}`);
}

/** The cutting station's report: 41 unsent events, the oldest 25 minutes old, two refused. */
const CUT_REPORT = (): Partial<Heartbeat> => ({
  pending: 41,
  oldestPendingAt: new Date(Date.now() - 25 * 60_000).toISOString(),
  refusedCount: 2,
  refused: ['BV-DEMO-0007', 'BV-DEMO-0008'].map((code, i) => ({
    id: `0190a000-0000-7000-8000-00000000000${i}`,
    type: 'complete',
    code,
    nodeCode: 'CUT',
    reasonCode: 'WRONG_STATUS',
    reason: 'The token is ready, not active',
    occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
    at: new Date(Date.now() - 29 * 60_000).toISOString(),
  })),
});

/** Heartbeats every 500 ms (the threshold is 2 s), as a station on a good network sends them. */
function keepReporting(): void {
  beating = setInterval(() => void heartbeat('WC-CUT', CUT_REPORT()).catch(() => undefined), 500);
}

function stopReporting(): void {
  if (beating) clearInterval(beating);
  beating = null;
}

beforeAll(async () => {
  buildClientIfMissing();
  fs.mkdirSync(SHOTS, { recursive: true });
  edge = await startTestEdge({ env: { STATION_QUIET_SECONDS: '2' } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  stopReporting();
  await context?.close();
  await stopEdgeAndChromium(edge, browser);
});

const card = (name: string) => page.locator(`[data-station="${name}"]`);
const stateOf = (name: string) => card(name).getAttribute('data-state');
const factOf = (name: string, fact: string) => card(name).locator(`[data-fact="${fact}"] dd`).textContent();

async function shoot(name: string, language: 'th' | 'en'): Promise<void> {
  await expectFitsAndShoot(page, (size) => path.join(SHOTS, `${name}-${language}-${size}.png`));
}

describe('station health in the console', () => {
  it('SV-46: a supervisor signs in and opens Stations: every demo station, none heard from yet', async () => {
    await signInToConsole(page, `${edge.url}/supervisor`, edge.demo.supervisor, consoleTh);
    await page.getByRole('link', { name: consoleTh.app.page.stations }).click();
    await expect.poll(() => page.locator('[data-station]').count()).toBe(edge.demo.stations.length);
    expect(await stateOf('WC-CUT-1')).toBe('never');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('SV-45, SV-46: a reporting station shows what it holds unsent and refused; another shows lost device data and a fast clock', async () => {
    keepReporting();
    await expect.poll(() => stateOf('WC-CUT-1')).toBe('reporting');
    await expect.poll(() => factOf('WC-CUT-1', 'unsent')).toMatch(/^41 รายการ เก่าสุดเมื่อ \d\d:\d\d:\d\d/);
    expect(await factOf('WC-CUT-1', 'refused')).toBe(consoleTh.stations.refused({ n: 2 }));
    expect(await factOf('WC-CUT-1', 'version')).toBe('build Ab12Cd34');
    // The edging station's tablet lost events 2 and 3, and its clock is 5½ minutes fast.
    const fast = new Date(Date.now() + 330_000).toISOString();
    const events = [1, 4].map((seq) =>
      stationEvent({
        id: uuidv7(),
        seq,
        type: 'note',
        code: 'BV-DEMO-0001',
        nodeCode: 'EDGE-BODY',
        data: { text: 'ok' },
      }),
    );
    const sew = await push(edge.url, edge.stationToken('WC-EDGE'), events, fast);
    expect(sew.status).toBe(200);
    await expect
      .poll(() => factOf('WC-EDGE-1', 'gaps'))
      .toBe(consoleTh.stations.gaps({ n: 2, ranges: '2–3' }));
    expect(await factOf('WC-EDGE-1', 'clock')).toBe(
      consoleTh.stations.clockAhead({ offset: consoleTh.duration.minutes({ n: 5 }) }),
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('SV-6: the floor board says one station holds 41 unsent events, so its figures may still change', async () => {
    await page.getByRole('link', { name: consoleTh.app.page.board }).click();
    await expect
      .poll(() => page.locator('[data-unsent]').textContent())
      .toContain(consoleTh.board.unsent({ stations: 1, events: 41 }));
    expect(await page.locator('[data-unsent]').textContent()).toContain(
      consoleTh.board.neverReported({ n: edge.demo.stations.length - 2 }),
    );
    await page.screenshot({ path: path.join(SHOTS, 'board-completeness-th-desktop.png') });
    await page.setViewportSize(VIEWPORTS.phone);
    await page.screenshot({ path: path.join(SHOTS, 'board-completeness-th-phone.png') });
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.getByRole('link', { name: consoleTh.app.page.stations }).click();
    await expect.poll(() => stateOf('WC-CUT-1')).toBe('reporting');
  });

  it('SV-47: screenshots in Thai and English at desktop, tablet and phone sizes; nothing overflows sideways', async () => {
    await shoot('stations', 'th');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-stations-desktop.png') });
    await page.setViewportSize(VIEWPORTS.phone);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-stations-phone.png') });
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(consoleEn.stations.heading);
    await shoot('stations', 'en');
    await page.getByRole('button', { name: 'ไทย' }).click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe(consoleTh.stations.heading);
  });

  it('SV-44, SV-47: the station stops reporting and its card turns grey "not reporting" without a reload', async () => {
    const loaded = await page.evaluate(() => performance.timeOrigin);
    stopReporting();
    await expect.poll(() => stateOf('WC-CUT-1')).toBe('quiet');
    const state = await card('WC-CUT-1').locator('[data-station-state]').textContent();
    const ago = consoleTh.stations.lastContact({ ago: consoleTh.duration.seconds({ n: 999 }) });
    expect(state).toMatch(new RegExp(`^${consoleTh.stations.state.quiet} · ${ago.replace('999', '\\d+')}$`));
    const colour = await card('WC-CUT-1').evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(colour).toBe('rgb(138, 138, 138)');
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loaded); // no reload
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'stations-th-quiet.png'), fullPage: true });
  });
});
