/**
 * @module The routings page's requests (admin, SPEC DK-10 … DK-13): the published routings, one
 * version's source, a check that stores nothing, and publish (POST /api/v1/admin/routings). The
 * check and publish send the routing's text as the admin pasted or uploaded it.
 */
import type { RoutingChecked, RoutingPublished } from '../../../shared/routing-desk-api';
import {
  ROUTINGS_PATH,
  ROUTING_CHECK_PATH,
  routingCheckedSchema,
  routingListSchema,
  routingPublishedSchema,
  routingSourceSchema,
} from '../../../shared/routing-desk-api';
import type { Answer } from '../api';
import { request } from '../api';

const json = { 'content-type': 'application/json' };

export function fetchRoutings(fetcher: typeof fetch) {
  return request(fetcher, ROUTINGS_PATH, {}, routingListSchema);
}

export function fetchRoutingSource(fetcher: typeof fetch, code: string, version: number) {
  return request(
    fetcher,
    `${ROUTINGS_PATH}/${encodeURIComponent(code)}/versions/${version}`,
    {},
    routingSourceSchema,
  );
}

export function checkRouting(fetcher: typeof fetch, text: string): Promise<Answer<RoutingChecked>> {
  return request(
    fetcher,
    ROUTING_CHECK_PATH,
    { method: 'POST', headers: json, body: text },
    routingCheckedSchema,
  );
}

export function publishRouting(fetcher: typeof fetch, text: string): Promise<Answer<RoutingPublished>> {
  return request(
    fetcher,
    ROUTINGS_PATH,
    { method: 'POST', headers: json, body: text },
    routingPublishedSchema,
  );
}
