/**
 * The walkthrough in Thai, in real Chromium at a tablet (800x1280), a landscape tablet
 * (1280x800) and a phone (390x844) against a Thai site: the "Scan your badge" prompt, a tote
 * scanned before sign-in called an item, sign in, start and complete (the primary action), scrap
 * with its confirm step and undo, a scan recorded offline, a refusal that comes with a later sync
 * (its red banner, its tone), the server unreachable with the Wi-Fi up; in every state each
 * control is measured (56x56 CSS px, 16 px apart), axe-core finds nothing serious (WCAG 2.2 AA,
 * target size included) and the status band is still in view after scrolling to the bottom.
 * One browser, a fresh context (and a station of its own, serving CUT) per size.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { th } from '../../client/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import type { NetworkLink } from '../support/network-link';
import { setFloorOffline, startNetworkLink } from '../support/network-link';
import { startTestEdge } from '../support/edge';
import {
  E2E_POLLS,
  SYNC_TIMEOUT_MS,
  buildClientIfMissing,
  floorTargetProblems,
  injectEvents,
  launchChromium,
  messageKind,
  messageText,
  openStation,
  outboxEntries,
  pendingCount,
  signIn,
  stopEdgeAndChromium,
  waitForToken,
  wedgeScan,
  whereText,
} from '../support/station-page';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

const SIZES = [
  { name: 'tablet', width: 800, height: 1280, first: 1 },
  { name: 'landscape tablet', width: 1280, height: 800, first: 4 },
  { name: 'phone', width: 390, height: 844, first: 7 },
];

/** A code the site does not know: the server refuses an event for it (UNKNOWN_CODE). */
const UNKNOWN = 'BV-GONE-0404';

let edge: TestEdge;
let browser: Browser;
/** The tablets' way to the server: cut for "offline" (with the browser's emulation) and for "unreachable". */
let network: NetworkLink;

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge({ language: 'th' });
  browser = await launchChromium();
  network = await startNetworkLink(edge.url);
}, 120_000);

afterAll(async () => {
  try {
    await network.close();
  } finally {
    await stopEdgeAndChromium(edge, browser);
  }
});

/** Enrolls a station serving CUT by the admin API; returns its one-time enrollment link, through the network link. */
async function enrollStation(name: string): Promise<string> {
  const res = await fetch(`${edge.url}/api/v1/admin/stations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await edge.login('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, nodeCodes: ['CUT'] }),
  });
  if (res.status !== 201) throw new Error(`enrolling ${name}: ${res.status} ${await res.text()}`);
  return network.through(((await res.json()) as { enrollUrl: string }).enrollUrl);
}

function stationRows(code: string): { type: string; status: string }[] {
  return edge.core.db
    .prepare(
      `SELECT event_type AS type, status FROM token_event WHERE code = ? AND origin = 'station' ORDER BY id`,
    )
    .all(code) as { type: string; status: string }[];
}

/** Where the status band is after scrolling to the bottom of the page (it should not move). */
async function bandAfterScrolling(page: Page): Promise<{ top: number; bottom: number; height: number }> {
  return page.evaluate(async () => {
    scrollTo(0, document.documentElement.scrollHeight);
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    const box = document.querySelector('[data-testid="status"]')?.getBoundingClientRect();
    const seen = { top: box?.top ?? NaN, bottom: box?.bottom ?? NaN, height: innerHeight };
    scrollTo(0, 0);
    return seen;
  });
}

/** Elements with Thai text of their own whose line height is under 1.5 times their font size. */
async function tightThaiLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const tight: string[] = [];
    for (const el of document.querySelectorAll('main *')) {
      const own = [...el.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && /[\u0E00-\u0E7F]/.test(n.textContent ?? ''),
      );
      if (!own) continue;
      const style = getComputedStyle(el);
      const ratio = parseFloat(style.lineHeight) / parseFloat(style.fontSize);
      if (!(ratio >= 1.5))
        tight.push(`${el.tagName.toLowerCase()}.${el.className}: ${style.lineHeight} / ${style.fontSize}`);
    }
    return tight;
  });
}

/** The floor's checks on the screen as it is now (SPEC ST-19, ST-15, ST-13). */
async function checkState(page: Page, state: string): Promise<void> {
  expect(await floorTargetProblems(page), `${state}: controls under 56x56 or closer than 16 px`).toEqual([]);
  expect(await seriousViolations(page), `${state}: axe-core serious or critical violations`).toEqual([]);
  const band = await bandAfterScrolling(page);
  expect(band.top, `${state}: the status band after scrolling`).toBeGreaterThanOrEqual(-0.5);
  expect(band.bottom, `${state}: the status band after scrolling`).toBeLessThanOrEqual(band.height);
  expect(await tightThaiLines(page), `${state}: Thai lines under 1.5`).toEqual([]);
}

async function bandState(page: Page): Promise<{ state: string | null; word: string; colour: string }> {
  const band = page.getByTestId('status');
  return {
    state: await band.getAttribute('data-state'),
    word: ((await page.getByTestId('connection').textContent()) ?? '').trim(),
    colour: await band.evaluate((el) => getComputedStyle(el).backgroundColor),
  };
}

/** The outcome's colour while it stands. */
async function outcomeColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="message"]');
    return el ? getComputedStyle(el).backgroundColor : '';
  });
}

/** Every button of the open card lies inside the viewport (a phone's bottom sheet included). */
async function cardButtonsOutsideViewport(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="card"] button')]
      .filter((b) => {
        const box = b.getBoundingClientRect();
        return box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth;
      })
      .map((b) => b.textContent ?? ''),
  );
}

/** The page's vibration patterns (the refusal's is [300]): the tone goes with the same call. */
async function recordSignals(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { signals: number[][] };
    w.signals = [];
    Object.defineProperty(navigator, 'vibrate', {
      configurable: true,
      value: (pattern: number | number[]) => {
        w.signals.push(Array.isArray(pattern) ? pattern : [pattern]);
        return true;
      },
    });
  });
}

async function promptThenSignIn(page: Page, code: string, colours: Map<string, string>): Promise<void> {
  // ST-20: nobody signed in: a large prompt in Thai; a tote scanned now is called an item.
  const prompt = page.getByTestId('badge-prompt');
  await expect.poll(() => prompt.locator('.badge-prompt-title').textContent()).toBe(th.operator.scanBadge);
  const size = await prompt
    .locator('.badge-prompt-title')
    .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(32);
  await checkState(page, 'nobody signed in');
  await wedgeScan(page, code);
  await expect.poll(() => messageText(page)).toBe(th.operator.itemNotBadge({ code }));
  expect(await messageKind(page)).toBe('refused');
  colours.set('refused', await outcomeColour(page));
  await signIn(page, 'OP-0001');
  await expect.poll(() => prompt.count()).toBe(0);
}

describe('the station in Thai on the floor', () => {
  for (const size of SIZES) {
    it(`ST-13, ST-14, ST-15, ST-16, ST-17, ST-18, ST-19, ST-20, ST-2, ST-5: the whole walkthrough in Thai at ${size.width}x${size.height} (${size.name})`, async () => {
      const [worked, scrapped, offline] = [0, 1, 2].map(
        (i) => `BV-DEMO-${String(size.first + i).padStart(4, '0')}`,
      ) as [string, string, string];
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      await recordSignals(context);
      const fonts: string[] = [];
      context.on('request', (r) => void (r.url().endsWith('.woff2') && fonts.push(r.url())));
      const page = await openStation(context, await enrollStation(`THAI-${size.width}x${size.height}`));
      const colours = new Map<string, string>();

      // ST-14: the site speaks Thai: the document says so, and the Thai font is the one drawn.
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('th');
      await promptThenSignIn(page, worked, colours);
      await expect
        .poll(() =>
          page.evaluate(async () => {
            await document.fonts.ready;
            return document.fonts.check('16px "Noto Sans Thai"', 'ก');
          }),
        )
        .toBe(true);
      expect(fonts.length).toBeGreaterThan(0);

      // ST-18: the card in Thai, the action that moves the tote forward first and filled.
      await waitForToken(page, worked, 'CUT', 'ready', th);
      await wedgeScan(page, worked);
      const card = page.getByTestId('card');
      await expect.poll(() => card.locator('.card-where').textContent()).toBe(whereText('CUT', 'ready', th));
      expect(await card.locator('.action.primary').textContent()).toBe(th.words.action.start);
      await expect.poll(() => cardButtonsOutsideViewport(page)).toEqual([]);
      await checkState(page, 'card open');
      await card.getByRole('button', { name: th.words.action.start, exact: true }).click();

      // ST-2, ST-16: the outcome in Thai, with its time, in its colour; then it fades.
      await expect
        .poll(() => messageText(page))
        .toBe(th.card.recorded({ action: th.words.action.start, code: worked }));
      expect(await messageKind(page)).toBe('recorded');
      expect(await page.getByTestId('message').locator('.outcome-time').textContent()).toMatch(
        /^เวลา \d{2}:\d{2}/,
      );
      colours.set('recorded', await outcomeColour(page));
      await checkState(page, 'recorded');
      await expect.poll(() => messageText(page)).toBe('');

      await wedgeScan(page, worked);
      await expect.poll(() => card.locator('.card-where').textContent()).toBe(whereText('CUT', 'active', th));
      expect(await card.locator('.action.primary').textContent()).toBe(th.words.action.complete);
      await card.getByRole('button', { name: th.words.action.complete, exact: true }).click();
      await expect
        .poll(() => messageText(page))
        .toBe(th.card.recorded({ action: th.words.action.complete, code: worked }));
      await expect.poll(() => card.count()).toBe(0);

      // ST-18: Scrap is danger, asks first; Undo leaves nothing in the outbox.
      await waitForToken(page, scrapped, 'CUT', 'ready', th);
      await wedgeScan(page, scrapped);
      const scrap = card.locator('.action.danger');
      await expect.poll(() => scrap.textContent()).toBe(th.words.action.scrap);
      await scrap.click();
      const confirm = page.getByRole('alertdialog', { name: th.card.scrapConfirm({ code: scrapped }) });
      await expect.poll(() => confirm.count()).toBe(1);
      await checkState(page, 'scrap confirm');
      await confirm.getByRole('button', { name: th.card.scrapYes }).click();
      await page.getByTestId('scrap-undo').getByRole('button').click();
      await expect.poll(() => messageText(page)).toBe(th.card.scrapUndone({ code: scrapped }));
      colours.set('info', await outcomeColour(page));
      expect((await outboxEntries(page)).filter((e) => e.event.code === scrapped)).toEqual([]);
      // Confirmed again, it waits out its window (counting down in Thai), then is recorded.
      await scrap.click();
      await confirm.getByRole('button', { name: th.card.scrapYes }).click();
      await expect
        .poll(() => page.getByTestId('scrap-undo').getByRole('button').textContent())
        .toMatch(/^ยกเลิก \([1-5] วินาที\)$/);
      await checkState(page, 'scrap undo');
      await expect
        .poll(() => messageText(page))
        .toBe(th.card.recorded({ action: th.words.action.scrap, code: scrapped }));
      await expect.poll(() => stationRows(scrapped)).toEqual([{ type: 'scrap', status: 'applied' }]);

      // ST-15: offline: the band says so in Thai, in its colour, with the big count of waiting scans.
      colours.set('online band', (await bandState(page)).colour);
      await setFloorOffline(network, [context], true);
      await expect
        .poll(() => bandState(page).then((b) => [b.state, b.word]))
        .toEqual(['offline', th.status.band.state.offline]);
      colours.set('offline band', (await bandState(page)).colour);
      await waitForToken(page, offline, 'CUT', 'ready', th);
      await wedgeScan(page, offline);
      await card.getByRole('button', { name: th.words.action.start, exact: true }).click();
      await expect
        .poll(() => messageText(page))
        .toBe(th.card.recordedOffline({ action: th.words.action.start, code: offline }));
      colours.set('recorded offline', await outcomeColour(page));
      // An event the server will refuse (an unknown code, queued as another app might have).
      await injectEvents(page, [
        {
          type: 'start',
          code: UNKNOWN,
          nodeCode: 'CUT',
          operatorBadge: 'OP-0001',
          occurredAt: new Date().toISOString(),
          data: {},
        },
      ]);
      await expect.poll(() => pendingCount(page)).toBe(2);
      expect(await page.getByTestId('pending').textContent()).toBe(th.status.band.pending({ n: 2 }));
      const pendingSize = await page
        .getByTestId('pending')
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(pendingSize).toBeGreaterThanOrEqual(24);
      await checkState(page, 'offline');

      // ST-17, ST-5: back online, the refusal comes with the sync: its own red banner in Thai, the
      // refusal's vibration and tone, and no "recorded" left standing.
      await setFloorOffline(network, [context], false);
      const banner = page.getByTestId('refusal-banner');
      await expect.poll(() => banner.count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
      expect(await banner.locator('.refusal-title').textContent()).toBe(
        th.status.refusedBanner.title({ n: 1 }),
      );
      expect(await banner.textContent()).toContain(th.reasons.UNKNOWN_CODE);
      expect(await banner.textContent()).toContain(
        th.status.refusedBanner.line({ action: th.words.action.start, serial: UNKNOWN }),
      );
      expect(['recorded', 'recorded-offline']).not.toContain(await messageKind(page));
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { signals: number[][] }).signals))
        .toContainEqual([300]);
      await expect.poll(() => pendingCount(page)).toBe(0);
      expect(stationRows(offline)).toEqual([{ type: 'start', status: 'applied' }]);
      await checkState(page, 'refusal banner');
      await banner.getByRole('button', { name: th.status.refusedBanner.dismiss }).click();
      await expect.poll(() => banner.count()).toBe(0);
      const refused = page.getByTestId('refused').locator('li').filter({ hasText: UNKNOWN });
      expect(await refused.textContent()).toContain(th.reasons.UNKNOWN_CODE);
      await refused.getByRole('button', { name: th.status.refused.discard }).click();
      await expect.poll(() => page.getByTestId('refused').count()).toBe(0);

      // ST-15: the Wi-Fi is up but the edge server does not answer: a state of its own.
      network.cut();
      await page.getByRole('button', { name: th.status.band.syncNow }).click();
      await expect
        .poll(() => bandState(page).then((b) => [b.state, b.word]))
        .toEqual(['unreachable', th.status.band.state.unreachable]);
      colours.set('unreachable band', (await bandState(page)).colour);
      await checkState(page, 'server unreachable');
      network.restore();
      await page.getByRole('button', { name: th.status.band.syncNow }).click();
      await expect.poll(() => bandState(page).then((b) => b.state)).toBe('online');

      // ST-15, ST-16: each state and each outcome in a colour of its own.
      const distinct = (keys: string[]) => new Set(keys.map((k) => colours.get(k))).size;
      expect(
        distinct(['online band', 'offline band', 'unreachable band']),
        JSON.stringify([...colours]),
      ).toBe(3);
      expect(
        distinct(['recorded', 'recorded offline', 'refused', 'info']),
        JSON.stringify([...colours]),
      ).toBe(4);
      await context.close();
    }, 150_000);
  }
});
