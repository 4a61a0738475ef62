/**
 * @module Builds the edge server into JavaScript (dist/server): main.js (`npm start`), cli.js
 * (`npm run edge`) and routing-check.worker.js, each one ES module for Node 24 holding edge-server/,
 * shared/ and the pure-JavaScript packages (native addons and pino stay in node_modules), with a
 * source map of our own lines (stack traces name the .ts files under `--enable-source-maps`).
 * `--if-stale` builds only when the bundle is missing or a source it was built from (or this
 * script, or package-lock.json) changed since, so `npm start` builds on a first start as it does
 * the client; `--run main|cli [ARGS…]` then runs that bundle in this same process.
 *
 * Run by Node itself (type stripping), so only erasable TypeScript here and no relative imports.
 *   node scripts/build-server.ts [--if-stale] [--out DIR] [--run main|cli ARGS…]
 */
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SERVER_DIST = path.join(ROOT, 'dist', 'server');
/** V8's compiled code for the bundle, kept between starts (NODE_COMPILE_CACHE, when set, wins). */
export const COMPILE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'node-compile');

/** Output name (without .js) → entry. A worker must sit beside main.js: routing-checker looks for it there. */
const ENTRIES: Record<string, string> = {
  main: 'edge-server/main.ts',
  cli: 'edge-server/cli.ts',
  'routing-check.worker': 'edge-server/admin/routing-check.worker.ts',
};

/**
 * Left to node_modules at run time: native addons, pino (its transports load files by path), and
 * the build tools main.ts loads on a first start. Every other package is bundled: one file to
 * read and compile instead of hundreds to find, which is most of the start-up.
 */
const EXTERNAL = [
  'better-sqlite3',
  '@napi-rs/canvas',
  'pino',
  'pino-pretty',
  'thread-stream',
  'vite',
  'esbuild',
  'tsx',
];

/** Modules whose import.meta.url must stay the bundle's: they look for a bundled sibling (a worker). */
const BUNDLE_RELATIVE = new Set(['edge-server/admin/routing-checker.ts']);

/** Written last: the sources the bundle was made of; its mtime is the build's. */
const STAMP = 'build.json';

interface Stamp {
  /** Paths relative to ROOT. */
  inputs: string[];
}

/**
 * Every other module finds the files it reads (migrations, the demo fixtures, dist/client, the
 * checkout's root) relative to its own source file, as under tsx: its import.meta.url becomes
 * that source's URL, computed from the bundle's, so a build in any folder reads the same files.
 */
function sourceRelativeUrls(outDir: string): Plugin {
  return {
    name: 'source-relative-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = fs.readFileSync(args.path, 'utf8');
        const relative = path.relative(ROOT, args.path).split(path.sep).join('/');
        if (!text.includes('import.meta.url') || BUNDLE_RELATIVE.has(relative)) return undefined;
        const fromOut = path.relative(outDir, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The VLQ numbers of one source map segment. */
function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeSegment(values: readonly number[]): string {
  let text = '';
  for (const signed of values) {
    let value = signed < 0 ? (-signed << 1) | 1 : signed << 1;
    do {
      const digit = value & 31;
      value >>>= 5;
      text += BASE64[value > 0 ? digit | 32 : digit];
    } while (value > 0);
  }
  return text;
}

/**
 * Keeps only the mappings into our own sources. Node reads and decodes a bundle's whole map the
 * first time a stack is mapped, and pino asks for its caller's stack when a logger is made: the
 * packages' mappings, three quarters of the map, would add about a second to every start.
 */
function ownMappingsOnly(mapFile: string): void {
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as {
    sources: string[];
    sourcesContent?: unknown;
    names: string[];
    mappings: string;
  };
  const packaged = map.sources.map((source) => source.includes('node_modules/'));
  // Absolute values carried across lines: source, original line and column, name.
  const inAbs = [0, 0, 0, 0];
  const outAbs = [0, 0, 0, 0];
  const lines = map.mappings.split(';').map((line) => {
    let inColumn = 0;
    let outColumn = 0;
    const kept: string[] = [];
    for (const segment of line === '' ? [] : line.split(',')) {
      const values = decodeSegment(segment);
      inColumn += values[0] ?? 0;
      for (let i = 1; i < values.length; i++) inAbs[i - 1] = (inAbs[i - 1] ?? 0) + (values[i] ?? 0);
      if (values.length === 1 || packaged[inAbs[0] ?? 0]) continue;
      const absolute = [inColumn, ...inAbs.slice(0, values.length - 1)];
      const relative = absolute.map((v, i) => v - (i === 0 ? outColumn : (outAbs[i - 1] ?? 0)));
      outColumn = inColumn;
      for (let i = 1; i < absolute.length; i++) outAbs[i - 1] = absolute[i] ?? 0;
      kept.push(encodeSegment(relative));
    }
    return kept.join(',');
  });
  delete map.sourcesContent; // the sources are in the checkout; a stack trace needs only the mappings
  fs.writeFileSync(mapFile, JSON.stringify({ ...map, mappings: lines.join(';') }));
}

/** Builds the server into outDir (dist/server unless given); resolves with the build's milliseconds. */
export async function buildServer(outDir: string = SERVER_DIST): Promise<number> {
  const started = performance.now();
  const began = new Date();
  const esbuild = await import('esbuild');
  const out = path.resolve(outDir);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: EXTERNAL,
    // Bundled CommonJS packages require() Node's own modules; an ES module has no require of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    sourcemap: true,
    metafile: true,
    outdir: out,
    logLevel: 'warning',
    plugins: [sourceRelativeUrls(out)],
  });
  for (const file of Object.keys(result.metafile.outputs)) {
    if (file.endsWith('.map')) ownMappingsOnly(path.resolve(ROOT, file));
  }
  // Packages are checked by the lock file: an upgrade rewrites it.
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'));
  const stamp: Stamp = { inputs: [...inputs, 'package-lock.json'].sort() };
  const stampFile = path.join(out, STAMP);
  fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  // Stamped with the build's start: a source saved while esbuild ran is newer, so the next start rebuilds.
  fs.utimesSync(stampFile, began, began);
  return performance.now() - started;
}

/** Why outDir needs a build (missing, or the first source found newer than it), or null when it is current. */
export function staleReason(outDir: string = SERVER_DIST): string | null {
  let stamp: Stamp;
  let builtAt: number;
  try {
    const file = path.join(outDir, STAMP);
    stamp = JSON.parse(fs.readFileSync(file, 'utf8')) as Stamp;
    builtAt = fs.statSync(file).mtimeMs;
    for (const name of Object.keys(ENTRIES)) fs.statSync(path.join(outDir, `${name}.js`));
  } catch {
    return 'no server build yet';
  }
  for (const input of [...stamp.inputs, path.relative(ROOT, import.meta.filename)]) {
    const mtime = fs.statSync(path.join(ROOT, input), { throwIfNoEntry: false })?.mtimeMs;
    if (mtime === undefined) return `${input} is gone`;
    if (mtime > builtAt) return `${input} changed`;
  }
  return null;
}

/**
 * The command line: builds, or with --if-stale only when staleReason says so; with `--run NAME`
 * then runs dist/server/NAME.js in this process (one Node start for `npm start`), the arguments
 * after NAME becoming its own.
 */
async function main(argv: string[]): Promise<void> {
  const runIndex = argv.indexOf('--run');
  const options = runIndex >= 0 ? argv.slice(0, runIndex) : argv;
  const outIndex = options.indexOf('--out');
  const outDir = outIndex >= 0 ? path.resolve(options[outIndex + 1] ?? '') : SERVER_DIST;
  const reason = options.includes('--if-stale') ? staleReason(outDir) : 'asked';
  if (reason !== null) {
    // On stderr: a server's stdout is its log, JSON lines a service's journal reads.
    if (options.includes('--if-stale')) console.error(`building the edge server (${reason})…`);
    await buildServer(outDir);
  }
  if (runIndex < 0) return;
  const entry = path.join(outDir, `${argv[runIndex + 1] ?? 'main'}.js`);
  // process.argv as `node --enable-source-maps dist/server/NAME.js ARGS…` would have it.
  process.argv.splice(1, process.argv.length - 1, entry, ...argv.slice(runIndex + 2));
  // Compiling the bundle is a good part of a start; Node keeps the result (checked against the file).
  (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(COMPILE_CACHE);
  await import(pathToFileURL(entry).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
