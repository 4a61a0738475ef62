/**
 * @module The exceptions inbox and the audit log (SPEC SV-20 … SV-26), under /api/v1/supervisor:
 * supervisors and admins only; stations (and any other credential) get 403.
 */
import { z } from 'zod';
import type { Context } from 'hono';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { ApiError, unwrap } from '../errors';
import { TAGS } from '../openapi';
import { readJsonBody } from '../body';
import type { EdgeCore } from '../../edge';
import type { ProblemKind, ResolveAction } from '../../../shared/exceptions-api';
import { MAX_PAGE_LIMIT } from '../../../shared/supervisor-api';
import {
  acknowledgeRequestSchema,
  auditEntrySchema,
  auditPageSchema,
  PROBLEM_KINDS,
  problemActionResultSchema,
  problemEventSchema,
  problemPageSchema,
  problemSchema,
  problemTokenSchema,
  REASON_MAX,
  REASON_MIN,
  RESOLVE_ACTIONS,
  resolveRequestSchema,
} from '../../../shared/exceptions-api';
import { listProblems } from '../../exceptions/inbox';
import { acknowledgeProblem, resolveProblem } from '../../exceptions/actions';
import { listAudit } from '../../exceptions/audit';

/** A reason and an action: small. */
const MAX_BODY_BYTES = 16 * 1024;

const pageQuery = {
  limit: z.string().optional().describe(`How many rows at most: 1 to ${MAX_PAGE_LIMIT} (100)`),
  after: z.string().optional().describe('The `next` cursor of the page before (none: the first page)'),
};

const problemParams = z.object({
  kind: z.enum(PROBLEM_KINDS).describe('What the problem is about'),
  id: z.int().positive().describe('Its id in the inbox (a conflict id, a parked event id, an outbox id)'),
});

const problemParts = [
  { name: 'Problem', schema: problemSchema },
  { name: 'ProblemEvent', schema: problemEventSchema },
  { name: 'ProblemToken', schema: problemTokenSchema },
];
const actionAnswer = {
  name: 'ProblemActionResult',
  schema: problemActionResultSchema,
  parts: [...problemParts, { name: 'AuditEntry', schema: auditEntrySchema }],
};

/** The path's kind and id, or a 404 naming what is not there. */
function target(c: Context<AuthEnv>): { kind: ProblemKind; id: number } {
  const kind = c.req.param('kind') ?? '';
  const idText = c.req.param('id') ?? '';
  if (!(PROBLEM_KINDS as readonly string[]).includes(kind))
    throw new ApiError('NOT_FOUND', `No kind of problem "${kind.slice(0, 40)}": ${PROBLEM_KINDS.join(', ')}`);
  const id = Number(idText);
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0)
    throw new ApiError('NOT_FOUND', `No ${kind.replace('_', ' ')} ${idText.slice(0, 40)}`);
  return { kind: kind as ProblemKind, id };
}

function supervisorOf(c: Context<AuthEnv>): { userId: number; username: string } {
  const principal = c.get('principal');
  if (principal.kind !== 'user') throw new ApiError('FORBIDDEN', 'Only a supervisor or admin may do this');
  return { userId: principal.userId, username: principal.username };
}

/** The reason a request gives, checked here so that the 400 says what is wrong with it in words. */
function reasonOf(body: Record<string, unknown>, required: boolean): string | null {
  const value = body['reason'];
  if (value === undefined || value === null) {
    if (required)
      throw new ApiError(
        'BAD_REQUEST',
        `reason: required, ${REASON_MIN} to ${REASON_MAX} characters saying why (it goes into the audit log)`,
      );
    return null;
  }
  if (typeof value !== 'string')
    throw new ApiError('BAD_REQUEST', `reason: text of ${REASON_MIN} to ${REASON_MAX} characters`);
  const text = value.trim();
  if ((required || text !== '') && (text.length < REASON_MIN || text.length > REASON_MAX))
    throw new ApiError(
      'BAD_REQUEST',
      `reason: ${REASON_MIN} to ${REASON_MAX} characters saying why (got ${text.length})`,
    );
  return text === '' ? null : text;
}

async function bodyObject(c: Context<AuthEnv>, optional: boolean): Promise<Record<string, unknown>> {
  const read = await readJsonBody(c.req.raw, MAX_BODY_BYTES, { optional });
  if (read === undefined) return {};
  if (typeof read !== 'object' || read === null || Array.isArray(read))
    throw new ApiError('BAD_REQUEST', 'The body is a JSON object');
  return read as Record<string, unknown>;
}

export function exceptionRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const alertMinutes = core.config.parkedAlertMinutes;
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] })
    .use(requireRole('supervisor', 'admin'))
    .route('/', actionRoutes(core))
    .get(
      '/exceptions',
      {
        operationId: 'listExceptions',
        summary: 'The exceptions inbox: conflicts, long-parked events, dead letters, a page at a time',
        description:
          'Each problem carries a stable code (EVENT_CONFLICT, EVENT_PARKED_LONG, UPSTREAM_DEAD_LETTER, ' +
          'EVENT_REFUSED), a message in plain English, its state (open, acknowledged, resolved) with who ' +
          'and when, the actions it allows, and its token as it is now. Open and acknowledged ones are ' +
          'listed oldest first, resolved ones newest first. Events parked less than PARKED_ALERT_MINUTES ' +
          '(30) are not listed.',
        query: z.object({
          state: z
            .string()
            .optional()
            .describe('open, acknowledged (both, comma-separated, when absent) or resolved'),
          kind: z.enum(PROBLEM_KINDS).optional().describe('Only problems of this kind'),
          ...pageQuery,
        }),
        responses: {
          200: {
            description: 'A page of problems; `next` is null on the last page',
            json: { name: 'ProblemPage', schema: problemPageSchema, parts: problemParts },
          },
        },
        errors: [400],
      },
      (c) => {
        const q = c.req.query();
        const page = listProblems(
          core.db,
          { state: q['state'], kind: q['kind'], limit: q['limit'], after: q['after'] },
          alertMinutes,
          core.clock(),
        );
        return c.json(unwrap(page));
      },
    )
    .get(
      '/audit',
      {
        operationId: 'listAudit',
        summary: 'The audit log of supervisors’ actions on problems, newest first, a page at a time',
        query: z.object({
          kind: z.enum(PROBLEM_KINDS).optional().describe('Only actions on problems of this kind'),
          problem: z.string().optional().describe('Only actions on this problem (its id; needs kind)'),
          ...pageQuery,
        }),
        responses: {
          200: {
            description: 'A page of audit entries; `next` is null on the last page',
            json: {
              name: 'AuditPage',
              schema: auditPageSchema,
              parts: [{ name: 'AuditEntry', schema: auditEntrySchema }],
            },
          },
        },
        errors: [400],
      },
      (c) => {
        const q = c.req.query();
        const page = listAudit(core.db, {
          kind: q['kind'],
          problem: q['problem'],
          limit: q['limit'],
          after: q['after'],
        });
        return c.json(unwrap(page));
      },
    );
}

/** Acknowledge and resolve (SV-22 … SV-25). */
function actionRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .post(
      '/exceptions/:kind/:id/acknowledge',
      {
        operationId: 'acknowledgeException',
        summary: 'Take up a problem (open → acknowledged), so that another supervisor sees someone is on it',
        description:
          'Acknowledging one already acknowledged by someone else, or resolved, is a 409 naming who and when.',
        params: problemParams,
        body: {
          name: 'Acknowledgement',
          schema: acknowledgeRequestSchema,
          maxBytes: MAX_BODY_BYTES,
          optional: true,
        },
        responses: { 200: { description: 'Acknowledged', json: actionAnswer } },
        errors: [404, 409],
      },
      async (c) => {
        const { kind, id } = target(c);
        const reason = reasonOf(await bodyObject(c, true), false);
        return c.json(unwrap(acknowledgeProblem(core, kind, id, reason, supervisorOf(c), core.clock())));
      },
    )
    .post(
      '/exceptions/:kind/:id/resolve',
      {
        operationId: 'resolveException',
        summary: 'Resolve a problem: apply or discard a conflict, send a dead letter again; with a reason',
        description:
          'The action and its audit row are one transaction. A parked event cannot be resolved here (400 ' +
          'saying why: it applies by itself or becomes a conflict). A problem already resolved is a 409 ' +
          'naming who resolved it and when.',
        params: problemParams,
        body: { name: 'ProblemResolution', schema: resolveRequestSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 200: { description: 'Resolved', json: actionAnswer } },
        errors: [404, 409],
      },
      async (c) => {
        const { kind, id } = target(c);
        const body = await bodyObject(c, false);
        const action = body['action'];
        if (typeof action !== 'string' || !(RESOLVE_ACTIONS as readonly string[]).includes(action))
          throw new ApiError('BAD_REQUEST', `action: one of ${RESOLVE_ACTIONS.join(', ')}`);
        const reason = reasonOf(body, true) ?? '';
        const request = { action: action as ResolveAction, reason };
        return c.json(unwrap(resolveProblem(core, kind, id, request, supervisorOf(c), core.clock())));
      },
    );
}
