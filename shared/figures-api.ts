/**
 * @module The shift figures' answer (GET /api/v1/supervisor/figures, SPEC SV-50 … SV-56), as a
 * zod/mini schema: the console parses it before use and the edge server declares the route with it.
 * Per routing and node: work done in each hour of the shift, first-pass yield at QC nodes, scrap and
 * rework, and WIP ageing (the tokens waiting there now, bucketed by how long they have waited).
 */
import * as z from 'zod/mini';
import { NODE_TYPES } from './domain';

const countUnitsSchema = z.object({ count: z.number(), units: z.number() });

export const figuresHourSchema = z.object({ completions: z.number(), units: z.number() });
export type FiguresHour = z.infer<typeof figuresHourSchema>;

export const firstPassSchema = z.object({
  /** Tokens QC'd at this node for the first time in the shift. */
  firstTime: z.number(),
  /** Of those, the ones whose first QC here was a pass. */
  passed: z.number(),
  /** passed / firstTime, 0 to 1; null when nothing was QC'd for the first time. */
  yield: z.nullable(z.number()),
});
export type FirstPass = z.infer<typeof firstPassSchema>;

export const wipAgeingSchema = z.object({
  /** Tokens waiting (ready, paused, waiting at a join) per age bucket, youngest first (ageLimitsMinutes). */
  buckets: z.array(z.number()),
  tokens: z.number(),
  oldestSince: z.nullable(z.string()),
});
export type WipAgeing = z.infer<typeof wipAgeingSchema>;

export const figuresNodeSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(NODE_TYPES),
  workCenter: z.nullable(z.string()),
  /** A QC node (its work center's behavior is QC): first-pass yield is measured here. */
  qc: z.boolean(),
  /** Work done (applied complete and qc_pass) in each hour of `hours`, in the same order. */
  throughput: z.array(figuresHourSchema),
  done: figuresHourSchema,
  /** Null at a node that is not a QC node. */
  firstPass: z.nullable(firstPassSchema),
  scrap: countUnitsSchema,
  rework: countUnitsSchema,
  wip: wipAgeingSchema,
});
export type FiguresNode = z.infer<typeof figuresNodeSchema>;

export const figuresRoutingSchema = z.object({
  code: z.string(),
  version: z.number(),
  name: z.string(),
  nodes: z.array(figuresNodeSchema),
});
export type FiguresRouting = z.infer<typeof figuresRoutingSchema>;

export const shiftFiguresSchema = z.object({
  generatedAt: z.string(),
  shiftStart: z.string(),
  shiftEnd: z.string(),
  /** Whether the shift is the one on now. */
  current: z.boolean(),
  /** The start of the shift before this one (to page back). */
  previousShiftStart: z.string(),
  /** The hour buckets (UTC hour starts) of the shift, every hour of it, future ones included. */
  hours: z.array(z.string()),
  /** WIP ageing buckets' upper limits in minutes; the last bucket has none (and more). */
  ageLimitsMinutes: z.array(z.number()),
  filters: z.object({ routing: z.nullable(z.string()) }),
  routings: z.array(figuresRoutingSchema),
});
export type ShiftFigures = z.infer<typeof shiftFiguresSchema>;
