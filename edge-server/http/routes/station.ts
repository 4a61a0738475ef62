/**
 * @module GET /api/v1/station/snapshot and /upstream: what a station needs offline, and what reached
 * upstream; POST /heartbeat: what the station reports of itself (SPEC SV-40 … SV-43).
 */
import { z } from 'zod';
import { snapshotSchema, upstreamStatusSchema } from '../../../shared/protocol';
import {
  MAX_HEARTBEAT_BYTES,
  MAX_REFUSED_REPORTED,
  heartbeatAnswerSchema,
  heartbeatSchema,
  refusedReportSchema,
  routingGraphSchema,
  snapshotTokenSchema,
} from '../../../shared/station-api';
import { readJsonBody } from '../body';
import { recordHeartbeat } from '../../station/heartbeat';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireStation, stationOf } from '../authenticate';
import { ApiError } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import { buildSnapshot } from '../../station/snapshot';

/** The ids a station may ask about at once. */
const MAX_IDS = 500;

export function stationRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.station] })
    .get(
      '/snapshot',
      {
        operationId: 'getStationSnapshot',
        summary:
          'Tokens at this station’s nodes, its nodes, routings and operators; a delta with ?since, or in full when that is cheaper',
        query: z.object({
          since: z
            .string()
            .optional()
            .describe(
              'The cursor of an earlier snapshot: only what changed since, and the ids that left (or, from an old cursor, the whole snapshot with full: true)',
            ),
        }),
        responses: {
          200: {
            description: 'The snapshot',
            json: {
              name: 'Snapshot',
              schema: snapshotSchema,
              parts: [
                { name: 'RoutingGraph', schema: routingGraphSchema },
                { name: 'SnapshotToken', schema: snapshotTokenSchema },
              ],
            },
          },
        },
        errors: [400],
      },
      requireStation,
      (c) => {
        const station = stationOf(c.get('principal'));
        const since = c.req.query('since');
        const language = core.config.stationLanguage;
        return c.json(buildSnapshot(core.db, core.reference, station, since, core.clock(), language));
      },
    )
    .get(
      '/upstream',
      {
        operationId: 'getStationUpstreamStatus',
        summary: 'Whether each of this station’s events reached the upstream (“posted upstream”)',
        query: z.object({
          ids: z.string().optional().describe(`Comma-separated event ids, at most ${MAX_IDS}`),
        }),
        responses: {
          200: {
            description: 'One status per id asked, in order',
            json: { name: 'UpstreamStatus', schema: upstreamStatusSchema },
          },
        },
        errors: [400],
      },
      requireStation,
      (c) => {
        const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean);
        if (ids.length > MAX_IDS) {
          throw new ApiError('BAD_REQUEST', `ids: at most ${MAX_IDS} event ids per request`);
        }
        const statuses = core.upstream.statusOf(stationOf(c.get('principal')).id, ids);
        return c.json({
          upstream: core.config.upstream.kind,
          events: ids.map((id) => ({ id, status: statuses.get(id) ?? 'unknown' })),
        });
      },
    )
    .post(
      '/heartbeat',
      {
        operationId: 'postStationHeartbeat',
        summary: 'What the station holds unsent, what it refused, its app version, storage and clock',
        description: `Sent after each sync that reached the server and at least every 30 s while it answers. Kept as the station's latest report (supervisors read it in GET /supervisor/stations and the board's completeness); each refused event named (at most ${MAX_REFUSED_REPORTED}, the most recent) becomes a problem of kind refused in the exceptions inbox, once per event id.`,
        body: {
          name: 'Heartbeat',
          schema: heartbeatSchema,
          parts: [{ name: 'RefusedReport', schema: refusedReportSchema }],
          maxBytes: MAX_HEARTBEAT_BYTES,
        },
        responses: {
          200: {
            description: 'Kept',
            json: { name: 'HeartbeatAnswer', schema: heartbeatAnswerSchema },
          },
        },
        errors: [400, 413],
      },
      requireStation,
      async (c) => {
        const station = stationOf(c.get('principal'));
        const parsed = heartbeatSchema.safeParse(await readJsonBody(c.req.raw, MAX_HEARTBEAT_BYTES));
        if (!parsed.success) {
          const where = parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.join('.') || 'the body'}: ${issue.message}`)
            .join('; ');
          throw new ApiError('BAD_REQUEST', `Not a heartbeat: ${where}`, parsed.error.issues);
        }
        const answer = recordHeartbeat(
          core.db,
          station.id,
          parsed.data,
          core.clock(),
          core.config.stationQuietSeconds,
        );
        return c.json(answer);
      },
    );
}
