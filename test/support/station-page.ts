/**
 * @module The station app in real Chromium for e2e tests: Debian's browser through playwright-core,
 * opening (and enrolling) a station, signing in, keyboard-wedge scans, recording through the token
 * card exactly as an operator does, reading the page's IndexedDB outbox, and the app's own outbox
 * code (bundled with esbuild) for queueing many events at once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { expect } from 'vitest';
import type { OperatorEventType } from '../../shared/domain';
import type { TokenStatus } from '../../shared/domain';
import type { Catalogue } from '../../client/i18n/catalogue';
import { en } from '../../client/i18n/en';
import { th } from '../../client/i18n/th';
import type { EventDraft, StoredEntry } from '../../client/outbox/outbox';
import { CLIENT_DIST, clientBuilt } from '../../edge-server/http/static-app';
import type { TestEdge } from './edge';
import { startTestEdge } from './edge';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(import.meta.dirname, '../..');

/** Long enough for a push, a snapshot pull (every 5 s) and a loaded 2-core CI machine. */
export const SYNC_TIMEOUT_MS = 30_000;

/**
 * For `vi.setConfig` at the top of each e2e file: vitest's `expect.poll` gives up after 1 s by
 * default, less than one step of the screen can take on a loaded 2-core machine. A poll only runs
 * this long when something is broken.
 */
export const E2E_POLLS = { expect: { poll: { timeout: SYNC_TIMEOUT_MS, interval: 50 } } };

/** `npm test` builds the app first; a lone run of a file builds it where the edge server serves it. */
export function buildClientIfMissing(): void {
  if (clientBuilt()) return;
  execFileSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--logLevel',
      'warn',
      '--outDir',
      CLIENT_DIST,
      '--emptyOutDir',
    ],
    { cwd: ROOT },
  );
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A test file's fixtures: the app built, a fresh demo edge server, Debian's Chromium. */
export async function startEdgeAndChromium(): Promise<{ edge: TestEdge; browser: Browser }> {
  buildClientIfMissing();
  return { edge: await startTestEdge(), browser: await launchChromium() };
}

export async function stopEdgeAndChromium(
  edge: TestEdge | undefined,
  browser: Browser | undefined,
): Promise<void> {
  await browser?.close();
  await edge?.close();
}

/** One event as the test records it and expects the edge server to hold it. */
export interface RecordedEvent {
  code: string;
  type: OperatorEventType;
  node: string;
  operator: string;
}

/** Opens `url` (an enrollment link, or the app) in a new tab and waits for the station screen. */
export async function openStation(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await expect.poll(() => page.getByTestId('status').count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
  return page;
}

/** Waits until the service worker controls the page, so that it opens with no network. */
export async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (await page.evaluate(() => navigator.serviceWorker.controller !== null)) return;
  await page.reload();
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: SYNC_TIMEOUT_MS,
    })
    .toBe(true);
  await expect.poll(() => page.getByTestId('status').count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
}

/**
 * The station's name in the status band, or '' while its snapshot has not come (the band then shows
 * the app's name, in either language).
 */
export async function stationName(page: Page): Promise<string> {
  const text = ((await page.locator('.band-station').textContent()) ?? '').trim();
  return text === en.pages.appName || text === th.pages.appName ? '' : text;
}

/** Waits for the station's snapshot (pulled, or cached when offline): its name is in the band. */
export async function snapshotShown(page: Page): Promise<void> {
  await expect.poll(() => stationName(page), { timeout: SYNC_TIMEOUT_MS }).not.toBe('');
}

/** The signed-in operator who records now (their chip in the operators bar). */
export function activeOperator(page: Page, badge: string) {
  return page.locator('.operator-chip.active').filter({ hasText: badge });
}

/** Types the badge into the scan field, as an operator with no scanner would. */
export async function signIn(page: Page, badge: string): Promise<void> {
  // The operator list comes with the station's snapshot (pulled, or cached when offline).
  await snapshotShown(page);
  await page.getByRole('textbox').fill(badge);
  await page.getByRole('textbox').press('Enter');
  await expect.poll(() => activeOperator(page, badge).count(), { timeout: SYNC_TIMEOUT_MS }).toBe(1);
}

/** How far apart the keys of a wedge scan are: scanners type every 5-30 ms (client/scan/wedge.ts). */
const WEDGE_KEY_GAP_MS = 10;

/**
 * A keyboard-wedge scanner: a burst of keys 10 ms apart ending in Enter, outside any text field.
 * The keys are dispatched in the page in one go, each stamped with the time a scanner would give it
 * (the app reads the gaps from `KeyboardEvent.timeStamp`): typed by `page.keyboard`, the gaps are
 * real time, which a busy machine stretches past the wedge's 100 ms. (Trusted keys through a
 * DevTools session of our own are no way out: detaching one undoes the context's offline emulation.)
 */
export async function wedgeScan(page: Page, text: string): Promise<void> {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.evaluate(
    ([keys, gapMs]) => {
      const target = document.activeElement ?? document.body;
      const end = performance.now();
      keys.forEach((key, i) => {
        const at = end - (keys.length - 1 - i) * gapMs;
        for (const type of ['keydown', 'keyup']) {
          const event = new KeyboardEvent(type, { key, bubbles: true, cancelable: true, composed: true });
          Object.defineProperty(event, 'timeStamp', { value: at });
          target.dispatchEvent(event);
        }
      });
    },
    [[...text, 'Enter'], WEDGE_KEY_GAP_MS] as const,
  );
}

/**
 * The big count of scans waiting to send in the status band ("3 scans waiting to send", "Nothing
 * waiting", in either language); NaN while it reads neither.
 */
export async function pendingCount(page: Page): Promise<number> {
  const text = ((await page.getByTestId('pending').textContent()) ?? '').trim();
  for (const t of [en, th]) {
    if (text === t.status.band.pending({ n: 0 })) return 0;
    const n = Number(/\d+/.exec(text)?.[0] ?? NaN);
    if (text === t.status.band.pending({ n })) return n;
  }
  return NaN;
}

/** A token where it is, in the screen's words ("Ready at CUT", "พร้อม ที่ CUT"). */
export function whereText(node: string, status: TokenStatus, t: Catalogue = en): string {
  return t.words.statusAt({ status: t.words.status[status], node });
}

/** The token's line in the station's list ("BV-DEMO-0003 (EDGE-BODY) · Ready at EDGE-BODY"). */
export function queueLine(page: Page, code: string, node: string, status: TokenStatus, t: Catalogue = en) {
  return page
    .locator('.queue button')
    .filter({ hasText: new RegExp(`^${code}( \\(|\\s·)`) })
    .filter({ hasText: ` · ${whereText(node, status, t)}` });
}

/**
 * Waits until the station lists the token at `node`. The app pulls its snapshot every 5 s; the
 * operator's "Sync now" (pressed while it is not listed yet) is quicker.
 */
export async function waitForToken(
  page: Page,
  code: string,
  node: string,
  status: TokenStatus = 'ready',
  t: Catalogue = en,
): Promise<void> {
  const syncButton = page.getByRole('button', { name: t.status.band.syncNow });
  const press = every(1000);
  await expect
    .poll(
      async () => {
        const n = await queueLine(page, code, node, status, t).count();
        if (n === 0 && press() && (await syncButton.isEnabled())) await syncButton.click();
        return n;
      },
      { timeout: SYNC_TIMEOUT_MS, interval: 200 },
    )
    .toBe(1);
}

/** True at most once per `ms`: paces a retry inside a poll that looks more often. */
function every(ms: number): () => boolean {
  let last = Date.now();
  return () => {
    if (Date.now() - last < ms) return false;
    last = Date.now();
    return true;
  };
}

/** What the detail field of QC fail, Note and Bind component is labelled. */
const DETAIL_LABEL: Partial<Record<OperatorEventType, string>> = {
  qc_fail: en.card.detail.reason,
  note: en.card.detail.text,
  bind_component: en.card.detail.componentSerial,
};

/**
 * Scans `code` by wedge, checks the card shows it at `node`, records `type` from the card (typing
 * the detail when the action asks for one; Scrap confirmed, then recorded when its undo window
 * ends), waits for "recorded" (or "recorded offline"), and returns the event as the edge server
 * should end up holding it.
 */
export async function recordOnCard(
  page: Page,
  event: { code: string; type: OperatorEventType; node: string; operator: string; detail?: string },
): Promise<RecordedEvent> {
  try {
    await recordSteps(page, event);
  } catch (error) {
    throw new Error(
      `${en.words.action[event.type]} ${event.code} at ${event.node} failed; the screen shows:\n${await screenText(page)}`,
      { cause: error },
    );
  }
  return { code: event.code, type: event.type, node: event.node, operator: event.operator };
}

async function recordSteps(
  page: Page,
  event: { code: string; type: OperatorEventType; node: string; operator: string; detail?: string },
): Promise<void> {
  const label = en.words.action[event.type];
  const card = page.getByTestId('card');
  await wedgeScan(page, event.code);
  await expect
    .poll(() => card.locator('.card-where').textContent(), { timeout: SYNC_TIMEOUT_MS })
    .toMatch(new RegExp(` at ${event.node}$`));
  const offline = await page.evaluate(() => !navigator.onLine);
  const click = async (): Promise<void> => {
    await card.getByRole('button', { name: label, exact: true }).click({ timeout: SYNC_TIMEOUT_MS });
    const field = DETAIL_LABEL[event.type];
    if (field) {
      await card.getByLabel(field).fill(event.detail ?? `${label} by ${event.operator}`);
      await card.getByRole('button', { name: en.card.recordAction({ action: label }) }).click();
    }
    // Scrap asks first, then waits out its undo window (the message comes when it is recorded).
    if (event.type === 'scrap') await card.getByRole('button', { name: en.card.scrapYes }).click();
  };
  await click();
  // Longer than the duplicate window: each press inside it restarts the window.
  const pressAgain = every(1600);
  const says = offline ? en.card.recordedOffline : en.card.recorded;
  const expected = says({ action: label, code: event.code });
  const duplicate = en.card.justRecorded({ action: label, code: event.code });
  // The same code and action within the duplicate window (1.5 s) is one scan: press again after it.
  await expect
    .poll(
      async () => {
        const text = await messageText(page);
        if (text === duplicate && pressAgain() && (await card.count()) === 1) {
          if (DETAIL_LABEL[event.type]) await card.getByRole('button', { name: en.card.back }).click();
          await click();
        }
        return text;
      },
      { timeout: SYNC_TIMEOUT_MS, interval: 100 },
    )
    .toBe(expected);
  await expect.poll(() => card.count(), { timeout: SYNC_TIMEOUT_MS }).toBe(0);
}

/**
 * The last outcome's words (without the time it carries), or '' once it has faded: read in one go,
 * as a locator would wait for a message that is not there.
 */
export async function messageText(page: Page): Promise<string> {
  return page.evaluate(
    () => document.querySelector('[data-testid="message"] .outcome-text')?.textContent?.trim() ?? '',
  );
}

/** The last outcome's kind (recorded, recorded-offline, duplicate, refused, info), or '' once faded. */
export async function messageKind(page: Page): Promise<string> {
  return page.evaluate(
    () => document.querySelector('[data-testid="message"]')?.getAttribute('data-kind') ?? '',
  );
}

/** What the station screen shows, for failure messages. */
export async function screenText(page: Page): Promise<string> {
  return page
    .locator('main')
    .innerText({ timeout: 5000 })
    .catch((error: unknown) => `(unreadable: ${String(error)})`);
}

/** Every entry of the page's outbox (the app's IndexedDB database), read directly. */
export async function outboxEntries(page: Page): Promise<StoredEntry[]> {
  return page.evaluate(
    () =>
      new Promise<StoredEntry[]>((resolve, reject) => {
        const open = indexedDB.open('scan-station');
        open.onerror = () => reject(open.error ?? new Error('cannot open the outbox'));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('outbox')) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction('outbox').objectStore('outbox').getAll();
          all.onerror = () => reject(all.error ?? new Error('cannot read the outbox'));
          all.onsuccess = () => {
            db.close();
            resolve(all.result as StoredEntry[]);
          };
        };
      }),
  );
}

let bundled: Promise<string> | null = null;

/** The app's outbox code (client/outbox/dexie-outbox.ts) and uuidv7, as a script that sets `window.Outbox`. */
export function outboxBundle(): Promise<string> {
  bundled ??= build({
    stdin: {
      contents: [
        "export { OutboxStore, StationDb } from './client/outbox/dexie-outbox';",
        "export { uuidv7 } from 'uuidv7';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'Outbox',
    target: 'es2022',
    write: false,
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundled;
}

/**
 * Queues events in the page's outbox through the app's own OutboxStore (same database, next seq,
 * one transaction each), as the screen does when an operator records. Returns the drafts' ids.
 */
export async function injectEvents(page: Page, drafts: Omit<EventDraft, 'id'>[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'Outbox' in window))) {
    // Evaluated, not added as a <script>: the app's CSP refuses inline scripts.
    await page.evaluate(await outboxBundle());
  }
  return page.evaluate(async (all) => {
    const lib = (window as any).Outbox;
    const store = new lib.OutboxStore(new lib.StationDb());
    const ids: string[] = [];
    for (const draft of all) {
      const id: string = lib.uuidv7();
      await store.record({ ...draft, id }, new Date().toISOString());
      ids.push(id);
    }
    return ids;
  }, drafts);
}

/** The floor's smallest control (CSS px each way) and the least room between two (SPEC ST-19). */
export const FLOOR_TARGET = { size: 56, gap: 16 };

/**
 * Every visible control of the page (buttons, fields, selects, links) smaller than 56x56 CSS px,
 * and every two within 16 px of each other, as lines naming them with their boxes; [] when none.
 * Sizes are measured wherever a control is on the page; room between two only where both can be
 * tapped (the topmost at their centre) and in the same layer, looked at from the top of the page to
 * its bottom: the page scrolls under the sticky band and the phone's bottom sheet, so what passes
 * under them comes as near as 0 px for a moment, whatever the layout. The page is scrolled back
 * to the top.
 */
export async function floorTargetProblems(page: Page): Promise<string[]> {
  return page.evaluate(async ({ size, gap }) => {
    const slack = 0.5;
    const selector =
      'button, input:not([type="hidden"]), select, textarea, a[href], [role="button"], summary';
    const shown = (el: Element): boolean => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.opacity !== '0';
    };
    const name = (el: Element): string => {
      const words = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
      return `${el.tagName.toLowerCase()} "${words.slice(0, 40) || (el as HTMLInputElement).placeholder}"`;
    };
    const boxText = (b: DOMRect): string =>
      `${Math.round(b.width)}x${Math.round(b.height)} at ${Math.round(b.left)},${Math.round(b.top + scrollY)}`;
    /** The outermost fixed or sticky box around it: the page scrolls under such a layer. */
    const layer = (el: Element): Element | null => {
      let outer: Element | null = null;
      for (let at: Element | null = el; at; at = at.parentElement) {
        const position = getComputedStyle(at).position;
        if (position === 'fixed' || position === 'sticky') outer = at;
      }
      return outer;
    };
    const controls = [...document.querySelectorAll(selector)].filter(shown);
    const problems = new Set<string>();
    for (const el of controls) {
      const b = el.getBoundingClientRect();
      if (b.width < size - slack || b.height < size - slack) problems.add(`${name(el)} is ${boxText(b)}`);
    }
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    const bottom = document.documentElement.scrollHeight - innerHeight;
    for (let y = 0; ; y = Math.min(bottom, y + innerHeight / 2)) {
      scrollTo(0, y);
      await frame();
      const tappable = controls.filter((el) => {
        const b = el.getBoundingClientRect();
        const x = b.left + b.width / 2;
        const yc = b.top + b.height / 2;
        if (x < 0 || yc < 0 || x >= innerWidth || yc >= innerHeight) return false;
        const top = document.elementFromPoint(x, yc);
        return top !== null && (top === el || el.contains(top));
      });
      for (const [i, a] of tappable.entries()) {
        for (const c of tappable.slice(i + 1)) {
          // Nested, or one in a layer that stays put (the band, the phone's sheet) over the other.
          if (a.contains(c) || c.contains(a) || layer(a) !== layer(c)) continue;
          const p = a.getBoundingClientRect();
          const q = c.getBoundingClientRect();
          const dx = Math.max(0, Math.max(p.left, q.left) - Math.min(p.right, q.right));
          const dy = Math.max(0, Math.max(p.top, q.top) - Math.min(p.bottom, q.bottom));
          const apart = Math.hypot(dx, dy);
          if (apart < gap - slack)
            problems.add(
              `${name(a)} and ${name(c)} are ${Math.round(apart)} px apart (${boxText(p)}; ${boxText(q)})`,
            );
        }
      }
      if (y >= bottom) break;
    }
    scrollTo(0, 0);
    await frame();
    return [...problems];
  }, FLOOR_TARGET);
}
