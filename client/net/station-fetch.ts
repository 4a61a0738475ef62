/**
 * @module The one way the station talks to its edge server (SY-9): every request carries the
 * station's credential, the protocol version it speaks and a timeout, and every answer comes back
 * as a value: the body parsed by its schema from shared/station-api.ts, or the problem (no answer,
 * an error status with its Retry-After and the server's error code and message, or a body that
 * does not match the contract). It never throws for the network or the server, and never returns
 * null.
 */
import type * as z from 'zod/mini';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, wireErrorSchema } from '../../shared/station-api';
import type { Result } from '../result';

/** Long enough for a 500-event push to a busy edge box; short enough that a dead link is noticed. */
export const REQUEST_TIMEOUT_MS = 15_000;

export type StationProblem =
  /** No answer: offline, refused, reset, or no answer within the timeout. */
  | { kind: 'network'; message: string }
  /** An answer other than 2xx; `code` and `message` are the server's error body, when it sent one. */
  | { kind: 'http'; status: number; retryAfterMs: number; code: string | null; message: string | null }
  /** A 2xx whose body does not match the contract. */
  | { kind: 'bad-answer'; status: number; message: string };

export type StationResult<T> = Result<T, StationProblem>;

export interface StationRequest<T> {
  method?: 'GET' | 'POST';
  /** Below the edge server's origin, e.g. `/api/v1/events`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** The schema of a 2xx answer's body, from shared/station-api.ts. */
  answer: z.ZodMiniType<T>;
}

export type StationFetch = <T>(request: StationRequest<T>) => Promise<StationResult<T>>;

export type FetchFunction = (url: URL, init: RequestInit) => Promise<Response>;

export interface StationFetchOptions {
  /** The edge server's origin (the page's own in the app). */
  baseUrl: string;
  /** The station's credential; null before enrollment, where the link's one-time code is the credential. */
  token: string | null;
  timeoutMs?: number;
  /** The browser's fetch by default (looked up at each request); a fake in tests. */
  fetch?: FetchFunction;
}

/** The body of every non-2xx answer (protocol.md); read for its code and message only. */

export function createStationFetch(options: StationFetchOptions): StationFetch {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const send: FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  return async <T>(request: StationRequest<T>): Promise<StationResult<T>> => {
    const method = request.method ?? 'GET';
    const url = new URL(request.path, options.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION) };
    if (options.token !== null) headers['authorization'] = `Bearer ${options.token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await send(url, {
        method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same timeout: an answer can stall half-way.
      text = await response.text();
    } catch (error) {
      return { ok: false, problem: { kind: 'network', message: networkMessage(error, timeoutMs) } };
    }
    const body = parseJson(text);
    if (status < 200 || status > 299) {
      const error = wireErrorSchema.safeParse(body);
      return {
        ok: false,
        problem: {
          kind: 'http',
          status,
          retryAfterMs: retryAfterMs(retryAfter),
          code: error.success ? error.data.error.code : null,
          message: error.success ? error.data.error.message : null,
        },
      };
    }
    const parsed = request.answer.safeParse(body);
    if (parsed.success) return { ok: true, value: parsed.data };
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => {
        const what = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
        return `${issue.path.join('.') || 'the body'}: ${what}`;
      })
      .join('; ');
    return {
      ok: false,
      problem: {
        kind: 'bad-answer',
        status,
        message: `the edge server's answer to ${method} ${request.path} does not match the contract (${where})`,
      },
    };
  };
}

/** The problem in words, for the status bar and the stall alarm. */
export function describeProblem(problem: StationProblem): string {
  switch (problem.kind) {
    case 'network':
      return `cannot reach the edge server: ${problem.message}`;
    case 'http':
      return `the edge server answered ${problem.status}${problem.message ? `: ${problem.message}` : ''}`;
    case 'bad-answer':
      return problem.message;
  }
}

/** Retry-After in seconds (what the edge server sends); anything else asks for no particular wait. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header ?? '0');
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** Not JSON (an empty body, a proxy's HTML page) is `undefined`, which no schema takes. */
function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
}

function networkMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${timeoutMs / 1000} s`;
  return error instanceof Error ? error.message : String(error);
}
