/**
 * The edge server hands tablets the station app: files, deep links as pages, nothing outside dist,
 * text files as their precompressed brotli or gzip twins when the client accepts them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIST, clientBuilt } from '../../edge-server/http/static-app';
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

  it('SV-7: /supervisor and every page under it open the console’s own page, never the station’s', async () => {
    for (const url of ['/supervisor', '/supervisor/', '/supervisor/board?routing=BAG-TOTE']) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      const html = await res.text();
      expect(html, url).toContain('<div id="console">');
      expect(html, url).not.toContain('<div id="app">');
      // The station's manifest is not offered: installing from here must not install the station.
      expect(html, url).not.toContain('rel="manifest"');
    }
    // A path that merely starts with the word is the station's deep link.
    expect(await (await get('/supervisors')).text()).toContain('<div id="app">');
    const api = await get('/supervisor/nothing', 'application/json');
    expect(api.status).toBe(404);
    const br = await raw('/supervisor', 'br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).toString('utf8')).toContain('<div id="console">');
  });

  it('HT-8: never serves a file outside the built app', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%']) {
      const res = await get(url);
      const text = await res.text();
      expect(text).not.toContain('"name": "scan-station"');
      expect(res.status).toBeLessThan(500);
    }
  });

  it('HT-9: sends brotli when asked, gzip when only gzip is accepted, and the file itself otherwise', async () => {
    const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(
      fs.readFileSync(path.join(CLIENT_DIST, 'index.html'), 'utf8'),
    );
    const script = entry?.[1] ?? '';
    expect(script).not.toBe('');
    const original = fs.readFileSync(path.join(CLIENT_DIST, script));
    for (const url of [script, '/', '/manifest.webmanifest', '/sw.js']) {
      const br = await raw(url, 'gzip, deflate, br');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toBe('Accept-Encoding');
      const gz = await raw(url, 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      const plain = await raw(url, 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      // The same bytes once decompressed, with the type and caching of the file itself.
      expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
      for (const res of [br, gz, plain]) {
        expect(res.headers['content-type']).toBe(plain.headers['content-type']);
        expect(res.headers['cache-control']).toBe(plain.headers['cache-control']);
      }
    }
    const js = await raw(script, 'br;q=1, gzip;q=0.5');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(js.body).equals(original)).toBe(true);
    expect(js.body.length).toBeLessThan(original.length / 2);
    // Refused by q=0, brotli is not sent; "*" stands for what is not named.
    expect((await raw(script, 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await raw(script, 'br;q=0, *')).headers['content-encoding']).toBe('gzip');
    expect((await raw(script, '')).headers['content-encoding']).toBeUndefined();
  });

  it('HT-9: never compresses the API, and sends images and fonts as they are', async () => {
    const api = await raw('/api/v1/health', 'gzip, deflate, br', 'application/json');
    expect(api.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(api.body.toString('utf8'))).toBeTruthy();
    const icon = await raw('/icon-512.png', 'gzip, deflate, br', '*/*');
    expect(icon.headers['content-type']).toBe('image/png');
    expect(icon.headers['content-encoding']).toBeUndefined();
    const font = fs.readdirSync(path.join(CLIENT_DIST, 'assets')).find((f) => f.endsWith('.woff2')) ?? '';
    const woff2 = await raw(`/assets/${font}`, 'gzip, deflate, br', '*/*');
    expect(woff2.headers['content-type']).toBe('font/woff2');
    expect(woff2.headers['content-encoding']).toBeUndefined();
  });
});

/** A GET by node:http, which (unlike fetch) hands back the body as sent, still compressed. */
function raw(
  url: string,
  acceptEncoding: string,
  accept = 'text/html',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${edge.url}${url}`,
      { headers: { accept, 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}
