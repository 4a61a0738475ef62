/**
 * @module The routing import format (shared/fixtures/routing-*.json) and its conversion to a graph:
 * a DAG as given, or a linear task list as a chain graph (SPEC RG-8), so both modes coexist.
 */
import { z } from 'zod';
import { EDGE_TYPES, NODE_TYPES } from './domain';
import type { RoutingGraph } from './routing';

const code = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

export const workCenterSchema = z.object({
  code,
  name: z.string().trim().min(1).max(200),
  behavior: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE behavior such as CUT or QC'),
});
export type WorkCenterInput = z.infer<typeof workCenterSchema>;

const ruleSchema = z.object({
  field: z.string().min(1),
  equals: z.union([z.string(), z.number(), z.boolean()]),
});

export const nodeInputSchema = z.object({
  code,
  type: z.enum(NODE_TYPES),
  workCenter: code.optional(),
  name: z.string().max(200).optional(),
});

export const edgeInputSchema = z.object({
  from: code,
  to: code,
  type: z.enum(EDGE_TYPES).optional(),
  when: ruleSchema.optional(),
  default: z.boolean().optional(),
});

const common = {
  code,
  name: z.string().trim().min(1).max(200),
  version: z.number().int().positive(),
  workCenters: z.array(workCenterSchema).min(1),
};

export const dagRoutingInputSchema = z.object({
  ...common,
  routingMode: z.literal('dag'),
  nodes: z.array(nodeInputSchema).min(1),
  edges: z.array(edgeInputSchema),
});

export const linearRoutingInputSchema = z.object({
  ...common,
  routingMode: z.literal('linear'),
  tasks: z
    .array(z.object({ code, workCenter: code, name: z.string().max(200).optional() }))
    .min(1, 'a linear routing needs at least one task'),
});

/**
 * A routing is a DAG unless it says `"routingMode": "linear"`. The mode picks the schema first, so
 * that an error names the field that is wrong rather than "matches neither form".
 */
export const routingInputSchema = z.preprocess(
  (raw) =>
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('routingMode' in raw)
      ? { ...raw, routingMode: 'dag' }
      : raw,
  z.discriminatedUnion('routingMode', [linearRoutingInputSchema, dagRoutingInputSchema]),
);
export type RoutingInput = z.infer<typeof routingInputSchema>;

/** Builds the graph a routing describes; a linear task list becomes task n -> task n+1. */
export function routingGraphFromInput(input: RoutingInput): RoutingGraph {
  const behaviorOf = new Map(input.workCenters.map((wc) => [wc.code, wc.behavior]));
  const base = { code: input.code, name: input.name, version: input.version };
  if (input.routingMode === 'linear') {
    return {
      ...base,
      routingMode: 'linear',
      nodes: input.tasks.map((task) => ({
        code: task.code,
        type: 'operation',
        name: task.name ?? task.code,
        workCenter: task.workCenter,
        behavior: behaviorOf.get(task.workCenter) ?? null,
      })),
      edges: input.tasks.slice(1).map((task, i) => ({
        from: input.tasks[i]?.code ?? '',
        to: task.code,
        type: 'normal',
        when: null,
        isDefault: false,
      })),
    };
  }
  return {
    ...base,
    routingMode: 'dag',
    nodes: input.nodes.map((node) => ({
      code: node.code,
      type: node.type,
      name: node.name ?? node.code,
      workCenter: node.workCenter ?? null,
      behavior: node.workCenter === undefined ? null : (behaviorOf.get(node.workCenter) ?? null),
    })),
    edges: input.edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      type: edge.type ?? 'normal',
      when: edge.when ?? null,
      isDefault: edge.default ?? false,
    })),
  };
}
