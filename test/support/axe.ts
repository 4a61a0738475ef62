/**
 * @module axe-core in a page under test: WCAG 2.0/2.1 A and AA and WCAG 2.2 AA (target size among
 * them), best-practice rules off; what fails is told by rule id and the elements it found.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = path.join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

/** The WCAG levels the floor screen is held to (target-size is in wcag22aa). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let source: string | null = null;

/**
 * Runs axe-core on the page as it is now and returns every violation. The script is evaluated,
 * not added as a <script> tag: the app's Content-Security-Policy refuses inline scripts.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  source ??= fs.readFileSync(AXE_SOURCE, 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async (tags) => {
    const axe = (window as any).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return (results.violations as any[]).map((v) => ({
      id: String(v.id),
      impact: v.impact ?? null,
      help: String(v.help),
      targets: (v.nodes as any[]).map((n) => (n.target as unknown[]).join(' ')),
    }));
  }, AXE_TAGS);
}

/** The serious and critical violations, as lines "id (impact): help: target, target". */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.targets.join(', ')}`);
}
