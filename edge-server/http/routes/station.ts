/** @module GET /api/v1/station/snapshot and /upstream: what a station needs offline, and what reached upstream. */
import { z } from 'zod';
import { snapshotSchema, upstreamStatusSchema } from '../../../shared/protocol';
import { routingGraphSchema, snapshotTokenSchema } from '../../../shared/station-api';
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
        summary: 'Tokens at this station’s nodes, its nodes, routings and operators; a delta with ?since',
        query: z.object({
          since: z
            .string()
            .optional()
            .describe('The cursor of an earlier snapshot: only what changed since, and the ids that left'),
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
    );
}
