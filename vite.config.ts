/**
 * The station PWA's build: Preact, and a Workbox service worker (injectManifest, client/sw.ts)
 * that precaches the app so it opens with no network, deep links included. The edge server
 * serves dist/client on the same origin as the API.
 */
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

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
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      injectManifest: {
        // wasm: the camera's decoder works offline too. zxing_reader.wasm (~1.1 MB) is under
        // Workbox's 2 MiB per-file limit; a file over it is only skipped with a warning, so
        // test/e2e/camera.e2e.test.ts checks that the .wasm is in the precache.
        globPatterns: ['**/*.{js,css,html,svg,webmanifest,wasm}'],
      },
    }),
  ],
});
