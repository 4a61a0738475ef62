/**
 * @module The wall's requests (SPEC SV-62, SV-63): exchanging its link's secret for the display
 * cookie, and reading the board. Same-origin fetch: the browser sends the HttpOnly cookie itself.
 * A 401 says whether the display was revoked or is unknown (the wall says which, in words).
 */
import type * as z from 'zod/mini';
import type { WallSession } from '../../../shared/display-api';
import {
  WALL_BOARD_PATH,
  WALL_SESSION_PATH,
  saysRevoked,
  wallSessionSchema,
} from '../../../shared/display-api';
import type { Board } from '../../../shared/supervisor-api';
import { boardSchema } from '../../../shared/supervisor-api';

/** An answer, or why not: refused (401: revoked or unknown), or failed (no answer, 429, 5xx). */
export type WallAnswer<T> =
  | { ok: true; value: T }
  | { ok: false; refused: 'revoked' | 'unknown' | null; retryAfterSeconds: number | null };

export interface WallApi {
  signIn(secret: string): Promise<WallAnswer<WallSession>>;
  board(): Promise<WallAnswer<Board>>;
}

async function call<T>(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  schema: z.ZodMiniType<T>,
): Promise<WallAnswer<T>> {
  let res: Response;
  try {
    res = await fetcher(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    return { ok: false, refused: null, retryAfterSeconds: null };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) {
    return { ok: false, refused: saysRevoked(body) ? 'revoked' : 'unknown', retryAfterSeconds: null };
  }
  const retry = Number(res.headers.get('retry-after'));
  const parsed = res.ok ? schema.safeParse(body) : null;
  if (parsed?.success) return { ok: true, value: parsed.data };
  return { ok: false, refused: null, retryAfterSeconds: retry > 0 ? retry : null };
}

export function createWallApi(fetcher: typeof fetch): WallApi {
  return {
    signIn: (secret) =>
      call(
        fetcher,
        WALL_SESSION_PATH,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret }) },
        wallSessionSchema,
      ),
    board: () => call(fetcher, WALL_BOARD_PATH, {}, boardSchema),
  };
}
