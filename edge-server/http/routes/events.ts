/** @module POST /api/v1/events: a station pushes a batch (protocol.md "Push"); in hub mode, a site forwards its records. */
import { z } from 'zod';
import type { PushResponse } from '../../../shared/protocol';
import {
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_BATCH,
  appliedEventRecordSchema,
  describeIssues,
  hubAnswerSchema,
  pushRequestEnvelopeSchema,
  pushResponseSchema,
  siteEnvelopeSchema,
  stationEventSchema,
} from '../../../shared/protocol';
import { ApiRoutes } from '../api-routes';
import { TAGS } from '../openapi';
import type { AuthEnv } from '../authenticate';
import { requireStationOrSite, stationOf } from '../authenticate';
import { acceptSiteRecords } from '../../hub/intake';
import { ApiError, unwrap } from '../errors';
import { RateLimiter } from '../rate-limit';
import type { EdgeCore } from '../../edge';
import { readJsonBody } from '../body';

// What the document shows: the envelopes with the items they carry. The handler parses the
// envelope only, and each event or record on its own, so that one bad item never fails its batch.
const pushRequestSchema = pushRequestEnvelopeSchema.extend({
  events: z.array(stationEventSchema).max(MAX_EVENTS_PER_BATCH),
});
const siteRecordsSchema = siteEnvelopeSchema.extend({
  records: z.array(appliedEventRecordSchema).max(MAX_EVENTS_PER_BATCH),
});

const PUSH = { name: 'PushRequest', schema: pushRequestSchema };
const SITE_RECORDS = { name: 'SiteRecords', schema: siteRecordsSchema };

export function eventRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const limiter = new RateLimiter(core.config.stationRatePerSecond);
  return new ApiRoutes<AuthEnv>().post(
    '/',
    {
      operationId: 'pushEvents',
      summary: 'Push a batch of station events, or (hub mode) forward a site’s records',
      description: `A station sends ${PUSH.name}: one result per event, in request order; an event that fails the StationEvent schema is answered \`rejected\` INVALID_EVENT, never failing its batch. A 200 means every applied, duplicate and parked event is committed to disk. With a site credential (hub mode) the body is ${SITE_RECORDS.name} and each record is accepted, duplicate or rejected.`,
      tags: [TAGS.station, TAGS.hub],
      body: {
        name: 'EventsRequest',
        schema: z.union([pushRequestSchema, siteRecordsSchema]),
        parts: [PUSH, SITE_RECORDS],
        maxBytes: MAX_BODY_BYTES,
        description: `${PUSH.name} from a station, ${SITE_RECORDS.name} from a site; at most ${MAX_EVENTS_PER_BATCH} items`,
      },
      responses: {
        200: {
          description: 'One result per event (a station) or per record (a site), in request order',
          json: {
            name: 'EventsResponse',
            schema: z.union([pushResponseSchema, hubAnswerSchema]),
            parts: [
              { name: 'PushResponse', schema: pushResponseSchema },
              { name: 'HubAnswer', schema: hubAnswerSchema },
            ],
          },
        },
      },
      errors: [429],
    },
    requireStationOrSite,
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind === 'site') {
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
    },
  );
}
