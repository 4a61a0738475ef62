/**
 * @module The trace page's requests (SPEC SV-30 … SV-35): search, a serial's trace, a recall, each
 * parsed with the shared schemas, and the export addresses the page links to. Exports are plain
 * links with `download`: the browser fetches them with the HttpOnly session cookie and saves the
 * streamed file itself, so no export passes through script or memory here.
 */
import type * as z from 'zod/mini';
import type { SerialTrace, TraceSearch } from '../../../shared/trace-api';
import { recallSchema, serialTraceSchema, traceSearchSchema } from '../../../shared/trace-api';
import type { Answer } from '../api';
import { request } from '../api';

export type Recall = z.infer<typeof recallSchema>;

const TRACE = '/api/v1/supervisor/trace';

/** What the trace model needs of the server (a fake in tests). */
export interface TraceApi {
  search(query: string): Promise<Answer<TraceSearch>>;
  /** A 404 failure: no such serial (it was in the search a moment ago: a race, or a typed address). */
  serial(code: string): Promise<Answer<SerialTrace>>;
  recall(component: string, all: boolean): Promise<Answer<Recall>>;
}

const recallQuery = (component: string, all: boolean): string =>
  `?component=${encodeURIComponent(component)}${all ? '&all' : ''}`;

/** The addresses of the downloads (same origin: the cookie goes with them). */
export const traceExports = {
  timelineCsv: (code: string) => `${TRACE}/serials/${encodeURIComponent(code)}/timeline.csv`,
  timelineJson: (code: string) => `${TRACE}/serials/${encodeURIComponent(code)}/timeline.json`,
  recallCsv: (component: string, all: boolean) => `${TRACE}/recall.csv${recallQuery(component, all)}`,
  recallJson: (component: string, all: boolean) => `${TRACE}/recall.json${recallQuery(component, all)}`,
};

export function createTraceApi(fetcher: typeof fetch): TraceApi {
  return {
    search: (query) =>
      request(fetcher, `${TRACE}/search?q=${encodeURIComponent(query)}`, {}, traceSearchSchema),
    serial: (code) => request(fetcher, `${TRACE}/serials/${encodeURIComponent(code)}`, {}, serialTraceSchema),
    recall: (component, all) =>
      request(fetcher, `${TRACE}/recall${recallQuery(component, all)}`, {}, recallSchema),
  };
}
