/**
 * @module Serves the built station PWA and supervisor console (dist/client) on the edge server's
 * origin: files by path, supervisor/index.html for /supervisor and every page under it, and
 * index.html (the station) for every other GET outside the API, so deep links work. The service worker is
 * never cached by HTTP, so that an update is seen. A text file goes as the brotli or gzip twin the
 * build wrote beside it (vite.config.ts) when the browser accepts it; the API and its event stream
 * never pass through here, so they are never compressed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

/** The built app; CLIENT_DIST_DIR serves another build (a staged release, or a test's own build). */
export const CLIENT_DIST = process.env.CLIENT_DIST_DIR
  ? path.resolve(process.env.CLIENT_DIST_DIR)
  : fileURLToPath(new URL('../../dist/client', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The build's precompressed twins, best first: suffix and Content-Encoding. */
const ENCODINGS = [
  { suffix: '.br', name: 'br' },
  { suffix: '.gz', name: 'gzip' },
] as const;

/** The codings an Accept-Encoding header allows (a q of 0 refuses one; `*` allows the rest). */
function accepted(header: string | undefined): Set<string> {
  const allowed = new Set<string>();
  const refused = new Set<string>();
  let star = false;
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const zero = q !== undefined && Number(q.slice(2)) === 0;
    if (name === '*') star = !zero;
    else (zero ? refused : allowed).add(name);
  }
  if (star) for (const { name } of ENCODINGS) if (!refused.has(name)) allowed.add(name);
  return allowed;
}

/** The file to send for `target`: its best accepted twin if the build wrote one, else itself. */
function variant(
  target: string,
  acceptEncoding: string | undefined,
): { file: string; encoding: string | null } {
  const allowed = accepted(acceptEncoding);
  for (const { suffix, name } of ENCODINGS) {
    if (allowed.has(name) && fs.existsSync(target + suffix)) return { file: target + suffix, encoding: name };
  }
  return { file: target, encoding: null };
}

/** The page a navigation to `pathname` opens: the console's under /supervisor, else the station's. */
export function pageFor(pathname: string): string {
  return /^\/supervisor(\/|$)/.test(pathname) ? path.join('supervisor', 'index.html') : 'index.html';
}

export function clientBuilt(dir = CLIENT_DIST): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

export function serveClient(app: Hono, dir = CLIENT_DIST): void {
  app.get('*', (c, next) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return next(); // not a path we serve: the API's 404
    }
    if (pathname.startsWith('/api/') || pathname === '/metrics') return next();
    const file = path.join(dir, path.normalize(pathname).replace(/^[/\\]+/, ''));
    const inside = file.startsWith(dir + path.sep);
    const isFile = inside && fs.existsSync(file) && fs.statSync(file).isFile();
    // Deep links are pages: a browser navigating asks for HTML; an API client gets the 404.
    const wantsPage = (c.req.header('accept') ?? '').includes('text/html');
    if (!isFile && !wantsPage) return next();
    const target = isFile ? file : path.join(dir, pageFor(pathname));
    if (!fs.existsSync(target)) return next();
    const ext = path.extname(target);
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    const { file: sent, encoding } = variant(target, c.req.header('accept-encoding'));
    return c.body(fs.readFileSync(sent), 200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      // Caches keep one answer per coding; a file with no twin is the same for every client.
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
      ...(fs.existsSync(target + '.br') || fs.existsSync(target + '.gz') ? { Vary: 'Accept-Encoding' } : {}),
    });
  });
}
