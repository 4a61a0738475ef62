/** @module The OpenAPI 3.1 description at /api/v1/openapi.json, its schemas generated from the zod ones. */
import { z } from 'zod';
import { errorBodySchema, pushResponseSchema, stationEventSchema } from '../../shared/protocol';
import { routingInputSchema } from '../../shared/routing-import';
import { addOperatorSchema, addUserSchema } from '../admin/people';
import { enrollStationSchema } from '../admin/stations';
import { createTicketSchema } from '../admin/tickets';
import { resolveSchema } from '../ingest/conflicts';

const schema = (s: z.core.$ZodType): unknown => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const json = (ref: string) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const anyJson = { content: { 'application/json': { schema: { type: 'object' } } } };
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: 'Error', ...json('Error') }]));

let cached: unknown;

export function openApiDocument(): unknown {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Scan station edge server',
      version: '1',
      description:
        'Wire contract v1 between stations, the edge server and upstream, plus admin and supervisor APIs.',
    },
    components: {
      securitySchemes: {
        stationToken: { type: 'http', scheme: 'bearer', description: 'A station token from enrollment' },
        session: { type: 'http', scheme: 'bearer', description: 'A session token from /api/v1/auth/login' },
        siteCredential: {
          type: 'http',
          scheme: 'bearer',
          description: 'A site credential from /api/v1/admin/sites (hub mode)',
        },
      },
      schemas: {
        Error: schema(errorBodySchema),
        StationEvent: schema(stationEventSchema),
        PushRequest: {
          type: 'object',
          required: ['stationClock', 'events'],
          properties: {
            stationClock: { type: 'string', format: 'date-time' },
            events: { type: 'array', maxItems: 500, items: { $ref: '#/components/schemas/StationEvent' } },
          },
        },
        PushResponse: schema(pushResponseSchema),
        Routing: schema(routingInputSchema),
        Ticket: schema(createTicketSchema),
        Station: schema(enrollStationSchema),
        StationEnrolled: {
          type: 'object',
          required: [
            'stationId',
            'name',
            'workCenter',
            'nodeCodes',
            'token',
            'enrollCode',
            'enrollExpiresAt',
            'enrollUrl',
            'enrollQrSvg',
          ],
          properties: {
            stationId: { type: 'integer' },
            name: { type: 'string' },
            workCenter: { type: ['string', 'null'] },
            nodeCodes: { type: 'array', items: { type: 'string' } },
            token: { type: 'string', description: 'The station token (shown once)' },
            enrollCode: { type: 'string', description: 'One-time code for POST /api/v1/enroll' },
            enrollExpiresAt: { type: 'string', format: 'date-time' },
            enrollUrl: {
              type: 'string',
              description: '<origin>/#enroll=<enrollCode>: opening it enrolls that browser',
            },
            enrollQrSvg: { type: 'string', description: 'enrollUrl as a QR code, an SVG document' },
          },
        },
        Operator: schema(addOperatorSchema),
        User: schema(addUserSchema),
        Resolution: schema(resolveSchema),
      },
    },
    paths: {
      '/api/v1/events': {
        post: {
          summary:
            'Push a batch of station events (at most 500, 1 MiB); one result per event, in order. With a site credential (hub mode) the body is {site, records} and each record is accepted, duplicate or rejected',
          security: [{ stationToken: [] }, { siteCredential: [] }],
          requestBody: json('PushRequest'),
          responses: {
            '200': { description: 'Committed', ...json('PushResponse') },
            ...errors(400, 401, 403, 413, 429),
          },
        },
      },
      '/api/v1/station/snapshot': {
        get: {
          summary:
            'Tokens at this station’s nodes, its nodes, routings and operators; a delta with ?since=<cursor>',
          security: [{ stationToken: [] }],
          parameters: [{ name: 'since', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': { description: 'Snapshot', ...anyJson }, ...errors(400, 401, 403) },
        },
      },
      '/api/v1/auth/login': {
        post: {
          summary: 'Sign in as a supervisor or admin; returns a session token',
          requestBody: anyJson,
          responses: { '200': { description: 'Session', ...anyJson }, ...errors(400, 401) },
        },
      },
      '/api/v1/auth/logout': {
        post: { summary: 'End the session', responses: { '204': { description: 'Done' } } },
      },
      '/api/v1/admin/routings': {
        post: {
          summary: 'Import (publish) a routing: a DAG or a linear task list',
          security: [{ session: [] }],
          requestBody: json('Routing'),
          responses: {
            '201': { description: 'Published', ...anyJson },
            '200': { description: 'Already published', ...anyJson },
            ...errors(400, 401, 403, 409),
          },
        },
      },
      '/api/v1/admin/tickets': {
        post: {
          summary: 'Create a job ticket and its tokens at the start node',
          security: [{ session: [] }],
          requestBody: json('Ticket'),
          responses: { '201': { description: 'Created', ...anyJson }, ...errors(400, 401, 403, 404, 409) },
        },
      },
      '/api/v1/admin/stations': {
        post: {
          summary:
            'Enroll a station. The token, the one-time enrollment link (enrollUrl, on the origin this request used) and its QR code (enrollQrSvg) are shown once: only hashes are kept',
          security: [{ session: [] }],
          requestBody: json('Station'),
          responses: {
            '201': { description: 'Enrolled', ...json('StationEnrolled') },
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
      '/api/v1/admin/stations/{name}': {
        delete: {
          summary: 'Revoke a station',
          security: [{ session: [] }],
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'Revoked' }, ...errors(401, 403, 404) },
        },
      },
      '/api/v1/admin/operators': {
        post: {
          summary: 'Add an operator (badge, optional PIN)',
          security: [{ session: [] }],
          requestBody: json('Operator'),
          responses: { '201': { description: 'Added', ...anyJson }, ...errors(400, 401, 403, 409) },
        },
      },
      '/api/v1/admin/users': {
        post: {
          summary: 'Add a supervisor or admin user',
          security: [{ session: [] }],
          requestBody: json('User'),
          responses: { '201': { description: 'Added', ...anyJson }, ...errors(400, 401, 403, 409) },
        },
      },
      '/api/v1/supervisor/queues': {
        get: {
          summary: 'Per node: waiting, active, paused and blocked tokens',
          security: [{ session: [] }],
          responses: { '200': { description: 'Queues', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/stations': {
        get: {
          summary: 'Stations’ sync health: last seen, seq gaps, clock skew, parked events',
          security: [{ session: [] }],
          responses: { '200': { description: 'Stations', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/conflicts': {
        get: {
          summary: 'Open conflicts (all with ?all)',
          security: [{ session: [] }],
          responses: { '200': { description: 'Conflicts', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/conflicts/{id}/resolve': {
        post: {
          summary: 'Apply anyway (as a manual move) or discard',
          security: [{ session: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          requestBody: json('Resolution'),
          responses: { '200': { description: 'Resolved', ...anyJson }, ...errors(400, 401, 403, 404, 409) },
        },
      },
      '/api/v1/supervisor/parked': {
        get: {
          summary: 'Events parked until their token is ready',
          security: [{ session: [] }],
          responses: { '200': { description: 'Parked', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/tokens/{code}': {
        get: {
          summary: 'The full history and genealogy of one serial',
          security: [{ session: [] }],
          parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'Trace', ...anyJson }, ...errors(401, 403, 404) },
        },
      },
      '/api/v1/enroll': {
        post: {
          summary:
            'Exchange an enrollment link’s one-time code ({code}) for this device’s station credential',
          requestBody: anyJson,
          responses: { '200': { description: '{station, token}', ...anyJson }, ...errors(400, 404) },
        },
      },
      '/api/v1/station/upstream': {
        get: {
          summary:
            'Forwarding status of this station’s events: pending, forwarded or dead (“posted upstream”)',
          security: [{ stationToken: [] }],
          parameters: [
            {
              name: 'ids',
              in: 'query',
              required: true,
              schema: { type: 'string' },
              description: 'comma-separated event ids (at most 500)',
            },
          ],
          responses: { '200': { description: 'Statuses', ...anyJson }, ...errors(400, 401, 403) },
        },
      },
      '/api/v1/supervisor/upstream': {
        get: {
          summary:
            'Upstream forwarding: sink, state, pending/forwarded/dead, lag, drain progress, recent activity',
          security: [{ session: [] }],
          responses: { '200': { description: 'Status', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/upstream/dead': {
        get: {
          summary: 'Events the upstream refused for good',
          security: [{ session: [] }],
          responses: { '200': { description: 'Dead letters', ...anyJson }, ...errors(401, 403) },
        },
      },
      '/api/v1/supervisor/upstream/dead/resend': {
        post: {
          summary: 'Send dead letters again: one ({outboxId}) or all ({})',
          security: [{ session: [] }],
          requestBody: anyJson,
          responses: {
            '200': { description: 'How many were queued again', ...anyJson },
            ...errors(400, 401, 403),
          },
        },
      },
      '/api/v1/admin/sites': {
        post: {
          summary: 'Hub mode: issue a credential for a site that forwards its events here (shown once)',
          security: [{ session: [] }],
          requestBody: anyJson,
          responses: { '201': { description: 'Credential', ...anyJson }, ...errors(400, 401, 403) },
        },
      },
      '/api/v1/health': {
        get: {
          summary: 'Liveness and schema version',
          responses: { '200': { description: 'OK', ...anyJson } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Metrics in text format' } },
        },
      },
      '/ca': {
        get: {
          summary:
            'The local CA page for tablets: SHA-256 fingerprint, download link, install steps (Android, iPad); also over plain HTTP from the LAN',
          responses: { '200': { description: 'HTML page', content: { 'text/html': {} } } },
        },
      },
      '/ca.crt': {
        get: {
          summary: 'The local CA certificate (DER, application/x-x509-ca-cert) to install on a tablet',
          responses: {
            '200': { description: 'Certificate', content: { 'application/x-x509-ca-cert': {} } },
            ...errors(404),
          },
        },
      },
      '/ca.pem': {
        get: {
          summary: 'The local CA certificate as PEM (NODE_EXTRA_CA_CERTS for a site forwarding to this hub)',
          responses: {
            '200': { description: 'Certificate', content: { 'application/x-pem-file': {} } },
            ...errors(404),
          },
        },
      },
    },
  };
  return cached;
}
