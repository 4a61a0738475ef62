/**
 * @module The labels page's one request (admin): the ticket with its serials and its routing's
 * steps, GET /api/v1/admin/tickets/:code (shared/ticket-desk-api.ts), which its labels, travelers
 * and barcodes are printed from.
 */
import type { TicketDetail } from '../../../shared/ticket-desk-api';
import { TICKETS_PATH, ticketDetailSchema } from '../../../shared/ticket-desk-api';
import type { Answer } from '../api';
import { request } from '../api';

export function fetchTicketDetail(fetcher: typeof fetch, code: string): Promise<Answer<TicketDetail>> {
  return request(fetcher, `${TICKETS_PATH}/${encodeURIComponent(code)}`, {}, ticketDetailSchema);
}
