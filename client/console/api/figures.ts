/**
 * @module The shift figures' request (GET /api/v1/supervisor/figures, SPEC SV-50 … SV-55), parsed
 * with the shared schema before the page uses it.
 */
import type { ShiftFigures } from '../../../shared/figures-api';
import { shiftFiguresSchema } from '../../../shared/figures-api';
import type { Answer } from '../api';
import { request } from '../api';

export interface FiguresQuery {
  routing: string | null;
  /** A shift's start (ISO); null: the shift on now. */
  shift: string | null;
}

export const CURRENT_SHIFT: FiguresQuery = { routing: null, shift: null };

/** What the figures page needs of the server (a fake in tests). */
export interface FiguresApi {
  figures(query: FiguresQuery): Promise<Answer<ShiftFigures>>;
}

/** The query string: only what is set. */
export function figuresQuery(query: FiguresQuery): string {
  const params = new URLSearchParams();
  if (query.routing) params.set('routing', query.routing);
  if (query.shift) params.set('shift', query.shift);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createFiguresApi(fetcher: typeof fetch, base = ''): FiguresApi {
  return {
    figures: (query) =>
      request(fetcher, `${base}/api/v1/supervisor/figures${figuresQuery(query)}`, {}, shiftFiguresSchema),
  };
}
