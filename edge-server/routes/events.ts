/** @module POST /api/v1/events: a station pushes a batch (protocol.md "Push"). */
import { Hono } from 'hono';
import type { PushResponse } from '../../shared/protocol';
import { MAX_EVENTS_PER_BATCH, describeIssues, pushRequestEnvelopeSchema } from '../../shared/protocol';
import type { AuthEnv } from '../auth';
import { stationOf } from '../auth';
import { acceptSiteRecords } from '../hub';
import { ApiError } from '../errors';
import { RateLimiter } from '../rate-limit';
import type { Site } from '../site';
import { readJsonBody } from './body';

export function eventRoutes(site: Site): Hono<AuthEnv> {
  const limiter = new RateLimiter(site.config.stationRatePerSecond);
  return new Hono<AuthEnv>().post('/', async (c) => {
    const principal = c.get('principal');
    if (principal.kind === 'site') {
      // Hub mode: another site forwards its applied-event records here.
      const results = acceptSiteRecords(
        site.db,
        principal.site,
        await readJsonBody(c.req.raw),
        site.clock().toISOString(),
      );
      site.forwarder?.wake();
      return c.json({ results });
    }
    const station = stationOf(principal);
    const now = site.clock();
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
    const outcome = site.ingest(station, envelope.data.stationClock, envelope.data.events, now);
    site.metrics.batchSeconds.observe({ route: 'events' }, Number(process.hrtime.bigint() - started) / 1e9);
    for (const [status, n] of Object.entries(outcome.counts) as [string, number][]) {
      if (n > 0) site.metrics.events.inc({ status }, n);
    }
    site.storage.succeeded();
    site.forwarder?.wake();
    const response: PushResponse = { serverTime: site.clock().toISOString(), results: outcome.results };
    return c.json(response);
  });
}
