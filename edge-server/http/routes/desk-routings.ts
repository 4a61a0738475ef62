/**
 * @module The planning desk's routings (SPEC DK-10 … DK-13): published ones listed with their
 * versions, one version's source (to draw it), and a check that stores nothing, run on the same
 * worker thread as publish (POST /routings in admin.ts), so a 10,000-node routing never holds up
 * a station's push (admin role).
 */
import { z } from 'zod';
import {
  routingCheckedSchema,
  routingListSchema,
  routingSourceSchema,
} from '../../../shared/routing-desk-api';
import { routingInputSchema } from '../../../shared/routing-import';
import { checkedSummary, listRoutings, routingSource } from '../../admin/routing-list';
import { ApiRoutes } from '../api-routes';
import { MAX_ROUTING_BYTES } from '../../admin/routing-checker';
import type { AuthEnv } from '../authenticate';
import { readBodyText } from '../body';
import { ApiError, unwrap } from '../errors';
import type { EdgeCore } from '../../edge';

export function routingDeskRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/routings',
      {
        operationId: 'listRoutings',
        summary: 'The published routings, each code with all its versions (newest first)',
        description:
          'Per version: name, mode (linear or dag), node count, when it was published and how many job tickets were released on it.',
        responses: {
          200: { description: 'The routings', json: { name: 'RoutingList', schema: routingListSchema } },
        },
      },
      (c) => c.json({ routings: listRoutings(core.db) }),
    )
    .get(
      '/routings/:code/versions/:version',
      {
        operationId: 'getRoutingVersion',
        summary: 'One published version of a routing, with its source as it was imported (to draw it)',
        params: z.object({
          code: z.string().describe('The routing’s code'),
          version: z.string().describe('Its version, a whole number from 1'),
        }),
        responses: {
          200: {
            description: 'The version and its source',
            json: { name: 'RoutingVersionSource', schema: routingSourceSchema },
          },
        },
        errors: [404],
      },
      (c) => c.json(unwrap(routingSource(core.db, c.req.param('code'), c.req.param('version')))),
    )
    .post(
      '/routings/check',
      {
        operationId: 'checkRouting',
        summary: 'Check a routing against the publish rules (RG-*) without storing anything',
        description:
          'The same check as publishing, on the same worker thread and with the same 4 MiB limit. A routing that passes: 200 with its size and what publishing it now would do (`publish`: new, same, or changed, which publish refuses with 409: a changed routing needs a new version). One that fails: 400 with the error body; each detail is a broken rule `{rule, message, nodes}` naming its nodes, or a field of the format `{path, message}`.',
        body: { name: 'Routing', schema: routingInputSchema, maxBytes: MAX_ROUTING_BYTES },
        responses: {
          200: {
            description: 'It passes every rule; nothing was stored',
            json: { name: 'RoutingChecked', schema: routingCheckedSchema },
          },
        },
      },
      async (c) => {
        // Off the event loop, as publish: a large routing must not hold up the stations' pushes.
        const check = await core.routingChecker.check(await readBodyText(c.req.raw, MAX_ROUTING_BYTES));
        if (!check.ok) throw new ApiError('BAD_REQUEST', check.error.message, check.error.details);
        return c.json(checkedSummary(core.db, check.routing));
      },
    );
}
