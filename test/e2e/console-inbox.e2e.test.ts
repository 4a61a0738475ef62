/**
 * The exceptions inbox in Debian's Chromium against a real edge server (SV-20 … SV-29): a station's
 * scan parks and its parking ends, so a conflict waits for a decision. A supervisor signs in, opens
 * Exceptions and reads it in words with the item's state; takes it up ("I'm on it") and a second
 * supervisor in another browser context sees "Acknowledged by supervisor" arrive on the live stream;
 * the second one starts discarding it (a reason is asked for first, then "are you sure?"); the first
 * applies it anyway with a reason: the row shows the item's new state, the audit log says who, when
 * and why, and the serial's trace has the item moved; the second one's discard then answers 409, said
 * in words with who resolved it. Resolved problems are found by the state filter. axe-core finds no
 * serious or critical violation; Thai screenshots at desktop and phone sizes go to docs/screenshots/.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';
import { markDead, newestRecordId } from '../support/event-log-db';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  stopEdgeAndChromium,
} from '../support/station-page';

vi.setConfig(E2E_POLLS);

const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
const t = consoleEn.inbox;
const FAR_FUTURE = () => new Date(Date.now() + 365 * 86_400_000);

let edge: TestEdge;
let browser: Browser;
let contexts: BrowserContext[] = [];
/** The supervisor's console and a second one, signed in as the admin. */
let first: Page;
let second: Page;
let sew: TestStation;
let conflictId = 0;

async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
  await page.goto(`${edge.url}/supervisor#/inbox`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel(consoleEn.signIn.username).fill(who.username);
  await page.getByLabel(consoleEn.signIn.password).fill(who.password);
  await page.getByRole('button', { name: consoleEn.signIn.submit }).click();
  await expect.poll(() => page.getByRole('heading', { name: t.heading, level: 2 }).count()).toBe(1);
}

/** The newest open conflict's id (the parking of a scan just ended). */
function newestConflict(): number {
  return edge.core.db.prepare('SELECT max(id) FROM conflict').pluck().get() as number;
}

const row = (page: Page, id = conflictId) => page.locator(`[data-problem="conflict:${id}"]`);
const rowText = (page: Page, id = conflictId) => row(page, id).first().innerText();
const button = (page: Page, name: string, id = conflictId) =>
  row(page, id).getByRole('button', { name, exact: true });

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge();
  browser = await launchChromium();
  for (let i = 0; i < 2; i++)
    contexts.push(await browser.newContext({ viewport: { width: 1280, height: 800 } }));
  first = await contexts[0]!.newPage();
  second = await contexts[1]!.newPage();
  sew = new TestStation(edge.url, edge.stationToken('WC-SEW'));
  // A start at sewing for a wallet still at cutting parks; its parking ends: a conflict.
  expect((await sew.send('start', 'WL-DEMO-0002', 'SEW')).status).toBe('parked');
  expect(expireParkedEvents(edge.core, FAR_FUTURE())).toBe(1);
  conflictId = newestConflict();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
  await stopEdgeAndChromium(edge, browser);
});

describe('the exceptions inbox', () => {
  it('SV-27: a supervisor signs in, opens Exceptions and reads the conflict in words, with the item as it is now', async () => {
    await signIn(first, edge.demo.supervisor);
    await expect.poll(() => row(first).count()).toBe(1);
    const text = await rowText(first);
    expect(text).toContain(t.codes.EVENT_CONFLICT);
    expect(text).toContain(t.reasons.PARKING_EXPIRED);
    expect(text).toContain('Start of WL-DEMO-0002 · at step SEW · station WC-SEW-1 · operator OP-0001');
    expect(text).toContain('Item now: Ready at CUT · ticket DEMO-WALLET');
    expect(text).toContain(t.state.open);
    expect(text).toMatch(/Open for \d+ (s|min)/);
    expect(text).not.toContain('PARKING_EXPIRED');
    expect(await seriousViolations(first)).toEqual([]);
  });

  it('SV-22, SV-29: "I’m on it": the other supervisor’s console shows "Acknowledged by supervisor" without a reload', async () => {
    await signIn(second, edge.demo.admin);
    await expect.poll(() => row(second).count()).toBe(1);
    expect(await button(second, t.actions.acknowledge).count()).toBe(1);
    await button(first, t.actions.acknowledge).click();
    await expect.poll(() => rowText(first)).toMatch(/Acknowledged by supervisor at \d\d:\d\d:\d\d/);
    expect(await rowText(first)).toContain(t.notice.acknowledged);
    // Live: the second console refetches on the stream's 'problem' change.
    await expect.poll(() => rowText(second)).toMatch(/Acknowledged by supervisor at \d\d:\d\d:\d\d/);
    expect(await button(second, t.actions.acknowledge).count()).toBe(0);
  });

  it('SV-23: the second supervisor starts discarding it: a reason of 3 characters is asked for before sending, then “are you sure?”', async () => {
    await button(second, t.actions.discard).click();
    expect(await rowText(second)).toContain(t.form.hint({ min: 3 }));
    await row(second).getByLabel(t.form.reason).fill('no');
    await button(second, t.form.next).click();
    await expect.poll(() => row(second).getByRole('alert').innerText()).toBe(t.form.short({ min: 3 }));
    await row(second).getByLabel(t.form.reason).fill('Scanned twice by mistake');
    await button(second, t.form.next).click();
    await expect.poll(() => rowText(second)).toContain(t.form.confirm.discard({ serial: 'WL-DEMO-0002' }));
    expect(await seriousViolations(second)).toEqual([]);
  });

  it('SV-23, SV-24: the first applies it anyway with a reason: the row shows the item’s new state, the audit who, when and why, the trace the move', async () => {
    const reason = 'Sewing confirmed on the paper traveller';
    await button(first, t.actions.apply).click();
    await row(first).getByLabel(t.form.reason).fill(reason);
    await button(first, t.form.next).click();
    await expect.poll(() => rowText(first)).toContain(t.form.confirm.apply({ serial: 'WL-DEMO-0002' }));
    await button(first, t.form.yes.apply).click();
    await expect.poll(() => rowText(first)).toContain('Applied anyway. Item now: In progress at SEW.');
    expect(await rowText(first)).toMatch(/Resolved by supervisor at \d\d:\d\d:\d\d: applied anyway/);
    expect(await rowText(first)).toContain(`Reason given: “${reason}”`);
    expect(await first.getByRole('heading', { name: t.justNow }).count()).toBe(1);

    // The serial's trace (the API) has the item at sewing now.
    const bearer = await edge.login('supervisor');
    const trace = await fetch(`${edge.url}/api/v1/supervisor/tokens/WL-DEMO-0002`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const body = (await trace.json()) as {
      members: { parentId: number | null; nodeCode: string; status: string }[];
    };
    expect(body.members.find((m) => m.parentId === null)).toMatchObject({
      nodeCode: 'SEW',
      status: 'active',
    });

    await first.getByRole('button', { name: t.tabs.audit }).click();
    const newest = first.locator('[data-audit]').first();
    await expect.poll(() => newest.count()).toBe(1);
    const line = await newest.innerText();
    expect(line).toContain('supervisor');
    expect(line).toContain(`Applied anyway: conflict ${conflictId} · item now: In progress at SEW`);
    expect(line).toContain(reason);
    expect(line).toContain('applied anyway');
    expect(line).toMatch(/\d{4}, \d\d:\d\d/);
    expect(await first.locator('[data-audit]').nth(1).innerText()).toContain(
      `Took up: conflict ${conflictId}`,
    );
    expect(await seriousViolations(first)).toEqual([]);
  });

  it('SV-25, SV-28: the second supervisor’s discard, sent after that, is refused: who resolved it, in words', async () => {
    // The row being worked on stayed put though the list of open problems no longer has it.
    expect(await rowText(second)).toContain(t.form.confirm.discard({ serial: 'WL-DEMO-0002' }));
    await button(second, t.form.yes.discard).click();
    await expect
      .poll(() => row(second).locator('[data-notice]').first().innerText())
      .toMatch(
        /^Already resolved by supervisor at \d\d:\d\d:\d\d \(applied anyway\)\. Nothing was changed; the list is up to date\.$/,
      );
    const bearer = await edge.login('supervisor');
    const audit = await fetch(`${edge.url}/api/v1/supervisor/audit`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const entries = ((await audit.json()) as { entries: { action: string }[] }).entries;
    expect(entries.map((e) => e.action)).toEqual(['apply', 'acknowledge']); // the discard did nothing
  });

  it('SV-27: resolved problems are found with the state filter, with who resolved them and why', async () => {
    await first.getByRole('button', { name: t.tabs.problems }).click();
    await first.getByLabel(t.filters.state).selectOption('resolved');
    await expect
      .poll(() =>
        first.locator('.problem-list').last().locator(`[data-problem="conflict:${conflictId}"]`).count(),
      )
      .toBe(1);
    expect(await rowText(first)).toMatch(/Resolved by supervisor at \d\d:\d\d:\d\d: applied anyway/);
    await first.getByLabel(t.filters.state).selectOption('active');
    await expect.poll(() => first.getByText(t.empty.active).count()).toBe(1);
  });

  it('SV-27, SV-29: new problems arrive live; in Thai at desktop and phone sizes (screenshots), no sideways scrolling, axe clean', async () => {
    // Another conflict, and a record the upstream refused for good (marked dead as the forwarder would).
    expect((await sew.send('complete', 'WL-DEMO-0003', 'SEW')).status).toBe('parked');
    expireParkedEvents(edge.core, FAR_FUTURE());
    const second_ = newestConflict();
    const outboxId = newestRecordId(edge.core.db);
    markDead(edge.core.db, outboxId, { attempts: 5, lastError: 'HTTP 422: unknown product' });
    edge.core.live.poke();
    await expect.poll(() => row(first, second_).count()).toBe(1);
    await expect.poll(() => first.locator(`[data-problem="dead_letter:${outboxId}"]`).count()).toBe(1);

    // What a shift lead comes back to: the open problems (the one resolved above dismissed).
    await button(first, t.notice.dismiss).click();
    await expect.poll(() => first.getByRole('heading', { name: t.justNow }).count()).toBe(0);
    await first.getByRole('button', { name: 'ไทย' }).click();
    await expect
      .poll(() => first.getByRole('heading', { name: consoleTh.inbox.heading, level: 2 }).count())
      .toBe(1);
    expect(await rowText(first, second_)).toContain(consoleTh.inbox.codes.EVENT_CONFLICT);
    await first.screenshot({ path: path.join(SCREENSHOTS, 'console-inbox-desktop.png') });
    expect(await seriousViolations(first)).toEqual([]);
    await first.setViewportSize({ width: 390, height: 844 });
    expect(await first.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await first.locator('.inbox-count').scrollIntoViewIfNeeded();
    await first.evaluate(() => document.querySelector('.inbox-count')?.scrollIntoView({ block: 'start' }));
    await first.screenshot({ path: path.join(SCREENSHOTS, 'console-inbox-phone.png') });
    expect(await seriousViolations(first)).toEqual([]);
  });
});
