/**
 * @module The planning desk's stations, operators and users as the desk lists and changes them
 * (admin role; SPEC DK-30 … DK-39): the stations with what the desk shows of each, a new enrollment
 * link for one on demand, the operators (their preferred language, PIN, active or not) and the
 * users. Each change is written in the audit trail (DK-1) in its own transaction. Enrolling and
 * revoking a station, adding an operator or a user stay in admin.ts.
 *
 * Why not GET /api/v1/supervisor/stations for the list: it is the supervisor's health view and has
 * neither the language a station speaks, nor when it was revoked, nor its devices or waiting link.
 */
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../../../shared/protocol';
import {
  deskOperatorListSchema,
  deskOperatorSchema,
  deskStationListSchema,
  deskStationSchema,
  deskUserListSchema,
  deskUserSchema,
  operatorChangeSchema,
  stationLinkSchema,
} from '../../../shared/people-desk-api';
import { changeOperator, listOperators, listUsers } from '../../admin/people';
import { listStations, newEnrollmentLink } from '../../admin/stations';
import type { EdgeCore } from '../../edge';
import { audited, adminRequest } from '../admin-request';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { enrollLink } from '../enroll-link';

const DESK_STATION = { name: 'DeskStation', schema: deskStationSchema };
const DESK_OPERATOR = { name: 'DeskOperator', schema: deskOperatorSchema };
const DESK_USER = { name: 'DeskUser', schema: deskUserSchema };

export function peopleDeskRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .get(
      '/stations',
      {
        operationId: 'listStations',
        summary:
          'Every station: work center and nodes, language, enrolled and revoked when, last seen, devices',
        description:
          'No secret: `linkExpiresAt` says an enrollment link waits to be opened until then (null: none).',
        responses: {
          200: {
            description: 'The stations, by name',
            json: { name: 'DeskStationList', schema: deskStationListSchema, parts: [DESK_STATION] },
          },
        },
      },
      (c) => c.json({ stations: listStations(core.db, core.config.stationLanguage, now()) }),
    )
    .post(
      '/stations/:name/link',
      {
        operationId: 'newStationLink',
        summary: 'A new one-time enrollment link (and its QR code) for an enrolled station, shown once',
        description:
          'Its earlier link stops working if it was not opened yet; browsers already enrolled keep working. A revoked or unknown station is 404.',
        params: z.object({ name: z.string().describe('The station’s name') }),
        responses: {
          201: { description: 'A new link', json: { name: 'StationLink', schema: stationLinkSchema } },
        },
        errors: [404],
      },
      (c) => {
        const name = c.req.param('name');
        const made = audited(
          core,
          c,
          (l) => ({ action: 'station.link', subject: l.name, detail: { expiresAt: l.enrollExpiresAt } }),
          () => newEnrollmentLink(core.db, name, now()),
        );
        return c.json({ ...made, ...enrollLink(c.req.url, made.enrollCode) }, 201);
      },
    )
    .get(
      '/operators',
      {
        operationId: 'listOperators',
        summary: 'Every operator: badge, name, whether a PIN is set, preferred language, active or not',
        responses: {
          200: {
            description: 'The operators, active first, by badge',
            json: { name: 'DeskOperatorList', schema: deskOperatorListSchema, parts: [DESK_OPERATOR] },
          },
        },
      },
      (c) => c.json({ operators: listOperators(core.db) }),
    )
    .patch(
      '/operators/:badge',
      {
        operationId: 'changeOperator',
        summary: 'Change an operator: name, PIN (set or cleared), preferred language, active or not',
        description:
          'Only the fields given change. Every station’s next snapshot carries it: a deactivated operator leaves its list and cannot sign in, and their badge is refused on a push.',
        params: z.object({ badge: z.string().describe('The operator’s badge') }),
        body: { name: 'OperatorChange', schema: operatorChangeSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 200: { description: 'Changed', json: DESK_OPERATOR } },
        errors: [404],
      },
      async (c) => {
        const { input } = await adminRequest(c);
        const badge = c.req.param('badge');
        const { operator } = audited(
          core,
          c,
          (o) => ({ action: 'operator.change', subject: badge, detail: o.changed }),
          () => changeOperator(core.db, badge, input),
        );
        return c.json(operator);
      },
    )
    .get(
      '/users',
      {
        operationId: 'listUsers',
        summary: 'Every supervisor and admin account: username, role, created when (no password)',
        responses: {
          200: {
            description: 'The users, by username',
            json: { name: 'DeskUserList', schema: deskUserListSchema, parts: [DESK_USER] },
          },
        },
      },
      (c) => c.json({ users: listUsers(core.db) }),
    );
}
