/** @module GET /api/v1/station/snapshot: what a station needs offline, full or as a delta. */
import { Hono } from 'hono';
import type { AuthEnv } from '../auth';
import { requireStation, stationOf } from '../auth';
import type { Site } from '../site';
import { buildSnapshot } from '../snapshot';

export function stationRoutes(site: Site): Hono<AuthEnv> {
  return new Hono<AuthEnv>().get('/snapshot', requireStation, (c) => {
    const station = stationOf(c.get('principal'));
    return c.json(buildSnapshot(site.db, site.reference, station, c.req.query('since'), site.clock()));
  });
}
