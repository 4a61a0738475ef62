/**
 * @module Secrets at rest: station and session tokens are random and stored as SHA-256 (they have
 * full entropy, so a fast hash is enough and lookups stay O(1)); passwords and PINs are stored as
 * PBKDF2-SHA256, which a tablet can also check offline with WebCrypto.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256 passwords. */
const PASSWORD_ITERATIONS = 210_000;
/** PINs are checked on tablets at every sign-in; a short PIN is weak whatever the count. */
const PIN_ITERATIONS = 20_000;

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function pbkdf2(secret: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(secret, salt, iterations, 32, 'sha256');
}

/** `pbkdf2-sha256$<iterations>$<salt base64url>$<hash base64url>` */
function hashSecret(secret: string, iterations: number): string {
  const salt = randomBytes(16);
  return `pbkdf2-sha256$${iterations}$${salt.toString('base64url')}$${pbkdf2(secret, salt, iterations).toString('base64url')}`;
}

export function hashPassword(password: string): string {
  return hashSecret(password, PASSWORD_ITERATIONS);
}

export function hashPin(pin: string): string {
  return hashSecret(pin, PIN_ITERATIONS);
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = pbkdf2(secret, Buffer.from(salt, 'base64url'), Number(iterations));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
