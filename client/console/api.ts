/**
 * @module The console's requests: same-origin fetch, so the browser sends the HttpOnly session
 * cookie and the Origin header itself (no Authorization header, no token in script). Answers are
 * parsed with the shared zod/mini schemas before use.
 */
import * as z from 'zod/mini';
import type { Board } from '../../shared/supervisor-api';
import { boardSchema } from '../../shared/supervisor-api';

export interface ConsoleSession {
  username: string;
  role: string;
  expiresAt: string;
}

const sessionSchema = z.object({ username: z.string(), role: z.string(), expiresAt: z.string() });

/** Why a request did not give its answer: the HTTP status (0: no answer) and Retry-After. */
export type Failure = {
  status: number;
  retryAfterSeconds: number | null;
  /** A refusal's error body as sent (a 409 names who got there first); absent when none came. */
  body?: unknown;
};
export type Answer<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export interface BoardFilters {
  routing: string | null;
  ticket: string | null;
  workCenter: string | null;
}

export const NO_FILTERS: BoardFilters = { routing: null, ticket: null, workCenter: null };

/** What the models need of the server (a fake in tests). */
export interface ConsoleApi {
  session(): Promise<Answer<ConsoleSession>>;
  signIn(username: string, password: string): Promise<Answer<ConsoleSession>>;
  signOut(): Promise<void>;
  board(filters: BoardFilters): Promise<Answer<Board>>;
}

export async function request<T>(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  schema: z.ZodMiniType<T>,
): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetcher(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    return { ok: false, failure: { status: 0, retryAfterSeconds: null } };
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    return {
      ok: false,
      failure: { status: res.status, retryAfterSeconds: retry > 0 ? retry : null, body: json },
    };
  }
  const parsed = schema.safeParse(json);
  // An answer we cannot read is reported as the server failing, never used half-read.
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, failure: { status: 502, retryAfterSeconds: null } };
}

/** The board's query string: only the filters that are set. */
export function boardQuery(filters: BoardFilters): string {
  const params = new URLSearchParams();
  if (filters.routing) params.set('routing', filters.routing);
  if (filters.ticket) params.set('ticket', filters.ticket);
  if (filters.workCenter) params.set('workCenter', filters.workCenter);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createConsoleApi(base = '', fetcher: typeof fetch = (...a) => fetch(...a)): ConsoleApi {
  const json = { 'content-type': 'application/json' };
  return {
    session: () => request(fetcher, `${base}/api/v1/auth/session`, {}, sessionSchema),
    signIn: (username, password) =>
      request(
        fetcher,
        `${base}/api/v1/auth/console-login`,
        { method: 'POST', headers: json, body: JSON.stringify({ username, password }) },
        sessionSchema,
      ),
    signOut: async () => {
      await fetcher(`${base}/api/v1/auth/logout`, { method: 'POST', credentials: 'same-origin' }).catch(
        () => undefined,
      );
    },
    board: (filters) =>
      request(fetcher, `${base}/api/v1/supervisor/board${boardQuery(filters)}`, {}, boardSchema),
  };
}
