/**
 * @module Shift figures (SPEC SV-50 … SV-55), under /api/v1/supervisor/figures: throughput per hour
 * per node, first-pass yield at QC nodes, scrap and rework, WIP ageing, for the shift on now or the
 * one a time falls in, filtered by routing. Read from figures the triggers keep (migrations 0003 and
 * 0009) and from live tokens through an index (edge-server/supervisor/shift-figures.ts).
 */
import { z } from 'zod';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { unwrap } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import {
  figuresHourSchema,
  figuresNodeSchema,
  figuresRoutingSchema,
  firstPassSchema,
  shiftFiguresSchema,
  wipAgeingSchema,
} from '../../../shared/figures-api';
import { readShiftFigures } from '../../supervisor/shift-figures';

export function figureRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const settings = core.config.floor;
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] }).use(requireRole('supervisor', 'admin')).get(
    '/',
    {
      operationId: 'getShiftFigures',
      summary: 'Shift figures: throughput per hour per node, first-pass yield, scrap, rework, WIP ageing',
      description:
        'Work done counts applied complete and qc_pass events by the hour of their corrected device time. ' +
        'First-pass yield at a QC node: of the tokens QC’d there for the first time in the shift, those ' +
        'whose first decision was qc_pass. A qc_fail that sends the token along its rework edge is a rework; ' +
        'one that scraps it, a scrap event and a batch’s data.scrapQty are scrap. WIP ageing counts the ' +
        'tokens ready, paused or waiting at a join now, by how long they have waited (ageLimitsMinutes). ' +
        'Shifts begin at SHIFT_HOURS (server local time).',
      query: z.object({
        routing: z.string().optional().describe('Only this routing (code)'),
        shift: z
          .string()
          .optional()
          .describe(
            'A time (ISO 8601 with a zone, not in the future): the figures of the shift it falls in. ' +
              'None: the shift on now. Anything else is a 400 naming shift',
          ),
      }),
      responses: {
        200: {
          description: 'The figures',
          json: {
            name: 'ShiftFigures',
            schema: shiftFiguresSchema,
            parts: [
              { name: 'FiguresRouting', schema: figuresRoutingSchema },
              { name: 'FiguresNode', schema: figuresNodeSchema },
              { name: 'FiguresHour', schema: figuresHourSchema },
              { name: 'FirstPass', schema: firstPassSchema },
              { name: 'WipAgeing', schema: wipAgeingSchema },
            ],
          },
        },
      },
      errors: [400, 404],
    },
    (c) => {
      const query = { routing: c.req.query('routing'), shift: c.req.query('shift') };
      return c.json(unwrap(readShiftFigures(core.db, settings, query, core.clock())));
    },
  );
}
