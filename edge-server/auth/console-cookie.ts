/**
 * @module The supervisor console's session cookie and its CSRF rule, without HTTP framework.
 *
 * Browsers cannot put a bearer token on an EventSource, so the console signs in to a cookie
 * session: HttpOnly (the page's script never sees the token), SameSite=Strict (not sent on
 * requests another site starts), Path=/, Secure when the sign-in came over HTTPS. SameSite does
 * not cover another origin of the same site (the edge server's other port, another service on the
 * same host), so a request that changes something and is signed in by the cookie must also carry
 * an Origin header naming this server's own origin; browsers send it on every such request and
 * a page cannot forge it.
 */

export const CONSOLE_COOKIE = 'edge_console_session';

/** What a Set-Cookie header carries for a console session (maxAgeSeconds 0: remove it). */
export function consoleCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${CONSOLE_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The console session token in a Cookie header, or null. */
export function consoleToken(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== CONSOLE_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    // Our tokens are base64url; anything else is not ours (and never reaches SQL as is anyway).
    return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : null;
  }
  return null;
}

/** Methods that change nothing: the cookie alone is enough for them. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Why a cookie-signed request that changes something is refused (null: it came from a page of
 * this server). `requestUrl` is the URL the server was asked (its scheme and Host).
 */
export function crossOriginProblem(requestUrl: string, origin: string | undefined): string | null {
  const own = new URL(requestUrl).origin.toLowerCase();
  if (origin === undefined || origin === '') {
    return `A change signed in by the console cookie needs an Origin header (${own}): send it from the console's page, or use a bearer token`;
  }
  if (origin.toLowerCase() !== own) {
    return `A change signed in by the console cookie must come from ${own}, not from ${origin.slice(0, 100)}`;
  }
  return null;
}
