/**
 * The specification and the tests hold each other up (SP-1): every test title cites the rules of
 * shared/SPEC.md it checks, every cited rule exists, and every rule is cited by some test.
 *
 * Titles are read with TypeScript's own parser, not with a pattern over the text: single, double
 * and backtick quotes, titles over several lines, `it.each(table)('…')`, `it.skipIf(cond)('…')`
 * and test suites defined in support files (the outbox contract) all count. A rule is cited by its
 * id (`PK-3`) or inside a range of one family (`RT-1..RT-5`, `RT-1 … RT-5`).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..');
const TESTS = path.join(ROOT, 'test');
const SELF = path.join(TESTS, 'spec-citations.test.ts');

interface Title {
  /** Where the title is: `test/client/scan.test.ts:42`. */
  where: string;
  /** The title as written; `${…}` stands for each substitution of a template. */
  text: string | null;
}

/** `it`, `test` and their modifiers: `it.each(table)`, `it.skipIf(cond)`, `test.concurrent`… */
function isTestFunction(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'it' || callee.text === 'test';
  if (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee))
    return isTestFunction(callee.expression);
  return false;
}

/** Calls that only build a test function: `it.each(table)` is not a test, `it.each(table)('…')` is. */
const BUILDERS = new Set(['each', 'for', 'skipIf', 'runIf', 'extend']);

function literalText(node: ts.Expression): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((span) => `\${…}${span.literal.text}`).join('');
  return null;
}

/** The titles of the tests a source file defines. */
function testTitles(fileName: string, source: string): Title[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const titles: Title[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isTestFunction(node.expression)) {
      const builder =
        ts.isPropertyAccessExpression(node.expression) && BUILDERS.has(node.expression.name.text);
      const [first] = node.arguments;
      if (!builder && first) {
        const line = file.getLineAndCharacterOfPosition(first.getStart(file)).line + 1;
        titles.push({ where: `${fileName}:${line}`, text: literalText(first) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return titles;
}

const ID = /\b([A-Z]{2})-([1-9]\d*)\b/g;
const RANGE = /\b([A-Z]{2})-([1-9]\d*)\s*(?:\.{2,3}|…|–)\s*\1-([1-9]\d*)\b/g;

/** The rule ids a title cites, ranges spelled out. */
function citations(title: string): string[] {
  const ids = [...title.matchAll(ID)].map((m) => `${m[1]}-${m[2]}`);
  for (const [, family, from, to] of title.matchAll(RANGE))
    for (let n = Number(from) + 1; n < Number(to); n++) ids.push(`${family}-${n}`);
  return [...new Set(ids)];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const titlesOf = (file: string) =>
  testTitles(path.relative(ROOT, file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8'));

const RULES = new Set(
  [...fs.readFileSync(path.join(ROOT, 'shared/SPEC.md'), 'utf8').matchAll(/\*\*([A-Z]{2}-\d+)\*\*/g)].map(
    (m) => m[1] ?? '',
  ),
);
const titles = sourceFiles(TESTS)
  .filter((file) => file !== SELF)
  .flatMap(titlesOf);

describe('the specification and the tests', () => {
  it('SP-1: every test title cites a rule of shared/SPEC.md, and only rules that exist', () => {
    expect(titles.length).toBeGreaterThan(400);
    const wrong = titles.flatMap(({ where, text }) => {
      if (text === null) return [`${where}: the title is not written out, so it cannot be checked`];
      const cited = citations(text);
      if (cited.length === 0) return [`${where}: cites no rule: ${text}`];
      const unknown = cited.filter((id) => !RULES.has(id));
      return unknown.length > 0 ? [`${where}: cites ${unknown.join(', ')}, not in SPEC.md: ${text}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('SP-1: every rule of shared/SPEC.md is cited by a test', () => {
    const cited = new Set(
      [...titles, ...titlesOf(SELF)].flatMap(({ text }) => (text === null ? [] : citations(text))),
    );
    expect(RULES.size).toBeGreaterThan(100);
    expect([...RULES].filter((id) => !cited.has(id))).toEqual([]);
  });

  it('SP-1: titles are read in any quotes, over several lines, from it.each and it.skipIf, and ranges cite every rule in them', () => {
    const source = [
      "it('PK-3: single', () => {});",
      'test("TM-1: double", () => {});',
      'it(`SC-5: ${decoder} reads`, async () => {});',
      'it(',
      "  'RG-7: a title on its own line',",
      '  () => {},',
      ');',
      "it.each(cases)('AD-6: $path: $field', () => {});",
      "it.each([\n  'a',\n  'b',\n])('HT-2: %s is 400', () => {});",
      "it.skipIf(lan === undefined)('HT-4: over the LAN', () => {});",
      "describe('no rule in a describe', () => {});",
      "regex.test('not a test');",
      'it(name, () => {});',
    ].join('\n');
    expect(testTitles('x.test.ts', source)).toEqual([
      { where: 'x.test.ts:1', text: 'PK-3: single' },
      { where: 'x.test.ts:2', text: 'TM-1: double' },
      { where: 'x.test.ts:3', text: 'SC-5: ${…} reads' },
      { where: 'x.test.ts:5', text: 'RG-7: a title on its own line' },
      { where: 'x.test.ts:8', text: 'AD-6: $path: $field' },
      { where: 'x.test.ts:12', text: 'HT-2: %s is 400' },
      { where: 'x.test.ts:13', text: 'HT-4: over the LAN' },
      { where: 'x.test.ts:16', text: null },
    ]);
    expect(citations('RT-1..RT-3, TM-4 and IN-3/IN-6: words')).toEqual([
      'RT-1',
      'RT-3',
      'TM-4',
      'IN-3',
      'IN-6',
      'RT-2',
    ]);
    expect(citations('RT-1 … RT-3: BV-DEMO-0001 at OP-0002, SHA-256')).toEqual(['RT-1', 'RT-3', 'RT-2']);
  });
});
