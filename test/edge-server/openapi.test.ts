/**
 * The OpenAPI document at /api/v1/openapi.json is generated from the route table: every route the
 * app serves is in it, each operation says who may call it and what goes wrong (a 4xx at least, all
 * with the error body), every answer a demo site gives matches its documented schema, and Redocly's
 * recommended rules pass (`npm run lint:openapi`, as `npm run check` runs it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorBodySchema } from '../../shared/protocol';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import type { Operation } from '../../edge-server/http/api-routes';
import { createApi, createApp } from '../../edge-server/http/app';
import { loadFixture } from '../../edge-server/ops/demo';
import type { TestEdge } from '../support/edge';
import { startTestEdge, stationEvent } from '../support/edge';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let edge: TestEdge;
let doc: any;

beforeAll(async () => {
  edge = await startTestEdge();
  const res = await fetch(`${edge.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  doc = await res.json();
});

afterAll(async () => {
  await edge?.close();
});

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** Every operation of the document: [method, path, operation object]. */
function documentedOperations(): [string, string, any][] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, any] => [method, path, operation]),
  );
}

describe('the served document', () => {
  it('HT-5: is OpenAPI 3.1 whose server is the origin it was asked on', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '1' });
    expect(doc.servers).toEqual([{ url: edge.url, description: expect.any(String) }]);
  });

  it('HT-5: documents every route the app serves, and no other', () => {
    const served = createApp(edge.core)
      .routes // middleware is ALL; GET /* serves the station app's files (static-app.ts), not the API
      .filter((route) => route.method !== 'ALL' && route.path !== '/*')
      .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
    const documented = documentedOperations().map(([method, path]) => `${method} ${path}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toHaveLength(new Set(documented).size);
    for (const route of [
      'post /api/v1/events',
      'get /api/v1/station/snapshot',
      'get /api/v1/health',
      'get /api/v1/openapi.json',
      'get /metrics',
      'post /api/v1/enroll',
      'get /ca',
      'get /ca.crt',
      'get /ca.pem',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('HT-5: gives each operation a unique operationId, a summary, declared tags, its security and a 4xx with the error body', () => {
    const tags = new Set(doc.tags.map((tag: { name: string }) => tag.name));
    const ids = documentedOperations().map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [method, path, operation] of documentedOperations()) {
      const where = `${method} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, where).toEqual(expect.any(String));
      expect(operation.tags.length, where).toBeGreaterThan(0);
      for (const tag of operation.tags) expect(tags.has(tag), `${where}: tag ${tag}`).toBe(true);
      expect(Array.isArray(operation.security), where).toBe(true);
      const statuses = Object.keys(operation.responses);
      // /metrics and /ca have one 4xx only: the listener's 431 for oversized headers, true of every route.
      expect(
        statuses.some((status) => /^4\d\d$/.test(status)),
        where,
      ).toBe(true);
      for (const status of statuses.filter(
        (s) => /^[45]/.test(s) && !(path === '/api/v1/health' && s === '503'),
      )) {
        const answer = resolve(operation.responses[status]);
        expect(answer.content['application/json'].schema, `${where} ${status}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
    }
  });

  it('HT-5, AU-1: asks for the credential each audience has, and none on public operations', () => {
    const security = (method: string, path: string) => doc.paths[path][method].security;
    expect(security('post', '/api/v1/events')).toEqual([{ stationToken: [] }, { siteCredential: [] }]);
    expect(security('get', '/api/v1/station/snapshot')).toEqual([{ stationToken: [] }]);
    expect(security('post', '/api/v1/station/heartbeat')).toEqual([{ stationToken: [] }]);
    expect(security('post', '/api/v1/admin/routings')).toEqual([
      { session: ['admin'] },
      { consoleCookie: ['admin'] },
    ]);
    expect(security('get', '/api/v1/supervisor/queues')).toEqual([
      { session: ['supervisor', 'admin'] },
      { consoleCookie: ['supervisor', 'admin'] },
    ]);
    expect(security('get', '/api/v1/supervisor/figures')).toEqual([
      { session: ['supervisor', 'admin'] },
      { consoleCookie: ['supervisor', 'admin'] },
    ]);
    expect(security('get', '/api/v1/supervisor/stream')).toEqual([
      { session: ['supervisor', 'admin'] },
      { consoleCookie: ['supervisor', 'admin'] },
    ]);
    expect(security('get', '/api/v1/wall/board')).toEqual([
      { displayCookie: [] },
      { displayToken: [] },
      { session: ['supervisor', 'admin'] },
      { consoleCookie: ['supervisor', 'admin'] },
    ]);
    for (const [method, path] of [
      ['put', '/api/v1/admin/routings/{code}/nodes/{node}/target'],
      ['delete', '/api/v1/admin/routings/{code}/nodes/{node}/target'],
      ['get', '/api/v1/admin/targets'],
      ['get', '/api/v1/admin/changes'],
      ['get', '/api/v1/admin/stations'],
      ['post', '/api/v1/admin/stations/{name}/link'],
      ['get', '/api/v1/admin/operators'],
      ['patch', '/api/v1/admin/operators/{badge}'],
      ['get', '/api/v1/admin/users'],
      ['get', '/api/v1/admin/routings'],
      ['get', '/api/v1/admin/routings/{code}/versions/{version}'],
      ['post', '/api/v1/admin/routings/check'],
      ['get', '/api/v1/admin/printers'],
      ['post', '/api/v1/admin/printers'],
      ['patch', '/api/v1/admin/printers/{name}'],
      ['delete', '/api/v1/admin/printers/{name}'],
      ['get', '/api/v1/admin/print-jobs'],
      ['post', '/api/v1/admin/print-jobs'],
      ['post', '/api/v1/admin/print-jobs/{id}/reprint'],
      ['post', '/api/v1/admin/print-jobs/{id}/retry'],
      ['get', '/api/v1/admin/tickets'],
      ['get', '/api/v1/admin/tickets/{code}'],
      ['get', '/api/v1/admin/serials/next'],
    ] as const) {
      expect(security(method, path), `${method} ${path}`).toEqual([
        { session: ['admin'] },
        { consoleCookie: ['admin'] },
      ]);
    }
    expect(security('get', '/api/v1/admin/displays')).toEqual([
      { session: ['admin'] },
      { consoleCookie: ['admin'] },
    ]);
    for (const [method, path] of [
      ['post', '/api/v1/wall/session'],
      ['get', '/api/v1/health'],
      ['get', '/api/v1/openapi.json'],
      ['get', '/metrics'],
      ['post', '/api/v1/auth/login'],
      ['post', '/api/v1/auth/console-login'],
      ['post', '/api/v1/enroll'],
      ['get', '/ca'],
      ['get', '/ca.crt'],
      ['get', '/ca.pem'],
    ] as const) {
      expect(security(method, path), `${method} ${path}`).toEqual([]);
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(
      ['consoleCookie', 'displayCookie', 'displayToken', 'session', 'siteCredential', 'stationToken'].sort(),
    );
  });

  it('HT-5: resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(resolve({ $ref: ref }), ref).toBeDefined();
  });

  it('HT-5: takes the request bodies from the schemas the handlers and the domain parse with', () => {
    const body = (method: string, path: string) =>
      doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('post', '/api/v1/events')).toEqual({ $ref: '#/components/schemas/EventsRequest' });
    expect(resolve(body('post', '/api/v1/events')).anyOf).toEqual([
      { $ref: '#/components/schemas/PushRequest' },
      { $ref: '#/components/schemas/SiteRecords' },
    ]);
    expect(doc.components.schemas.PushRequest.properties.events.items).toEqual({
      $ref: '#/components/schemas/StationEvent',
    });
    expect(doc.components.schemas.StationEvent.required).toEqual(
      expect.arrayContaining(['id', 'seq', 'type', 'code', 'nodeCode', 'operatorBadge', 'occurredAt']),
    );
    expect(body('post', '/api/v1/admin/routings')).toEqual({ $ref: '#/components/schemas/Routing' });
    expect(body('post', '/api/v1/supervisor/conflicts/{id}/resolve')).toEqual({
      $ref: '#/components/schemas/Resolution',
    });
    expect(doc.paths['/api/v1/supervisor/upstream/dead/resend'].post.requestBody.required).toBe(false);
  });
});

function resolve(value: any): any {
  if (typeof value?.$ref !== 'string') return value;
  const target = (value.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return resolve(target);
}

describe('answers match the document', () => {
  it('HT-5: every operation, called on a demo site, answers a documented status with its documented schema', async () => {
    const operations = new Map<string, Operation>(
      createApi(edge.core).operations.map((operation) => [operation.spec.operationId, operation]),
    );
    const checked = new Set<string>();
    const admin = await edge.login('admin');
    const supervisor = await edge.login('supervisor');
    const station = edge.stationToken('WC-SEW');

    async function call(
      operationId: string,
      path: string,
      options: { token?: string; body?: unknown } = {},
    ): Promise<any> {
      const operation = operations.get(operationId);
      if (!operation) throw new Error(`no operation ${operationId}`);
      const res = await fetch(`${edge.url}${path}`, {
        method: operation.method.toUpperCase(),
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await res.text();
      const where = `${operationId}: ${res.status} ${text.slice(0, 300)}`;
      const documented = doc.paths[openApiPath(operation.path)][operation.method].responses;
      expect(Object.keys(documented), where).toContain(String(res.status));
      const answer = operation.spec.responses[res.status as 200];
      if (answer?.json) {
        const parsed = z.safeParse(answer.json.schema, JSON.parse(text));
        expect(parsed.error?.issues ?? [], where).toEqual([]);
      } else if (answer?.media) {
        expect(res.headers.get('content-type') ?? '', where).toContain(answer.media.type);
      } else if (res.status >= 400) {
        expect(errorBodySchema.safeParse(JSON.parse(text)).success, where).toBe(true);
      } else {
        expect(text, where).toBe('');
      }
      checked.add(operationId);
      return text === '' || !answer?.json ? text : JSON.parse(text);
    }

    await call('getHealth', '/api/v1/health');
    await call('getOpenApiDocument', '/api/v1/openapi.json');
    await call('getMetrics', '/metrics');
    await call('login', '/api/v1/auth/login', { body: edge.demo.supervisor });
    // The demo site has its admin: the setup form is not needed, and a first admin is a 409.
    await call('getFirstAdminSetup', '/api/v1/auth/first-admin');
    await call('createFirstAdmin', '/api/v1/auth/first-admin', {
      body: { code: 'AAAA-BBBB-CCCC', username: 'oa-first', password: 'a-long-password' },
    });
    await call('consoleLogin', '/api/v1/auth/console-login', { body: edge.demo.supervisor });
    await call('getCaPage', '/ca');
    await call('getCaCertificate', '/ca.crt'); // HTTPS is off here: 404
    await call('getCaPem', '/ca.pem');

    // A station: one event applied, two parked (one of which becomes a conflict).
    const push = (events: unknown[]) =>
      call('pushEvents', '/api/v1/events', {
        token: station,
        body: { stationClock: new Date().toISOString(), events },
      });
    const first = stationEvent({ seq: 1, type: 'start', code: 'WL-DEMO-0002', nodeCode: 'SEW' });
    expect((await push([first])).results[0].status).toBe('parked');
    expect(expireParkedEvents(edge.core, new Date(Date.now() + 365 * 86_400_000))).toBe(1);
    const second = stationEvent({ seq: 2, type: 'start', code: 'WL-DEMO-0003', nodeCode: 'SEW' });
    expect((await push([second])).results[0].status).toBe('parked');
    await call('getStationSnapshot', '/api/v1/station/snapshot', { token: station });
    await call(
      'getStationUpstreamStatus',
      `/api/v1/station/upstream?ids=${String(first['id'])},${String(second['id'])}`,
      {
        token: station,
      },
    );
    await call('postStationHeartbeat', '/api/v1/station/heartbeat', {
      token: station,
      body: {
        stationClock: new Date().toISOString(),
        appVersion: 'build test',
        pending: 0,
        oldestPendingAt: null,
        refusedCount: 0,
        refused: [],
        storage: null,
        onlineSince: null,
      },
    });

    // Admin.
    const routing = loadFixture('routing-bag-dag.json') as { code: string };
    await call('publishRouting', '/api/v1/admin/routings', { token: admin, body: routing });
    await call('checkRouting', '/api/v1/admin/routings/check', { token: admin, body: routing });
    await call('listRoutings', '/api/v1/admin/routings', { token: admin });
    await call('getRoutingVersion', '/api/v1/admin/routings/BAG-TOTE/versions/3', { token: admin });
    await call('createTicket', '/api/v1/admin/tickets', {
      token: admin,
      body: { code: 'OA-1', routing: routing.code, qty: 2 },
    });
    await call('listTickets', '/api/v1/admin/tickets?limit=2', { token: admin });
    await call('getTicket', '/api/v1/admin/tickets/OA-1', { token: admin });
    await call('previewSerials', '/api/v1/admin/serials/next?prefix=OA-1-&qty=2', { token: admin });
    const enrolled = await call('enrollStation', '/api/v1/admin/stations', {
      token: admin,
      body: { name: 'OA-STATION', workCenter: 'WC-CUT' },
    });
    await call('redeemEnrollment', '/api/v1/enroll', { body: { code: enrolled.enrollCode } });
    await call('setStationLanguage', '/api/v1/admin/stations/OA-STATION', {
      token: admin,
      body: { language: 'th' },
    });
    await call('listStations', '/api/v1/admin/stations', { token: admin });
    await call('newStationLink', '/api/v1/admin/stations/OA-STATION/link', { token: admin });
    await call('revokeStation', '/api/v1/admin/stations/OA-STATION', { token: admin });
    // Targets per node: set, listed, cleared.
    await call('setNodeTarget', '/api/v1/admin/routings/BAG-TOTE/nodes/CUT/target', {
      token: admin,
      body: { unitsPerHour: 30 },
    });
    await call('listNodeTargets', '/api/v1/admin/targets', { token: admin });
    await call('clearNodeTarget', '/api/v1/admin/routings/BAG-TOTE/nodes/CUT/target', { token: admin });
    await call('addOperator', '/api/v1/admin/operators', { token: admin, body: { badge: 'OP-OA' } });
    await call('listOperators', '/api/v1/admin/operators', { token: admin });
    await call('changeOperator', '/api/v1/admin/operators/OP-OA', {
      token: admin,
      body: { language: 'th', pin: '2468' },
    });
    await call('listUsers', '/api/v1/admin/users', { token: admin });
    await call('addUser', '/api/v1/admin/users', {
      token: admin,
      body: { username: 'oa-supervisor', role: 'supervisor', password: 'a-long-password' },
    });
    // Wall displays: issued, listed, the wall signs in and reads, revoked.
    const display = await call('issueDisplay', '/api/v1/admin/displays', {
      token: admin,
      body: { name: 'oa-wall' },
    });
    await call('listDisplays', '/api/v1/admin/displays', { token: admin });
    await call('openWallSession', '/api/v1/wall/session', { body: { secret: display.secret } });
    await call('getWallBoard', '/api/v1/wall/board', { token: display.secret });
    // The stream never ends by itself (test/edge-server/displays.test.ts reads it): its 400 here.
    await call('streamWallChanges', '/api/v1/wall/stream?after=not-a-cursor', { token: display.secret });
    await call('revokeDisplay', '/api/v1/admin/displays/oa-wall', { token: admin });
    // Label printers (DK-50 … DK-62): one whose port nothing listens on (its labels wait or fail).
    await call('addPrinter', '/api/v1/admin/printers', {
      token: admin,
      body: { name: 'oa-printer', host: '127.0.0.1', port: 9, dpi: 203, labelWidthMm: 50, labelHeightMm: 25 },
    });
    await call('listPrinters', '/api/v1/admin/printers', { token: admin });
    await call('changePrinter', '/api/v1/admin/printers/oa-printer', { token: admin, body: { dpi: 300 } });
    const printed = await call('printLabels', '/api/v1/admin/print-jobs', {
      token: admin,
      body: { printer: 'oa-printer', ticket: 'OA-1', language: 'th', gs1: true },
    });
    await call('listPrintJobs', '/api/v1/admin/print-jobs?state=queued,failed&limit=5', { token: admin });
    await call('reprintLabel', `/api/v1/admin/print-jobs/${printed.jobs[0].id}/reprint`, {
      token: admin,
      body: { reason: 'label torn' },
    });
    // Still queued (200 once it has failed): 409.
    await call('retryPrintJob', `/api/v1/admin/print-jobs/${printed.jobs[0].id}/retry`, { token: admin });
    await call('retirePrinter', '/api/v1/admin/printers/oa-printer', { token: admin });
    const site = await call('enrollSite', '/api/v1/admin/sites', { token: admin, body: { code: 'OA-SITE' } });
    // The audit trail holds each change above (DK-1).
    await call('listAdminChanges', '/api/v1/admin/changes?limit=5', { token: admin });

    // Hub mode: the site form of POST /api/v1/events.
    const now = new Date().toISOString();
    const record = {
      id: uuidv7(),
      site: 'OA-SITE',
      type: 'start',
      origin: 'station',
      station: 'WC-CUT-1',
      seq: 1,
      code: 'OA-0001',
      nodeCode: 'CUT',
      operatorBadge: 'OP-0001',
      occurredAt: now,
      receivedAt: now,
      appliedAt: now,
      qty: 1,
      data: {},
      token: { code: 'OA-0001', branch: null, nodeCode: 'CUT', status: 'active' },
    };
    const hub = await call('pushEvents', '/api/v1/events', {
      token: site.credential,
      body: { site: 'OA-SITE', records: [record] },
    });
    expect(hub.results).toEqual([{ id: record.id, status: 'accepted' }]);

    // Supervisor.
    await call('listQueues', '/api/v1/supervisor/queues', { token: supervisor });
    await call('listStationHealth', '/api/v1/supervisor/stations', { token: supervisor });
    await call('listParked', '/api/v1/supervisor/parked', { token: supervisor });
    const { conflicts } = await call('listConflicts', '/api/v1/supervisor/conflicts?all', {
      token: supervisor,
    });
    expect(conflicts).toHaveLength(1);
    await call('resolveConflict', `/api/v1/supervisor/conflicts/${conflicts[0].id}/resolve`, {
      token: supervisor,
      body: { action: 'discard' },
    });
    await call('listConflicts', '/api/v1/supervisor/conflicts?all', { token: supervisor });
    await call('traceToken', '/api/v1/supervisor/tokens/WL-DEMO-0002', { token: supervisor });
    await call('getFloorBoard', '/api/v1/supervisor/board', { token: supervisor });
    await call('getShiftFigures', '/api/v1/supervisor/figures', { token: supervisor });
    // The exceptions inbox (WL-DEMO-0003's start is parked: listed once it has waited; a 400 to resolve it).
    const inbox = await call('listExceptions', '/api/v1/supervisor/exceptions?state=resolved', {
      token: supervisor,
    });
    expect(inbox.problems[0].kind).toBe('conflict');
    const parkedRow = edge.core.db
      .prepare("SELECT source_id FROM problem_state WHERE kind = 'parked'")
      .pluck()
      .get() as number;
    await call('acknowledgeException', `/api/v1/supervisor/exceptions/parked/${parkedRow}/acknowledge`, {
      token: supervisor,
    });
    await call('resolveException', `/api/v1/supervisor/exceptions/parked/${parkedRow}/resolve`, {
      token: supervisor,
      body: { action: 'discard', reason: 'not here' },
    });
    await call('listAudit', '/api/v1/supervisor/audit', { token: supervisor });
    await call('searchTrace', '/api/v1/supervisor/trace/search?q=WL-DEMO', { token: supervisor });
    await call('traceSerial', '/api/v1/supervisor/trace/serials/WL-DEMO-0002', { token: supervisor });
    await call('exportTimelineCsv', '/api/v1/supervisor/trace/serials/WL-DEMO-0002/timeline.csv', {
      token: supervisor,
    });
    await call('exportTimelineJson', '/api/v1/supervisor/trace/serials/WL-DEMO-0002/timeline.json', {
      token: supervisor,
    });
    await call('recallComponent', '/api/v1/supervisor/trace/recall?component=NONE', { token: supervisor });
    await call('exportRecallCsv', '/api/v1/supervisor/trace/recall.csv?component=NONE', {
      token: supervisor,
    });
    await call('exportRecallJson', '/api/v1/supervisor/trace/recall.json?component=NONE', {
      token: supervisor,
    });
    await call('listTokens', '/api/v1/supervisor/tokens?limit=2', { token: supervisor });
    await call('getForwardingStatus', '/api/v1/supervisor/upstream', { token: supervisor });
    await call('listDeadLetters', '/api/v1/supervisor/upstream/dead', { token: supervisor });
    await call('resendDeadLetters', '/api/v1/supervisor/upstream/dead/resend', { token: supervisor });
    // The stream never ends by itself (test/edge-server/live-stream.test.ts reads it): its 400 here.
    await call('streamChanges', '/api/v1/supervisor/stream?after=not-a-cursor', { token: supervisor });
    await call('getSession', '/api/v1/auth/session', { token: supervisor });
    await call('logout', '/api/v1/auth/logout', { token: supervisor });

    expect(
      [...operations.keys()].filter((id) => !checked.has(id)),
      'operations without a call here',
    ).toEqual([]);
  });
});

describe('npm run lint:openapi', () => {
  it('HT-5: passes Redocly’s recommended rules on the document as served', () => {
    const lint = spawnSync('npm', ['run', '--silent', 'lint:openapi'], { cwd: ROOT, encoding: 'utf8' });
    expect(lint.status, `${lint.stdout}\n${lint.stderr}`).toBe(0);
    expect(`${lint.stdout}${lint.stderr}`).toMatch(/Your API description is valid/);
  });
});
