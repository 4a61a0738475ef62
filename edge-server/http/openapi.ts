/**
 * @module The OpenAPI 3.1 document at /api/v1/openapi.json, built from the route table
 * (api-routes.ts): paths and operations from the routes Hono serves, security from their guards,
 * schemas from the zod schemas the handlers and the domain parse with (z.toJSONSchema, which takes
 * zod/mini schemas too), every error with the contract's error body.
 */
import { z } from 'zod';
import type { ErrorCode } from '../../shared/protocol';
import {
  ERROR_CODES,
  MAX_EVENTS_PER_BATCH,
  PROTOCOL_VERSION,
  appliedEventRecordSchema,
  errorBodySchema,
  reasonSchema,
  stationEventSchema,
  tokenRefSchema,
} from '../../shared/protocol';
import { CONSOLE_COOKIE } from '../auth/console-cookie';
import { DISPLAY_COOKIE } from '../auth/display-cookie';
import type { Answer, ErrorStatus, NamedSchema, Operation, Schema, SecurityScheme, Tag } from './api-routes';

type Json = Record<string, unknown>;

/** The groups of operations, in the order the document lists them. */
export const TAGS = {
  station: {
    name: 'station',
    description:
      'What a station calls (protocol.md): push its events, pull its snapshot, see what reached upstream',
  },
  hub: {
    name: 'hub',
    description:
      'An edge server that is the upstream of other sites takes their records on POST /api/v1/events',
  },
  enrollment: {
    name: 'enrollment',
    description: 'A browser becomes a station: an enrollment link, and the certificate tablets trust',
  },
  auth: { name: 'auth', description: 'Supervisor and admin sessions' },
  admin: {
    name: 'admin',
    description:
      'Reference data: routings, job tickets, stations, operators, users, sites, wall displays (admin role)',
  },
  supervisor: {
    name: 'supervisor',
    description:
      'Queues, station health, conflicts, parked events, traces and forwarding (supervisor or admin)',
  },
  wall: {
    name: 'wall',
    description:
      'A wall display (a TV) reads the floor board and its live stream, with a credential an admin issues and revokes',
  },
  service: {
    name: 'service',
    description: 'Health, metrics and this document, for monitors and integrators',
  },
} as const satisfies Record<string, Tag>;

/** Parts several answers share, named so that a generated client has one type for each. */
const SHARED_PARTS: readonly NamedSchema[] = [
  { name: 'TokenRef', schema: tokenRefSchema },
  { name: 'Reason', schema: reasonSchema },
  { name: 'StationEvent', schema: stationEventSchema },
  { name: 'AppliedEventRecord', schema: appliedEventRecordSchema },
];

const SECURITY_SCHEMES: Record<SecurityScheme, Json> = {
  stationToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'A station token, from enrolling a station (POST /api/v1/admin/stations or /api/v1/enroll)',
  },
  session: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A session token from POST /api/v1/auth/login (12 h); the roles listed are those the operation needs',
  },
  consoleCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: CONSOLE_COOKIE,
    description:
      'The supervisor console’s session cookie from POST /api/v1/auth/console-login (HttpOnly, SameSite=Strict, 12 h), used when no Authorization header is sent. A request that changes something must also send an Origin header naming this server (CSRF), or it is refused with 403',
  },
  siteCredential: {
    type: 'http',
    scheme: 'bearer',
    description: 'A site credential from POST /api/v1/admin/sites: another site forwarding to this hub',
  },
  displayToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A wall display’s secret (dsp_…) from POST /api/v1/admin/displays: reads /api/v1/wall only, 403 elsewhere',
  },
  displayCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: DISPLAY_COOKIE,
    description:
      'A wall display’s cookie from POST /api/v1/wall/session (HttpOnly, SameSite=Strict, Path=/api/v1/wall): reads /api/v1/wall only, 403 elsewhere; revoking the display ends it at once',
  },
};

/** The shared error answers, by status; each lists the codes protocol.md and ERROR_CODES give it. */
const ERROR_RESPONSES: Record<ErrorStatus | 431 | '5XX', { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description:
      'The body or a parameter is not what this operation takes (the message names the field), or the caller speaks another protocol version',
  },
  401: { name: 'Unauthorized', description: 'No credential, or an unknown, expired or revoked one' },
  403: { name: 'Forbidden', description: 'A credential of another kind or role than this operation needs' },
  404: { name: 'NotFound', description: 'What the path or the body names does not exist here' },
  409: { name: 'Conflict', description: 'It contradicts what is already stored' },
  413: { name: 'PayloadTooLarge', description: 'The body is above its limit (or a batch above 500 items)' },
  429: { name: 'RateLimited', description: 'Too many requests; send again after Retry-After seconds' },
  431: {
    name: 'HeadersTooLarge',
    description: 'The request headers or URL are too large (answered by the listener, code BAD_REQUEST)',
  },
  '5XX': {
    name: 'ServerError',
    description:
      'A bug (500, the server logged it), or nothing of the request was stored because the database was busy, the disk failed (503) or is full (507): send it again after Retry-After seconds',
  },
};

const RETRY_AFTER = {
  description: 'Seconds to wait before sending again',
  schema: { type: 'integer', minimum: 1 },
};

const errorCodes = (status: ErrorStatus | '5XX'): ErrorCode[] =>
  (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) =>
    status === '5XX' ? ERROR_CODES[code] >= 500 : ERROR_CODES[code] === status,
  );

function errorResponse(status: ErrorStatus | 431 | '5XX'): Json {
  const { description } = ERROR_RESPONSES[status];
  const codes = status === 431 ? ['BAD_REQUEST'] : errorCodes(status);
  return {
    description: `${description}. Codes: ${codes.join(', ')}`,
    ...(status === 429 || status === '5XX' ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    content: { 'application/json': { schema: ref('Error') } },
  };
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** Schemas under their names, as JSON Schema (2020-12, which OpenAPI 3.1 uses); one name, one schema. */
class SchemaSet {
  private readonly input = z.registry<{ id: string }>();
  private readonly output = z.registry<{ id: string }>();
  private readonly byName = new Map<string, Schema>();

  /** `io`: a request body is described as it may be sent (defaults optional), an answer as it is sent. */
  add(named: NamedSchema, io: 'input' | 'output'): Json {
    const known = this.byName.get(named.name);
    if (known !== undefined && known !== named.schema) {
      throw new Error(`Two different schemas are both named ${named.name} in the OpenAPI document`);
    }
    this.byName.set(named.name, named.schema);
    (io === 'input' ? this.input : this.output).add(named.schema, { id: named.name });
    for (const part of named.parts ?? []) this.add(part, io);
    return ref(named.name);
  }

  toJson(): Record<string, Json> {
    for (const part of SHARED_PARTS) {
      this.byName.set(part.name, part.schema);
      this.input.add(part.schema, { id: part.name });
      this.output.add(part.schema, { id: part.name });
    }
    const convert = (registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output') =>
      z.toJSONSchema(registry, {
        io,
        unrepresentable: 'any',
        uri: (id) => `#/components/schemas/${id}`,
        override: ({ jsonSchema }) => {
          // An answer may gain fields in a later version: a client must not refuse them.
          if (io === 'output' && jsonSchema.additionalProperties === false) {
            delete jsonSchema.additionalProperties;
          }
          // z.int()'s safe-integer range is every integer a JSON number carries exactly: no news.
          if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
          if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
        },
      }).schemas as Record<string, Json>;
    const schemas: Record<string, Json> = {};
    for (const [name, schema] of [
      ...Object.entries(convert(this.input, 'input')),
      ...Object.entries(convert(this.output, 'output')),
    ]) {
      const { $schema: _schema, $id: _id, ...rest } = schema;
      const before = schemas[name];
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(rest)) {
        throw new Error(`${name} reads differently as a request and as an answer: name the two apart`);
      }
      schemas[name] = rest;
    }
    return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A schema of what a client sends, inline (a parameter, a header). */
function inline(schema: Schema): Json {
  const { $schema: _schema, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return json;
}

/** An object schema's fields as OpenAPI parameters, their descriptions the parameters'. */
function parameters(where: 'path' | 'query', schema: Schema | undefined): Json[] {
  if (!schema) return [];
  const json = inline(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...field }]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: field,
  }));
}

const formatBytes = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;

function answer(schemas: SchemaSet, { description, json, media }: Answer): Json {
  if (json) return { description, content: { 'application/json': { schema: schemas.add(json, 'output') } } };
  if (media) {
    const schema = media.binary ? { type: 'string', format: 'binary' } : { type: 'string' };
    return { description, content: { [media.type]: { schema } } };
  }
  return { description };
}

function operationObject(schemas: SchemaSet, { path, spec, middleware }: Operation): Json {
  const security = spec.security ?? middleware.findLast((doc) => doc.security)?.security ?? [];
  const errors = new Set<ErrorStatus>([
    ...middleware.flatMap((doc) => doc.errors ?? []),
    ...(spec.errors ?? []),
    ...(spec.body ? ([400, 413] as const) : []),
  ]);
  const pathParameters = parameters('path', spec.params);
  const named = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const documented = pathParameters.map((p) => p['name']);
  if (named.join() !== documented.join()) {
    throw new Error(
      `${path}: its params document ${documented.join(', ') || 'none'}, not ${named.join(', ')}`,
    );
  }
  const headers = middleware
    .flatMap((doc) => doc.headers ?? [])
    .map(({ name, description, schema }) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: inline(schema),
    }));
  const allParameters = [...pathParameters, ...parameters('query', spec.query), ...headers];
  // (Integer keys keep their numeric order in a JS object: 200, 201, 400, ..., then 5XX.)
  const responses: Record<string, Json> = {};
  for (const [status, value] of Object.entries(spec.responses)) responses[status] = answer(schemas, value);
  for (const status of errors) responses[String(status)] = errorRef(status);
  // Every request: headers too large for the listener, and the server's own failures.
  responses['431'] = errorRef(431);
  responses['5XX'] = errorRef('5XX');
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: (spec.tags ?? []).map((tag) => tag.name),
    security,
    ...(allParameters.length > 0 ? { parameters: allParameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: !spec.body.optional,
            description: `${spec.body.description ?? 'JSON'}, at most ${formatBytes(spec.body.maxBytes)}`,
            content: { 'application/json': { schema: schemas.add(spec.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

const errorRef = (status: ErrorStatus | 431 | '5XX'): Json => ({
  $ref: `#/components/responses/${ERROR_RESPONSES[status].name}`,
});

export interface OpenApiDocument extends Json {
  servers: { url: string; description?: string }[];
}

/** The document for these operations; `serverUrl` is where this edge server is reached. */
export function openApiDocument(operations: readonly Operation[], serverUrl = '/'): OpenApiDocument {
  const schemas = new SchemaSet();
  const paths: Record<string, Record<string, Json>> = {};
  const tags: readonly Tag[] = Object.values(TAGS);
  for (const operation of operations) {
    const unknownTag = operation.spec.tags?.find((tag) => !tags.includes(tag));
    if (unknownTag) throw new Error(`${operation.path}: tag ${unknownTag.name} is not one of TAGS`);
    const path = operation.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [operation.method]: operationObject(schemas, operation) };
  }
  schemas.add({ name: 'Error', schema: errorBodySchema }, 'output');
  const errorStatuses = Object.keys(ERROR_RESPONSES) as (keyof typeof ERROR_RESPONSES)[];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Scan station edge server',
      version: String(PROTOCOL_VERSION),
      summary:
        'Wire contract v1 between stations, the edge server and upstream, and the admin and supervisor APIs',
      description: `The station push and pull are protocol.md's wire contract v1 (at most ${MAX_EVENTS_PER_BATCH} events and 1 MiB per push). Every error answer has the body {"error": {"code", "message", "details"}}.`,
    },
    servers: [{ url: serverUrl, description: 'This edge server' }],
    tags: tags.filter((tag) => operations.some((o) => o.spec.tags?.includes(tag))),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: schemas.toJson(),
      responses: Object.fromEntries(
        errorStatuses.map((status) => [
          ERROR_RESPONSES[status].name,
          errorResponse(status === '5XX' ? '5XX' : (Number(status) as ErrorStatus | 431)),
        ]),
      ),
    },
  };
}
