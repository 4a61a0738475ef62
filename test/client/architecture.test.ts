/**
 * The client's folders import one way, so that the layout keeps showing the architecture:
 *
 *   app.tsx ─▶ models/ ─▶ ui/ ─▶ scan/ ─▶ station/ ─▶ net/ ─▶ result.ts, shared/
 *                  └────▶ sync/ ─▶ outbox/, net/, state/
 *   (any of them) ─▶ i18n/ (the catalogue and the language) ─▶ state/
 *   console/ (the supervisor console, its own entry) ─▶ i18n/, state/, shared/, scan/ (the command list); never the station's
 *
 * and the first download stays small: zod only through its mini build, no value from
 * shared/protocol.ts (the full zod), no uuidv7 package.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const CLIENT = path.join(ROOT, 'client');

/** The client folders (or top files) each may import from, besides itself and npm packages. */
const ALLOWED: Record<string, readonly string[]> = {
  'result.ts': [],
  state: [],
  i18n: ['state', 'shared'],
  net: ['result.ts', 'shared'],
  outbox: ['result.ts', 'shared'],
  station: ['net', 'i18n', 'result.ts', 'shared'],
  sync: ['net', 'outbox', 'state', 'i18n', 'result.ts', 'shared'],
  scan: ['station', 'i18n', 'shared'],
  ui: ['scan', 'station', 'sync', 'outbox', 'net', 'state', 'i18n', 'result.ts', 'shared'],
  models: ['ui', 'scan', 'station', 'sync', 'outbox', 'net', 'state', 'i18n', 'result.ts', 'shared'],
  'app.tsx': ['models', 'ui', 'station', 'state', 'i18n', 'shared'],
  'main.tsx': ['app.tsx', 'net', 'station', 'i18n', 'shared'],
  'sw.ts': [],
  // The supervisor console: its own bundle; the station's models, ui and outbox are not its business
  // (its labels page prints the station's command list, scan/commands.ts, for the station to scan).
  console: ['i18n', 'state', 'shared', 'scan'],
};

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const specifier = node.moduleSpecifier;
      if (specifier && ts.isStringLiteral(specifier)) {
        const typeOnly = ts.isImportDeclaration(node)
          ? (node.importClause?.isTypeOnly ?? false)
          : node.isTypeOnly;
        found.push({ file, target: specifier.text, typeOnly });
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument))
        found.push({ file, target: argument.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The area a file is in: its folder under client/ ('models'), or its name at the top ('app.tsx'). */
function areaOfFile(file: string): string {
  const [first] = path.relative(CLIENT, file).split(path.sep);
  return first ?? '';
}

/** The area an import reaches: a client area, 'shared', 'edge-server'…; null for an npm package. */
function area(from: string, target: string): string | null {
  if (!target.startsWith('.')) return null;
  const resolved = path.resolve(path.dirname(from), target);
  const file = ['', '.ts', '.tsx']
    .map((ext) => resolved + ext)
    .find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  const relative = path.relative(CLIENT, file ?? resolved);
  if (relative.startsWith('..')) return path.relative(ROOT, resolved).split(path.sep)[0] ?? null;
  return areaOfFile(file ?? resolved);
}

const all = sources(CLIENT).flatMap(importsOf);

describe('the client’s layout', () => {
  it('ST-11: each folder imports only the folders below it', () => {
    const wrong: string[] = [];
    for (const { file, target } of all) {
      const from = areaOfFile(file);
      const to = area(file, target);
      if (to === null || to === from || target.endsWith('.css')) continue;
      const allowed = ALLOWED[from];
      if (!allowed) wrong.push(`${path.relative(ROOT, file)}: client/${from} has no rule`);
      else if (!allowed.includes(to)) wrong.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
    expect(wrong).toEqual([]);
  });

  it('ST-12: the first download stays small: zod only as zod/mini, nothing of shared/protocol.ts but types, no uuidv7 package', () => {
    const heavy = all
      .filter(
        ({ target, typeOnly }) =>
          target === 'zod' || target === 'uuidv7' || (!typeOnly && target.endsWith('shared/protocol')),
      )
      .map(({ file, target }) => `${path.relative(ROOT, file)} imports ${target}`);
    expect(heavy).toEqual([]);
  });

  it('SV-7: no station file imports the console, so the station’s bundle never carries it', () => {
    const wrong = all
      .filter(({ file, target }) => areaOfFile(file) !== 'console' && area(file, target) === 'console')
      .map(({ file, target }) => `${path.relative(ROOT, file)} imports ${target}`);
    expect(wrong).toEqual([]);
  });
});
