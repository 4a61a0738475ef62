/**
 * @module The planning desk's job tickets (SPEC DK-20 …) as the admin API answers them and the
 * console reads them: the list, and one ticket with its serials and its routing's steps (what its
 * labels and travelers print). zod/mini: the console parses each answer with these; the edge
 * server declares its routes with the same ones.
 */
import * as z from 'zod/mini';

export const TICKETS_PATH = '/api/v1/admin/tickets';

export const ticketSummarySchema = z.object({
  code: z.string(),
  routing: z.string(),
  routingVersion: z.number(),
  /** The routing's name as published (what a label prints under the serial). */
  routingName: z.string(),
  processMode: z.enum(['piece', 'batch']),
  /** Units: the number of serials (piece) or the batch's quantity. */
  qty: z.number(),
  product: z.string(),
  createdAt: z.string(),
  /** Tokens released (piece: one per serial; batch: one). */
  tokens: z.number(),
  /** Of those, how many have finished the routing. */
  done: z.number(),
});
export type TicketSummary = z.infer<typeof ticketSummarySchema>;

/** Newest first; `next` is the cursor of the page after this one (null: no more). */
export const ticketListSchema = z.object({
  tickets: z.array(ticketSummarySchema),
  next: z.nullable(z.string()),
});
export type TicketList = z.infer<typeof ticketListSchema>;

/** A routing step as a traveler prints it: the operation nodes, in the routing's order. */
export const ticketStepSchema = z.object({
  node: z.string(),
  name: z.string(),
  workCenter: z.nullable(z.string()),
  workCenterName: z.nullable(z.string()),
});
export type TicketStep = z.infer<typeof ticketStepSchema>;

export const ticketDetailSchema = z.object({
  ticket: ticketSummarySchema,
  /** The codes to label: every serial (piece) or the batch's one code, in release order. */
  serials: z.array(z.string()),
  steps: z.array(ticketStepSchema),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;
