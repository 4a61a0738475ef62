/** @module A routing graph as both sides hold it, and an index for walking it. */
import type { EdgeType, NodeType, RoutingMode } from './domain';
import { QC_BEHAVIOR } from './domain';
import { matchJoinsToSplits } from './graph-validation';

export interface RoutingNode {
  code: string;
  type: NodeType;
  name: string;
  /** Operation nodes belong to a work center; other nodes have none. */
  workCenter: string | null;
  behavior: string | null;
}

export interface EdgeRule {
  field: string;
  equals: string | number | boolean;
}

export interface RoutingEdge {
  from: string;
  to: string;
  type: EdgeType;
  when: EdgeRule | null;
  isDefault: boolean;
}

export interface RoutingGraph {
  code: string;
  name: string;
  version: number;
  routingMode: RoutingMode;
  nodes: RoutingNode[];
  edges: RoutingEdge[];
}

/** A validated graph with lookups; build it once per graph and reuse it (it is immutable). */
export interface IndexedGraph {
  graph: RoutingGraph;
  startNode: string;
  node(code: string): RoutingNode | undefined;
  /** Outgoing edges other than rework, in the order they were given. */
  forward(code: string): readonly RoutingEdge[];
  rework(code: string): RoutingEdge | undefined;
  isQc(code: string): boolean;
  /** Whether `to` can be reached from `from` along forward edges (or is `from`). */
  reaches(from: string, to: string): boolean;
  /** The innermost split whose branches contain the node (null at the top level, RG-7 regions). */
  regionOf(code: string): string | null;
}

export function indexGraph(graph: RoutingGraph): IndexedGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.code, n]));
  const forward = new Map<string, RoutingEdge[]>();
  const rework = new Map<string, RoutingEdge>();
  const incoming = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.type === 'rework') {
      rework.set(edge.from, edge);
      continue;
    }
    incoming.add(edge.to);
    const list = forward.get(edge.from) ?? [];
    list.push(edge);
    forward.set(edge.from, list);
  }
  const start = graph.nodes.find((n) => !incoming.has(n.code));
  const reachCache = new Map<string, Set<string>>();
  const reachableFrom = (from: string): Set<string> => {
    let seen = reachCache.get(from);
    if (seen) return seen;
    seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const edge of forward.get(current) ?? []) {
        if (!seen.has(edge.to)) {
          seen.add(edge.to);
          stack.push(edge.to);
        }
      }
    }
    reachCache.set(from, seen);
    return seen;
  };
  const startNode = start?.code ?? graph.nodes[0]?.code ?? '';
  let regions: Map<string, string | null> | null = null;
  const regionOf = (code: string): string | null => {
    regions ??= computeRegions(graph, startNode, reachableFrom);
    return regions.get(code) ?? null;
  };
  return {
    graph,
    startNode,
    regionOf,
    node: (code) => nodes.get(code),
    forward: (code) => forward.get(code) ?? [],
    rework: (code) => rework.get(code),
    isQc: (code) => nodes.get(code)?.behavior === QC_BEHAVIOR,
    reaches: (from, to) => reachableFrom(from).has(to),
  };
}

function computeRegions(
  graph: RoutingGraph,
  startNode: string,
  reachableFrom: (from: string) => Set<string>,
): Map<string, string | null> {
  const forwardEdges = graph.edges.filter((e) => e.type !== 'rework');
  const { pairs } = matchJoinsToSplits(graph, startNode, forwardEdges);
  const regions = new Map<string, string | null>();
  for (const node of graph.nodes) {
    let innermost: string | null = null;
    let size = Infinity;
    for (const [join, split] of pairs) {
      const inside = reachableFrom(split);
      if (
        node.code !== split &&
        node.code !== join &&
        inside.has(node.code) &&
        reachableFrom(node.code).has(join)
      ) {
        if (inside.size < size) {
          size = inside.size;
          innermost = split;
        }
      }
    }
    regions.set(node.code, innermost);
  }
  return regions;
}

/** The operation nodes of a graph that belong to a work center. */
export function operationNodesOf(graph: RoutingGraph, workCenter: string): RoutingNode[] {
  return graph.nodes.filter((n) => n.type === 'operation' && n.workCenter === workCenter);
}
