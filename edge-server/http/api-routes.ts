/**
 * @module The route table: each operation is registered once, with what the OpenAPI document says
 * about it (openapi.ts builds the document from `operations`), so the routes Hono serves and the
 * routes the document lists cannot differ. Guards say what they ask for (`documented`), so each
 * operation's security comes from the middleware that enforces it.
 *
 * Why our own table, not @hono/zod-openapi (OpenAPIHono + createRoute): its validators read the
 * body with c.req.json(), past body.ts (no 1 MiB / 16 KiB / 4 MiB limit; a half-sent body throws its
 * HTTPException, which our onError would answer as a 500), refuse a missing or non-JSON
 * Content-Type with 415 where the contract says 400, and answer with their own error body unless
 * every route has a hook; and its generator calls `.meta()` on each schema, which the zod/mini ones
 * of shared/station-api.ts lack (it throws on snapshotSchema). Here handlers read and validate as before (body.ts, then a schema from
 * shared/ or the domain), and the document comes from those same schemas through zod's own
 * z.toJSONSchema, which takes mini schemas too.
 */
import type { Env, MiddlewareHandler } from 'hono';
import type { H } from 'hono/types';
import { Hono } from 'hono';
import { mergePath } from 'hono/utils/url';
import type { z } from 'zod';

export type Schema = z.core.$ZodType;

/** A schema with the name it has under components/schemas (client generators name their types so). */
export interface NamedSchema {
  name: string;
  schema: Schema;
  /** Schemas inside it that get names of their own (where they appear, a $ref). */
  parts?: readonly NamedSchema[];
}

export interface Tag {
  name: string;
  description: string;
}

export type SecurityScheme =
  'stationToken' | 'session' | 'consoleCookie' | 'siteCredential' | 'displayToken' | 'displayCookie';
/** One way to be let in: a scheme and, for sessions, the roles it needs (OpenAPI 3.1 allows role names). */
export type SecurityRequirement = Partial<Record<SecurityScheme, readonly string[]>>;

/** The 4xx an operation may answer, all with the contract's error body (5xx are on every operation). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429;

export interface Answer {
  description: string;
  /** A JSON body with this schema; without it and without `media`, no body. */
  json?: NamedSchema;
  /** A body of another media type (a page, a certificate). */
  media?: { type: string; binary?: boolean };
}

export interface OperationSpec {
  /** A verb phrase in camelCase, unique: what a generated client names its method. */
  operationId: string;
  summary: string;
  description?: string;
  /** The group's tags when not given. */
  tags?: readonly Tag[];
  /** Every `:name` of the path, as an object schema (its fields' descriptions are the parameters'). */
  params?: Schema;
  query?: Schema;
  /** A JSON body: what the handler accepts, and the limit it reads it with (body.ts). */
  body?: NamedSchema & { maxBytes: number; optional?: boolean; description?: string };
  /** The successful answers (and a documented non-error 5xx, like a failing health check). */
  responses: Partial<Record<200 | 201 | 204 | 503, Answer>>;
  errors?: readonly ErrorStatus[];
  /** Only for an operation no guard covers that still reads a credential (signing out). */
  security?: readonly SecurityRequirement[];
}

/** What a middleware adds to the operations it runs before. */
export interface MiddlewareDoc {
  /** What it lets through; the last guard before an operation decides. */
  security?: readonly SecurityRequirement[];
  errors?: readonly ErrorStatus[];
  /** Headers it reads. */
  headers?: readonly { name: string; description: string; schema: Schema }[];
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The full Hono path, `:name` parameters and all. */
  path: string;
  spec: OperationSpec;
  /** What the middleware it runs behind adds, outermost first. */
  middleware: readonly MiddlewareDoc[];
}

const middlewareDocs = new WeakMap<object, MiddlewareDoc>();

/** Marks a middleware with what it adds to the operations behind it (a guard: the security it checks). */
export function documented<M extends object>(middleware: M, doc: MiddlewareDoc): M {
  middlewareDocs.set(middleware, doc);
  return middleware;
}

/** Whether a Hono `use` pattern ('*', '/api/*', an exact path) covers a route path. */
function covers(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  if (pattern.endsWith('/*')) return path === pattern.slice(0, -2) || path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/** A Hono app whose routes are the operations it records; sub-tables mount with `route`, as in Hono. */
export class ApiRoutes<E extends Env = Env> {
  readonly hono = new Hono<E>();
  private readonly recorded: Operation[] = [];
  /** The documented middleware so far, with its pattern: it covers only routes added after it (Hono runs in order). */
  private readonly uses: { pattern: string; doc: MiddlewareDoc }[] = [];

  constructor(private readonly defaults: { tags?: readonly Tag[] } = {}) {}

  get operations(): readonly Operation[] {
    return this.recorded;
  }

  use(...handlers: MiddlewareHandler<E>[]): this;
  use(pattern: string, ...handlers: MiddlewareHandler<E>[]): this;
  use(first: string | MiddlewareHandler<E>, ...rest: MiddlewareHandler<E>[]): this {
    const [pattern, handlers] = typeof first === 'string' ? [first, rest] : ['*', [first, ...rest]];
    this.hono.use(pattern, ...handlers);
    for (const handler of handlers) {
      const doc = middlewareDocs.get(handler);
      if (doc) this.uses.push({ pattern, doc });
    }
    return this;
  }

  get<P extends string>(path: P, spec: OperationSpec, ...handlers: H<E, P>[]): this {
    return this.add('get', path, spec, handlers);
  }

  post<P extends string>(path: P, spec: OperationSpec, ...handlers: H<E, P>[]): this {
    return this.add('post', path, spec, handlers);
  }

  put<P extends string>(path: P, spec: OperationSpec, ...handlers: H<E, P>[]): this {
    return this.add('put', path, spec, handlers);
  }

  patch<P extends string>(path: P, spec: OperationSpec, ...handlers: H<E, P>[]): this {
    return this.add('patch', path, spec, handlers);
  }

  delete<P extends string>(path: P, spec: OperationSpec, ...handlers: H<E, P>[]): this {
    return this.add('delete', path, spec, handlers);
  }

  /** Mounts a sub-table under `prefix`, as Hono's `route` does, with its operations. */
  route<E2 extends Env>(prefix: string, child: ApiRoutes<E2>): this {
    this.hono.route(prefix, child.hono);
    for (const { spec, ...operation } of child.operations) {
      const tags = spec.tags ?? this.defaults.tags;
      const path = mergePath(prefix, operation.path);
      this.record({ ...operation, path, spec: tags ? { ...spec, tags } : spec }, operation.middleware);
    }
    return this;
  }

  private add<P extends string>(
    method: Operation['method'],
    path: P,
    spec: OperationSpec,
    handlers: H<E, P>[],
  ): this {
    // Hono's typed overloads take handlers one by one; the list is the same thing.
    this.hono.on(method.toUpperCase(), path, ...(handlers as [H<E, P>]));
    const own = handlers.flatMap((handler) => middlewareDocs.get(handler) ?? []);
    const tags = spec.tags ?? this.defaults.tags;
    this.record({ method, path, spec: tags ? { ...spec, tags } : spec, middleware: [] }, own);
    return this;
  }

  private record(operation: Operation, inner: readonly MiddlewareDoc[]): void {
    const outer = this.uses.filter((use) => covers(use.pattern, operation.path)).map((use) => use.doc);
    this.recorded.push({ ...operation, middleware: [...outer, ...inner] });
  }
}
