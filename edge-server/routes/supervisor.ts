/** @module Supervisor API: queues, station health, conflicts (and their resolution), parked events, traces. */
import { Hono } from 'hono';
import { describeIssues } from '../../shared/protocol';
import type { AuthEnv } from '../auth';
import { requireRole } from '../auth';
import { resolveConflict, resolveSchema } from '../conflicts';
import { ApiError } from '../errors';
import type { Site } from '../site';
import { listConflicts, listParked, stationHealth, stationQueues, traceToken } from '../supervisor';
import { upstreamStatus } from '../forwarder/status';
import { readJsonBody } from './body';

export function supervisorRoutes(site: Site): Hono<AuthEnv> {
  return new Hono<AuthEnv>()
    .use(requireRole('supervisor', 'admin'))
    .get('/queues', (c) => c.json({ nodes: stationQueues(site.db, site.clock()) }))
    .get('/stations', (c) =>
      c.json({ stations: stationHealth(site.db, site.config.clockSkewThresholdMs, site.clock()) }),
    )
    .get('/conflicts', (c) => c.json({ conflicts: listConflicts(site.db, c.req.query('all') === undefined) }))
    .post('/conflicts/:id/resolve', async (c) => {
      const id = Number(c.req.param('id'));
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new ApiError('NOT_FOUND', `No conflict ${c.req.param('id')}`);
      const parsed = resolveSchema.safeParse(await readJsonBody(c.req.raw, 16 * 1024));
      if (!parsed.success)
        throw new ApiError('BAD_REQUEST', `Invalid resolution: ${describeIssues(parsed.error)}`);
      const principal = c.get('principal');
      if (principal.kind !== 'user')
        throw new ApiError('FORBIDDEN', 'Only a supervisor may resolve conflicts');
      return c.json(resolveConflict(site, id, parsed.data, principal, site.clock()));
    })
    .get('/parked', (c) => c.json({ parked: listParked(site.db) }))
    .get('/upstream', (c) => c.json(upstreamStatus(site, Number(c.req.query('activity') ?? 50))))
    .get('/upstream/dead', (c) => c.json({ dead: site.upstream.deadLetters() }))
    .post('/upstream/dead/resend', async (c) => {
      // No body or {} sends every dead letter again; {"outboxId": n} sends one.
      const read = await readJsonBody(c.req.raw, 16 * 1024, { optional: true });
      const body = read === undefined ? {} : read;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ApiError('BAD_REQUEST', 'The body is {} for every dead letter, or {"outboxId": n} for one');
      }
      const id = (body as { outboxId?: unknown }).outboxId;
      if (id !== undefined && (typeof id !== 'number' || !Number.isSafeInteger(id))) {
        throw new ApiError(
          'BAD_REQUEST',
          "outboxId: a dead letter's outbox id, or none to send them all again",
        );
      }
      const resent = site.upstream.resend(id);
      site.forwarder?.wake();
      return c.json({ resent });
    })
    .get('/tokens/:code', (c) => c.json(traceToken(site.db, c.req.param('code'), site.archive)));
}
