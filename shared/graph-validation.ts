/**
 * @module Publishing rules for a routing graph (SPEC RG-1 … RG-10). Every error names its nodes, so
 * that whoever drew the routing can find what to fix.
 */
import type { RoutingEdge, RoutingGraph } from './routing-graph';

export interface GraphError {
  rule: string;
  message: string;
  nodes: string[];
}

/** Checks a graph; the empty list means it may be published. `workCenters` are the known codes. */
export function validateGraph(graph: RoutingGraph, workCenters: ReadonlySet<string>): GraphError[] {
  const structural = checkReferences(graph, workCenters);
  // Later rules walk the graph and would only repeat a dangling reference in other words.
  if (structural.length > 0) return structural;

  const errors: GraphError[] = [];
  const forwardEdges = graph.edges.filter((e) => e.type !== 'rework');
  const cycle = findCycle(graph, forwardEdges);
  if (cycle) {
    errors.push({
      rule: 'RG-2',
      message: `normal edges form a cycle: ${cycle.join(' -> ')} (only rework edges may point backwards)`,
      nodes: [...new Set(cycle)],
    });
  }
  const hasIncoming = new Set(forwardEdges.map((e) => e.to));
  const starts = graph.nodes.filter((n) => !hasIncoming.has(n.code)).map((n) => n.code);
  if (starts.length !== 1) {
    errors.push({
      rule: 'RG-3',
      message:
        starts.length === 0
          ? 'there is no start node: every node has an incoming normal edge'
          : `there must be exactly one start node, found ${starts.length}: ${starts.join(', ')}`,
      nodes: starts,
    });
  }
  errors.push(...checkEdgeKinds(graph));
  if (cycle || starts.length !== 1) return errors;

  const start = starts[0] as string;
  if (graph.nodes.find((n) => n.code === start)?.type !== 'operation') {
    errors.push({
      rule: 'RG-11',
      message: `the start node ${start} must be an operation node, where new work items wait`,
      nodes: [start],
    });
  }
  const reachable = reachableFrom(start, forwardEdges);
  const unreachable = graph.nodes.filter((n) => !reachable.has(n.code)).map((n) => n.code);
  if (unreachable.length > 0) {
    errors.push({
      rule: 'RG-4',
      message: `not reachable from the start node ${start}: ${unreachable.join(', ')}`,
      nodes: unreachable,
    });
    return errors;
  }
  errors.push(...checkSplitsAndJoins(graph, start, forwardEdges));
  return errors;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function checkReferences(graph: RoutingGraph, workCenters: ReadonlySet<string>): GraphError[] {
  const errors: GraphError[] = [];
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    if (seen.has(node.code)) {
      errors.push({ rule: 'RG-1', message: `node code ${node.code} is used twice`, nodes: [node.code] });
    }
    seen.add(node.code);
    if (node.type === 'operation') {
      if (node.workCenter === null) {
        errors.push({
          rule: 'RG-1',
          message: `operation node ${node.code} has no work center`,
          nodes: [node.code],
        });
      } else if (!workCenters.has(node.workCenter)) {
        errors.push({
          rule: 'RG-1',
          message: `node ${node.code} names work center ${node.workCenter}, which is not defined`,
          nodes: [node.code],
        });
      }
    }
  }
  for (const edge of graph.edges) {
    for (const end of [edge.from, edge.to]) {
      if (!seen.has(end)) {
        errors.push({
          rule: 'RG-1',
          message: `edge ${edge.from} -> ${edge.to} names node ${end}, which is not defined`,
          nodes: [end],
        });
      }
    }
  }
  return errors;
}

function checkEdgeKinds(graph: RoutingGraph): GraphError[] {
  const errors: GraphError[] = [];
  for (const node of graph.nodes) {
    const out = graph.edges.filter((e) => e.from === node.code);
    const forward = out.filter((e) => e.type !== 'rework');
    const rework = out.filter((e) => e.type === 'rework');
    const conditional = out.filter((e) => e.type === 'conditional');
    const at = [node.code];
    if (node.type !== 'decision' && conditional.length > 0) {
      errors.push({
        rule: 'RG-5',
        message: `conditional edges may only leave decision nodes; ${node.code} is ${article(node.type)} ${node.type} node`,
        nodes: at,
      });
    }
    if (node.type === 'decision') {
      const plain = forward.filter((e) => e.type !== 'conditional');
      const defaults = forward.filter((e) => e.isDefault);
      const ruleless = forward.filter((e) => e.type === 'conditional' && !e.isDefault && e.when === null);
      if (forward.length === 0) {
        errors.push({ rule: 'RG-5', message: `decision node ${node.code} has no outgoing edge`, nodes: at });
      }
      if (plain.length > 0) {
        errors.push({
          rule: 'RG-5',
          message: `decision node ${node.code} may only have conditional edges, it has normal ones to ${plain.map((e) => e.to).join(', ')}`,
          nodes: at,
        });
      }
      if (defaults.length > 1) {
        errors.push({
          rule: 'RG-5',
          message: `decision node ${node.code} has ${defaults.length} default edges; at most one is allowed`,
          nodes: at,
        });
      }
      for (const edge of ruleless) {
        errors.push({
          rule: 'RG-5',
          message: `conditional edge ${edge.from} -> ${edge.to} has no rule and is not the default`,
          nodes: [edge.from, edge.to],
        });
      }
    }
    if (node.type === 'split' && forward.length < 2) {
      errors.push({
        rule: 'RG-6',
        message: `split node ${node.code} needs at least two outgoing edges, it has ${forward.length}`,
        nodes: at,
      });
    }
    if ((node.type === 'operation' || node.type === 'join') && forward.length > 1) {
      errors.push({
        rule: 'RG-6',
        message: `${node.type} node ${node.code} has ${forward.length} outgoing normal edges (to ${forward.map((e) => e.to).join(', ')}); use a split or a decision node to branch`,
        nodes: at,
      });
    }
    if (forward.length === 0 && node.type !== 'operation') {
      errors.push({
        rule: 'RG-10',
        message: `${node.type} node ${node.code} has no way out; only an operation node can end a routing`,
        nodes: at,
      });
    }
    if (rework.length > 0) {
      if (node.type !== 'operation' || node.behavior !== 'QC') {
        errors.push({
          rule: 'RG-9',
          message: `rework edges leave QC operation nodes only (taken on qc_fail); ${node.code} is not one`,
          nodes: at,
        });
      }
      if (rework.length > 1) {
        errors.push({
          rule: 'RG-9',
          message: `node ${node.code} has ${rework.length} rework edges; at most one is allowed`,
          nodes: at,
        });
      }
      for (const edge of rework) {
        const target = graph.nodes.find((n) => n.code === edge.to);
        if (target && target.type !== 'operation') {
          errors.push({
            rule: 'RG-9',
            message: `rework edge ${edge.from} -> ${edge.to} must end at an operation node`,
            nodes: [edge.from, edge.to],
          });
        }
      }
    }
  }
  return errors;
}

/** Returns one cycle as a closed path of node codes (first repeated at the end), if any. */
function findCycle(graph: RoutingGraph, edges: readonly RoutingEdge[]): string[] | null {
  const out = adjacency(edges);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (code: string): string[] | null => {
    state.set(code, 'open');
    path.push(code);
    for (const next of out.get(code) ?? []) {
      const s = state.get(next);
      if (s === 'open') return [...path.slice(path.indexOf(next)), next];
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(code, 'done');
    return null;
  };
  for (const node of graph.nodes) {
    if (!state.has(node.code)) {
      const found = visit(node.code);
      if (found) return found;
    }
  }
  return null;
}

function adjacency(edges: readonly RoutingEdge[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  return out;
}

function reachableFrom(start: string, edges: readonly RoutingEdge[]): Set<string> {
  const out = adjacency(edges);
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const next of out.get(stack.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** Dominator sets over the acyclic forward graph: the nodes on every path from the start to each node. */
function dominators(
  graph: RoutingGraph,
  start: string,
  edges: readonly RoutingEdge[],
): Map<string, Set<string>> {
  const preds = new Map<string, string[]>();
  for (const e of edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const order = topologicalOrder(graph, edges);
  const dom = new Map<string, Set<string>>();
  for (const code of order) {
    if (code === start) {
      dom.set(code, new Set([code]));
      continue;
    }
    const predecessorSets = (preds.get(code) ?? []).map((p) => dom.get(p) ?? new Set<string>());
    const [first, ...rest] = predecessorSets;
    const result = new Set([...(first ?? [])].filter((x) => rest.every((d) => d.has(x))));
    result.add(code);
    dom.set(code, result);
  }
  return dom;
}

function topologicalOrder(graph: RoutingGraph, edges: readonly RoutingEdge[]): string[] {
  const indegree = new Map(graph.nodes.map((n) => [n.code, 0]));
  for (const e of edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const out = adjacency(edges);
  const ready = graph.nodes.filter((n) => indegree.get(n.code) === 0).map((n) => n.code);
  const order: string[] = [];
  while (ready.length > 0) {
    const code = ready.shift() as string;
    order.push(code);
    for (const next of out.get(code) ?? []) {
      const left = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

/** RG-7: each join closes exactly one split (its nearest dominator), which has exactly one join. */
export function matchJoinsToSplits(
  graph: RoutingGraph,
  start: string,
  edges: readonly RoutingEdge[],
): { pairs: Map<string, string>; errors: GraphError[] } {
  const dom = dominators(graph, start, edges);
  const typeOf = new Map(graph.nodes.map((n) => [n.code, n.type]));
  const reach = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    let set = reach.get(from);
    if (!set) {
      set = reachableFrom(from, edges);
      reach.set(from, set);
    }
    return set.has(to);
  };
  const errors: GraphError[] = [];
  const joinOfSplit = new Map<string, string>();
  const pairs = new Map<string, string>();
  for (const join of graph.nodes.filter((n) => n.type === 'join')) {
    const inDegree = edges.filter((e) => e.to === join.code).length;
    if (inDegree < 2) {
      errors.push({
        rule: 'RG-7',
        message: `join node ${join.code} has ${inDegree} incoming edge; a join needs the branches of a split`,
        nodes: [join.code],
      });
      continue;
    }
    // The nearest strict dominator is the one with the largest dominator set of its own.
    const candidates = [...(dom.get(join.code) ?? [])].filter((c) => c !== join.code);
    const nearest = candidates.sort((a, b) => (dom.get(b)?.size ?? 0) - (dom.get(a)?.size ?? 0))[0];
    if (nearest === undefined || typeOf.get(nearest) !== 'split') {
      errors.push({
        rule: 'RG-7',
        message: `join node ${join.code} cannot be matched to a split: every path to it must pass one split whose branches all meet here${nearest ? ` (the nearest node on every path is ${nearest}, ${article(typeOf.get(nearest) ?? '')} ${typeOf.get(nearest)} node)` : ''}`,
        nodes: nearest ? [join.code, nearest] : [join.code],
      });
      continue;
    }
    const missing = edges.filter((e) => e.from === nearest && !reaches(e.to, join.code)).map((e) => e.to);
    if (missing.length > 0) {
      errors.push({
        rule: 'RG-7',
        message: `join node ${join.code} closes split ${nearest}, but its branch${missing.length > 1 ? 'es' : ''} at ${missing.join(', ')} never reach${missing.length > 1 ? '' : 'es'} it`,
        nodes: [join.code, nearest, ...missing],
      });
      continue;
    }
    // Every path of every branch must arrive, or a sibling would wait at the join for ever.
    const escapes = edges
      .filter((e) => e.from === nearest)
      .flatMap((e) => exitsAvoiding(e.to, join.code, edges));
    if (escapes.length > 0) {
      const ends = [...new Set(escapes)];
      errors.push({
        rule: 'RG-7',
        message: `a branch of split ${nearest} can end at ${ends.join(', ')} without passing its join ${join.code}, where its siblings would wait for ever`,
        nodes: [nearest, join.code, ...ends],
      });
      continue;
    }
    const other = joinOfSplit.get(nearest);
    if (other !== undefined) {
      errors.push({
        rule: 'RG-7',
        message: `split ${nearest} is closed by two joins, ${other} and ${join.code}; one split has one join`,
        nodes: [nearest, other, join.code],
      });
      continue;
    }
    joinOfSplit.set(nearest, join.code);
    pairs.set(join.code, nearest);
  }
  for (const split of graph.nodes.filter((n) => n.type === 'split')) {
    if (!joinOfSplit.has(split.code) && !errors.some((e) => e.nodes.includes(split.code))) {
      errors.push({
        rule: 'RG-7',
        message: `split node ${split.code} has no join where its branches meet again`,
        nodes: [split.code],
      });
    }
  }
  return { pairs, errors };
}

/** End nodes reachable from `from` along paths that never pass `join`. */
function exitsAvoiding(from: string, join: string, edges: readonly RoutingEdge[]): string[] {
  const out = adjacency(edges);
  const seen = new Set<string>();
  const exits: string[] = [];
  const stack = [from];
  while (stack.length > 0) {
    const code = stack.pop() as string;
    if (code === join || seen.has(code)) continue;
    seen.add(code);
    const next = out.get(code) ?? [];
    if (next.length === 0) exits.push(code);
    stack.push(...next);
  }
  return exits;
}

function checkSplitsAndJoins(
  graph: RoutingGraph,
  start: string,
  edges: readonly RoutingEdge[],
): GraphError[] {
  const { pairs, errors } = matchJoinsToSplits(graph, start, edges);
  if (errors.length > 0) return errors;
  // RG-9: a rework edge stays inside the split/join region it starts in, so that it moves the
  // same family member it was recorded on.
  const reach = (from: string, to: string): boolean => reachableFrom(from, edges).has(to);
  const regionOf = (code: string): string => {
    let innermost = '';
    let size = Infinity;
    for (const [join, split] of pairs) {
      if (code !== split && code !== join && reach(split, code) && reach(code, join)) {
        const inside = graph.nodes.filter((n) => reach(split, n.code) && reach(n.code, join)).length;
        if (inside < size) {
          size = inside;
          innermost = split;
        }
      }
    }
    return innermost;
  };
  for (const edge of graph.edges.filter((e) => e.type === 'rework')) {
    if (regionOf(edge.from) !== regionOf(edge.to)) {
      errors.push({
        rule: 'RG-9',
        message: `rework edge ${edge.from} -> ${edge.to} crosses a split/join boundary; rework stays within one branch`,
        nodes: [edge.from, edge.to],
      });
    }
  }
  return errors;
}
