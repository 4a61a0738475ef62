import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../shared/graph-validation';
import { indexGraph } from '../../shared/routing-graph';
import type { EdgeInput, NodeInput } from '../support/shared-fixtures';
import { TEST_WORK_CENTERS, drawGraph, edge, join, op, qc, rework, split } from '../support/shared-fixtures';
import { chainRouting, nestedSplits, wideSplit } from '../support/large-routings';

const check = (nodes: NodeInput[], edges: EdgeInput[]) =>
  validateGraph(drawGraph(nodes, edges), TEST_WORK_CENTERS);

describe('RG-12 large routings are checked whole, without recursion', () => {
  it('RG-12, RG-8: a linear task list of 10,000 tasks validates and is walked end to end', () => {
    const { nodes, edges } = chainRouting(10_000);
    const graph = drawGraph(nodes, edges);
    expect(validateGraph(graph, TEST_WORK_CENTERS)).toEqual([]);
    const indexed = indexGraph(graph);
    expect(indexed.startNode).toBe('T1');
    expect(indexed.reaches('T1', 'T10000')).toBe(true);
    expect(indexed.reaches('T10000', 'T1')).toBe(false);
    expect(indexed.regionOf('T5000')).toBeNull();
  });

  it('RG-12, RG-2: a 10,000-node chain whose end points back to its middle names the whole cycle in order', () => {
    const { nodes, edges } = chainRouting(10_000);
    const errors = check(nodes, [...edges, edge('T10000', 'T5000')]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.rule).toBe('RG-2');
    expect(errors[0]?.nodes).toHaveLength(5001);
    expect(errors[0]?.message).toMatch(
      /^normal edges form a cycle: T5000 -> T5001 -> .* -> T10000 -> T5000 /,
    );
  });

  it('RG-12, RG-7: one split into 5,000 branches that all join validates; a branch node lies in the split’s region', () => {
    const { nodes, edges } = wideSplit(5_000);
    const graph = drawGraph(nodes, edges);
    expect(validateGraph(graph, TEST_WORK_CENTERS)).toEqual([]);
    const indexed = indexGraph(graph);
    expect(indexed.regionOf('B2500')).toBe('SP');
    expect(indexed.regionOf('J')).toBeNull();
    expect(indexed.reaches('B4999', 'END')).toBe(true);
  });

  it('RG-12, RG-7: in a split of 5,000 branches, the one branch that ends without joining is named', () => {
    const { nodes, edges } = wideSplit(5_000);
    const astray = edges.filter((e) => !(e.from === 'B77' && e.to === 'J'));
    expect(check([...nodes, op('LOST')], [...astray, edge('B77', 'LOST')])).toEqual([
      {
        rule: 'RG-7',
        message: 'join node J closes split SP, but its branch at B77 never reaches it',
        nodes: ['J', 'SP', 'B77'],
      },
    ]);
  });

  it('RG-12, RG-7, RG-9: 2,000 splits nested inside each other validate; rework inside the innermost branch stays in its region', () => {
    const { nodes, edges, innermost } = nestedSplits(2_000);
    const graph = drawGraph(
      [...nodes, qc('CHECK')],
      [
        ...edges.filter((e) => !(e.from === innermost.node)),
        edge(innermost.node, 'CHECK'),
        edge('CHECK', innermost.join),
        rework('CHECK', innermost.node),
      ],
    );
    expect(validateGraph(graph, TEST_WORK_CENTERS)).toEqual([]);
    const indexed = indexGraph(graph);
    expect(indexed.regionOf('CHECK')).toBe(innermost.split);
    expect(indexed.regionOf('S1')).toBeNull();
  });

  it('RG-12: a routing with 3,000 joins that close nothing reports the first 100 errors and how many more', () => {
    const nodes: NodeInput[] = [op('A')];
    const edges: EdgeInput[] = [];
    let previous = 'A';
    for (let i = 1; i <= 3_000; i++) {
      nodes.push(join(`J${i}`));
      edges.push(edge(previous, `J${i}`));
      previous = `J${i}`;
    }
    nodes.push(op('Z'));
    edges.push(edge(previous, 'Z'));
    const errors = check(nodes, edges);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toEqual({
      rule: 'RG-7',
      message: 'join node J1 has 1 incoming edge; a join needs the branches of a split',
      nodes: ['J1'],
    });
    expect(errors[100]).toEqual({
      rule: 'RG',
      message: '… and 2900 more errors; fix these first',
      nodes: [],
    });
  });

  it('RG-1: a work center listed twice in the routing is refused (the rule lives with the others)', () => {
    const graph = drawGraph([op('A')], []);
    expect(validateGraph(graph, ['WC-OP', 'WC-QC', 'WC-OP'])).toEqual([
      { rule: 'RG-1', message: 'work center WC-OP is listed twice', nodes: [] },
    ]);
  });
});

it('RG-7: a split whose branch has a decision with both ways meeting again before the join still validates', () => {
  const nodes = [op('A'), split('SP'), op('B'), op('C'), join('J'), op('E')];
  expect(
    check(nodes, [
      edge('A', 'SP'),
      edge('SP', 'B'),
      edge('SP', 'C'),
      edge('B', 'J'),
      edge('C', 'J'),
      edge('J', 'E'),
    ]),
  ).toEqual([]);
});
