/** @module GET /api/v1/health, /api/v1/openapi.json and /metrics: for monitors and integrators, no credentials. */
import { z } from 'zod';
import type { Operation } from '../api-routes';
import { ApiRoutes } from '../api-routes';
import { siteHealth, siteHealthSchema } from '../health';
import { errorBodySchema } from '../../../shared/protocol';
import { ApiError } from '../errors';
import type { OpenApiDocument } from '../openapi';
import { TAGS, openApiDocument } from '../openapi';
import type { EdgeCore } from '../../edge';

const HEALTH = { name: 'Health', schema: siteHealthSchema };
const FAILING_HEALTH = { name: 'FailingHealth', schema: errorBodySchema.extend(siteHealthSchema.shape) };

/** `operations`: every operation of the app, this document's own included, once they are all registered. */
export function serviceRoutes(core: EdgeCore, operations: () => readonly Operation[]): ApiRoutes {
  let document: OpenApiDocument | undefined;
  return new ApiRoutes({ tags: [TAGS.service] })
    .get(
      '/api/v1/health',
      {
        operationId: 'getHealth',
        summary: 'Whether this edge box can do its job: free disk space, whether writes succeed, warnings',
        responses: {
          200: { description: '`ok`, or `warning`: it works, but act soon', json: HEALTH },
          503: {
            description:
              '`failing`: it cannot store what stations send (the error body, and the health beside it)',
            json: FAILING_HEALTH,
          },
        },
      },
      (c) => {
        const health = siteHealth(core);
        if (health.status !== 'failing') return c.json(health, 200);
        // protocol.md: every non-2xx has the error body; the health goes beside it for monitors.
        const error = new ApiError(
          'UNAVAILABLE',
          health.warnings.join('; ') || 'this edge box cannot store events',
        );
        return c.json({ ...error.body(), ...health }, 503);
      },
    )
    .get(
      '/api/v1/openapi.json',
      {
        operationId: 'getOpenApiDocument',
        summary: 'This document: every route of this server, as OpenAPI 3.1',
        responses: {
          200: {
            description: 'The document, its server the origin it was asked on',
            json: {
              name: 'OpenApiDocument',
              schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
            },
          },
        },
      },
      (c) => {
        document ??= openApiDocument(operations());
        const servers = [{ ...document.servers[0], url: new URL(c.req.url).origin }];
        return c.json({ ...document, servers });
      },
    )
    .get(
      '/metrics',
      {
        operationId: 'getMetrics',
        summary:
          'Prometheus metrics: events by outcome, batch latency, parked and conflict counts, backlog, disk',
        responses: { 200: { description: 'The Prometheus text format', media: { type: 'text/plain' } } },
      },
      async (c) => {
        c.header('Content-Type', core.metrics.registry.contentType);
        return c.body(await core.metrics.registry.metrics());
      },
    );
}
