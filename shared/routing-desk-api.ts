/**
 * @module The planning desk's routings (SPEC DK-10 … DK-19) as the admin API answers them and the
 * console reads them: the published routings with their versions, one version's source (the routing
 * as imported, to draw), a check that stores nothing, a publish's answer, and a refusal's details
 * (each publish-rule error names its nodes). zod/mini: the console parses each answer with these;
 * the edge server declares its routes with the same ones.
 */
import * as z from 'zod/mini';
import { EDGE_TYPES, NODE_TYPES, ROUTING_MODES } from './domain';

export const ROUTINGS_PATH = '/api/v1/admin/routings';
export const ROUTING_CHECK_PATH = '/api/v1/admin/routings/check';

/** One published version of a routing. */
export const routingVersionSchema = z.object({
  version: z.number(),
  name: z.string(),
  routingMode: z.enum(ROUTING_MODES),
  /** Its nodes (a linear routing: its tasks). */
  nodes: z.number(),
  publishedAt: z.string(),
  /** Job tickets released on this version. */
  tickets: z.number(),
});
export type RoutingVersion = z.infer<typeof routingVersionSchema>;

/** A routing code with every version published under it, newest first. */
export const routingSummarySchema = z.object({
  code: z.string(),
  versions: z.array(routingVersionSchema),
});
export type RoutingSummary = z.infer<typeof routingSummarySchema>;

/** Ordered by code. */
export const routingListSchema = z.object({ routings: z.array(routingSummarySchema) });
export type RoutingList = z.infer<typeof routingListSchema>;

const sourceWorkCenterSchema = z.object({ code: z.string(), name: z.string(), behavior: z.string() });

export const sourceNodeSchema = z.object({
  code: z.string(),
  type: z.enum(NODE_TYPES),
  workCenter: z.optional(z.string()),
  name: z.optional(z.string()),
});

export const sourceEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: z.optional(z.enum(EDGE_TYPES)),
  when: z.optional(z.object({ field: z.string(), equals: z.union([z.string(), z.number(), z.boolean()]) })),
  default: z.optional(z.boolean()),
});

export const sourceTaskSchema = z.object({
  code: z.string(),
  workCenter: z.string(),
  name: z.optional(z.string()),
});

/** A routing in the import format (shared/fixtures/routing-*.json): a DAG's nodes and edges, or a linear task list. */
export const routingSourceBodySchema = z.object({
  code: z.string(),
  name: z.string(),
  version: z.number(),
  routingMode: z.enum(ROUTING_MODES),
  workCenters: z.array(sourceWorkCenterSchema),
  nodes: z.optional(z.array(sourceNodeSchema)),
  edges: z.optional(z.array(sourceEdgeSchema)),
  tasks: z.optional(z.array(sourceTaskSchema)),
});
export type RoutingSourceBody = z.infer<typeof routingSourceBodySchema>;

/** One published version and its source as it was imported (what the console draws). */
export const routingSourceSchema = z.object({
  code: z.string(),
  version: z.number(),
  publishedAt: z.string(),
  source: routingSourceBodySchema,
});
export type RoutingSource = z.infer<typeof routingSourceSchema>;

/**
 * What publishing it now would do: `new` (publish creates this version), `same` (this very routing
 * is already published: harmless), `changed` (this code and version are published with other
 * content: publish answers 409, a changed routing needs a new version).
 */
export const PUBLISH_OUTCOMES = ['new', 'same', 'changed'] as const;
export type PublishOutcome = (typeof PUBLISH_OUTCOMES)[number];

/** A routing that passes every publish rule (nothing stored). */
export const routingCheckedSchema = z.object({
  ok: z.literal(true),
  code: z.string(),
  name: z.string(),
  version: z.number(),
  routingMode: z.enum(ROUTING_MODES),
  nodes: z.number(),
  edges: z.number(),
  workCenters: z.number(),
  publish: z.enum(PUBLISH_OUTCOMES),
});
export type RoutingChecked = z.infer<typeof routingCheckedSchema>;

/**
 * A publish's answer (200: the same routing was already there; 201: published): the routing as
 * stored. The edge server's import (console, CLI) answers with this same schema.
 */
export const routingPublishedSchema = z.object({
  graphId: z.int(),
  code: z.string(),
  version: z.int(),
  routingMode: z.enum(ROUTING_MODES),
  /** false: the same routing (same content) was already published; nothing changed. */
  created: z.boolean(),
  workCenters: z.object({ created: z.array(z.string()), unchanged: z.array(z.string()) }),
});
export type RoutingPublished = z.infer<typeof routingPublishedSchema>;

/**
 * One detail of a refused check or publish: a publish rule broken (`rule` RG-*, `nodes` it names,
 * the first one first), a field of the import format that is wrong (`path`), or on a 409 the
 * routing and version already published with other content.
 */
export const routingProblemSchema = z.object({
  rule: z.optional(z.string()),
  message: z.optional(z.string()),
  nodes: z.optional(z.array(z.string())),
  path: z.optional(z.string()),
  routing: z.optional(z.string()),
  version: z.optional(z.number()),
});
export type RoutingProblem = z.infer<typeof routingProblemSchema>;

export const routingRefusalSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.unknown()),
  }),
});

/** The problems a refusal's body lists (details that are not one are left out). */
export function problemsOf(body: unknown): { message: string; problems: RoutingProblem[] } | null {
  const parsed = routingRefusalSchema.safeParse(body);
  if (!parsed.success) return null;
  const problems = parsed.data.error.details.flatMap((d) => {
    const p = routingProblemSchema.safeParse(d);
    return p.success ? [p.data] : [];
  });
  return { message: parsed.data.error.message, problems };
}
