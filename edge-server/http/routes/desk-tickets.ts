/**
 * @module The planning desk's job tickets (SPEC DK-21, DK-24, DK-25): listed newest first, one
 * ticket with its serials and its routing's steps, for labels and travelers, and the serials a
 * prefix would give next (admin role: mounted under /api/v1/admin behind its guard). Releasing one
 * is POST /api/v1/admin/tickets (admin.ts).
 */
import { z } from 'zod';
import {
  ticketDetailSchema,
  ticketListSchema,
  ticketStepSchema,
  ticketSummarySchema,
} from '../../../shared/ticket-desk-api';
import { listTickets, previewSerials, ticketDetail } from '../../admin/tickets';
import { serialPreviewSchema } from '../../../shared/ticket-release';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { unwrap } from '../errors';
import type { EdgeCore } from '../../edge';

const TICKET_SUMMARY = { name: 'TicketSummary', schema: ticketSummarySchema };
const TICKET_STEP = { name: 'TicketStep', schema: ticketStepSchema };

export function ticketDeskRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .get(
      '/tickets',
      {
        operationId: 'listTickets',
        summary:
          'The job tickets, newest first: routing and version, mode, qty, tokens and how many are done',
        query: z.object({
          limit: z.string().optional().describe('Tickets per page, 1 to 500 (100)'),
          after: z.string().optional().describe('The `next` of the page before'),
        }),
        responses: {
          200: {
            description: 'A page of tickets',
            json: { name: 'TicketList', schema: ticketListSchema, parts: [TICKET_SUMMARY] },
          },
        },
        errors: [400],
      },
      (c) => c.json(unwrap(listTickets(core.db, c.req.query()))),
    )
    .get(
      '/tickets/:code',
      {
        operationId: 'getTicket',
        summary: 'One job ticket: its serials in release order and its routing’s operation steps in order',
        description:
          'Piece mode: every serial; batch mode: the batch’s one code. Steps: the routing’s operation nodes walked from its start (a split’s branches one after the other), with their work centers. An unknown ticket is a 404 naming it.',
        params: z.object({ code: z.string().describe('The ticket’s code') }),
        responses: {
          200: {
            description: 'The ticket',
            json: { name: 'TicketDetail', schema: ticketDetailSchema, parts: [TICKET_SUMMARY, TICKET_STEP] },
          },
        },
        errors: [404],
      },
      (c) => c.json(unwrap(ticketDetail(core.db, c.req.param('code')))),
    )
    .get(
      '/serials/next',
      {
        operationId: 'previewSerials',
        summary: 'The first and last serial a release of qty from a prefix would give now (nothing reserved)',
        description:
          'What the release form shows before a ticket is released: the prefix’s counter moved on past every serial already in use. The release’s own answer lists the serials it gave.',
        query: z.object({
          prefix: z.string().describe('The serial prefix (e.g. BV-)'),
          qty: z.string().optional().describe('How many serials, 1 to 100000 (1)'),
        }),
        responses: {
          200: {
            description: 'The next serials',
            json: { name: 'SerialPreview', schema: serialPreviewSchema },
          },
        },
        errors: [400],
      },
      (c) => c.json(unwrap(previewSerials(core.db, c.req.query()))),
    );
}
