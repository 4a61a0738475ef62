/**
 * @module The stored form of a password or PIN hash, read the same way by the edge server (which
 * makes and checks them) and the station app (which checks PINs offline with WebCrypto):
 * `pbkdf2-sha256$<iterations>$<salt base64url>$<hash base64url>`.
 */
export interface SecretHash {
  iterations: number;
  /** base64url */
  salt: string;
  /** base64url */
  hash: string;
}

export function parseSecretHash(stored: string): SecretHash | null {
  const [scheme, iterations, salt, hash, ...rest] = stored.split('$');
  const rounds = Number(iterations);
  if (scheme !== 'pbkdf2-sha256' || rest.length > 0 || !salt || !hash) return null;
  if (!Number.isSafeInteger(rounds) || rounds < 1) return null;
  return { iterations: rounds, salt, hash };
}

export function formatSecretHash(h: SecretHash): string {
  return `pbkdf2-sha256$${h.iterations}$${h.salt}$${h.hash}`;
}
