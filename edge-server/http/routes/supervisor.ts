/**
 * @module Supervisor API: the floor board, paged token lists, queues, station health, conflicts (and
 * their resolution), parked events, traces, forwarding.
 */
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
  boardActiveTokenSchema,
  boardNodeSchema,
  boardRoutingSchema,
  boardSchema,
  conflictPageSchema,
  conflictSchema,
  listedTokenSchema,
  MAX_PAGE_LIMIT,
  parkedEventSchema,
  parkedPageSchema,
  stationHealthSchema,
  stationReportSchema,
  stationsHealthSchema,
  tokenPageSchema,
} from '../../../shared/supervisor-api';
import type { FloorSettings } from '../../supervisor/board';
import { readBoard } from '../../supervisor/board';
import { listConflictsPage, listParkedPage, listTokens } from '../../supervisor/paging';
import {
  QUEUE_SHOWN,
  nodeQueueSchema,
  queuedTokenSchema,
  stationHealth,
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

/** The board's answer as the OpenAPI document names it (the wall's board is the same). */
export const FLOOR_BOARD_JSON: NamedSchema = {
  name: 'FloorBoard',
  schema: boardSchema,
  parts: [
    { name: 'BoardRouting', schema: boardRoutingSchema },
    { name: 'BoardNode', schema: boardNodeSchema },
    { name: 'BoardActiveToken', schema: boardActiveTokenSchema },
  ],
};

/** An answer `{<key>: [item, ...]}`, the item named too. */
const list = (name: string, key: string, item: NamedSchema): NamedSchema => ({
  name,
  schema: z.object({ [key]: z.array(item.schema) }),
  parts: [item],
});

/** `limit` and `after` of a paged list, as the OpenAPI document describes them. */
const pageQuery = {
  limit: z
    .string()
    .optional()
    .describe(`How many rows at most: 1 to ${MAX_PAGE_LIMIT} (100); anything else is a 400 naming limit`),
  after: z.string().optional().describe('The `next` cursor of the page before (none: the first page)'),
};

/** The query of a request as a plain record (only the first value of a repeated parameter). */
const queryOf = (c: { req: { query: () => Record<string, string> } }): Record<string, string | undefined> =>
  c.req.query();

export function supervisorRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const settings = core.config.floor;
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] })
    .use(requireRole('supervisor', 'admin'))
    .route('/', boardRoutes(core, settings))
    .route('/', floorRoutes(core))
    .route('/conflicts', conflictRoutes(core))
    .route('/upstream', forwardingRoutes(core));
}

/** The floor board and the paged token list (SPEC SV-1 … SV-5). */
function boardRoutes(core: EdgeCore, settings: FloorSettings): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/board',
      {
        operationId: 'getFloorBoard',
        summary:
          'The floor board: per routing its nodes in order, with counts, oldest wait, work done, flags',
        description:
          'Read from figures kept as events are applied, not from the tokens. `cursor` is the change ' +
          'counter the figures are at. Work done counts applied complete and qc_pass events, by the hour ' +
          'of their corrected device time; the shift begins at the last of SHIFT_HOURS (server local time).',
        query: z.object({
          routing: z.string().optional().describe('Only this routing (code)'),
          ticket: z.string().optional().describe('Only this ticket’s tokens and work (code)'),
          workCenter: z.string().optional().describe('Only nodes of this work center (code)'),
        }),
        responses: {
          200: {
            description: 'The board',
            json: FLOOR_BOARD_JSON,
          },
        },
        errors: [404],
      },
      (c) => {
        const q = queryOf(c);
        const filters = { routing: q['routing'], ticket: q['ticket'], workCenter: q['workCenter'] };
        return c.json(unwrap(readBoard(core.db, settings, filters, core.clock())));
      },
    )
    .get(
      '/tokens',
      {
        operationId: 'listTokens',
        summary: 'Tokens on the floor, longest-waiting first, filtered, a page at a time',
        query: z.object({
          routing: z.string().optional().describe('Only this routing (code, every version)'),
          node: z.string().optional().describe('Only tokens at this node code (needs routing)'),
          status: z
            .string()
            .optional()
            .describe('Statuses, comma-separated (ready,active,paused,waiting when absent)'),
          ticket: z.string().optional().describe('Only this ticket’s tokens (code)'),
          ...pageQuery,
        }),
        responses: {
          200: {
            description: 'A page of tokens; `next` is null on the last page',
            json: {
              name: 'TokenPage',
              schema: tokenPageSchema,
              parts: [{ name: 'ListedToken', schema: listedTokenSchema }],
            },
          },
        },
        errors: [400, 404],
      },
      (c) => {
        const page = unwrap(listTokens(core.db, queryOf(c), core.clock()));
        return c.json({ tokens: page.items, next: page.next });
      },
    );
}

/** What happens on the floor: queues, stations, parked events, one serial's history. */
function floorRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/queues',
      {
        operationId: 'listQueues',
        summary: 'Per node: waiting, active, paused and blocked tokens',
        description:
          `Each list holds the ${QUEUE_SHOWN} longest-waiting tokens; \`counts\` has how many there are. ` +
          'Page through all of a node’s tokens with GET /supervisor/tokens?routing=…&node=…&status=….',
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
        summary:
          'Stations’ health: last contact, reporting or quiet, unsent and refused events, seq gaps, clock skew, app version, storage',
        description:
          'Last contact is the later of a station’s last push and its last heartbeat; a station not heard ' +
          'from for longer than STATION_QUIET_SECONDS (`quietAfterSeconds`) is quiet ("not reporting"), ' +
          'one never heard from is never. `report` is its last heartbeat (null: none yet).',
        responses: {
          200: {
            description: 'Every station, by name',
            json: {
              name: 'StationsHealth',
              schema: stationsHealthSchema,
              parts: [
                { name: 'StationHealth', schema: stationHealthSchema },
                { name: 'StationReport', schema: stationReportSchema },
              ],
            },
          },
        },
      },
      (c) => {
        const now = core.clock();
        const settings = {
          quietAfterSeconds: core.config.stationQuietSeconds,
          clockSkewThresholdMs: core.config.clockSkewThresholdMs,
        };
        return c.json({
          generatedAt: now.toISOString(),
          quietAfterSeconds: settings.quietAfterSeconds,
          clockSkewThresholdSeconds: settings.clockSkewThresholdMs / 1000,
          stations: stationHealth(core.db, settings, now),
        });
      },
    )
    .get(
      '/parked',
      {
        operationId: 'listParked',
        summary: 'Events parked until their token is ready for them, oldest first, a page at a time',
        query: z.object({
          station: z.string().optional().describe('Only this station’s'),
          node: z.string().optional().describe('Only events at this node code'),
          reason: z.string().optional().describe('Only events parked for this reason code'),
          ...pageQuery,
        }),
        responses: {
          200: {
            description: 'A page of parked events; `next` is null on the last page',
            json: {
              name: 'Parked',
              schema: parkedPageSchema,
              parts: [{ name: 'ParkedEvent', schema: parkedEventSchema }],
            },
          },
        },
        errors: [400],
      },
      (c) => {
        const page = unwrap(listParkedPage(core.db, queryOf(c)));
        return c.json({ parked: page.items, next: page.next });
      },
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
        summary: 'Open conflicts (all of them with ?all), in the order they opened, a page at a time',
        query: z.object({
          all: z.string().optional().describe('Present (with any value, or none): resolved conflicts too'),
          station: z.string().optional().describe('Only events of this station'),
          node: z.string().optional().describe('Only events at this node code'),
          reason: z.string().optional().describe('Only conflicts with this reason code'),
          ...pageQuery,
        }),
        responses: {
          200: {
            description: 'A page of conflicts; `next` is null on the last page',
            json: {
              name: 'Conflicts',
              schema: conflictPageSchema,
              parts: [{ name: 'Conflict', schema: conflictSchema }],
            },
          },
        },
        errors: [400],
      },
      (c) => {
        const query = queryOf(c);
        const page = unwrap(listConflictsPage(core.db, { ...query, all: query['all'] !== undefined }));
        return c.json({ conflicts: page.items, next: page.next });
      },
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
