/**
 * App updates in real Chromium: a new release of the station app (a changed service worker) is
 * offered on screen, but "Update now" is offered only once every queued scan is delivered; then
 * it is applied (the page reloads under the new worker) and nothing queued was lost or doubled.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  E2E_POLLS,
  controlledByServiceWorker,
  launchChromium,
  pendingCount,
  signIn,
  SYNC_TIMEOUT_MS,
  wedgeScan,
} from '../support/station-page';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

// expect.poll waits as long as a step can take on a loaded machine (vitest's default is 1 s).
vi.setConfig(E2E_POLLS);

// This file serves its own copy of the built app, so that it can publish a new release into it.
const { built, served } = vi.hoisted(() => {
  const built = process.env['CLIENT_DIST_DIR'] ?? `${import.meta.dirname}/../../dist/client`;
  const served = `${process.env['TMPDIR'] ?? '/tmp'}/scan-station-update-${process.pid}`;
  process.env['CLIENT_DIST_DIR'] = served;
  return { built, served };
});

const ROOT = path.join(import.meta.dirname, '../..');
let edge: TestEdge;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(path.join(built, 'index.html')))
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
    });
  fs.cpSync(built, served, { recursive: true });
  edge = await startTestEdge();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await edge?.close();
  fs.rmSync(served, { recursive: true, force: true });
});

/** Changes a served file as a new release does: its precompressed copies (served first) too. */
function publish(file: string, appended: string): void {
  fs.appendFileSync(file, appended);
  const body = fs.readFileSync(file);
  if (fs.existsSync(`${file}.br`)) fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body));
  if (fs.existsSync(`${file}.gz`)) fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body));
}

describe('app updates in Chromium', () => {
  it('ST-7: offers a new release, applies it only with an empty outbox, and keeps every scan', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${edge.url}/#enroll=${encodeURIComponent(edge.stationToken('WC-CUT'))}`);
    await controlledByServiceWorker(page);

    // A scan that cannot be delivered yet: pushes fail.
    await page.route('**/api/v1/events', (route) => route.abort('connectionrefused'));
    await signIn(page, 'OP-0001');
    await wedgeScan(page, 'BV-DEMO-0008');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => pendingCount(page)).toBe(1);

    // A new release is published, and the tablet notices it.
    publish(path.join(served, 'sw.js'), '\n// release 2\n');
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await expect.poll(() => page.getByTestId('update').textContent()).toContain('once every scan is sent');
    expect(await page.getByRole('button', { name: 'Update now' }).count()).toBe(0);

    // Deliveries resume; once the outbox is empty the update is offered, and applied.
    await page.unroute('**/api/v1/events');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => pendingCount(page)).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: 'Update now' }).count()).toBe(1);
    // On a loaded machine the new version's activation and the reload take a while: wait for them.
    const reloaded = page.waitForEvent('load', { timeout: 2 * SYNC_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Update now' }).click({ timeout: SYNC_TIMEOUT_MS });
    await reloaded;
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const reg = await navigator.serviceWorker.getRegistration();
          return { waiting: reg?.waiting !== null, controlled: navigator.serviceWorker.controller !== null };
        }),
      )
      .toEqual({ waiting: false, controlled: true });
    await expect.poll(() => page.getByTestId('update').count()).toBe(0);
    const rows = edge.core.db
      .prepare(
        `SELECT event_type AS type, count(*) AS n FROM token_event WHERE code = ? AND origin = 'station' GROUP BY event_id`,
      )
      .all('BV-DEMO-0008');
    expect(rows).toEqual([{ type: 'start', n: 1 }]);
    await context.close();
  }, 90_000);
});
