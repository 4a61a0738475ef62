/** @module POST /api/v1/events: a station pushes a batch (protocol.md "Push"). */
import { Hono } from 'hono';
import type { PushResponse } from '../../../shared/protocol';
import { MAX_EVENTS_PER_BATCH, describeIssues, pushRequestEnvelopeSchema } from '../../../shared/protocol';
import type { AuthEnv } from '../authenticate';
import { stationOf } from '../authenticate';
import { acceptSiteRecords } from '../../hub/intake';
import { ApiError, unwrap } from '../errors';
import { RateLimiter } from '../rate-limit';
import type { EdgeCore } from '../../edge';
import { readJsonBody } from '../body';

export function eventRoutes(core: EdgeCore): Hono<AuthEnv> {
  const limiter = new RateLimiter(core.config.stationRatePerSecond);
  return new Hono<AuthEnv>().post('/', async (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'site') {
      // Hub mode: another site forwards its applied-event records here.
      const results = unwrap(
        acceptSiteRecords(
          core.db,
          core.outboxSignal,
          principal.site,
          await readJsonBody(c.req.raw),
          core.clock().toISOString(),
        ),
      );
      return c.json({ results });
    }
    const station = stationOf(principal);
    const now = core.clock();
    const wait = limiter.take(station.name, now.getTime());
    if (wait > 0) {
      throw new ApiError(
        'RATE_LIMITED',
        `Too many requests from station ${station.name}; retry in ${wait} s`,
        [],
        {
          'Retry-After': String(wait),
        },
      );
    }
    const body = await readJsonBody(c.req.raw);
    const events = (body as { events?: unknown } | null)?.events;
    if (Array.isArray(events) && events.length > MAX_EVENTS_PER_BATCH) {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `A batch holds at most ${MAX_EVENTS_PER_BATCH} events; this one has ${events.length}. Send it in smaller batches`,
      );
    }
    const envelope = pushRequestEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new ApiError(
        'BAD_REQUEST',
        `Not a push request: ${describeIssues(envelope.error)}`,
        envelope.error.issues,
      );
    }
    const started = process.hrtime.bigint();
    const outcome = core.ingest(station, envelope.data.stationClock, envelope.data.events, now);
    core.metrics.batchSeconds.observe({ route: 'events' }, Number(process.hrtime.bigint() - started) / 1e9);
    for (const [status, n] of Object.entries(outcome.counts) as [string, number][]) {
      if (n > 0) core.metrics.events.inc({ status }, n);
    }
    core.storage.succeeded();
    const response: PushResponse = { serverTime: core.clock().toISOString(), results: outcome.results };
    return c.json(response);
  });
}
