/**
 * @module The edge server's HTTP surface: sub-apps per audience, one error handler that turns
 * everything thrown into the contract's error body, and a 500 only for our own bugs.
 */
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import type { AuthEnv } from './auth';
import { authenticate } from './auth';
import { ApiError } from './errors';
import { redeemEnrollment } from './enrollment';
import { readJsonBody } from './routes/body';
import { siteHealth } from './health';
import { STORAGE_MESSAGES, storageProblem } from './storage-health';
import { securityHeaders } from './routes/security-headers';
import { serveClient } from './static-app';
import { StationRevokedError } from './reference-data';
import { openApiDocument } from './openapi';
import { adminRoutes } from './routes/admin';
import type { CaPageSource } from './routes/ca';
import { caRoutes } from './routes/ca';
import { authRoutes } from './routes/auth';
import { eventRoutes } from './routes/events';
import { stationRoutes } from './routes/station';
import { supervisorRoutes } from './routes/supervisor';
import type { Site } from './site';

/** `https`: the certificate the HTTPS listener serves, for the CA page; null or absent when HTTPS is off. */
export function createApp(site: Site, options: { https?: CaPageSource | null } = {}): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof StationRevokedError) {
      return c.json({ error: { code: 'UNAUTHORIZED', message: error.message, details: [] } }, 401);
    }
    if (
      error instanceof Database.SqliteError &&
      (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')
    ) {
      // Another process held the database longer than busy_timeout: nothing was written; try again.
      c.header('Retry-After', '1');
      return c.json(
        {
          error: { code: 'UNAVAILABLE', message: 'The database is busy; try again in a second', details: [] },
        },
        503,
      );
    }
    const problem = storageProblem(error);
    if (problem) {
      // The disk, not a bug: the transaction rolled back, nothing of this request was stored.
      site.storage.failed(problem, site.clock());
      site.log.warn({ err: error, path: c.req.path }, 'storage problem');
      const full = problem === 'full';
      c.header('Retry-After', full ? '30' : '5');
      return c.json(
        {
          error: {
            code: full ? 'STORAGE_FULL' : 'UNAVAILABLE',
            message: `${STORAGE_MESSAGES[problem]}; nothing of this request was stored, send it again later`,
            details: [],
          },
        },
        full ? 507 : 503,
      );
    }
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.body(), error.status as 400);
    }
    site.log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(
      { error: { code: 'INTERNAL', message: 'Internal error; the server logged it', details: [] } },
      500,
    );
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'NOT_FOUND', message: `No route ${c.req.method} ${c.req.path}`, details: [] } },
      404,
    ),
  );

  app.use(securityHeaders());
  // One log line and one counter per request; at debug level so a busy site's log stays readable.
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath;
    site.metrics.requests.inc({ route, status: String(c.res.status) });
    site.log.debug(
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
    const health = siteHealth(site);
    return c.json(health, health.status === 'failing' ? 503 : 200);
  });
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/metrics', async (c) => {
    c.header('Content-Type', site.metrics.registry.contentType);
    return c.body(await site.metrics.registry.metrics());
  });
  app.route('/api/v1/auth', authRoutes(site));
  // An enrollment link's one-time code is the credential here: no token yet.
  app.post('/api/v1/enroll', async (c) => {
    const body = (await readJsonBody(c.req.raw, 4 * 1024)) as { code?: unknown } | null;
    if (typeof body?.code !== 'string' || body.code.length > 200) {
      throw new ApiError('BAD_REQUEST', 'code: the code of an enrollment link');
    }
    const enrolled = redeemEnrollment(site.db, body.code, site.clock().toISOString());
    site.reference.refresh();
    return c.json(enrolled);
  });

  const secured = new Hono<AuthEnv>().use(authenticate(site));
  secured.route('/events', eventRoutes(site));
  secured.route('/station', stationRoutes(site));
  secured.route('/admin', adminRoutes(site));
  secured.route('/supervisor', supervisorRoutes(site));
  app.route('/api/v1', secured);
  app.route('/', caRoutes(options.https ?? null));
  serveClient(app);
  return app;
}
