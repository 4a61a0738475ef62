/**
 * The build of two pages: the station PWA (client/index.html) and the supervisor console
 * (client/supervisor/index.html, served at /supervisor), each with its own entry script, so the
 * station's first download never carries the console. Preact, and for the station a Workbox
 * service worker (injectManifest, client/sw.ts) that precaches the station app so it opens with
 * no network, deep links included; the console's files are left out of that precache. The edge
 * server serves dist/client on the same origin as the API, each text file as its brotli or gzip
 * twin written here (edge-server/http/static-app.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Files worth compressing; images and fonts (png, woff2) are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|webmanifest|json|wasm)$/;

const CLIENT_ROOT = path.resolve(import.meta.dirname, 'client');
/** Modules of the console only: chunks made of them alone are named console-*, kept out of the precache. */
const CONSOLE_DIR = `${path.join(CLIENT_ROOT, 'console')}${path.sep}`;
/** Libraries only console pages load, by import(): their chunks are console-* too (not precached). */
const CONSOLE_ONLY_PACKAGES = ['@dagrejs', 'bwip-js'].map(
  (name) => `${path.sep}node_modules${path.sep}${name}${path.sep}`,
);
const consoleOnly = (id: string): boolean =>
  id.startsWith(CONSOLE_DIR) || CONSOLE_ONLY_PACKAGES.some((dir) => id.includes(dir));
const CLIENT_DIR = `${CLIENT_ROOT}${path.sep}`;
/**
 * A chunk with a console module in it is only ever loaded by the console (the station never
 * imports the console: test/client/architecture.test.ts), whatever shared/ code or library it
 * carries with it; it must hold no station module.
 */
const consoleChunk = (ids: readonly string[]): boolean =>
  ids.some(consoleOnly) && ids.every((id) => consoleOnly(id) || !id.startsWith(CLIENT_DIR));

/**
 * Writes `file.br` (brotli, quality 11) and `file.gz` (gzip -9) beside every compressible file of
 * the build, the service worker included (so it runs after vite-plugin-pwa writes sw.js), when
 * that saves bytes. Done once at build with node:zlib rather than by the server on every request,
 * and with no dependency. The twins are not precached (the globPatterns do not match them): the
 * service worker stores what the browser received, decompressed.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'scan-station:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
          if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
          const file = path.join(entry.parentPath, entry.name);
          const bytes = fs.readFileSync(file);
          const br = zlib.brotliCompressSync(bytes, {
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          });
          const gz = zlib.gzipSync(bytes, { level: 9 });
          if (br.length < bytes.length) fs.writeFileSync(`${file}.br`, br);
          if (gz.length < bytes.length) fs.writeFileSync(`${file}.gz`, gz);
        }
      },
    },
  };
}

/**
 * The station's web app manifest is for the station page only: installing the console from
 * /supervisor must not install "Scan station". vite-plugin-pwa adds the link to every page.
 */
function consoleWithoutManifest(): Plugin {
  return {
    name: 'scan-station:console-without-manifest',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['supervisor/index.html'];
      if (page?.type === 'asset' && typeof page.source === 'string')
        page.source = page.source.replace(/\s*<link rel="manifest"[^>]*>/, '');
    },
  };
}

export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // The decoders' .wasm (zxing-wasm, ~1 MB) is always its own file, fetched and precached as one,
    // never inlined into a chunk. The decoder libraries are split off by their dynamic imports
    // (client/scan/decoders.ts), so the app's initial JavaScript does not carry them.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    rollupOptions: {
      input: {
        index: path.join(CLIENT_ROOT, 'index.html'),
        console: path.join(CLIENT_ROOT, 'supervisor/index.html'),
      },
      output: {
        chunkFileNames: (chunk) =>
          consoleChunk(chunk.moduleIds) ? 'assets/console-[name]-[hash].js' : 'assets/[name]-[hash].js',
      },
    },
  },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Scan station',
        short_name: 'Scan',
        description: 'Record shop-floor work, online or not',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#111111',
        theme_color: '#111111',
        // PNGs rendered once from icon.svg by scripts/render-icons.mjs; the maskable one keeps the
        // mark inside the central 80% safe zone, for launchers that crop to a circle or squircle.
        icons: [
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // wasm: the camera's decoder works offline too. zxing_reader.wasm (~1.1 MB) is under
        // Workbox's 2 MiB per-file limit; a file over it is only skipped with a warning, so
        // test/e2e/camera.e2e.test.ts checks that the .wasm is in the precache. woff2: the Thai
        // font works offline; png: the icons. The .br/.gz twins do not match (their names end so).
        globPatterns: ['**/*.{js,css,html,svg,webmanifest,wasm,woff2,png}'],
        // The supervisor console is not the station's: a tablet need not store it (it is online only).
        globIgnores: ['supervisor/**', 'assets/console-*'],
      },
    }),
    consoleWithoutManifest(),
    precompress(),
  ],
});
