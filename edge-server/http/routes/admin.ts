/**
 * @module Admin API: routings, job tickets, stations, operators, users, sites, wall displays and
 * targets per node (admin role).
 */
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../../../shared/protocol';
import { routingInputSchema } from '../../../shared/routing-import';
import { ApiRoutes } from '../api-routes';
import { MAX_ROUTING_BYTES } from '../../admin/routing-checker';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import {
  addOperator,
  addOperatorSchema,
  addUser,
  addUserSchema,
  operatorAddedSchema,
  userAddedSchema,
} from '../../admin/people';
import { importResultSchema, publishRoutingInSteps } from '../../admin/routings';
import { unwrap } from '../errors';
import { TAGS } from '../openapi';
import {
  enrollResultSchema,
  enrollStation,
  enrollStationSchema,
  revokeStation,
  setStationLanguage,
  setStationLanguageSchema,
  stationLanguageSchema,
} from '../../admin/stations';
import { createTicket, createTicketSchema, ticketResultSchema } from '../../admin/tickets';
import { enrollSite, enrollSiteSchema } from '../../hub/intake';
import { issueDisplay, issueDisplaySchema, listDisplays, revokeDisplay } from '../../admin/displays';
import {
  displayIssuedSchema,
  displayListSchema,
  displaySchema,
  wallLinkPath,
} from '../../../shared/display-api';
import {
  clearTarget,
  listTargets,
  nodeTargetListSchema,
  nodeTargetSchema,
  setTarget,
  setTargetSchema,
} from '../../admin/targets';
import type { EdgeCore } from '../../edge';
import { readBodyText, readJsonBody } from '../body';
import { listAdminChanges, recordAdminChange } from '../../admin/admin-changes';
import { adminChangePageSchema } from '../../../shared/admin-changes-api';
import { adminName, adminRequest, audited, changeNamed } from '../admin-request';
import { enrollLink } from '../enroll-link';
import { routingDeskRoutes } from './desk-routings';
import { ticketDeskRoutes } from './desk-tickets';
import { peopleDeskRoutes } from './desk-people';
import { printerRoutes } from './printers';

const stationEnrolledSchema = enrollResultSchema.extend({
  enrollUrl: z
    .string()
    .describe(
      '<origin>/#enroll=<enrollCode>, on the origin of this request: opening it enrolls that browser',
    ),
  enrollQrSvg: z.string().describe('enrollUrl as a QR code, an SVG document'),
});

const siteEnrolledSchema = z.object({
  code: z.string(),
  relays: z.boolean(),
  credential: z.string().describe('The site credential, shown once: only its hash is stored'),
});

const ROUTING_IMPORTED = { name: 'RoutingImport', schema: importResultSchema };

export function adminRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return (
    new ApiRoutes<AuthEnv>({ tags: [TAGS.admin] })
      .use(requireRole('admin'))
      .post(
        '/routings',
        {
          operationId: 'publishRouting',
          summary: 'Import (publish) a routing: a DAG or a linear task list',
          description:
            'Re-importing the same routing or the same work centers is harmless (200); a changed routing needs a new version (409). Checked against the publish rules (RG-*) on a worker thread.',
          body: { name: 'Routing', schema: routingInputSchema, maxBytes: MAX_ROUTING_BYTES },
          responses: {
            200: { description: 'The same routing was already published', json: ROUTING_IMPORTED },
            201: { description: 'Published', json: ROUTING_IMPORTED },
          },
          errors: [409],
        },
        async (c) => {
          // Checked on a worker thread: a large routing must not hold up the stations' pushes.
          const check = await core.routingChecker.check(await readBodyText(c.req.raw, MAX_ROUTING_BYTES));
          const by = adminName(c);
          // The stepped publish commits in several transactions: its line is in the last one.
          const result = unwrap(
            await publishRoutingInSteps(core.db, check, now(), (r) => {
              const subject = `${r.code} v${r.version}`;
              recordAdminChange(core.db, { at: now(), by, action: 'routing.publish', subject });
            }),
          );
          return c.json(result, result.created ? 201 : 200);
        },
      )
      .post(
        '/tickets',
        {
          operationId: 'createTicket',
          summary: 'Create a job ticket and its tokens at the routing’s start node',
          description:
            'Piece mode: one token per serial, pasted (`serials`) or generated from `serialPrefix` (default: the ticket code and a dash) and the site’s counter for that prefix, which never gives a serial twice (numbers whose serial is in use are skipped); batch mode: one token with the qty. Bad input is a 400 whose details name the field: an unknown or unpublished routing (`routing`, `routingVersion`), a serial already in use or listed twice (`serials`, with the serials), a qty below 1 (`qty`). A ticket code already used is a 409.',
          body: { name: 'Ticket', schema: createTicketSchema, maxBytes: MAX_BODY_BYTES },
          responses: {
            201: { description: 'Created', json: { name: 'TicketCreated', schema: ticketResultSchema } },
          },
          errors: [409],
        },
        async (c) => {
          const input = await readJsonBody(c.req.raw);
          const ticket = audited(
            core,
            c,
            (t) => ({ action: 'ticket.release', subject: t.code, detail: { tokens: t.tokens.length } }),
            () => createTicket(core.db, core.system, input, now()),
          );
          return c.json(ticket, 201);
        },
      )
      .route('/', changeRoutes(core))
      .route('/', routingDeskRoutes(core))
      .route('/', ticketDeskRoutes(core))
      .route('/', peopleDeskRoutes(core))
      .route('/', printerRoutes(core))
      .route('/stations', stationAdminRoutes(core))
      .route('/displays', displayAdminRoutes(core))
      .route('/', targetAdminRoutes(core))
      .route('/', accountRoutes(core))
      // Hub mode: a credential for a site that forwards its events here (shown once).
      .post(
        '/sites',
        {
          operationId: 'enrollSite',
          summary: 'Hub mode: issue a credential for a site that forwards its records here (shown once)',
          description:
            'Enrolling a code again replaces its credential. `relays`: a hub that forwards other sites’ records too.',
          body: { name: 'Site', schema: enrollSiteSchema, maxBytes: MAX_BODY_BYTES },
          responses: {
            201: { description: 'Enrolled', json: { name: 'SiteEnrolled', schema: siteEnrolledSchema } },
          },
        },
        async (c) => {
          const input = await readJsonBody(c.req.raw);
          const describe = (site: { code: string }) => ({
            action: 'site.enroll' as const,
            subject: site.code,
          });
          return c.json(
            audited(core, c, describe, () => enrollSite(core.db, input, now())),
            201,
          );
        },
      )
  );
}

/** Stations: enrolled (with the language their screen speaks), their language changed, revoked. */
function stationAdminRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .post(
      '/',
      {
        operationId: 'enrollStation',
        summary: 'Enroll a station',
        description:
          'The token, the one-time enrollment link (enrollUrl) and its QR code are shown once: only hashes are kept. Re-enrolling a revoked name issues a new token. Without a language, its screen speaks the site’s STATION_LANGUAGE.',
        body: { name: 'Station', schema: enrollStationSchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          201: {
            description: 'Enrolled',
            json: { name: 'StationEnrolled', schema: stationEnrolledSchema },
          },
        },
        errors: [404, 409],
      },
      async (c) => {
        const input = await readJsonBody(c.req.raw);
        const enrolled = audited(
          core,
          c,
          (e) => ({ action: 'station.enroll', subject: e.name }),
          () => enrollStation(core.db, input, now(), core.config.stationLanguage),
        );
        // The link a supervisor shows as a QR code: opening it enrolls that browser, once. It cannot be
        // fetched again (only the code's hash is kept), so the QR code comes with it.
        return c.json({ ...enrolled, ...enrollLink(c.req.url, enrolled.enrollCode) }, 201);
      },
    )
    .patch(
      '/:name',
      {
        operationId: 'setStationLanguage',
        summary: 'Set the language a station’s screen speaks',
        description:
          'The station’s next snapshot (full or delta) carries it; null: the site’s STATION_LANGUAGE again. An operator may still choose another language for themselves.',
        params: z.object({ name: z.string().describe('The station’s name') }),
        body: { name: 'StationLanguageChange', schema: setStationLanguageSchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          200: { description: 'Changed', json: { name: 'StationLanguage', schema: stationLanguageSchema } },
        },
        errors: [404],
      },
      async (c) => {
        const input = await readJsonBody(c.req.raw);
        const name = c.req.param('name');
        const changed = audited(
          core,
          c,
          (l) => ({ action: 'station.language', subject: name, detail: { language: l.language } }),
          () => setStationLanguage(core.db, name, input, core.config.stationLanguage),
        );
        return c.json(changed);
      },
    )
    .delete(
      '/:name',
      {
        operationId: 'revokeStation',
        summary: 'Revoke a station: its token and its devices’ credentials stop working at once',
        params: z.object({ name: z.string().describe('The station’s name') }),
        responses: { 204: { description: 'Revoked' } },
        errors: [404],
      },
      (c) => {
        changeNamed(core, c, 'station.revoke', (name) => revokeStation(core.db, name, now()));
        core.reference.refresh(); // its token stops working at once in this process
        return c.body(null, 204);
      },
    );
}

const DISPLAY = { name: 'Display', schema: displaySchema };

/** Wall displays (SV-60): issued with their link (shown once), listed without secrets, revoked at once. */
function displayAdminRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .post(
      '/',
      {
        operationId: 'issueDisplay',
        summary: 'Issue a wall display: its link (with its secret) and the secret, shown once',
        description:
          'Open `link` on the TV (or scan it as a QR code): the wall signs in with it and drops the secret from its address. Only the secret’s hash is kept. A revoked name may be issued again (a new secret); a name in use is 409.',
        body: { name: 'DisplayRequest', schema: issueDisplaySchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          201: {
            description: 'Issued',
            json: { name: 'DisplayIssued', schema: displayIssuedSchema, parts: [DISPLAY] },
          },
        },
        errors: [409],
      },
      async (c) => {
        const { username, input } = await adminRequest(c);
        const { display, secret } = audited(
          core,
          c,
          (d) => ({ action: 'display.issue', subject: d.display.name }),
          () => issueDisplay(core.db, input, username, now()),
        );
        const linkPath = wallLinkPath(secret);
        const link = `${new URL(c.req.url).origin}${linkPath}`;
        return c.json({ display, secret, linkPath, link }, 201);
      },
    )
    .get(
      '/',
      {
        operationId: 'listDisplays',
        summary: 'The wall displays: name, who issued it and when, last contact, revoked when (no secrets)',
        responses: {
          200: {
            description: 'The displays',
            json: { name: 'DisplayList', schema: displayListSchema, parts: [DISPLAY] },
          },
        },
      },
      (c) => c.json({ displays: listDisplays(core.db) }),
    )
    .delete(
      '/:name',
      {
        operationId: 'revokeDisplay',
        summary: 'Revoke a wall display: its next request is a 401 and its open streams end now',
        params: z.object({ name: z.string().describe('The display’s name') }),
        responses: { 204: { description: 'Revoked' } },
        errors: [404],
      },
      (c) => {
        const secretHash = changeNamed(core, c, 'display.revoke', (name) =>
          revokeDisplay(core.db, name, now()),
        );
        core.live.endSession(secretHash);
        return c.body(null, 204);
      },
    );
}

const NODE_TARGET = { name: 'NodeTarget', schema: nodeTargetSchema };
const TARGET_PATH = '/routings/:code/nodes/:node/target';
const targetParams = z.object({
  code: z.string().describe('The routing’s code'),
  node: z.string().describe('The node’s code (an operation node)'),
});

/**
 * Targets per node (SV-17, SV-18): set, cleared, listed. No live change is written: the board's
 * answer carries the targets, and a console reads the board again on every token change (and on
 * a filter change or a reconnect); the admin who set one sees it from the answer.
 */
function targetAdminRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .put(
      TARGET_PATH,
      {
        operationId: 'setNodeTarget',
        summary: 'Set the units per hour expected of a node (the board shows done against it)',
        description:
          'Kept per routing code and node code: a new version of the routing keeps it while the node’s code stays. Only operation nodes take a target (400 otherwise); an unknown routing or node is a 404 naming it.',
        params: targetParams,
        body: { name: 'NodeTargetRequest', schema: setTargetSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 200: { description: 'Set', json: NODE_TARGET } },
        errors: [404],
      },
      async (c) => {
        const { username, input } = await adminRequest(c);
        const [code, node] = [c.req.param('code'), c.req.param('node')];
        const target = audited(
          core,
          c,
          (t) => ({
            action: 'target.set',
            subject: `${code} ${node}`,
            detail: { unitsPerHour: t.unitsPerHour },
          }),
          () => setTarget(core.db, code, node, input, username, now()),
        );
        return c.json(target);
      },
    )
    .delete(
      TARGET_PATH,
      {
        operationId: 'clearNodeTarget',
        summary: 'Clear a node’s target (a node without one stays without)',
        params: targetParams,
        responses: { 204: { description: 'Cleared' } },
        errors: [404],
      },
      (c) => {
        const [code, node] = [c.req.param('code'), c.req.param('node')];
        const describe = () => ({ action: 'target.clear' as const, subject: `${code} ${node}` });
        audited(core, c, describe, () => clearTarget(core.db, code, node));
        return c.body(null, 204);
      },
    )
    .get(
      '/targets',
      {
        operationId: 'listNodeTargets',
        summary: 'Every target per node: routing, node, units per hour, who set it and when',
        responses: {
          200: {
            description: 'The targets',
            json: { name: 'NodeTargetList', schema: nodeTargetListSchema, parts: [NODE_TARGET] },
          },
        },
      },
      (c) => c.json({ targets: listTargets(core.db) }),
    );
}

/** The audit trail of admin changes (DK-1). */
function changeRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>().get(
    '/changes',
    {
      operationId: 'listAdminChanges',
      summary: 'The audit trail of admin changes, newest first: who changed what, when, and why',
      query: z.object({
        subject: z.string().optional().describe('Only changes to this subject (a ticket code, a station…)'),
        action: z.string().optional().describe('Only this kind of change (e.g. ticket.release)'),
        limit: z.string().optional().describe('Changes per page, 1 to 500 (100)'),
        after: z.string().optional().describe('The `next` of the page before'),
      }),
      responses: {
        200: {
          description: 'A page of changes',
          json: { name: 'AdminChangePage', schema: adminChangePageSchema },
        },
      },
    },
    (c) => c.json(unwrap(listAdminChanges(core.db, c.req.query()))),
  );
}

/** Operators (badge, optional PIN) and supervisor/admin users. */
function accountRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .post(
      '/operators',
      {
        operationId: 'addOperator',
        summary: 'Add an operator (badge, optional PIN)',
        body: { name: 'Operator', schema: addOperatorSchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          201: { description: 'Added', json: { name: 'OperatorAdded', schema: operatorAddedSchema } },
        },
        errors: [409],
      },
      async (c) => {
        const input = await readJsonBody(c.req.raw);
        const describe = (o: { badge: string; hasPin: boolean; language: string | null }) => ({
          action: 'operator.add' as const,
          subject: o.badge,
          detail: { ...(o.hasPin ? { pin: 'set' } : {}), language: o.language },
        });
        return c.json(
          audited(core, c, describe, () => addOperator(core.db, input, now())),
          201,
        );
      },
    )
    .post(
      '/users',
      {
        operationId: 'addUser',
        summary: 'Add a supervisor or admin user',
        body: { name: 'User', schema: addUserSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 201: { description: 'Added', json: { name: 'UserAdded', schema: userAddedSchema } } },
        errors: [409],
      },
      async (c) => {
        const input = await readJsonBody(c.req.raw);
        const describe = (u: { username: string; role: string }) => ({
          action: 'user.add' as const,
          subject: u.username,
          detail: { role: u.role },
        });
        return c.json(
          audited(core, c, describe, () => addUser(core.db, input, now())),
          201,
        );
      },
    );
}
