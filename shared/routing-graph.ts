/** @module A routing graph indexed for walking it: lookups, reachability and split regions (graph-walk.ts). */
import { QC_BEHAVIOR } from './domain';
import type { RoutingEdge, RoutingGraph, RoutingNode } from './routing';
import { indexForward, reachableFrom, splitStructure } from './graph-walk';

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
  /** Whether work at `from` can still come to `to`, rework edges included (or is `from`). */
  mayReturnTo(from: string, to: string): boolean;
  /** The innermost split whose branches contain the node (null at the top level, RG-7 regions). */
  regionOf(code: string): string | null;
}

export function indexGraph(graph: RoutingGraph): IndexedGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.code, n]));
  const forward = new Map<string, RoutingEdge[]>();
  const rework = new Map<string, RoutingEdge>();
  for (const edge of graph.edges) {
    if (edge.type === 'rework') {
      rework.set(edge.from, edge);
      continue;
    }
    const list = forward.get(edge.from) ?? [];
    list.push(edge);
    forward.set(edge.from, list);
  }
  const walk = indexForward(graph.nodes, graph.edges);
  const start = walk.codes.findIndex((_, i) => walk.pred[i]?.length === 0);
  const startNode = walk.codes[start] ?? graph.nodes[0]?.code ?? '';
  const withRework = walk.succ.map((next) => [...next]);
  for (const edge of rework.values()) {
    const from = walk.indexOf.get(edge.from);
    const to = walk.indexOf.get(edge.to);
    if (from !== undefined && to !== undefined) withRework[from]?.push(to);
  }
  const reaches = reachability(walk.indexOf, walk.succ);
  const mayReturnTo = reachability(walk.indexOf, withRework);
  let region: Int32Array | null = null;
  const regionOf = (code: string): string | null => {
    region ??= splitStructure(
      walk,
      Math.max(start, 0),
      graph.nodes.map((n) => n.type),
    ).region;
    const split = region[walk.indexOf.get(code) ?? -1] ?? -1;
    return split < 0 ? null : (walk.codes[split] ?? null);
  };
  return {
    graph,
    startNode,
    regionOf,
    node: (code) => nodes.get(code),
    forward: (code) => forward.get(code) ?? [],
    rework: (code) => rework.get(code),
    isQc: (code) => nodes.get(code)?.behavior === QC_BEHAVIOR,
    reaches,
    mayReturnTo,
  };
}

/** Reachability answered from one cached walk per source node. */
function reachability(
  indexOf: ReadonlyMap<string, number>,
  succ: readonly (readonly number[])[],
): (from: string, to: string) => boolean {
  const cache = new Map<number, Uint8Array>();
  return (from, to) => {
    const a = indexOf.get(from);
    const b = indexOf.get(to);
    if (a === undefined || b === undefined) return false;
    let seen = cache.get(a);
    if (!seen) {
      seen = reachableFrom(succ, a);
      cache.set(a, seen);
    }
    return seen[b] === 1;
  };
}
