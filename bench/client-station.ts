/**
 * @module The station app's benchmarks in real Chromium (Debian's, through playwright-core), against
 * an edge server as `npm start` runs it (bench/browser.ts: default config, loopback, random port),
 * serving a build of the app made for this run. `npx tsx bench/client-station.ts` prints the table.
 *
 *   1. scan → durable: the demo CUT station enrolled through its link, OP-0001 signed in, the network
 *      offline (so no sync traffic interleaves). Each sample: a keyboard-wedge scan of a token at CUT
 *      (page.keyboard typing and Enter, outside any text field) opens its card; 'Note' is clicked,
 *      its text given (in the card's field and its submit button clicked, or in prompt() through
 *      Playwright's dialog handler, whichever the app asks). Measured in the page, on its clock:
 *      Enter keydown (event timestamp) → the card in the DOM (MutationObserver), and the click that
 *      records → the 'recorded' message in the DOM, which the app shows only once its outbox
 *      transaction (Dexie, strict durability) committed; an IDBDatabase.transaction wrapper splits
 *      that into before / the transaction / after. Codes are cycled, none noted again within the
 *      app's duplicate window. Back online, every note must reach the edge server.
 *   2. drain: DRAIN_EVENTS note events queued offline with the app's own OutboxStore (bundled from
 *      client/outbox/dexie-outbox.ts by esbuild, injected into the app's page, same database), then
 *      online: the time until the page shows "0 pending" and the edge server's SQLite holds them all;
 *      the page's long tasks meanwhile; each API request (size, status, Retry-After, duration), so
 *      that the time splits into pushes (loopback + edge) and the client between them; every seeded
 *      id found exactly once, applied. Then the store operations of one batch (read, results
 *      update) timed alone on a scratch database, to say where the client's share goes.
 *
 * Targets (the issue): scan → durable p95 at most 50 ms; 10,000 queued events drained in at most
 * 20 s with no long task over 200 ms. They are figures with a verdict, never assertions: the bench
 * fails only when something broke (an event lost, a selector gone).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import type { EventDraft } from '../client/outbox/outbox';
import { DEFAULT_DUPLICATE_WINDOW_MS } from '../client/scan/duplicate-filter';
import { DEFAULT_WEDGE_OPTIONS } from '../client/scan/wedge';
import type { Snapshot } from '../shared/station-api';
import { buildStationApp, bundleOutboxStore, launchStationBrowser, startStationEdge } from './browser';
import { percentile } from './stats';
import { withTempDir } from './temp';
import { isoOf } from '../edge-server/db/sql-time';

export const STATION_TARGETS = { scanToDurableP95Ms: 50, drainSeconds: 20, longTaskMs: 200 } as const;

/** Samples measured (at least 100 for a p95 that is not the max), after WARMUP unmeasured ones. */
const SAMPLES = 120;
const WARMUP = 10;
const DRAIN_EVENTS = 10_000;
/** A code is noted again only this long after its last note (the app would call it a duplicate). */
const SAME_CODE_GAP_MS = DEFAULT_DUPLICATE_WINDOW_MS + 250;
/** Between samples, once the pending count moved: the app's own after-record work settles. */
const PAUSE_BETWEEN_SAMPLES_MS = 50;
/** Parallel record() calls while seeding (IndexedDB runs them one after another; this only pipelines). */
const SEED_CONCURRENCY = 8;
/** Wedge scans typed again when CDP delivered their keys too slowly, before the bench gives up. */
const MAX_WEDGE_RETRIES = 5;
/** The sync engine's push size (MAX_EVENTS_PER_BATCH, the protocol's limit); the pushes show the real one. */
const ENGINE_BATCH = 500;
const DRAIN_DEADLINE_MS = 180_000;
const POLL_MS = 100;
const BADGE = 'OP-0001';
const NOTE_TEXT = 'bench note';
const OUTBOX_GLOBAL = 'StationBenchOutbox';

export interface Latency {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ApiRequest {
  /** Method and path, e.g. 'POST /api/v1/events'. */
  what: string;
  /** Wall-clock ms when the request started, and its duration until the response's end. */
  startedAt: number;
  ms: number;
  events: number;
  status: number | 'failed';
  retryAfterS: number | null;
}

export interface StationBenchResult {
  chromium: string;
  scan: {
    samples: number;
    warmup: number;
    /** How the app asked for the note's text: a field on the card, or prompt(). */
    detail: 'card' | 'prompt';
    /** Wedge scans typed again because CDP delivered their keys further apart than the wedge allows. */
    wedgeRetries: number;
    /** Enter keydown of the wedge scan → the token card in the DOM. */
    scanToCard: Latency;
    /** The click that records the note → 'recorded' in the DOM (after the strict commit): the target's figure. */
    clickToRecorded: Latency;
    /** Of which: click → the outbox's read-write transaction opens; that transaction until it
     * committed (strict durability); its commit → 'recorded' in the DOM. */
    clickToTx: Latency | null;
    tx: Latency | null;
    txToRecorded: Latency | null;
    /** With prompt(): the click → the prompt answered (by Playwright over CDP), and the rest. */
    clickToAnswer: Latency | null;
    answerToRecorded: Latency | null;
    /** The samples the edge server holds once the page went online again. */
    delivered: number;
  };
  drain: {
    events: number;
    seedSeconds: number;
    /** With the backlog queued, on the app's database: a full read, the count, one batch's read. */
    outboxReads: { queuedMs: number; pendingCountMs: number; nextQueuedMs: number | null };
    /** On a scratch database holding one batch: the sync engine's read of it and its results' update. */
    storeOps: { batch: number; readMs: number; updateMs: number };
    /** Offline with the backlog queued, until the status bar showed it (one sync-timer tick). */
    offlineLongTasks: { count: number; maxMs: number };
    complete: boolean;
    /** Online → the later of "0 pending" in the page and the last seeded event received by the edge. */
    seconds: number;
    uiSeconds: number | null;
    edgeSeconds: number | null;
    eventsPerSecond: number;
    pushes: ApiRequest[];
    /** The page's other API requests during the drain (snapshot, upstream states…). */
    others: ApiRequest[];
    statuses: Record<string, number>;
    /** Online → the first push starting: the engine's reads before it sends anything. */
    firstPushMs: number | null;
    /** Sum of the pushes' durations (request to response end: network, server, transfer). */
    serverSeconds: number;
    /** Between one push's response and the next push: the client storing results and reading the outbox. */
    gapMs: { total: number; p50: number | null; max: number | null };
    /** The last push's response → "0 pending" on screen (the engine's last read, snapshot, status). */
    tailMs: number | null;
    longTasks: { count: number; over200: number; maxMs: number; totalMs: number };
    verification: {
      expected: number;
      found: number;
      once: number;
      statuses: Record<string, number>;
      ok: boolean;
    };
  };
  verdicts: { metric: string; figure: string; target: string; pass: boolean | null }[];
}

/** What the page records (installed before the app's own scripts). */
interface Probe {
  expect: string | null;
  /** keydown timestamps of the scan in progress, up to its Enter. */
  keys: number[];
  enterAt: number | null;
  cardAt: number | null;
  clickAt: number | null;
  answeredAt: number | null;
  /** The first read-write IndexedDB transaction after the click: created, and committed. */
  txAt: number | null;
  txDoneAt: number | null;
  recordedAt: number | null;
  outcome: string | null;
  watchZero: boolean;
  onlineAt: number | null;
  zeroPendingAt: number | null;
  longTasks: { start: number; duration: number }[];
}

type ProbeWindow = Window & { stationBenchProbe: Probe };

/**
 * Runs in the page before the app: long tasks (buffered); the wedge's keys and Enter and the card
 * buttons' clicks by their event timestamps; the prompt's answer, if the app asks by prompt(); the
 * first read-write IndexedDB transaction after the recording click, opened and committed; and a
 * MutationObserver that notes when the card, the 'recorded' message and "0 pending" appear. Only
 * the UI contract's selectors.
 */
function installProbe(): void {
  const probe: Probe = {
    expect: null,
    keys: [],
    enterAt: null,
    cardAt: null,
    clickAt: null,
    answeredAt: null,
    txAt: null,
    txDoneAt: null,
    recordedAt: null,
    outcome: null,
    watchZero: false,
    onlineAt: null,
    zeroPendingAt: null,
    longTasks: [],
  };
  (window as unknown as ProbeWindow).stationBenchProbe = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.addEventListener(
    'keydown',
    (e) => {
      if (probe.expect === null || probe.enterAt !== null) return;
      probe.keys.push(e.timeStamp);
      if (e.key === 'Enter') probe.enterAt = e.timeStamp;
    },
    true,
  );
  let watched: IDBTransaction | null = null;
  window.addEventListener(
    'click',
    (e) => {
      const target = e.target instanceof Element ? e.target : null;
      // The last one counts: Note may first open a text field on the card, then its submit records.
      if (
        probe.expect !== null &&
        probe.recordedAt === null &&
        target?.closest('[data-testid=card] button')
      ) {
        probe.clickAt = e.timeStamp;
        probe.txAt = null;
        probe.txDoneAt = null;
        watched = null;
      }
    },
    true,
  );
  // Watches (does not change) the app's IndexedDB use: which share of a sample is the outbox's commit.
  const transaction = Object.getOwnPropertyDescriptor(IDBDatabase.prototype, 'transaction')?.value as (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) => IDBTransaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    const tx = transaction.apply(this, args);
    if (
      tx.mode === 'readwrite' &&
      probe.clickAt !== null &&
      probe.txAt === null &&
      probe.recordedAt === null
    ) {
      probe.txAt = performance.now();
      watched = tx;
      tx.addEventListener('complete', () => {
        if (watched === tx) probe.txDoneAt = performance.now();
      });
    }
    return tx;
  };
  const prompt = window.prompt.bind(window);
  window.prompt = (message?: string, value?: string) => {
    const answer = prompt(message, value);
    if (probe.expect !== null && probe.answeredAt === null) probe.answeredAt = performance.now();
    return answer;
  };
  window.addEventListener('online', () => {
    probe.onlineAt = performance.now();
  });
  new MutationObserver(() => {
    const now = performance.now();
    if (probe.expect !== null) {
      const code = probe.expect;
      const card = document.querySelector('[data-testid=card]');
      if (probe.enterAt !== null && probe.cardAt === null && card?.textContent?.includes(code))
        probe.cardAt = now;
      const message = document.querySelector('[data-testid=message]');
      if (probe.clickAt !== null && probe.recordedAt === null && message?.textContent?.includes(code)) {
        // Recorded (online) or recorded offline: both are durable in the outbox.
        if (
          /\boutcome-recorded(-offline)?\b/.test(message.className) &&
          message.textContent.includes('recorded')
        )
          probe.recordedAt = now;
        else probe.outcome = `${message.className}: ${message.textContent}`;
      }
    }
    if (probe.watchZero && probe.zeroPendingAt === null) {
      const pending = document.querySelector('[data-testid=pending]')?.textContent?.trim();
      if (pending === 'Nothing waiting') probe.zeroPendingAt = now;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

function latency(values: readonly number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tally(values: readonly (string | number)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** The status band's count of queued scans, as the English catalogue words it (client/i18n/en/status.ts). */
function pendingText(count: number): string {
  if (count === 0) return 'Nothing waiting';
  return `${count} ${count === 1 ? 'scan' : 'scans'} waiting to send`;
}

async function waitPending(page: Page, count: number, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid=pending]')?.textContent?.trim() === text,
    pendingText(count),
    { timeout, polling: 50 },
  );
}

async function waitStatus(page: Page, word: 'Online' | 'Offline'): Promise<void> {
  await page.waitForFunction(
    (w) => document.querySelector('[data-testid=status]')?.textContent?.includes(w) ?? false,
    word,
    { timeout: 15_000, polling: 50 },
  );
}

/** Badge into the textbox and Enter, again until the snapshot (with the operators) has arrived. */
async function signIn(page: Page, badge: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const box = page.getByRole('textbox').first();
    await box.fill(badge);
    await box.press('Enter');
    try {
      await page.getByText(`Operator ${badge}`).first().waitFor({ timeout: 1000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`could not sign in as ${badge}: ${String(error)}`);
    }
  }
}

/**
 * A keyboard-wedge scan of `code`: the keys typed fast, then Enter, outside any text field; resolves
 * with the number of retries once its card is in the DOM. Playwright delivers each key over CDP,
 * and on a busy machine two keys can land more than the wedge's maxGapMs apart; the app then
 * rightly takes it for a person typing. Such a scan is typed again (and counted); a scan whose
 * keys came fast enough and opened no card is a failure.
 */
async function wedgeScan(page: Page, code: string): Promise<number> {
  for (let retries = 0; ; retries++) {
    await page.evaluate((c) => {
      Object.assign((window as unknown as ProbeWindow).stationBenchProbe, {
        expect: c,
        keys: [],
        enterAt: null,
        cardAt: null,
        clickAt: null,
        answeredAt: null,
        txAt: null,
        txDoneAt: null,
        recordedAt: null,
        outcome: null,
      });
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    }, code);
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    const shown = await page
      .waitForFunction(
        () => (window as unknown as ProbeWindow).stationBenchProbe.cardAt !== null,
        undefined,
        {
          timeout: 2000,
          polling: 'raf',
        },
      )
      .then(
        () => true,
        () => false,
      );
    if (shown) return retries;
    const keys = await page.evaluate(() => (window as unknown as ProbeWindow).stationBenchProbe.keys);
    const widest = Math.max(0, ...keys.slice(1).map((t, k) => t - (keys[k] ?? t)));
    if (widest <= DEFAULT_WEDGE_OPTIONS.maxGapMs || retries >= MAX_WEDGE_RETRIES)
      throw new Error(
        `the wedge scan of ${code} opened no card (keys at most ${widest.toFixed(0)} ms apart)`,
      );
  }
}

/** One sample: wedge scan of `code`, its card, Note (and its text), 'recorded'; page times in ms. */
async function noteOnce(page: Page, code: string) {
  const retries = await wedgeScan(page, code);
  const card = page.getByTestId('card');
  await card.getByRole('button', { name: 'Note', exact: true }).click({ timeout: 10_000 });
  // The note's text is asked for on the card (a text field and its submit button) or by prompt()
  // (answered by the page's dialog handler while the click runs).
  const asked = await page.waitForFunction(
    () => {
      const p = (window as unknown as ProbeWindow).stationBenchProbe;
      if (p.recordedAt !== null || p.outcome !== null) return 'done';
      return document.querySelector('[data-testid=card] input') ? 'card' : false;
    },
    undefined,
    { timeout: 10_000, polling: 'raf' },
  );
  if ((await asked.jsonValue()) === 'card') {
    await card.getByRole('textbox').fill(NOTE_TEXT);
    await card.locator('button[type=submit]').click({ timeout: 10_000 });
    await page.waitForFunction(
      () => {
        const p = (window as unknown as ProbeWindow).stationBenchProbe;
        return p.recordedAt !== null || p.outcome !== null;
      },
      undefined,
      { timeout: 10_000, polling: 'raf' },
    );
  }
  const p = await page.evaluate(() => {
    const probe = (window as unknown as ProbeWindow).stationBenchProbe;
    const marks = { ...probe, longTasks: [] };
    probe.expect = null;
    return marks;
  });
  if (p.outcome !== null) throw new Error(`Note ${code} was not recorded: ${p.outcome}`);
  if (p.enterAt === null || p.cardAt === null || p.clickAt === null || p.recordedAt === null)
    throw new Error(`Note ${code}: a mark is missing: ${JSON.stringify(p)}`);
  return {
    retries,
    scanToCard: p.cardAt - p.enterAt,
    clickToRecorded: p.recordedAt - p.clickAt,
    clickToTx: p.txAt === null ? null : p.txAt - p.clickAt,
    tx: p.txAt === null || p.txDoneAt === null ? null : p.txDoneAt - p.txAt,
    txToRecorded: p.txDoneAt === null ? null : p.recordedAt - p.txDoneAt,
    clickToAnswer: p.answeredAt === null ? null : p.answeredAt - p.clickAt,
    answerToRecorded: p.answeredAt === null ? null : p.recordedAt - p.answeredAt,
  };
}

function stationEventCount(db: Database.Database): number {
  return (db.prepare("SELECT count(*) AS n FROM token_event WHERE origin = 'station'").get() as { n: number })
    .n;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** The app's OutboxStore and StationDb, as the injected bundle defines them (their types stay in Node). */
type BundledStore = {
  record(draft: EventDraft, now: string): Promise<{ seq: number }>;
  queued(): Promise<unknown[]>;
  pendingCount(): Promise<number>;
  nextQueued?: (limit: number) => Promise<{ event: unknown; state: unknown }[]>;
  update(entries: readonly unknown[]): Promise<void>;
};
type BundledOutbox = {
  OutboxStore: new (db: unknown) => BundledStore;
  StationDb: new (name?: string) => { delete(): Promise<void> };
};

/** Runs in the page: seeds the app's outbox with the app's own OutboxStore (same database). */
async function seedInPage(args: {
  global: string;
  drafts: EventDraft[];
  concurrency: number;
  batch: number;
}) {
  const lib = (window as unknown as Record<string, BundledOutbox | undefined>)[args.global];
  if (!lib) throw new Error(`the outbox bundle did not define ${args.global}`);
  const store = new lib.OutboxStore(new lib.StationDb());
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      for (let i = next++; i < args.drafts.length; i = next++) {
        await store.record(args.drafts[i] as EventDraft, new Date().toISOString());
      }
    }),
  );
  const seedMs = performance.now() - began;
  let t = performance.now();
  const queued = (await store.queued()).length;
  const queuedMs = performance.now() - t;
  t = performance.now();
  const pending = await store.pendingCount();
  const pendingCountMs = performance.now() - t;
  let nextQueuedMs: number | null = null;
  if (typeof store.nextQueued === 'function') {
    t = performance.now();
    await store.nextQueued(args.batch);
    nextQueuedMs = performance.now() - t;
  }
  return { seedMs, queued, pending, queuedMs, pendingCountMs, nextQueuedMs, endedAt: performance.now() };
}

/**
 * Runs in the page, on a scratch database (the app's code, another name, deleted afterwards): the
 * store operations of one drain batch, timed apart: the batch read and the results' update() that
 * the sync engine makes per push.
 */
async function storeOpsInPage(args: { global: string; drafts: EventDraft[]; batch: number; name: string }) {
  const lib = (window as unknown as Record<string, BundledOutbox | undefined>)[args.global];
  if (!lib) throw new Error(`the outbox bundle did not define ${args.global}`);
  const db = new lib.StationDb(args.name);
  const store = new lib.OutboxStore(db);
  try {
    await Promise.all(args.drafts.map((draft) => store.record(draft, new Date().toISOString())));
    let t = performance.now();
    const batch =
      typeof store.nextQueued === 'function'
        ? await store.nextQueued(args.batch)
        : ((await store.queued()).slice(0, args.batch) as { event: unknown; state: unknown }[]);
    const readMs = performance.now() - t;
    const at = new Date().toISOString();
    const delivered = batch.map((e) => ({
      ...e,
      state: { kind: 'delivered', result: 'applied', token: null, reason: null, at },
    }));
    t = performance.now();
    await store.update(delivered);
    const updateMs = performance.now() - t;
    return { readMs, updateMs, entries: batch.length };
  } finally {
    await db.delete();
  }
}

function makeDrafts(count: number, tokens: readonly { code: string; nodeCode: string }[]): EventDraft[] {
  return Array.from({ length: count }, (_, i): EventDraft => {
    const token = tokens[i % tokens.length] as { code: string; nodeCode: string };
    return {
      id: uuidv7(),
      type: 'note',
      code: token.code,
      nodeCode: token.nodeCode,
      operatorBadge: BADGE,
      occurredAt: new Date().toISOString(),
      data: { text: `bench drain ${i + 1}` },
    };
  });
}

/** Every API request the page makes while `on`: the pushes, and whatever else the app asks. */
function trackRequests(page: Page): { requests: Promise<ApiRequest>[]; on: (value: boolean) => void } {
  let on = false;
  const requests: Promise<ApiRequest>[] = [];
  const eventsOf = (r: Request): number => {
    try {
      return ((r.postDataJSON() as { events?: unknown[] } | null)?.events ?? []).length;
    } catch {
      return 0;
    }
  };
  const track = (r: Request, failed: boolean): void => {
    const { pathname } = new URL(r.url());
    if (!on || !pathname.startsWith('/api/')) return;
    requests.push(
      (async (): Promise<ApiRequest> => {
        const response = failed ? null : await r.response();
        const timing = r.timing();
        const retryAfter = response ? await response.headerValue('retry-after') : null;
        return {
          what: `${r.method()} ${pathname}`,
          startedAt: timing.startTime,
          ms: timing.responseEnd,
          events: r.method() === 'POST' ? eventsOf(r) : 0,
          status: response?.status() ?? 'failed',
          retryAfterS: retryAfter === null ? null : Number(retryAfter),
        };
      })(),
    );
  };
  page.on('requestfinished', (r) => track(r, false));
  page.on('requestfailed', (r) => track(r, true));
  return {
    requests,
    on: (value) => {
      on = value;
    },
  };
}

async function measureScans(
  page: Page,
  context: BrowserContext,
  db: Database.Database,
  codes: readonly string[],
  samples: number,
): Promise<StationBenchResult['scan']> {
  if (codes.length < 2) throw new Error('the CUT station needs at least two tokens to cycle notes over');
  await context.setOffline(true);
  await waitStatus(page, 'Offline');
  const lastNote = new Map<string, number>();
  const marks: Awaited<ReturnType<typeof noteOnce>>[] = [];
  const total = WARMUP + samples;
  const before = stationEventCount(db);
  let wedgeRetries = 0;
  for (let i = 0; i < total; i++) {
    const code = codes[i % codes.length] as string;
    const wait = (lastNote.get(code) ?? -Infinity) + SAME_CODE_GAP_MS - Date.now();
    if (wait > 0) await sleep(wait);
    const m = await noteOnce(page, code);
    lastNote.set(code, Date.now());
    wedgeRetries += m.retries;
    if (i >= WARMUP) marks.push(m);
    await waitPending(page, i + 1);
    await sleep(PAUSE_BETWEEN_SAMPLES_MS);
  }
  // Back online: every note recorded must reach the edge server.
  await context.setOffline(false);
  await waitStatus(page, 'Online');
  await waitPending(page, 0, 60_000);
  await waitFor('the notes on the edge server', () => stationEventCount(db) - before >= total, 30_000);
  const some = (pick: (m: (typeof marks)[number]) => number | null): Latency | null => {
    const values = marks.flatMap((m) => {
      const v = pick(m);
      return v === null ? [] : [v];
    });
    return values.length > 0 ? latency(values) : null;
  };
  return {
    samples,
    warmup: WARMUP,
    detail: marks.some((m) => m.clickToAnswer !== null) ? 'prompt' : 'card',
    wedgeRetries,
    scanToCard: latency(marks.map((m) => m.scanToCard)),
    clickToRecorded: latency(marks.map((m) => m.clickToRecorded)),
    clickToTx: some((m) => m.clickToTx),
    tx: some((m) => m.tx),
    txToRecorded: some((m) => m.txToRecorded),
    clickToAnswer: some((m) => m.clickToAnswer),
    answerToRecorded: some((m) => m.answerToRecorded),
    delivered: stationEventCount(db) - before,
  };
}

async function measureDrain(
  page: Page,
  context: BrowserContext,
  db: Database.Database,
  bundle: string,
  tokens: readonly { code: string; nodeCode: string }[],
  events: number,
): Promise<StationBenchResult['drain']> {
  await context.setOffline(true);
  await waitStatus(page, 'Offline');
  const drafts = makeDrafts(events, tokens);
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') refuses an inline <script>.
  await page.evaluate(bundle);
  const seed = await page.evaluate(seedInPage, {
    global: OUTBOX_GLOBAL,
    drafts,
    concurrency: SEED_CONCURRENCY,
    batch: ENGINE_BATCH,
  });
  if (seed.queued !== events || seed.pending !== events)
    throw new Error(`seeded ${events} events but the outbox holds ${seed.queued} queued (${seed.pending})`);
  // The app learns of them at its next sync-timer tick (it reads the outbox, fails offline, shows it).
  await waitPending(page, events, 30_000);
  const offlineEnd = await page.evaluate(() => performance.now());
  const before = stationEventCount(db);
  const tracker = trackRequests(page);
  tracker.on(true);
  await page.evaluate(() => {
    Object.assign((window as unknown as ProbeWindow).stationBenchProbe, {
      watchZero: true,
      zeroPendingAt: null,
      onlineAt: null,
    });
  });
  const startedAt = Date.now();
  await context.setOffline(false);
  const deadline = startedAt + DRAIN_DEADLINE_MS;
  let complete = false;
  for (;;) {
    const zero = await page.evaluate(
      () => (window as unknown as ProbeWindow).stationBenchProbe.zeroPendingAt,
    );
    if (zero !== null && stationEventCount(db) - before >= events) {
      complete = true;
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(POLL_MS);
  }
  tracker.on(false);
  const probe = await page.evaluate(() => {
    const p = (window as unknown as ProbeWindow).stationBenchProbe;
    return { ...p, timeOrigin: performance.timeOrigin };
  });

  const find = db.prepare(
    `SELECT count(*) AS n, max(status) AS status, ${isoOf('max(received_ms)')} AS receivedAt FROM token_event WHERE event_id = ?`,
  );
  let found = 0;
  let once = 0;
  let lastReceived = 0;
  const statuses: string[] = [];
  for (const d of drafts) {
    const row = find.get(d.id) as { n: number; status: string | null; receivedAt: string | null };
    if (row.n > 0) found++;
    if (row.n === 1) once++;
    if (row.status) statuses.push(row.status);
    if (row.receivedAt) lastReceived = Math.max(lastReceived, Date.parse(row.receivedAt));
  }
  const statusTally = tally(statuses);
  const verification = {
    expected: events,
    found,
    once,
    statuses: statusTally,
    ok: once === events && statusTally['applied'] === events,
  };

  const requests = (await Promise.all(tracker.requests)).sort((a, b) => a.startedAt - b.startedAt);
  const pushes = requests.filter((r) => r.what === 'POST /api/v1/events');
  const zeroWall = probe.zeroPendingAt === null ? null : probe.timeOrigin + probe.zeroPendingAt;
  const uiSeconds =
    probe.zeroPendingAt === null || probe.onlineAt === null
      ? null
      : (probe.zeroPendingAt - probe.onlineAt) / 1000;
  const edgeSeconds = found === events ? (lastReceived - startedAt) / 1000 : null;
  const endWall = complete ? Math.max(zeroWall ?? 0, lastReceived) : Date.now();
  const seconds = (endWall - startedAt) / 1000;
  const gaps = pushes.slice(1).map((p, i) => {
    const prev = pushes[i] as ApiRequest;
    return p.startedAt - (prev.startedAt + prev.ms);
  });
  const lastPush = pushes[pushes.length - 1];
  const tailMs = zeroWall !== null && lastPush ? zeroWall - (lastPush.startedAt + lastPush.ms) : null;
  const windowEnd = probe.zeroPendingAt ?? Number.POSITIVE_INFINITY;
  const during = probe.longTasks.filter((t) => t.start >= (probe.onlineAt ?? 0) && t.start <= windowEnd);
  const offline = probe.longTasks.filter((t) => t.start >= seed.endedAt && t.start <= offlineEnd);
  // After the drain, so that it does not share the disk with it.
  const ops = await page.evaluate(storeOpsInPage, {
    global: OUTBOX_GLOBAL,
    drafts: makeDrafts(ENGINE_BATCH, tokens),
    batch: ENGINE_BATCH,
    name: 'scan-station-bench-scratch',
  });
  return {
    events,
    seedSeconds: seed.seedMs / 1000,
    outboxReads: {
      queuedMs: seed.queuedMs,
      pendingCountMs: seed.pendingCountMs,
      nextQueuedMs: seed.nextQueuedMs,
    },
    storeOps: { batch: ops.entries, readMs: ops.readMs, updateMs: ops.updateMs },
    offlineLongTasks: { count: offline.length, maxMs: Math.max(0, ...offline.map((t) => t.duration)) },
    complete,
    seconds,
    uiSeconds,
    edgeSeconds,
    eventsPerSecond: found / seconds,
    pushes,
    others: requests.filter((r) => r.what !== 'POST /api/v1/events'),
    statuses: tally(pushes.map((p) => p.status)),
    firstPushMs: pushes[0] ? pushes[0].startedAt - startedAt : null,
    serverSeconds: pushes.reduce((sum, p) => sum + p.ms, 0) / 1000,
    gapMs: {
      total: gaps.reduce((a, b) => a + b, 0),
      p50:
        gaps.length > 0
          ? percentile(
              [...gaps].sort((a, b) => a - b),
              50,
            )
          : null,
      max: gaps.length > 0 ? Math.max(...gaps) : null,
    },
    tailMs,
    longTasks: {
      count: during.length,
      over200: during.filter((t) => t.duration > STATION_TARGETS.longTaskMs).length,
      maxMs: Math.max(0, ...during.map((t) => t.duration)),
      totalMs: during.reduce((sum, t) => sum + t.duration, 0),
    },
    verification,
  };
}

const ms = (v: number | null): string => (v === null || Number.isNaN(v) ? '-' : `${v.toFixed(1)} ms`);
const spread = (l: Latency | null): string =>
  l === null
    ? '-'
    : `p50 ${l.p50Ms.toFixed(1)} / p95 ${l.p95Ms.toFixed(1)} / max ${l.maxMs.toFixed(1)} ms (n=${l.samples})`;
const count = (n: number): string => n.toLocaleString('en-US');

type Verdict = StationBenchResult['verdicts'][number];
const info = (metric: string, figure: string): Verdict => ({ metric, figure, target: '-', pass: null });

function judge(scan: StationBenchResult['scan'], drain: StationBenchResult['drain']): Verdict[] {
  const t = STATION_TARGETS;
  const served = drain.pushes.filter((p) => p.status === 200);
  const limited = drain.pushes.filter((p) => p.status === 429);
  const statuses = Object.entries(drain.statuses)
    .map(([status, n]) => `${n}×${status}`)
    .join(' ');
  const retryAfter =
    limited.length > 0 ? `, Retry-After up to ${Math.max(...limited.map((p) => p.retryAfterS ?? 0))} s` : '';
  const rows: Verdict[] = [
    info(
      'scan → card (wedge Enter → card in DOM)',
      `${spread(scan.scanToCard)}, ${scan.wedgeRetries} rescans`,
    ),
    {
      metric: `scan → durable (Note ${scan.detail === 'card' ? 'submit' : 'click'} → 'recorded', strict)`,
      figure: spread(scan.clickToRecorded),
      target: `p95 <= ${t.scanToDurableP95Ms} ms`,
      pass: scan.clickToRecorded.p95Ms <= t.scanToDurableP95Ms,
    },
  ];
  if (scan.clickToAnswer && scan.answerToRecorded)
    rows.push(
      info('  of which click → prompt answered (CDP)', spread(scan.clickToAnswer)),
      info('  of which answered → recorded (the app)', spread(scan.answerToRecorded)),
    );
  rows.push(
    info('  of which click → outbox transaction opens', spread(scan.clickToTx)),
    info('  of which the outbox transaction (strict commit)', spread(scan.tx)),
    info("  of which its commit → 'recorded' in the DOM", spread(scan.txToRecorded)),
    {
      metric: `drain ${count(drain.events)} queued → "0 pending" and all on the edge`,
      figure: `${drain.seconds.toFixed(2)} s${drain.complete ? '' : ' (INCOMPLETE)'} (edge has all at ${drain.edgeSeconds?.toFixed(2) ?? '-'} s)`,
      target: `<= ${t.drainSeconds} s`,
      pass: drain.complete && drain.seconds <= t.drainSeconds,
    },
    info('  drain rate', `${count(Math.round(drain.eventsPerSecond))} events/s`),
    info(
      '  pushes',
      `${drain.pushes.length} of <= ${Math.max(0, ...drain.pushes.map((p) => p.events))} events, ${statuses}${retryAfter}`,
    ),
    info(
      '  in pushes (loopback + edge) / in the client',
      `${drain.serverSeconds.toFixed(2)} s / ${(drain.seconds - drain.serverSeconds).toFixed(2)} s`,
    ),
    info(
      '  per push (200s, request → response end)',
      served.length > 0 ? spread(latency(served.map((p) => p.ms))) : '-',
    ),
    info(
      '  client: before 1st push / between pushes / tail',
      `${ms(drain.firstPushMs)} / p50 ${ms(drain.gapMs.p50)}, max ${ms(drain.gapMs.max)}, ${(drain.gapMs.total / 1000).toFixed(2)} s in all / ${ms(drain.tailMs)}`,
    ),
    info(
      '  other requests during the drain',
      drain.others.length === 0
        ? 'none'
        : drain.others.map((r) => `${r.what.replace('/api/v1/', '')} ${r.status} ${ms(r.ms)}`).join(', '),
    ),
    info(
      `  store ops of one batch (scratch db, ${drain.storeOps.batch})`,
      `nextQueued ${ms(drain.storeOps.readMs)}, update ${ms(drain.storeOps.updateMs)}`,
    ),
    info(
      `  outbox reads, ${count(drain.events)} queued`,
      `queued() ${ms(drain.outboxReads.queuedMs)}, pendingCount() ${ms(drain.outboxReads.pendingCountMs)}, nextQueued(${ENGINE_BATCH}) ${ms(drain.outboxReads.nextQueuedMs)}`,
    ),
    {
      metric: 'longest long task during the drain',
      figure: `${drain.longTasks.maxMs.toFixed(0)} ms (${drain.longTasks.count} long tasks, ${drain.longTasks.over200} over ${t.longTaskMs} ms, ${drain.longTasks.totalMs.toFixed(0)} ms in all)`,
      target: `<= ${t.longTaskMs} ms`,
      pass: drain.longTasks.maxMs <= t.longTaskMs,
    },
    info(
      '  offline, backlog queued: longest long task',
      `${drain.offlineLongTasks.maxMs.toFixed(0)} ms (${drain.offlineLongTasks.count} long tasks)`,
    ),
    info(`  seeding ${count(drain.events)} with OutboxStore.record`, `${drain.seedSeconds.toFixed(1)} s`),
    {
      metric: 'each event on the edge exactly once, applied',
      figure: `${drain.verification.once}/${drain.verification.expected} once, ${Object.entries(
        drain.verification.statuses,
      )
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}; the ${scan.warmup + scan.samples} notes: ${scan.delivered} delivered`,
      target: 'all',
      pass: drain.verification.ok && scan.delivered === scan.warmup + scan.samples,
    },
  );
  return rows;
}

export function formatStationTable(result: StationBenchResult): string {
  const header = ['metric', 'figure', 'target', 'verdict'];
  const body = result.verdicts.map((v) => [
    v.metric,
    v.figure,
    v.target,
    v.pass === null ? '-' : v.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export async function runStationBench(
  options: { samples?: number; drainEvents?: number; log?: (line: string) => void } = {},
): Promise<StationBenchResult> {
  const samples = options.samples ?? SAMPLES;
  const events = options.drainEvents ?? DRAIN_EVENTS;
  const log = options.log ?? (() => undefined);
  return withTempDir('station-bench-', async (root) => {
    const dist = path.join(root, 'dist');
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir);
    log('building the station app and bundling its outbox store');
    // One after the other from the same tree: the bundle must open the database at the app's version.
    await buildStationApp(dist);
    const bundle = await bundleOutboxStore(OUTBOX_GLOBAL);
    const edge = await startStationEdge(dataDir, dist);
    try {
      const cut = edge.demo.stations.find((s) => s.workCenter === 'WC-CUT');
      if (!cut) throw new Error('the demo site has no station at WC-CUT');
      const res = await fetch(`${edge.url}/api/v1/station/snapshot`, {
        headers: { authorization: `Bearer ${cut.token}` },
      });
      if (res.status !== 200)
        throw new Error(`the CUT station's snapshot: ${res.status} ${await res.text()}`);
      const tokens = ((await res.json()) as Snapshot).tokens.map((t) => ({
        code: t.code,
        nodeCode: t.nodeCode,
      }));
      const codes = [...new Set(tokens.map((t) => t.code))];
      const db = new Database(edge.databaseFile, { readonly: true, fileMustExist: true });
      const context = await launchStationBrowser(path.join(root, 'profile'));
      try {
        await context.addInitScript(installProbe);
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('dialog', (dialog) => {
          void (dialog.type() === 'prompt' ? dialog.accept(NOTE_TEXT) : dialog.dismiss());
        });
        // The demo's enrollment link, on this server's origin (the demo writes it with the configured port).
        await page.goto(`${edge.url}/${new URL(cut.enrollUrl).hash}`);
        await signIn(page, BADGE);
        const chromium = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '?');
        log(`${chromium}: ${WARMUP} + ${samples} wedge scans and notes, offline`);
        const scan = await measureScans(page, context, db, codes, samples);
        log(`seeding ${events} events offline with the app's OutboxStore, then draining them online`);
        const drain = await measureDrain(page, context, db, bundle, tokens, events);
        return { chromium, scan, drain, verdicts: judge(scan, drain) };
      } finally {
        await context.close();
        db.close();
      }
    } finally {
      await edge.stop();
    }
  });
}

async function main(): Promise<void> {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1');
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`BENCH_SCALE must be a positive number, not ${scale}`);
  console.log(
    `station app bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), temp ${os.tmpdir()}`,
  );
  const began = performance.now();
  const result = await runStationBench({
    samples: Math.max(20, Math.round(SAMPLES * scale)),
    drainEvents: Math.max(500, Math.round(DRAIN_EVENTS * scale)),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`\n${formatStationTable(result)}\n`);
  console.log(`total ${((performance.now() - began) / 1000).toFixed(1)} s`);
  if (!result.drain.verification.ok || result.scan.delivered !== result.scan.samples + result.scan.warmup) {
    console.error('station bench: the edge server does not hold what the station recorded');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('station bench failed:', error);
    process.exitCode = 1;
  });
}
