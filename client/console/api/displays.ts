/**
 * @module The wall displays page's requests (admin): list (GET /api/v1/admin/displays), issue one
 * (POST, answers its link once), revoke one (DELETE /:name, 204).
 */
import * as z from 'zod/mini';
import type { DisplayIssued } from '../../../shared/display-api';
import { displayIssuedSchema, displayListSchema } from '../../../shared/display-api';
import type { Answer } from '../api';
import { request } from '../api';

export const DISPLAYS_PATH = '/api/v1/admin/displays';

const json = { 'content-type': 'application/json' };

export function fetchDisplays(fetcher: typeof fetch) {
  return request(fetcher, DISPLAYS_PATH, {}, displayListSchema);
}

export function issueDisplay(fetcher: typeof fetch, name: string): Promise<Answer<DisplayIssued>> {
  return request(
    fetcher,
    DISPLAYS_PATH,
    { method: 'POST', headers: json, body: JSON.stringify({ name }) },
    displayIssuedSchema,
  );
}

/** 204, no body: read as null. */
export function revokeDisplay(fetcher: typeof fetch, name: string): Promise<Answer<null>> {
  return request(fetcher, `${DISPLAYS_PATH}/${encodeURIComponent(name)}`, { method: 'DELETE' }, z.null());
}
