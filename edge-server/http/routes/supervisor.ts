/** @module Supervisor API: queues, station health, conflicts (and their resolution), parked events, traces, forwarding. */
import { z } from 'zod';
import { describeIssues } from '../../../shared/protocol';
import type { NamedSchema } from '../api-routes';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { resolveConflict, resolveResultSchema, resolveSchema } from '../../ingest/conflicts';
import { ApiError, unwrap } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import {
  conflictSchema,
  listConflicts,
  listParked,
  nodeQueueSchema,
  parkedEventSchema,
  queuedTokenSchema,
  stationHealth,
  stationHealthSchema,
  stationQueues,
  tokenTraceSchema,
  traceToken,
} from '../../supervisor/queries';
import { deadLetterSchema, forwardingStatusSchema, upstreamStatus } from '../../forwarder/status';
import { readJsonBody } from '../body';

/** Small bodies: a decision and its note, an outbox id. */
const MAX_SMALL_BODY_BYTES = 16 * 1024;

const resendSchema = z.object(
  {
    outboxId: z
      .number({ error: "a dead letter's outbox id, or none to send them all again" })
      .int({ error: "a dead letter's outbox id, or none to send them all again" })
      .optional(),
  },
  { error: 'The body is {} for every dead letter, or {"outboxId": n} for one' },
);

/** An answer `{<key>: [item, ...]}`, the item named too. */
const list = (name: string, key: string, item: NamedSchema): NamedSchema => ({
  name,
  schema: z.object({ [key]: z.array(item.schema) }),
  parts: [item],
});

export function supervisorRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] })
    .use(requireRole('supervisor', 'admin'))
    .route('/', floorRoutes(core))
    .route('/conflicts', conflictRoutes(core))
    .route('/upstream', forwardingRoutes(core));
}

/** What happens on the floor: queues, stations, parked events, one serial's history. */
function floorRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/queues',
      {
        operationId: 'listQueues',
        summary: 'Per node: waiting, active, paused and blocked tokens',
        responses: {
          200: {
            description: 'The queues',
            json: list('Queues', 'nodes', {
              name: 'NodeQueue',
              schema: nodeQueueSchema,
              parts: [{ name: 'QueuedToken', schema: queuedTokenSchema }],
            }),
          },
        },
      },
      (c) => c.json({ nodes: stationQueues(core.db, core.clock()) }),
    )
    .get(
      '/stations',
      {
        operationId: 'listStationHealth',
        summary: 'Stations’ sync health: last seen, seq gaps, clock skew, parked events',
        responses: {
          200: {
            description: 'Every station',
            json: list('StationsHealth', 'stations', { name: 'StationHealth', schema: stationHealthSchema }),
          },
        },
      },
      (c) => c.json({ stations: stationHealth(core.db, core.config.clockSkewThresholdMs, core.clock()) }),
    )
    .get(
      '/parked',
      {
        operationId: 'listParked',
        summary: 'Events parked until their token is ready for them',
        responses: {
          200: {
            description: 'Parked events',
            json: list('Parked', 'parked', { name: 'ParkedEvent', schema: parkedEventSchema }),
          },
        },
      },
      (c) => c.json({ parked: listParked(core.db) }),
    )
    .get(
      '/tokens/:code',
      {
        operationId: 'traceToken',
        summary: 'The full history and genealogy of one serial, archived events included',
        params: z.object({ code: z.string().describe('The serial (a root token’s code)') }),
        responses: {
          200: { description: 'The trace', json: { name: 'TokenTrace', schema: tokenTraceSchema } },
        },
        errors: [404],
      },
      (c) => c.json(unwrap(traceToken(core.db, c.req.param('code'), core.archive))),
    );
}

function conflictRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/',
      {
        operationId: 'listConflicts',
        summary: 'Open conflicts (all of them with ?all)',
        query: z.object({
          all: z.string().optional().describe('Present (with any value, or none): resolved conflicts too'),
        }),
        responses: {
          200: {
            description: 'Conflicts',
            json: list('Conflicts', 'conflicts', { name: 'Conflict', schema: conflictSchema }),
          },
        },
      },
      (c) => c.json({ conflicts: listConflicts(core.db, c.req.query('all') === undefined) }),
    )
    .post(
      '/:id/resolve',
      {
        operationId: 'resolveConflict',
        summary: 'Apply a conflict’s event anyway (as a manual move) or discard it',
        params: z.object({ id: z.int().positive().describe('The conflict’s id (anything else: 404)') }),
        body: { name: 'Resolution', schema: resolveSchema, maxBytes: MAX_SMALL_BODY_BYTES },
        responses: {
          200: { description: 'Resolved', json: { name: 'Resolved', schema: resolveResultSchema } },
        },
        errors: [404, 409],
      },
      async (c) => {
        const id = Number(c.req.param('id'));
        if (!Number.isSafeInteger(id) || id <= 0)
          throw new ApiError('NOT_FOUND', `No conflict ${c.req.param('id')}`);
        const parsed = resolveSchema.safeParse(await readJsonBody(c.req.raw, MAX_SMALL_BODY_BYTES));
        if (!parsed.success)
          throw new ApiError('BAD_REQUEST', `Invalid resolution: ${describeIssues(parsed.error)}`);
        const principal = c.get('principal');
        if (principal.kind !== 'user')
          throw new ApiError('FORBIDDEN', 'Only a supervisor may resolve conflicts');
        return c.json(unwrap(resolveConflict(core, id, parsed.data, principal, core.clock())));
      },
    );
}

/** Forwarding to the upstream: its status and the records it refused. */
function forwardingRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/',
      {
        operationId: 'getForwardingStatus',
        summary:
          'Upstream forwarding: sink, state, pending/forwarded/dead, lag, drain progress, recent activity',
        query: z.object({
          activity: z.int().min(1).max(1000).optional().describe('How many recent sends to list (50)'),
        }),
        responses: {
          200: {
            description: 'The status',
            json: { name: 'ForwardingStatus', schema: forwardingStatusSchema },
          },
        },
      },
      (c) => c.json(upstreamStatus(core, Number(c.req.query('activity') ?? 50))),
    )
    .get(
      '/dead',
      {
        operationId: 'listDeadLetters',
        summary: 'Records the upstream refused for good',
        responses: {
          200: {
            description: 'Dead letters',
            json: list('DeadLetters', 'dead', { name: 'DeadLetter', schema: deadLetterSchema }),
          },
        },
      },
      (c) => c.json({ dead: core.upstream.deadLetters() }),
    )
    .post(
      '/dead/resend',
      {
        operationId: 'resendDeadLetters',
        summary: 'Send dead letters again: one ({"outboxId": n}) or all (no body, or {})',
        body: { name: 'Resend', schema: resendSchema, maxBytes: MAX_SMALL_BODY_BYTES, optional: true },
        responses: {
          200: {
            description: 'How many were queued again',
            json: { name: 'Resent', schema: z.object({ resent: z.int() }) },
          },
        },
      },
      async (c) => {
        const read = await readJsonBody(c.req.raw, MAX_SMALL_BODY_BYTES, { optional: true });
        const parsed = resendSchema.safeParse(read === undefined ? {} : read);
        if (!parsed.success) throw new ApiError('BAD_REQUEST', describeIssues(parsed.error));
        return c.json({ resent: core.upstream.resend(parsed.data.outboxId) });
      },
    );
}
