/** @module Large routings drawn in code, for the graph-check tests and the routing benchmark. */
import type { EdgeInput, NodeInput } from './shared-fixtures';
import { edge, join, op, split } from './shared-fixtures';

/** T1 -> T2 -> … -> Tn. */
export function chainRouting(n: number): { nodes: NodeInput[]; edges: EdgeInput[] } {
  const nodes = Array.from({ length: n }, (_, i) => op(`T${i + 1}`));
  const edges = Array.from({ length: n - 1 }, (_, i) => edge(`T${i + 1}`, `T${i + 2}`));
  return { nodes, edges };
}

/** START -> SP -> B1 … Bn -> J -> END: one split into n branches of one operation each. */
export function wideSplit(n: number): { nodes: NodeInput[]; edges: EdgeInput[] } {
  const nodes: NodeInput[] = [op('START'), split('SP'), join('J'), op('END')];
  const edges: EdgeInput[] = [edge('START', 'SP'), edge('J', 'END')];
  for (let i = 1; i <= n; i++) {
    nodes.push(op(`B${i}`));
    edges.push(edge('SP', `B${i}`), edge(`B${i}`, 'J'));
  }
  return { nodes, edges };
}

/**
 * Splits nested `depth` deep: S_i opens an operation O_i and S_{i+1} side by side, J_i closes them.
 * The innermost split opens two operations.
 */
export function nestedSplits(depth: number): {
  nodes: NodeInput[];
  edges: EdgeInput[];
  innermost: { split: string; join: string; node: string };
} {
  const nodes: NodeInput[] = [op('START'), op('END')];
  const edges: EdgeInput[] = [edge('START', 'S1'), edge('J1', 'END')];
  for (let i = 1; i <= depth; i++) {
    nodes.push(split(`S${i}`), join(`J${i}`), op(`O${i}`));
    edges.push(edge(`S${i}`, `O${i}`), edge(`O${i}`, `J${i}`));
    if (i < depth) edges.push(edge(`S${i}`, `S${i + 1}`), edge(`J${i + 1}`, `J${i}`));
    else {
      nodes.push(op('INNER'));
      edges.push(edge(`S${i}`, 'INNER'), edge('INNER', `J${i}`));
    }
  }
  return { nodes, edges, innermost: { split: `S${depth}`, join: `J${depth}`, node: 'INNER' } };
}
