/**
 * @module test/support/console-page
 * What the console's e2e tests do alike in Chromium: sign in to the supervisor console with the
 * form, as a person would, and look at a page at the three sizes a shift lead uses (desktop,
 * tablet, phone): it must not scroll sideways, and a screenshot of each is saved to look at.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { consoleEn } from '../../client/console/i18n/en';

/** The sizes every console page is looked at: desktop, a tablet upright, a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 800, height: 1280 },
  phone: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof VIEWPORTS;

/** The words of the console in one language: its sign-in form is found by its labels. */
type SignInWords = Pick<typeof consoleEn, 'signIn'>;

/**
 * Opens `address` (the console, `…/supervisor` with or without a `#/page`) and signs in with the
 * form's labelled fields in the catalogue's language. It does not wait for what follows: the
 * caller waits for the page it expects.
 */
export async function signInToConsole(
  page: Page,
  address: string,
  credentials: { username: string; password: string },
  words: SignInWords,
): Promise<void> {
  await page.goto(address);
  await page.getByLabel(words.signIn.username).fill(credentials.username);
  await page.getByLabel(words.signIn.password).fill(credentials.password);
  await page.getByRole('button', { name: words.signIn.submit }).click();
}

export interface ShootOptions {
  /** The sizes to look at, in order (all three unless told). */
  sizes?: readonly ViewportName[];
  /** What to wait for at each size before measuring (a drawing laid out again, say). */
  settle?: (size: ViewportName, viewport: { width: number; height: number }) => Promise<void>;
  /** Passed to page.screenshot; a full page unless told. */
  screenshot?: { fullPage?: boolean; scale?: 'css' | 'device' };
}

/**
 * At each size: the page fits its width (no sideways scroll; waited for, as the layout settles)
 * and a screenshot is saved at `file(size)`. The desktop size is set again afterwards.
 */
export async function expectFitsAndShoot(
  page: Page,
  file: (size: ViewportName) => string,
  options: ShootOptions = {},
): Promise<void> {
  for (const size of options.sizes ?? (Object.keys(VIEWPORTS) as ViewportName[])) {
    const viewport = VIEWPORTS[size];
    await page.setViewportSize(viewport);
    await options.settle?.(size, viewport);
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${size} overflows` })
      .toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: file(size), fullPage: true, ...options.screenshot });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}
