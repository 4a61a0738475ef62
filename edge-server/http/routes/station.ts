/** @module GET /api/v1/station/snapshot: what a station needs offline, full or as a delta. */
import { Hono } from 'hono';
import type { AuthEnv } from '../authenticate';
import { requireStation, stationOf } from '../authenticate';
import { ApiError } from '../errors';
import type { EdgeCore } from '../../edge';
import { buildSnapshot } from '../../station/snapshot';

export function stationRoutes(core: EdgeCore): Hono<AuthEnv> {
  return new Hono<AuthEnv>()
    .get('/snapshot', requireStation, (c) => {
      const station = stationOf(c.get('principal'));
      return c.json(buildSnapshot(core.db, core.reference, station, c.req.query('since'), core.clock()));
    })
    .get('/upstream', requireStation, (c) => {
      // "Posted upstream" for a station's own events: ?ids=<id>,<id>,... (at most 500).
      const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean);
      if (ids.length > 500) throw new ApiError('BAD_REQUEST', 'ids: at most 500 event ids per request');
      const statuses = core.upstream.statusOf(stationOf(c.get('principal')).id, ids);
      return c.json({
        upstream: core.config.upstream.kind,
        events: ids.map((id) => ({ id, status: statuses.get(id) ?? 'unknown' })),
      });
    });
}
