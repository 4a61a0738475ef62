/**
 * @module Operator PINs checked on the tablet, offline: the snapshot carries each operator's
 * PBKDF2-SHA256 hash (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64url, as the edge server
 * stores it, shared/secret-hash.ts), and WebCrypto derives the same bits from the typed PIN.
 */
import { parseSecretHash } from '../../shared/secret-hash';

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parseSecretHash(stored);
  if (!parsed) return false;
  const expected = fromBase64Url(parsed.hash);
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const actual = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64Url(parsed.salt), iterations: parsed.iterations },
      key,
      expected.length * 8,
    ),
  );
  // Compare every byte whatever the first difference.
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}
