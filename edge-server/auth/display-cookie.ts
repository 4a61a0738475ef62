/**
 * @module A wall display's cookie (SPEC SV-62), without HTTP framework: it carries the display's
 * secret once the wall's page has exchanged its link for it (POST /api/v1/wall/session), so the
 * secret leaves the page's address and its script. HttpOnly, SameSite=Strict, Secure over HTTPS,
 * and Path=/api/v1/wall: a browser sends it to the wall's routes only, so a supervisor who opens a
 * wall link in their own browser still reaches the console with their own session. It lasts as
 * long as a browser keeps a cookie (400 days); revoking the display ends it at once.
 */
import { DISPLAY_SECRET_PREFIX } from '../../shared/display-api';

export const DISPLAY_COOKIE = 'edge_wall_display';
export const DISPLAY_COOKIE_PATH = '/api/v1/wall';
/** Browsers cap a cookie's life at 400 days. */
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

/** What a Set-Cookie header carries for a display (remove: clear it). */
export function displayCookie(secret: string, options: { secure: boolean; remove?: boolean }): string {
  const parts = [`${DISPLAY_COOKIE}=${secret}`, `Path=${DISPLAY_COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.remove) parts.push('Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  else parts.push(`Max-Age=${MAX_AGE_SECONDS}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Whether a string has the shape of a display secret (anything else never reaches SQL). */
export function isDisplaySecret(value: string): boolean {
  return value.startsWith(DISPLAY_SECRET_PREFIX) && /^[A-Za-z0-9_-]{20,200}$/.test(value);
}

/** The display secret in a Cookie header, or null. */
export function displaySecretOf(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== DISPLAY_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return isDisplaySecret(value) ? value : null;
  }
  return null;
}
