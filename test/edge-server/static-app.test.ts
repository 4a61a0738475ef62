/** The edge server hands tablets the station app: files, deep links as pages, nothing outside dist. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientBuilt } from '../../edge-server/http/static-app';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

let edge: TestEdge;
beforeAll(async () => {
  if (!clientBuilt()) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: path.join(import.meta.dirname, '../..'),
    });
  }
  edge = await startTestEdge();
}, 120_000);
afterAll(async () => {
  await edge.close();
});

const get = (url: string, accept = 'text/html') => fetch(`${edge.url}${url}`, { headers: { accept } });

describe('the station app on the edge server', () => {
  it('HT-4: serves the app, its manifest and a service worker that HTTP caches never keep', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const manifest = await get('/manifest.webmanifest', '*/*');
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
    expect(((await manifest.json()) as { name: string }).name).toBe('Scan station');
    const sw = await get('/sw.js', '*/*');
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('HT-4: a deep link opens the app; an API client asking for an unknown path gets the 404 error body', async () => {
    expect(await (await get('/station/tokens/BV-DEMO-0001')).text()).toContain('<div id="app">');
    const api = await get('/station/tokens/BV-DEMO-0001', 'application/json');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('HT-8: never serves a file outside the built app', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%']) {
      const res = await get(url);
      const text = await res.text();
      expect(text).not.toContain('"name": "scan-station"');
      expect(res.status).toBeLessThan(500);
    }
  });
});
