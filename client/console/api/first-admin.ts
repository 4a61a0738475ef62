/** @module A new site's first admin (DK-2): whether one is needed, and the setup form's request. */
import type { FirstAdminRequest } from '../../../shared/first-admin-api';
import {
  FIRST_ADMIN_PATH,
  firstAdminCreatedSchema,
  firstAdminNeededSchema,
} from '../../../shared/first-admin-api';
import { request } from '../api';

export function fetchFirstAdminNeeded(fetcher: typeof fetch) {
  return request(fetcher, FIRST_ADMIN_PATH, {}, firstAdminNeededSchema);
}

export function createFirstAdmin(fetcher: typeof fetch, body: FirstAdminRequest) {
  return request(
    fetcher,
    FIRST_ADMIN_PATH,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    firstAdminCreatedSchema,
  );
}
