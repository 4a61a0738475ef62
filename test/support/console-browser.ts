/**
 * @module test/support/console-browser
 * The fixtures of a console e2e test file: the app built, a fresh demo edge server, Debian's
 * Chromium with one page at the desktop size; and the folder for the file's screenshots.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestEdge } from './edge';
import { startTestEdge } from './edge';
import { VIEWPORTS } from './console-page';
import { buildClientIfMissing, launchChromium, stopEdgeAndChromium } from './station-page';

export interface ConsoleBrowser {
  edge: TestEdge;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/** Starts the edge and Chromium with a desktop-sized page; `shots` is made if it is missing. */
export async function startConsoleBrowser(shots?: string): Promise<ConsoleBrowser> {
  buildClientIfMissing();
  if (shots !== undefined) fs.mkdirSync(shots, { recursive: true });
  const edge = await startTestEdge();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    return { edge, browser, context, page: await context.newPage() };
  } catch (error) {
    // Nothing is assigned in the test file yet: its afterAll could not close these.
    await stopEdgeAndChromium(edge, browser);
    throw error;
  }
}

/** Closes what startConsoleBrowser opened (any of it may be missing when the start failed). */
export async function stopConsoleBrowser(fixture: Partial<ConsoleBrowser>): Promise<void> {
  await fixture.context?.close();
  await stopEdgeAndChromium(fixture.edge, fixture.browser);
}
