/**
 * @module Walks over a routing graph's forward edges (every edge but rework), shared by the publish
 * rules (RG-2, RG-4, RG-7, RG-9) and by the token machine's index (reachability, split regions,
 * TM-10, TM-12), so both read one definition. Every walk is iterative (a 10,000-step chain must
 * not overflow the stack) and near-linear in the graph's size (a routing import must not stall the
 * server); nodes are numbered once and the walks work on arrays.
 */
import type { NodeType } from './domain';
import type { RoutingEdge } from './routing';

/** Node numbers and forward adjacency, built once per graph. */
export interface ForwardIndex {
  codes: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  succ: readonly (readonly number[])[];
  pred: readonly (readonly number[])[];
}

/** Numbers the nodes in the order given; edges naming undefined nodes and rework edges are left out. */
export function indexForward(
  nodes: readonly { code: string }[],
  edges: readonly Pick<RoutingEdge, 'from' | 'to' | 'type'>[],
): ForwardIndex {
  const indexOf = new Map<string, number>();
  const codes: string[] = [];
  for (const node of nodes) {
    if (indexOf.has(node.code)) continue;
    indexOf.set(node.code, codes.length);
    codes.push(node.code);
  }
  const succ: number[][] = codes.map(() => []);
  const pred: number[][] = codes.map(() => []);
  for (const edge of edges) {
    if (edge.type === 'rework') continue;
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    if (from === undefined || to === undefined) continue;
    succ[from]?.push(to);
    pred[to]?.push(from);
  }
  return { codes, indexOf, succ, pred };
}

const at = <T>(list: readonly T[], i: number): T => list[i] as T;

/** One cycle as a closed path of node numbers (first repeated at the end), or null (RG-2). */
export function findCycle(g: ForwardIndex): number[] | null {
  const n = g.codes.length;
  // 0 unvisited, 1 on the current path, 2 done.
  const state = new Uint8Array(n);
  const path: number[] = [];
  const nextChild: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    path.push(root);
    nextChild.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = at(path, top);
      const children = at(g.succ, node);
      const i = at(nextChild, top);
      if (i < children.length) {
        nextChild[top] = i + 1;
        const next = at(children, i);
        if (state[next] === 1) return [...path.slice(path.indexOf(next)), next];
        if (state[next] === 0) {
          state[next] = 1;
          path.push(next);
          nextChild.push(0);
        }
      } else {
        state[node] = 2;
        path.pop();
        nextChild.pop();
      }
    }
  }
  return null;
}

/** Which nodes can be reached from `from` (itself included) along `succ`. */
export function reachableFrom(succ: readonly (readonly number[])[], from: number): Uint8Array {
  const seen = new Uint8Array(succ.length);
  seen[from] = 1;
  const stack = [from];
  while (stack.length > 0) {
    for (const next of at(succ, stack.pop() as number)) {
      if (seen[next] === 0) {
        seen[next] = 1;
        stack.push(next);
      }
    }
  }
  return seen;
}

/** Kahn's order of an acyclic graph (nodes on a cycle are left out). */
export function topologicalOrder(g: ForwardIndex): number[] {
  const indegree = g.pred.map((p) => p.length);
  const order: number[] = [];
  for (let i = 0; i < indegree.length; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const next of at(g.succ, at(order, head))) {
      const left = at(indegree, next) - 1;
      indegree[next] = left;
      if (left === 0) order.push(next);
    }
  }
  return order;
}

/**
 * A dominator tree: `parent[n]` is n's immediate dominator (-1 for the root and for nodes the walk
 * never reached). Built by Cooper, Harvey and Kennedy's intersection over an acyclic graph taken in
 * topological order, where one pass suffices.
 */
export class DominatorTree {
  private readonly enter: Int32Array;
  private readonly leave: Int32Array;

  constructor(readonly parent: Int32Array) {
    const n = parent.length;
    const children: number[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      const p = parent[i] ?? -1;
      if (p >= 0) at(children, p).push(i);
    }
    this.enter = new Int32Array(n).fill(-1);
    this.leave = new Int32Array(n).fill(-1);
    let clock = 0;
    for (let root = 0; root < n; root++) {
      if (parent[root] !== -1 || this.enter[root] !== -1) continue;
      const stack: [number, number][] = [[root, 0]];
      this.enter[root] = clock++;
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as [number, number];
        const kids = at(children, top[0]);
        if (top[1] < kids.length) {
          const child = at(kids, top[1]++);
          this.enter[child] = clock++;
          stack.push([child, 0]);
        } else {
          this.leave[top[0]] = clock++;
          stack.pop();
        }
      }
    }
  }

  /** Whether `a` dominates `b` (every node dominates itself). */
  dominates(a: number, b: number): boolean {
    const ea = this.enter[a] ?? -1;
    const eb = this.enter[b] ?? -1;
    return ea >= 0 && eb >= 0 && ea <= eb && (this.leave[b] ?? -1) <= (this.leave[a] ?? -1);
  }
}

/**
 * Immediate dominators over an acyclic graph whose nodes are listed in topological `order`, from
 * `roots` (a virtual root above several when given more than one). `into` lists each node's
 * predecessors in the direction walked.
 */
function immediateDominators(
  size: number,
  order: readonly number[],
  into: readonly (readonly number[])[],
  roots: ReadonlySet<number>,
): Int32Array {
  const rank = new Int32Array(size).fill(-1);
  order.forEach((node, i) => (rank[node] = i));
  const VIRTUAL = size;
  const idom = new Int32Array(size + 1).fill(-1);
  idom[VIRTUAL] = VIRTUAL;
  const rankOf = (node: number): number => (node === VIRTUAL ? -1 : (rank[node] ?? -1));
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (rankOf(a) > rankOf(b)) a = idom[a] ?? VIRTUAL;
      while (rankOf(b) > rankOf(a)) b = idom[b] ?? VIRTUAL;
    }
    return a;
  };
  for (const node of order) {
    if (roots.has(node)) {
      idom[node] = VIRTUAL;
      continue;
    }
    let found = -1;
    for (const p of at(into, node)) {
      if (idom[p] === -1) continue; // not reached from the roots
      found = found === -1 ? p : intersect(found, p);
    }
    idom[node] = found;
  }
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const d = idom[i] ?? -1;
    parent[i] = d === VIRTUAL ? -1 : d;
  }
  return parent;
}

/** Dominators from the start node: d dominates n when every path from the start to n passes d. */
export function dominatorTree(g: ForwardIndex, start: number, order: readonly number[]): DominatorTree {
  return new DominatorTree(immediateDominators(g.codes.length, order, g.pred, new Set([start])));
}

/**
 * Post-dominators: p post-dominates n when every path from n to an end node passes p. The end
 * nodes hang below one virtual exit, so a node whose paths end at different nodes has no
 * post-dominator of its own.
 */
export function postDominatorTree(g: ForwardIndex, order: readonly number[]): DominatorTree {
  const ends = new Set<number>();
  g.succ.forEach((s, i) => {
    if (s.length === 0) ends.add(i);
  });
  return new DominatorTree(immediateDominators(g.codes.length, [...order].reverse(), g.succ, ends));
}

/**
 * The innermost split whose region holds each node (-1 at the top level), for splits paired with
 * their joins (`joinOf`). A region is what lies strictly between a split and its join; in a graph
 * that keeps RG-7 a node's region is its immediate dominator's, except right after a split (the
 * branch opens) and at a join (the region closes). Nodes in topological `order`.
 */
export function regions(
  size: number,
  order: readonly number[],
  dominators: DominatorTree,
  joinOf: ReadonlyMap<number, number>,
): Int32Array {
  const splitOf = new Map<number, number>();
  for (const [split, join] of joinOf) splitOf.set(join, split);
  const region = new Int32Array(size).fill(-1);
  for (const node of order) {
    const split = splitOf.get(node);
    if (split !== undefined) {
      region[node] = region[split] ?? -1;
      continue;
    }
    const d = dominators.parent[node] ?? -1;
    if (d < 0) continue;
    region[node] = joinOf.has(d) ? d : (region[d] ?? -1);
  }
  return region;
}

/** Why a join closes no split (RG-7); the publish rules put each into words. */
export type JoinProblem =
  | { kind: 'too-few-inputs'; join: number; inDegree: number }
  /** The nearest node on every path to the join is not a split (-1: there is none). */
  | { kind: 'no-split'; join: number; nearest: number }
  /** The nearest is a split, but a way out of one of its branches does not pass the join. */
  | { kind: 'stray-branch'; join: number; split: number }
  | { kind: 'second-join'; join: number; split: number; other: number };

export interface SplitStructure {
  /** Topological order of the forward graph. */
  order: number[];
  dominators: DominatorTree;
  /** Each split that a join closes → that join. */
  joinOf: Map<number, number>;
  problems: JoinProblem[];
  /** The innermost split holding each node, -1 at the top level (meaningful when `problems` is empty). */
  region: Int32Array;
}

/**
 * Pairs each join with the split it closes (RG-7): its nearest dominator, which must be a split
 * that the join post-dominates (every way out of every branch passes the join), one join per split.
 * The publish rules and the token machine's index (TM-12) both read the pairs and regions from here.
 */
export function splitStructure(g: ForwardIndex, start: number, types: readonly NodeType[]): SplitStructure {
  const order = topologicalOrder(g);
  const dominators = dominatorTree(g, start, order);
  const postDominators = postDominatorTree(g, order);
  const joinOf = new Map<number, number>();
  const problems: JoinProblem[] = [];
  for (let join = 0; join < types.length; join++) {
    if (types[join] !== 'join') continue;
    const inDegree = g.pred[join]?.length ?? 0;
    if (inDegree < 2) {
      problems.push({ kind: 'too-few-inputs', join, inDegree });
      continue;
    }
    const nearest = dominators.parent[join] ?? -1;
    if (nearest < 0 || types[nearest] !== 'split') {
      problems.push({ kind: 'no-split', join, nearest });
      continue;
    }
    if (!postDominators.dominates(join, nearest)) {
      problems.push({ kind: 'stray-branch', join, split: nearest });
      continue;
    }
    const other = joinOf.get(nearest);
    if (other !== undefined) {
      problems.push({ kind: 'second-join', join, split: nearest, other });
      continue;
    }
    joinOf.set(nearest, join);
  }
  return { order, dominators, joinOf, problems, region: regions(g.codes.length, order, dominators, joinOf) };
}
