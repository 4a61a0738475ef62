/**
 * @module What a route reads of the request itself: whether it came over HTTPS (a cookie is then
 * Secure), the TCP peer's address (no proxy sits in front of an edge server, so headers are not
 * trusted), and whether a sign-in came from another origin (login CSRF).
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { crossOriginProblem } from '../auth/console-cookie';
import { ApiError } from './errors';

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/** A sign-in sent by another origin's page is a 403: it must not sign this browser in. */
export function refuseSignInFromOtherOrigin(c: Context): void {
  const origin = c.req.header('origin');
  const problem = origin === undefined ? null : crossOriginProblem(c.req.url, origin);
  if (problem !== null) throw new ApiError('FORBIDDEN', problem);
}
