/**
 * @module The edge server's HTTP surface: sub-apps per audience, one error handler that turns
 * everything thrown into the contract's error body, and a 500 only for our own bugs.
 */
import Database from 'better-sqlite3';
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER } from '../../shared/protocol';
import type { AuthEnv } from './authenticate';
import { authenticate } from './authenticate';
import { DomainError } from '../errors';
import { ApiError, fromDomain, unwrap } from './errors';
import { redeemEnrollment } from '../admin/enrollment';
import { readJsonBody } from './body';
import { siteHealth } from './health';
import { STORAGE_MESSAGES, storageProblem } from '../ops/storage-health';
import { securityHeaders } from './security-headers';
import { serveClient } from './static-app';
import { openApiDocument } from './openapi';
import { adminRoutes } from './routes/admin';
import type { CaPageSource } from './routes/ca';
import { caRoutes } from './routes/ca';
import { authRoutes } from './routes/auth';
import { eventRoutes } from './routes/events';
import { stationRoutes } from './routes/station';
import { supervisorRoutes } from './routes/supervisor';
import type { EdgeCore } from '../edge';

/** `https`: the certificate the HTTPS listener serves, for the CA page; null or absent when HTTPS is off. */
export function createApp(core: EdgeCore, options: { https?: CaPageSource | null } = {}): Hono {
  const app = new Hono();

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

  app.use(securityHeaders());
  app.use('/api/*', protocolVersion());
  // One log line and one counter per request; at debug level so a busy site's log stays readable.
  app.use(async (c, next) => {
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

  app.get('/api/v1/health', (c) => {
    const health = siteHealth(core);
    return c.json(health, health.status === 'failing' ? 503 : 200);
  });
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/metrics', async (c) => {
    c.header('Content-Type', core.metrics.registry.contentType);
    return c.body(await core.metrics.registry.metrics());
  });
  app.route('/api/v1/auth', authRoutes(core));
  // An enrollment link's one-time code is the credential here: no token yet.
  app.post('/api/v1/enroll', async (c) => {
    const body = (await readJsonBody(c.req.raw, 4 * 1024)) as { code?: unknown } | null;
    if (typeof body?.code !== 'string' || body.code.length > 200) {
      throw new ApiError('BAD_REQUEST', 'code: the code of an enrollment link');
    }
    const enrolled = unwrap(redeemEnrollment(core.db, body.code, core.clock().toISOString()));
    core.reference.refresh();
    return c.json(enrolled);
  });

  const secured = new Hono<AuthEnv>().use(authenticate(core));
  secured.route('/events', eventRoutes(core));
  secured.route('/station', stationRoutes(core));
  secured.route('/admin', adminRoutes(core));
  secured.route('/supervisor', supervisorRoutes(core));
  app.route('/api/v1', secured);
  app.route('/', caRoutes(options.https ?? null));
  serveClient(app);
  return app;
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
  return async (c, next) => {
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
}
