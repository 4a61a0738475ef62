/**
 * The supervisor console in Debian's Chromium against a real edge server: a supervisor opens
 * /supervisor (Thai by default), switches to English, fails then succeeds at signing in, sees the
 * floor board; a station pushes over HTTP and the card moves within 1 s of the push's answer; the
 * network drops ("As of …"), a change is made meanwhile, and on reconnect the console is Live
 * again and shows it (the page reaches the server through a TCP relay that the test cuts: Chromium's
 * offline emulation fails new requests but leaves an open event stream flowing); axe-core finds no serious or critical violation on sign-in and board.
 * Screenshots of the board at desktop and phone sizes go to docs/screenshots/.
 */
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { seriousViolations } from '../support/axe';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';
import {
  E2E_POLLS,
  buildClientIfMissing,
  launchChromium,
  stopEdgeAndChromium,
} from '../support/station-page';

vi.setConfig(E2E_POLLS);

const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
/** SV-10: a committed event reaches an open console within this long. */
const LIVE_WITHIN_MS = 1000;

/**
 * A TCP relay in front of the edge server: `cut()` drops every open connection (the event stream
 * among them) and refuses new ones until `restore()`, as a pulled cable or a Wi-Fi drop does.
 */
class Relay {
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<Relay> {
    const relay: Relay = new Relay(
      net.createServer((client) => {
        if (relay.down) return void client.destroy();
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          relay.sockets.add(socket);
          socket.on('close', () => relay.sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      }),
    );
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let edge: TestEdge;
let relay: Relay;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  buildClientIfMissing();
  edge = await startTestEdge();
  relay = await Relay.start(edge.server.port);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await relay?.close();
  await stopEdgeAndChromium(edge, browser);
});

/** A node's card on the tote bag's routing (the wallet's routing has a CUT of its own). */
const card = (code: string, routing = 'BAG-TOTE') =>
  page.locator(`[data-routing="${routing}"] [data-node="${code}"]`);
const count = (code: string, name: string) => card(code).locator(`[data-count="${name}"] dd`).textContent();
const live = () => page.locator('[data-live]').getAttribute('data-live');

async function serious(): Promise<string[]> {
  return seriousViolations(page);
}

describe('the supervisor console', () => {
  it('AU-1, SV-9: opens in Thai at /supervisor, switches to English and remembers it; a wrong password is said in words', async () => {
    await page.goto(`${relay.url}/supervisor`);
    await expect.poll(() => page.getByRole('heading', { name: consoleTh.signIn.heading }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('th');
    expect(await serious()).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { name: consoleEn.signIn.heading }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: consoleEn.signIn.heading }).count()).toBe(1);
    await page.getByLabel(consoleEn.signIn.username).fill(edge.demo.supervisor.username);
    await page.getByLabel(consoleEn.signIn.password).fill('not-the-password');
    await page.getByRole('button', { name: consoleEn.signIn.submit }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(consoleEn.signIn.wrongPassword);
    expect(await serious()).toEqual([]);
  });

  it('SV-1, SV-2: a supervisor signs in and sees every routing’s nodes with their figures; the session survives a reload', async () => {
    await page.getByLabel(consoleEn.signIn.password).fill(edge.demo.supervisor.password);
    await page.getByRole('button', { name: consoleEn.signIn.submit }).click();
    await expect.poll(() => card('CUT').count()).toBe(1);
    await expect.poll(live).toBe('live');
    expect(await count('CUT', 'ready')).toBe('10');
    expect(await count('CUT', 'active')).toBe('0');
    const routings = await page
      .locator('[data-routing]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-routing')));
    expect(routings).toEqual(['BAG-TOTE', 'WALLET-LINEAR']);
    // Routing order: the split's branches share a column, one under the other; the join comes after them.
    const box = async (code: string) =>
      (await card(code).boundingBox()) ?? { x: NaN, y: NaN, width: 0, height: 0 };
    const [edgeBody, stitch, join] = [
      await box('EDGE-BODY'),
      await box('STITCH-STRAP'),
      await box('JOIN-PANELS'),
    ];
    expect(stitch.x).toBe(edgeBody.x);
    expect(stitch.y).toBeGreaterThan(edgeBody.y);
    expect(join.x).toBeGreaterThan(edgeBody.x + edgeBody.width);
    expect(
      await page.getByText(consoleEn.app.signedInAs({ username: edge.demo.supervisor.username })).count(),
    ).toBe(1);
    expect(await serious()).toEqual([]);
    await page.reload();
    await expect.poll(() => card('CUT').count()).toBe(1);
    await expect.poll(live).toBe('live');
  });

  it('SV-10: a station’s event moves the card within 1 s of the push’s answer, highlighted', async () => {
    const station = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    await station.send('start', 'BV-DEMO-0001', 'CUT');
    const answered = Date.now();
    await expect.poll(() => count('CUT', 'active'), { timeout: LIVE_WITHIN_MS }).toBe('1');
    expect(Date.now() - answered).toBeLessThanOrEqual(LIVE_WITHIN_MS);
    expect(await count('CUT', 'ready')).toBe('9');
    expect(await card('CUT').getAttribute('data-changed')).toBe('yes');
    expect(await card('CUT').textContent()).toContain('BV-DEMO-0001 · OP-0001');
    expect(await live()).toBe('live');
    expect(await page.locator('[data-live]').textContent()).toMatch(/^Live · last change \d\d:\d\d:\d\d$/);
  });

  it('SV-8: the stream drops: "As of HH:MM:SS"; back online it is Live again and shows what changed meanwhile', async () => {
    relay.cut();
    await expect.poll(live).toBe('dropped');
    expect(await page.locator('[data-live]').textContent()).toMatch(/^As of \d\d:\d\d:\d\d · reconnecting$/);
    const station = new TestStation(edge.url, edge.stationToken('WC-CUT'));
    (station as unknown as { seq: number }).seq = 1; // the same station: its next event is seq 2
    await station.send('start', 'BV-DEMO-0002', 'CUT');
    expect(await count('CUT', 'active')).toBe('1'); // offline: the console cannot know yet
    relay.restore();
    await expect.poll(live).toBe('live');
    await expect.poll(() => count('CUT', 'active')).toBe('2');
    expect(await count('CUT', 'ready')).toBe('8');
  });

  it('SV-2: screenshots of the board at 1280x800 and 390x844; the phone lists the cards in order without sideways scrolling', async () => {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-board-desktop.png'), fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-board-phone.png'), fullPage: false });
    expect(await serious()).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('SV-5: filters by work center and routing are applied by the server', async () => {
    await page.getByLabel(consoleEn.filters.workCenter).selectOption('WC-CUT');
    // Both routings' cutting steps, and nothing else.
    await expect.poll(() => page.locator('[data-node]').count()).toBe(2);
    expect(await card('CUT').count()).toBe(1);
    expect(await card('CUT', 'WALLET-LINEAR').count()).toBe(1);
    await page.getByRole('button', { name: consoleEn.filters.clear }).click();
    await expect.poll(() => page.locator('[data-routing]').count()).toBe(2);
    await page.getByLabel(consoleEn.filters.routing).selectOption('WALLET-LINEAR');
    await expect.poll(() => page.locator('[data-routing]').count()).toBe(1);
    expect(await card('CUT', 'WALLET-LINEAR').count()).toBe(1);
    expect(await card('CUT').count()).toBe(0);
  });

  it('AU-1: signing out returns to the sign-in form, and a reload stays signed out', async () => {
    await page.getByRole('button', { name: consoleEn.app.signOut }).click();
    await expect.poll(() => page.getByRole('heading', { name: consoleEn.signIn.heading }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: consoleEn.signIn.heading }).count()).toBe(1);
  });
});
