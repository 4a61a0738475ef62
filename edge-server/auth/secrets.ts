/**
 * @module Secrets at rest: station and session tokens are random and stored as SHA-256 (they have
 * full entropy, so a fast hash is enough and lookups stay O(1)); passwords and PINs are stored as
 * PBKDF2-SHA256, which a tablet can also check offline with WebCrypto.
 */
import { createHash, pbkdf2 as pbkdf2Callback, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatSecretHash, parseSecretHash } from '../../shared/secret-hash';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2Callback);

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

/** A new salted hash in the stored form of shared/secret-hash.ts. */
function hashSecret(secret: string, iterations: number): string {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(secret, salt, iterations, 32, 'sha256');
  return formatSecretHash({ iterations, salt: salt.toString('base64url'), hash: hash.toString('base64url') });
}

export function hashPassword(password: string): string {
  return hashSecret(password, PASSWORD_ITERATIONS);
}

export function hashPin(pin: string): string {
  return hashSecret(pin, PIN_ITERATIONS);
}

/** A hash to check against when the user does not exist, so both cases take the same time. */
export const DUMMY_PASSWORD_HASH = hashSecret('not a password', PASSWORD_ITERATIONS);

/** Checks a password or PIN off the event loop: a sign-in must not stall ingest. */
export async function verifySecretAsync(secret: string, stored: string): Promise<boolean> {
  const parsed = parseSecretHash(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64url');
  const actual = await pbkdf2Async(
    secret,
    Buffer.from(parsed.salt, 'base64url'),
    parsed.iterations,
    32,
    'sha256',
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
