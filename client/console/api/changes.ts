/** @module The change log page's request (admin): a page of the audit trail, newest first, filtered. */
import type { AdminAction, AdminChangePage } from '../../../shared/admin-changes-api';
import { ADMIN_CHANGES_PATH, adminChangePageSchema } from '../../../shared/admin-changes-api';
import type { Answer } from '../api';
import { request } from '../api';

export interface ChangeFilters {
  action: AdminAction | null;
  subject: string;
}

/** The query string: the filters that are set, and the cursor of the page before. */
export function changesQuery(filters: ChangeFilters, after: string | null, limit: number): string {
  const params = new URLSearchParams();
  if (filters.action) params.set('action', filters.action);
  if (filters.subject.trim() !== '') params.set('subject', filters.subject.trim());
  params.set('limit', String(limit));
  if (after) params.set('after', after);
  return `?${params.toString()}`;
}

export function fetchChanges(
  fetcher: typeof fetch,
  filters: ChangeFilters,
  after: string | null,
  limit: number,
): Promise<Answer<AdminChangePage>> {
  return request(
    fetcher,
    `${ADMIN_CHANGES_PATH}${changesQuery(filters, after, limit)}`,
    {},
    adminChangePageSchema,
  );
}
