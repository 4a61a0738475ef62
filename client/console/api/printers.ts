/**
 * @module The label printers page's requests (admin, SPEC DK-50 … DK-62): printers listed, added,
 * changed, removed; labels printed; the job queue read a page at a time; a job retried or reprinted
 * with a reason; a ticket's serials read (the tickets desk's contract, shared/ticket-desk-api.ts).
 */
import * as z from 'zod/mini';
import type {
  AddPrinterInput,
  ChangePrinterInput,
  PrintJobState,
  PrintLabelsInput,
} from '../../../shared/printing-api';
import {
  PRINTERS_PATH,
  PRINT_JOBS_PATH,
  printJobAnswerSchema,
  printJobPageSchema,
  printLabelsResultSchema,
  printerListSchema,
  printerSchema,
} from '../../../shared/printing-api';
import { TICKETS_PATH, ticketDetailSchema } from '../../../shared/ticket-desk-api';
import { request } from '../api';

const json = { 'content-type': 'application/json' };
const post = (body: unknown): RequestInit => ({ method: 'POST', headers: json, body: JSON.stringify(body) });

export function fetchPrinters(fetcher: typeof fetch) {
  return request(fetcher, PRINTERS_PATH, {}, printerListSchema);
}

export function addPrinter(fetcher: typeof fetch, input: AddPrinterInput) {
  return request(fetcher, PRINTERS_PATH, post(input), printerSchema);
}

export function changePrinter(fetcher: typeof fetch, name: string, change: ChangePrinterInput) {
  const init = { method: 'PATCH', headers: json, body: JSON.stringify(change) };
  return request(fetcher, `${PRINTERS_PATH}/${encodeURIComponent(name)}`, init, printerSchema);
}

/** 204, no body: read as null. */
export function retirePrinter(fetcher: typeof fetch, name: string) {
  return request(fetcher, `${PRINTERS_PATH}/${encodeURIComponent(name)}`, { method: 'DELETE' }, z.null());
}

export function printLabels(fetcher: typeof fetch, input: PrintLabelsInput) {
  return request(fetcher, PRINT_JOBS_PATH, post(input), printLabelsResultSchema);
}

/** Newest first; `state` null: every state. */
export function fetchPrintJobs(
  fetcher: typeof fetch,
  state: PrintJobState | null,
  limit: number,
  after: string | null = null,
) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (state) params.set('state', state);
  if (after) params.set('after', after);
  return request(fetcher, `${PRINT_JOBS_PATH}?${params.toString()}`, {}, printJobPageSchema);
}

export function retryPrintJob(fetcher: typeof fetch, id: number) {
  return request(fetcher, `${PRINT_JOBS_PATH}/${id}/retry`, { method: 'POST' }, printJobAnswerSchema);
}

export function reprintLabel(fetcher: typeof fetch, id: number, reason: string) {
  return request(fetcher, `${PRINT_JOBS_PATH}/${id}/reprint`, post({ reason }), printJobAnswerSchema);
}

/** One ticket with its serials (GET /api/v1/admin/tickets/:code). */
export function fetchTicket(fetcher: typeof fetch, code: string) {
  return request(fetcher, `${TICKETS_PATH}/${encodeURIComponent(code)}`, {}, ticketDetailSchema);
}
