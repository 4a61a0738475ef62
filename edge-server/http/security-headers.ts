/**
 * @module Security headers on every answer (hono's secureHeaders): a Content-Security-Policy the
 * station app, its service worker and the WebAssembly decoder work under, no framing, no MIME
 * sniffing, no referrer leaving the site; HSTS on HTTPS only (plain HTTP on the LAN must stay
 * usable by machines). A route may set its own policy (the CA page hashes its one style block).
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** What the pages need, and nothing more: our own files, the decoder's WebAssembly, camera frames as blobs. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  // zxing-wasm compiles its decoder with WebAssembly.instantiate, which needs wasm-unsafe-eval.
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** A year; only sent over HTTPS (browsers ignore it for IP addresses, which tablets often use). */
const HSTS = 'max-age=31536000';

export function securityHeaders(): MiddlewareHandler {
  const common = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: false,
    // Tablets open the app from other machines' links, and sites call the API server to server.
    crossOriginResourcePolicy: false,
    overwrite: false,
  });
  return async (c, next) => {
    await common(c, async () => {
      await next();
      if (new URL(c.req.url).protocol === 'https:') c.header('Strict-Transport-Security', HSTS);
    });
  };
}
