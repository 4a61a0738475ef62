/**
 * The console's trace page in Debian's Chromium against a real edge server: stations push a tote
 * through the split and the join over HTTP (a component bound on one branch, a note on it); a
 * supervisor signs in, searches the serial by its address's text, reads its timeline across both
 * parts and its genealogy, follows the component's genealogy link to its recall, downloads the
 * recall and the timeline as CSV (the browser's own download, parsed here), opens a ticket's
 * serials, sees an unfinished component's empty recall said in words and then listed with
 * unfinished ones, watches a station's event join a traced timeline without a reload, and searches
 * a code nothing has (said so). axe-core finds no serious or critical
 * violation in any of these states. Thai screenshots go to docs/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { RECALL_COLUMNS, TIMELINE_COLUMNS } from '../../shared/trace-api';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { TestStation, finishToteFromStitch, startTestEdge } from '../support/edge';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  stopEdgeAndChromium,
} from '../support/station-page';
import { parseCsv } from '../support/csv';

vi.setConfig(E2E_POLLS);

const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
const SERIAL = 'BV-DEMO-0002';
const COMPONENT = 'HIDE-LOT-42';
/** Bound on a tote that stays unfinished: its recall of finished products is empty. */
const OPEN_COMPONENT = 'HIDE-LOT-77';
const NOTE = 'Scuff on the "left" panel, polished out; ok';
const t = consoleEn.trace;

let edge: TestEdge;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const stations = new Map<string, TestStation>();
/** One station per work center for the whole file: its event seq goes on from test to test. */
function station(wc: string): TestStation {
  let found = stations.get(wc);
  if (!found) {
    found = new TestStation(edge.url, edge.stationToken(wc));
    stations.set(wc, found);
  }
  return found;
}

/** The tote through cut, the split (a component bound on one part), the join, QC and packing. */
async function toteThroughSplitAndJoin(): Promise<void> {
  const cut = station('WC-CUT');
  await cut.send('start', SERIAL, 'CUT');
  await cut.send('complete', SERIAL, 'CUT');
  await cut.send('start', 'BV-DEMO-0003', 'CUT');
  await cut.send('complete', 'BV-DEMO-0003', 'CUT');
  const edgeSt = station('WC-EDGE');
  await edgeSt.send('start', SERIAL, 'EDGE-BODY');
  await edgeSt.send('bind_component', SERIAL, 'EDGE-BODY', { componentSerial: COMPONENT });
  await edgeSt.send('note', SERIAL, 'EDGE-BODY', { text: NOTE });
  await edgeSt.send('complete', SERIAL, 'EDGE-BODY');
  await edgeSt.send('start', 'BV-DEMO-0003', 'EDGE-BODY');
  await edgeSt.send('bind_component', 'BV-DEMO-0003', 'EDGE-BODY', { componentSerial: OPEN_COMPONENT });
  const done = await finishToteFromStitch(station, SERIAL);
  if (done.status !== 'applied') throw new Error(`the tote did not finish: ${JSON.stringify(done)}`);
}

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge();
  await toteThroughSplitAndJoin();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await stopEdgeAndChromium(edge, browser);
});

const heading = (name: string) => page.getByRole('heading', { name, exact: true });
const eventRows = () => page.locator('tr[data-event]');
const hash = () => page.evaluate(() => location.hash);

async function search(text: string): Promise<void> {
  await page.getByLabel(t.searchLabel).fill(text);
  await page.getByRole('button', { name: t.search, exact: true }).click();
}

/** Clicks a download link and returns the saved file's text. */
async function download(kind: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`a[data-download="${kind}"]`).click(),
  ]);
  const saved = await file.path();
  return { name: file.suggestedFilename(), text: fs.readFileSync(saved, 'utf8') };
}

describe('the trace page', () => {
  it('SV-36, SV-37: a supervisor searches a serial: its address holds the search, its header and timeline cross both parts', async () => {
    await page.goto(`${edge.url}/supervisor`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel(consoleEn.signIn.username).fill(edge.demo.supervisor.username);
    await page.getByLabel(consoleEn.signIn.password).fill(edge.demo.supervisor.password);
    await page.getByRole('button', { name: consoleEn.signIn.submit }).click();
    await page.getByRole('link', { name: consoleEn.app.page.trace }).click();
    await expect.poll(() => page.getByText(t.intro).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await search(SERIAL);
    await expect.poll(() => heading(t.serialHeading({ code: SERIAL })).count()).toBe(1);
    expect(await hash()).toBe(`#/trace/${SERIAL}`);
    await expect.poll(() => eventRows().count()).toBeGreaterThan(10);
    const field = (name: string) => page.locator(`[data-field="${name}"] dd`).first().textContent();
    expect(await field('ticket')).toBe('DEMO-TOTE');
    expect(await field('status')).toBe(consoleEn.words.status.completed);
    expect(await field('where')).toBe('PACK');
    // The timeline crosses the split: events of both parts and of the serial itself, in words.
    const parts = await eventRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-part')));
    expect(new Set(parts)).toEqual(new Set(['', 'EDGE-BODY', 'STITCH-STRAP']));
    const split = eventRows().and(page.locator('[data-event-type="split"]'));
    expect(await split.locator('td').first().textContent()).toBe(t.systemEvent.split);
    const join = eventRows().and(page.locator('[data-event-type="join"]'));
    expect(await join.count()).toBeGreaterThan(0);
    const bind = eventRows().and(page.locator('[data-event-type="bind_component"]'));
    const cells = await bind.locator('td').allTextContents();
    expect(cells.slice(1, 5)).toEqual(['EDGE-BODY', 'EDGE-BODY', 'WC-EDGE-1', 'Operator 1 (OP-0001)']);
    expect(cells[8]).toBe(t.upstream['no-upstream']);
    for (const time of cells.slice(5, 8)) expect(time).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(await page.getByText(t.note({ text: NOTE })).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('SV-38: the genealogy: the root split into two parts, both joined back; the component bound into it', async () => {
    const member = (branch: string) => page.locator(`[data-member="${branch}"]`);
    expect(await member('').locator('[data-field="children"] button').allTextContents()).toEqual([
      'EDGE-BODY',
      'STITCH-STRAP',
    ]);
    for (const [part, sibling] of [
      ['EDGE-BODY', 'STITCH-STRAP'],
      ['STITCH-STRAP', 'EDGE-BODY'],
    ] as const) {
      expect(await member(part).locator('[data-field="siblings"]').textContent()).toContain(sibling);
      expect(await member(part).locator('[data-joined]').textContent()).toMatch(
        new RegExp(`^Joined into ${SERIAL} at JOIN-PANELS, `),
      );
    }
    expect(await page.locator('[data-components] a').allTextContents()).toEqual([COMPONENT]);
    // A part's events alone, then every part again.
    await member('').locator('[data-part-button="STITCH-STRAP"]').click();
    await expect
      .poll(() =>
        eventRows().evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-part')))]),
      )
      .toEqual(['STITCH-STRAP']);
    await page.getByLabel(t.eventsOf, { exact: true }).selectOption({ label: t.allParts });
    await expect.poll(() => page.locator('tr[data-part="EDGE-BODY"]').count()).toBeGreaterThan(0);
  });

  it('SV-34, SV-37: the timeline downloads as CSV: one row per event shown, the note intact', async () => {
    const shown = await eventRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
    const { name, text } = await download('timeline-csv');
    expect(name).toBe(`trace-${SERIAL}.csv`);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...TIMELINE_COLUMNS]);
    const col = (c: (typeof TIMELINE_COLUMNS)[number]) => TIMELINE_COLUMNS.indexOf(c);
    expect(rows.slice(1).map((r) => r[col('eventId')])).toEqual(shown);
    expect(rows.find((r) => r[col('type')] === 'note')?.[col('note')]).toBe(NOTE);
  });

  it('SV-38, SV-39: following the component’s genealogy link recalls it; the recall CSV downloads and parses', async () => {
    await page.locator('[data-components] a', { hasText: COMPONENT }).click();
    await expect.poll(() => heading(t.recallHeading({ component: COMPONENT })).count()).toBe(1);
    expect(await hash()).toBe(`#/trace/${COMPONENT}`);
    await expect.poll(() => page.locator('[data-recall-serial]').count()).toBe(1);
    const row = page.locator(`[data-recall-serial="${SERIAL}"] td`);
    expect(await row.nth(2).textContent()).toBe(
      consoleEn.words.statusAt({ status: consoleEn.words.status.completed, node: 'PACK' }),
    );
    expect(await row.nth(4).textContent()).toMatch(/^Part EDGE-BODY at EDGE-BODY, /);
    expect(await seriousViolations(page)).toEqual([]);
    const { name, text } = await download('recall-csv');
    expect(name).toBe(`recall-${COMPONENT}.csv`);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...RECALL_COLUMNS]);
    expect(rows).toHaveLength(2);
    const col = (c: (typeof RECALL_COLUMNS)[number]) => RECALL_COLUMNS.indexOf(c);
    expect(rows[1]?.[col('serial')]).toBe(SERIAL);
    expect(rows[1]?.[col('ticket')]).toBe('DEMO-TOTE');
    expect(rows[1]?.[col('finished')]).toBe('true');
    expect(rows[1]?.[col('boundOnBranch')]).toBe('EDGE-BODY');
    expect(rows[1]?.[col('boundByStation')]).toBe('WC-EDGE-1');
    // Back returns to the serial it came from.
    await page.goBack();
    await expect.poll(() => heading(t.serialHeading({ code: SERIAL })).count()).toBe(1);
  });

  it('SV-39: a component only in unfinished totes: the empty recall is said in words; unfinished ones on request', async () => {
    await search(OPEN_COMPONENT);
    await expect.poll(() => page.locator('[data-recall-empty]').count()).toBe(1);
    expect(await page.locator('[data-recall-empty]').textContent()).toBe(
      `${t.recallNone({ component: OPEN_COMPONENT })} ${t.recallUnfinishedHint}`,
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel(t.includeUnfinished).check();
    await expect.poll(() => page.locator('[data-recall-serial="BV-DEMO-0003"]').count()).toBe(1);
    expect(await page.locator('[data-recall-serial="BV-DEMO-0003"] td').nth(3).textContent()).toBe(
      t.notFinished,
    );
  });

  it('SV-36: a ticket lists its serials as links that trace them', async () => {
    await search('DEMO-TOTE');
    await expect.poll(() => page.locator('[data-ticket="DEMO-TOTE"] a').count()).toBe(10);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('[data-ticket="DEMO-TOTE"] a', { hasText: 'BV-DEMO-0003' }).click();
    await expect.poll(() => heading(t.serialHeading({ code: 'BV-DEMO-0003' })).count()).toBe(1);
  });

  it('SV-39: a station’s event on the traced serial appears in its timeline without a reload', async () => {
    await expect.poll(() => eventRows().count()).toBeGreaterThan(0);
    const before = await eventRows().count();
    expect(await page.locator('tr[data-event-type="complete"][data-part="EDGE-BODY"]').count()).toBe(0);
    expect((await station('WC-EDGE').send('complete', 'BV-DEMO-0003', 'EDGE-BODY')).status).toBe('applied');
    await expect
      .poll(() => page.locator('tr[data-event-type="complete"][data-part="EDGE-BODY"]').count())
      .toBe(1);
    expect(await eventRows().count()).toBeGreaterThan(before);
  });

  it('SV-36: a code nothing has is said so', async () => {
    await search('BV-9999');
    await expect.poll(() => page.locator('[data-not-found]').count()).toBe(1);
    expect(await page.locator('[data-not-found]').textContent()).toBe(t.notFound({ query: 'BV-9999' }));
    expect(await hash()).toBe('#/trace/BV-9999');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('SV-37: in Thai at desktop and phone size: screenshots; the phone stacks the timeline without sideways scrolling', async () => {
    await page.getByRole('button', { name: 'ไทย' }).click();
    await page.goto(`${edge.url}/supervisor#/trace/${SERIAL}`);
    const th = consoleTh.trace;
    await expect.poll(() => heading(th.serialHeading({ code: SERIAL })).count()).toBe(1);
    await expect.poll(() => eventRows().count()).toBeGreaterThan(10);
    expect(await seriousViolations(page)).toEqual([]);
    // The serial's header, genealogy and the start of its timeline, below the search box.
    const top = await page.locator('#trace-serial').evaluate((el) => el.getBoundingClientRect().top);
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'console-trace-desktop.png'),
      fullPage: true,
      clip: { x: 0, y: Math.max(0, top - 16), width: 1280, height: 1400 },
    });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Stacked: a row's cells are lines under one another, each with its label.
    const [first, second] = await eventRows()
      .first()
      .locator('td')
      .evaluateAll((tds) => tds.slice(0, 2).map((td) => td.getBoundingClientRect().top));
    expect(second).toBeGreaterThan(first ?? Infinity);
    await page.locator('#trace-timeline').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-trace-phone.png') });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
