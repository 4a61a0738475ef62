/**
 * @module The edge server's HTTP surface: sub-apps per audience in one route table (the OpenAPI
 * document lists what it holds), one error handler that turns everything thrown into the
 * contract's error body, and a 500 only for our own bugs.
 */
import Database from 'better-sqlite3';
import type { Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER } from '../../shared/protocol';
import { ApiRoutes, documented } from './api-routes';
import type { AuthEnv } from './authenticate';
import { authenticate } from './authenticate';
import { DomainError } from '../errors';
import { ApiError, fromDomain } from './errors';
import { STORAGE_MESSAGES, storageProblem } from '../ops/storage-health';
import { securityHeaders } from './security-headers';
import { serveClient } from './static-app';
import { adminRoutes } from './routes/admin';
import type { CaPageSource } from './routes/ca';
import { caRoutes } from './routes/ca';
import { authRoutes } from './routes/auth';
import { enrollRoutes } from './routes/enroll';
import { eventRoutes } from './routes/events';
import { serviceRoutes } from './routes/service';
import { stationRoutes } from './routes/station';
import { supervisorRoutes } from './routes/supervisor';
import { liveRoutes } from './routes/live';
import { exceptionRoutes } from './routes/exceptions';
import { figureRoutes } from './routes/figures';
import { traceRoutes } from './routes/trace';
import { wallRoutes, wallSessionRoutes } from './routes/wall';
import type { EdgeCore } from '../edge';

export interface AppOptions {
  /** The certificate the HTTPS listener serves, for the CA page; null or absent when HTTPS is off. */
  https?: CaPageSource | null;
}

/** The Hono app a listener serves. */
export function createApp(core: EdgeCore, options: AppOptions = {}): Hono {
  return createApi(core, options).hono;
}

/** The app with its route table: every operation, as the OpenAPI document describes it. */
export function createApi(core: EdgeCore, options: AppOptions = {}): ApiRoutes {
  const api = new ApiRoutes();
  const app = api.hono;

  app.onError((error, c) => {
    const answer = asApiError(error, core);
    if (answer.code === 'INTERNAL') core.log.error({ err: error, path: c.req.path }, 'unhandled error');
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    return c.json(answer.body(), answer.status as 500);
  });
  app.notFound((c) => {
    const answer = new ApiError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`);
    return c.json(answer.body(), 404);
  });

  api.use(securityHeaders());
  api.use('/api/*', protocolVersion());
  // One log line and one counter per request; at debug level so a busy site's log stays readable.
  api.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath;
    core.metrics.requests.inc({ route, status: String(c.res.status) });
    core.log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  // A request that may have written: the consoles' change feed reads the change log once, now
  // (cheap when nothing changed; nothing at all while no console is open).
  api.use('/api/*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') core.live.poke();
  });

  // Health, metrics and the OpenAPI document of every operation registered here.
  api.route(
    '/',
    serviceRoutes(core, () => api.operations),
  );
  api.route('/api/v1/auth', authRoutes(core));
  // An enrollment link's one-time code is the credential there: no token yet.
  api.route('/api/v1', enrollRoutes(core));
  // A wall display's link: its secret is the credential there (SV-62).
  api.route('/api/v1/wall', wallSessionRoutes(core));

  const secured = new ApiRoutes<AuthEnv>().use(authenticate(core));
  secured.route('/events', eventRoutes(core));
  secured.route('/station', stationRoutes(core));
  secured.route('/admin', adminRoutes(core));
  secured.route('/supervisor', supervisorRoutes(core));
  secured.route('/supervisor/stream', liveRoutes(core));
  secured.route('/supervisor', exceptionRoutes(core));
  secured.route('/supervisor/trace', traceRoutes(core));
  secured.route('/supervisor/figures', figureRoutes(core));
  secured.route('/wall', wallRoutes(core));
  api.route('/api/v1', secured);
  api.route('/', caRoutes(options.https ?? null));
  serveClient(app);
  return api;
}

/** Everything thrown becomes the contract's error body; only our own bugs are a 500. */
function asApiError(error: unknown, core: EdgeCore): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return fromDomain(error);
  if (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')
  ) {
    // Another process held the database longer than busy_timeout: nothing was written; try again.
    return new ApiError('UNAVAILABLE', 'The database is busy; try again in a second', [], {
      'Retry-After': '1',
    });
  }
  const problem = storageProblem(error);
  if (problem) {
    // The disk, not a bug: the transaction rolled back, nothing of this request was stored.
    core.storage.failed(problem, core.clock());
    core.log.warn({ err: error }, 'storage problem');
    const full = problem === 'full';
    return new ApiError(
      full ? 'STORAGE_FULL' : 'UNAVAILABLE',
      `${STORAGE_MESSAGES[problem]}; nothing of this request was stored, send it again later`,
      [],
      { 'Retry-After': full ? '30' : '5' },
    );
  }
  return new ApiError('INTERNAL', 'Internal error; the server logged it');
}

/**
 * Every answer names the protocol version this server speaks; a caller that says it speaks
 * another (stations and forwarders send PROTOCOL_VERSION_HEADER) is refused before anything runs.
 */
function protocolVersion(): MiddlewareHandler {
  const check: MiddlewareHandler = async (c, next) => {
    c.header(PROTOCOL_VERSION_HEADER, String(PROTOCOL_VERSION));
    const spoken = c.req.header(PROTOCOL_VERSION_HEADER);
    if (spoken !== undefined && spoken.trim() !== String(PROTOCOL_VERSION)) {
      throw new ApiError(
        'UNSUPPORTED_PROTOCOL',
        `This edge server speaks protocol version ${PROTOCOL_VERSION}, not ${spoken.slice(0, 20)}: update the app or the upstream adapter`,
      );
    }
    await next();
  };
  return documented(check, {
    errors: [400],
    headers: [
      {
        name: PROTOCOL_VERSION_HEADER,
        description:
          'The protocol version the caller speaks (stations and forwarders send it); another one is refused',
        schema: z.literal(PROTOCOL_VERSION),
      },
    ],
  });
}
