/**
 * The station PWA's build: Preact, and a Workbox service worker (injectManifest, client/sw.ts)
 * that precaches the app so it opens with no network, deep links included. The edge server
 * serves dist/client on the same origin as the API, each text file as its brotli or gzip twin
 * written here (edge-server/http/static-app.ts).
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

export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // The decoders' .wasm (zxing-wasm, ~1 MB) is always its own file, fetched and precached as one,
    // never inlined into a chunk. The decoder libraries are split off by their dynamic imports
    // (client/scan/decoders.ts), so the app's initial JavaScript does not carry them.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
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
      },
    }),
    precompress(),
  ],
});
