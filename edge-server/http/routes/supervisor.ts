/** @module Supervisor API: queues, station health, conflicts (and their resolution), parked events, traces. */
import { Hono } from 'hono';
import { describeIssues } from '../../../shared/protocol';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { resolveConflict, resolveSchema } from '../../ingest/conflicts';
import { ApiError, unwrap } from '../errors';
import type { EdgeCore } from '../../edge';
import {
  listConflicts,
  listParked,
  stationHealth,
  stationQueues,
  traceToken,
} from '../../supervisor/queries';
import { upstreamStatus } from '../../forwarder/status';
import { readJsonBody } from '../body';

export function supervisorRoutes(core: EdgeCore): Hono<AuthEnv> {
  return new Hono<AuthEnv>()
    .use(requireRole('supervisor', 'admin'))
    .get('/queues', (c) => c.json({ nodes: stationQueues(core.db, core.clock()) }))
    .get('/stations', (c) =>
      c.json({ stations: stationHealth(core.db, core.config.clockSkewThresholdMs, core.clock()) }),
    )
    .get('/conflicts', (c) => c.json({ conflicts: listConflicts(core.db, c.req.query('all') === undefined) }))
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
      return c.json(unwrap(resolveConflict(core, id, parsed.data, principal, core.clock())));
    })
    .get('/parked', (c) => c.json({ parked: listParked(core.db) }))
    .get('/upstream', (c) => c.json(upstreamStatus(core, Number(c.req.query('activity') ?? 50))))
    .get('/upstream/dead', (c) => c.json({ dead: core.upstream.deadLetters() }))
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
      const resent = core.upstream.resend(id);
      return c.json({ resent });
    })
    .get('/tokens/:code', (c) => c.json(unwrap(traceToken(core.db, c.req.param('code'), core.archive))));
}
