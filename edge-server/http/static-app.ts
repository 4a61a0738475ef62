/**
 * @module Serves the built station PWA (dist/client) on the edge server's origin: files by path,
 * and index.html for every other GET outside the API, so deep links work. The service worker is
 * never cached by HTTP, so that an update is seen.
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
};

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
    const target = isFile ? file : path.join(dir, 'index.html');
    if (!fs.existsSync(target)) return next();
    const ext = path.extname(target);
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    return c.body(fs.readFileSync(target), 200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}
