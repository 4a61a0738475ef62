/**
 * @module The job tickets page's requests (admin, SPEC DK-20 … DK-29): the tickets newest first
 * (GET /api/v1/admin/tickets), one ticket (GET …/:code), a release (POST, answers every serial),
 * the serials a prefix would give next (GET /api/v1/admin/serials/next),
 * and the published routings to choose from, read off the floor board (each routing's latest
 * version, and older versions that still have work on the floor).
 */
import type { SerialPreview, TicketReleased } from '../../../shared/ticket-release';
import {
  SERIAL_PREVIEW_PATH,
  serialPreviewSchema,
  ticketReleasedSchema,
} from '../../../shared/ticket-release';
import { TICKETS_PATH, ticketDetailSchema, ticketListSchema } from '../../../shared/ticket-desk-api';
import { boardSchema } from '../../../shared/supervisor-api';
import type { Answer } from '../api';
import { request } from '../api';

const json = { 'content-type': 'application/json' };

/** What a release sends (the fields of POST /api/v1/admin/tickets a form fills). */
export interface ReleaseRequest {
  code: string;
  routing: string;
  routingVersion?: number;
  processMode: 'piece' | 'batch';
  qty: number;
  product?: string;
  serials?: string[];
  serialPrefix?: string;
  batchCode?: string;
}

/** A published routing to release on: its code, name and versions, newest first. */
export interface RoutingChoice {
  code: string;
  name: string;
  versions: number[];
}

export function fetchTickets(fetcher: typeof fetch, limit: number, after: string | null = null) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (after !== null) query.set('after', after);
  return request(fetcher, `${TICKETS_PATH}?${query.toString()}`, {}, ticketListSchema);
}

export function fetchTicket(fetcher: typeof fetch, code: string) {
  return request(fetcher, `${TICKETS_PATH}/${encodeURIComponent(code)}`, {}, ticketDetailSchema);
}

export function releaseTicket(fetcher: typeof fetch, body: ReleaseRequest): Promise<Answer<TicketReleased>> {
  return request(
    fetcher,
    TICKETS_PATH,
    { method: 'POST', headers: json, body: JSON.stringify(body) },
    ticketReleasedSchema,
  );
}

export async function fetchRoutingChoices(fetcher: typeof fetch): Promise<Answer<RoutingChoice[]>> {
  const answer = await request(fetcher, '/api/v1/supervisor/board', {}, boardSchema);
  if (!answer.ok) return answer;
  const byCode = new Map<string, RoutingChoice>();
  for (const r of answer.value.routings) {
    const choice = byCode.get(r.code) ?? { code: r.code, name: r.name, versions: [] };
    // The name the latest version publishes.
    if (choice.versions.every((v) => v < r.version)) choice.name = r.name;
    choice.versions.push(r.version);
    byCode.set(r.code, choice);
  }
  const choices = [...byCode.values()].map((c) => ({ ...c, versions: c.versions.sort((a, b) => b - a) }));
  return { ok: true, value: choices.sort((a, b) => a.code.localeCompare(b.code)) };
}

/** The first and last serial a release of `qty` from `prefix` would give now. */
export function previewSerials(
  fetcher: typeof fetch,
  prefix: string,
  qty: number,
): Promise<Answer<SerialPreview>> {
  const query = new URLSearchParams({ prefix, qty: String(qty) });
  return request(fetcher, `${SERIAL_PREVIEW_PATH}?${query.toString()}`, {}, serialPreviewSchema);
}
