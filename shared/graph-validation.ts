/**
 * @module Publishing rules for a routing graph (SPEC RG-1 … RG-11). Every error names its nodes, so
 * that whoever drew the routing can find what to fix. Near-linear in the graph's size and free of
 * recursion (graph-walk.ts): a 10,000-node routing of any shape is checked in milliseconds.
 */
import type { ForwardIndex } from './graph-walk';
import { findCycle, indexForward, reachableFrom, splitStructure } from './graph-walk';
import type { RoutingEdge, RoutingGraph, RoutingNode } from './routing';
import { unreachable } from './domain';

export interface GraphError {
  rule: string;
  message: string;
  nodes: string[];
}

/** A graph with thousands of errors gets the first ones and a count: enough to start fixing. */
const MAX_ERRORS = 100;

/**
 * Checks a graph; the empty list means it may be published. `workCenters` are the codes the
 * routing defines (a code listed twice is an error, RG-1).
 */
export function validateGraph(graph: RoutingGraph, workCenters: Iterable<string>): GraphError[] {
  return capped(checkGraph(graph, workCenters));
}

function capped(errors: GraphError[]): GraphError[] {
  if (errors.length <= MAX_ERRORS) return errors;
  const shown = errors.slice(0, MAX_ERRORS);
  shown.push({
    rule: 'RG',
    message: `… and ${errors.length - MAX_ERRORS} more errors; fix these first`,
    nodes: [],
  });
  return shown;
}

function checkGraph(graph: RoutingGraph, workCenters: Iterable<string>): GraphError[] {
  const structural = checkReferences(graph, workCenters);
  // Later rules walk the graph and would only repeat a dangling reference in other words.
  if (structural.length > 0) return structural;

  const errors: GraphError[] = [];
  const g = indexForward(graph.nodes, graph.edges);
  const cycle = findCycle(g);
  if (cycle) {
    const codes = cycle.map((i) => g.codes[i] ?? '');
    errors.push({
      rule: 'RG-2',
      message: `normal edges form a cycle: ${codes.join(' -> ')} (only rework edges may point backwards)`,
      nodes: [...new Set(codes)],
    });
  }
  const starts = g.codes.filter((_, i) => g.pred[i]?.length === 0);
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
  const reachable = reachableFrom(g.succ, g.indexOf.get(start) ?? 0);
  const unreached = g.codes.filter((_, i) => reachable[i] === 0);
  if (unreached.length > 0) {
    errors.push({
      rule: 'RG-4',
      message: `not reachable from the start node ${start}: ${unreached.join(', ')}`,
      nodes: unreached,
    });
    return errors;
  }
  errors.push(...checkSplitsAndJoins(graph, g, start));
  return errors;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function checkReferences(graph: RoutingGraph, workCenters: Iterable<string>): GraphError[] {
  const errors: GraphError[] = [];
  const centers = new Set<string>();
  for (const code of workCenters) {
    if (centers.has(code)) {
      errors.push({ rule: 'RG-1', message: `work center ${code} is listed twice`, nodes: [] });
    }
    centers.add(code);
  }
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
      } else if (!centers.has(node.workCenter)) {
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
  const outgoing = new Map<string, RoutingEdge[]>();
  for (const edge of graph.edges) {
    const list = outgoing.get(edge.from);
    if (list) list.push(edge);
    else outgoing.set(edge.from, [edge]);
  }
  const nodeByCode = new Map(graph.nodes.map((n) => [n.code, n]));
  for (const node of graph.nodes) {
    const out = outgoing.get(node.code) ?? [];
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
    if (node.type === 'decision') errors.push(...checkDecision(node, forward));
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
    if (rework.length > 0) errors.push(...checkReworkKinds(node, rework, nodeByCode));
  }
  return errors;
}

function checkDecision(node: RoutingNode, forward: readonly RoutingEdge[]): GraphError[] {
  const errors: GraphError[] = [];
  const at = [node.code];
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
  return errors;
}

function checkReworkKinds(
  node: RoutingNode,
  rework: readonly RoutingEdge[],
  nodeByCode: ReadonlyMap<string, RoutingNode>,
): GraphError[] {
  const errors: GraphError[] = [];
  if (node.type !== 'operation' || node.behavior !== 'QC') {
    errors.push({
      rule: 'RG-9',
      message: `rework edges leave QC operation nodes only (taken on qc_fail); ${node.code} is not one`,
      nodes: [node.code],
    });
  }
  if (rework.length > 1) {
    errors.push({
      rule: 'RG-9',
      message: `node ${node.code} has ${rework.length} rework edges; at most one is allowed`,
      nodes: [node.code],
    });
  }
  for (const edge of rework) {
    const target = nodeByCode.get(edge.to);
    if (target && target.type !== 'operation') {
      errors.push({
        rule: 'RG-9',
        message: `rework edge ${edge.from} -> ${edge.to} must end at an operation node`,
        nodes: [edge.from, edge.to],
      });
    }
  }
  return errors;
}

/** RG-7 and RG-9: joins closing their splits, and rework staying inside its split region. */
function checkSplitsAndJoins(graph: RoutingGraph, g: ForwardIndex, start: string): GraphError[] {
  const types = graph.nodes.map((n) => n.type);
  const structure = splitStructure(g, g.indexOf.get(start) ?? 0, types);
  const codeOf = (i: number): string => g.codes[i] ?? '';
  const errors: GraphError[] = [];
  const mentioned = new Set<number>();
  // Naming the branch that goes astray takes a walk per join; a routing with hundreds of bad
  // joins gets the walk for the first ones and a shorter message for the rest.
  let walksLeft = 20;
  for (const problem of structure.problems) {
    const join = codeOf(problem.join);
    mentioned.add(problem.join);
    switch (problem.kind) {
      case 'too-few-inputs':
        errors.push({
          rule: 'RG-7',
          message: `join node ${join} has ${problem.inDegree} incoming edge; a join needs the branches of a split`,
          nodes: [join],
        });
        break;
      case 'no-split': {
        const { nearest } = problem;
        const type = nearest < 0 ? '' : (types[nearest] ?? '');
        if (nearest >= 0) mentioned.add(nearest);
        errors.push({
          rule: 'RG-7',
          message: `join node ${join} cannot be matched to a split: every path to it must pass one split whose branches all meet here${nearest >= 0 ? ` (the nearest node on every path is ${codeOf(nearest)}, ${article(type)} ${type} node)` : ''}`,
          nodes: nearest >= 0 ? [join, codeOf(nearest)] : [join],
        });
        break;
      }
      case 'stray-branch':
        mentioned.add(problem.split);
        errors.push(
          walksLeft-- > 0
            ? describeStrayBranches(g, problem.split, problem.join)
            : {
                rule: 'RG-7',
                message: `join node ${join} closes split ${codeOf(problem.split)}, but not every way out of its branches passes it`,
                nodes: [join, codeOf(problem.split)],
              },
        );
        break;
      case 'second-join':
        mentioned.add(problem.split);
        mentioned.add(problem.other);
        errors.push({
          rule: 'RG-7',
          message: `split ${codeOf(problem.split)} is closed by two joins, ${codeOf(problem.other)} and ${join}; one split has one join`,
          nodes: [codeOf(problem.split), codeOf(problem.other), join],
        });
        break;
      default:
        unreachable(problem);
    }
  }
  types.forEach((type, s) => {
    if (type === 'split' && !structure.joinOf.has(s) && !mentioned.has(s)) {
      errors.push({
        rule: 'RG-7',
        message: `split node ${codeOf(s)} has no join where its branches meet again`,
        nodes: [codeOf(s)],
      });
    }
  });
  if (errors.length > 0) return errors;
  // RG-9: a rework edge stays inside the split/join region it starts in, so that it moves the
  // same family member it was recorded on.
  for (const edge of graph.edges) {
    if (edge.type !== 'rework') continue;
    const from = g.indexOf.get(edge.from) ?? -1;
    const to = g.indexOf.get(edge.to) ?? -1;
    if (structure.region[from] !== structure.region[to]) {
      errors.push({
        rule: 'RG-9',
        message: `rework edge ${edge.from} -> ${edge.to} crosses a split/join boundary; rework stays within one branch`,
        nodes: [edge.from, edge.to],
      });
    }
  }
  return errors;
}

/** Why a join does not close its split: branches that never reach it, or ways out around it. */
function describeStrayBranches(g: ForwardIndex, split: number, join: number): GraphError {
  const codeOf = (i: number): string => g.codes[i] ?? '';
  const branches = g.succ[split] ?? [];
  const reachesJoin = reachableFrom(g.pred, join);
  const missing = branches.filter((b) => reachesJoin[b] === 0).map(codeOf);
  if (missing.length > 0) {
    return {
      rule: 'RG-7',
      message: `join node ${codeOf(join)} closes split ${codeOf(split)}, but its branch${missing.length > 1 ? 'es' : ''} at ${missing.join(', ')} never reach${missing.length > 1 ? '' : 'es'} it`,
      nodes: [codeOf(join), codeOf(split), ...missing],
    };
  }
  // Every path of every branch must arrive, or a sibling would wait at the join for ever.
  const ends = exitsAvoiding(g, branches, join).map(codeOf);
  return {
    rule: 'RG-7',
    message: `a branch of split ${codeOf(split)} can end at ${ends.join(', ')} without passing its join ${codeOf(join)}, where its siblings would wait for ever`,
    nodes: [codeOf(split), codeOf(join), ...ends],
  };
}

/** End nodes reachable from `from` along paths that never pass `join`. */
function exitsAvoiding(g: ForwardIndex, from: readonly number[], join: number): number[] {
  const seen = new Uint8Array(g.codes.length);
  const exits: number[] = [];
  const stack = [...from];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node === join || seen[node] === 1) continue;
    seen[node] = 1;
    const next = g.succ[node] ?? [];
    if (next.length === 0) exits.push(node);
    for (const n of next) stack.push(n);
  }
  return exits;
}
