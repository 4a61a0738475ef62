/** @module The decode worker on zxing-wasm (zxing-wasm-reader.ts has its settings and why). */
import { serveDecoder } from './decode-worker-protocol';
import { loadZxingWasmReader } from './zxing-wasm-reader';

serveDecoder(async () => {
  const reader = await loadZxingWasmReader();
  return async (luma) => reader.readLuma(await luma());
});
