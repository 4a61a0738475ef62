/**
 * @module The exceptions inbox's requests (SPEC SV-20 … SV-25): a page of problems, a page of the
 * audit log, acknowledge and resolve, all through `request`; an action's refusal is read from the
 * error body it keeps, because a 409 names who already has the problem or resolved it and the
 * console says so in words.
 */
import * as z from 'zod/mini';
import type { AuditEntry, Problem, ProblemKind, ResolveRequest } from '../../../shared/exceptions-api';
import {
  auditPageSchema,
  problemActionResultSchema,
  problemPageSchema,
} from '../../../shared/exceptions-api';
import type { Answer, Failure } from '../api';
import { request } from '../api';

const BASE = '/api/v1/supervisor';

/** Which problems the list shows: open and acknowledged together ('active', the server's default). */
export const INBOX_STATES = ['active', 'open', 'acknowledged', 'resolved'] as const;
export type InboxStateFilter = (typeof INBOX_STATES)[number];

export interface InboxFilters {
  state: InboxStateFilter;
  kind: ProblemKind | null;
}

export const DEFAULT_INBOX_FILTERS: InboxFilters = { state: 'active', kind: null };

export interface ProblemPage {
  problems: Problem[];
  next: string | null;
  parkedAlertMinutes: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

/** What a 409 says about the problem as it is: who acknowledged or resolved it, when, how it ended. */
export interface Refusal {
  message: string;
  state: string | null;
  by: string | null;
  at: string | null;
  outcome: string | null;
}

export type ActionFailure = Failure & { refusal: Refusal | null };
export type ActionAnswer =
  { ok: true; value: { problem: Problem; audit: AuditEntry } } | { ok: false; failure: ActionFailure };

const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    details: z.optional(
      z.array(
        z.object({
          state: z.optional(z.string()),
          resolvedBy: z.optional(z.nullable(z.string())),
          resolvedAt: z.optional(z.nullable(z.string())),
          acknowledgedBy: z.optional(z.nullable(z.string())),
          acknowledgedAt: z.optional(z.nullable(z.string())),
          outcome: z.optional(z.nullable(z.string())),
        }),
      ),
    ),
  }),
});

/** What the inbox needs of the server (a fake in tests). */
export interface InboxApi {
  problems(filters: InboxFilters, after: string | null, limit: number): Promise<Answer<ProblemPage>>;
  audit(after: string | null, limit: number): Promise<Answer<AuditPage>>;
  acknowledge(kind: ProblemKind, id: number): Promise<ActionAnswer>;
  resolve(kind: ProblemKind, id: number, body: ResolveRequest): Promise<ActionAnswer>;
}

export function problemsQuery(filters: InboxFilters, after: string | null, limit: number): string {
  const params = new URLSearchParams();
  if (filters.state !== 'active') params.set('state', filters.state);
  if (filters.kind) params.set('kind', filters.kind);
  if (after) params.set('after', after);
  params.set('limit', String(limit));
  return `?${params.toString()}`;
}

function pageQuery(after: string | null, limit: number): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (after) params.set('after', after);
  return `?${params.toString()}`;
}

/** The 409's details, read from the body (null when there is none we can read). */
export function refusalOf(body: unknown): Refusal | null {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return null;
  const detail = parsed.data.error.details?.[0];
  return {
    message: parsed.data.error.message,
    state: detail?.state ?? null,
    by: detail?.resolvedBy ?? detail?.acknowledgedBy ?? null,
    at: detail?.resolvedAt ?? detail?.acknowledgedAt ?? null,
    outcome: detail?.outcome ?? null,
  };
}

async function act(fetcher: typeof fetch, url: string, body: unknown): Promise<ActionAnswer> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
  const answer = await request(fetcher, url, init, problemActionResultSchema);
  if (answer.ok) return answer;
  const { body: refused, ...failure } = answer.failure;
  return { ok: false, failure: { ...failure, refusal: refusalOf(refused) } };
}

export function createInboxApi(fetcher: typeof fetch, base = ''): InboxApi {
  const problemUrl = (kind: ProblemKind, id: number, verb: string) =>
    `${base}${BASE}/exceptions/${encodeURIComponent(kind)}/${id}/${verb}`;
  return {
    problems: (filters, after, limit) =>
      request(
        fetcher,
        `${base}${BASE}/exceptions${problemsQuery(filters, after, limit)}`,
        {},
        problemPageSchema,
      ),
    audit: (after, limit) =>
      request(fetcher, `${base}${BASE}/audit${pageQuery(after, limit)}`, {}, auditPageSchema),
    acknowledge: (kind, id) => act(fetcher, problemUrl(kind, id, 'acknowledge'), {}),
    resolve: (kind, id, body) => act(fetcher, problemUrl(kind, id, 'resolve'), body),
  };
}
