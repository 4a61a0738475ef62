import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../shared/graph-validation';
import { routingGraphFromInput } from '../../shared/routing-import';
import {
  TEST_WORK_CENTERS,
  decision,
  drawGraph,
  edge,
  join,
  loadRoutingInput,
  op,
  otherwise,
  qc,
  rework,
  split,
  when,
  workCenterCodes,
} from '../support/shared-fixtures';
import type { FixtureName } from '../support/shared-fixtures';

function validateFixture(name: FixtureName) {
  const input = loadRoutingInput(name);
  return validateGraph(routingGraphFromInput(input), workCenterCodes(input));
}

const check = (graph: ReturnType<typeof drawGraph>) => validateGraph(graph, TEST_WORK_CENTERS);

/** An expected error: its rule, the nodes it names (in order), and words its message must contain. */
function error(rule: string, nodes: string[], ...words: string[]) {
  return {
    rule,
    nodes,
    message: expect.stringMatching(
      new RegExp(
        words
          .map(escape)
          .map((w) => `(?=[\\s\\S]*${w})`)
          .join(''),
      ),
    ),
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('publishable fixtures', () => {
  it('RG-1..RG-10: the BAG-TOTE DAG (split, join, QC rework, grade decision) validates with no errors', () => {
    expect(validateFixture('bag-dag')).toEqual([]);
  });

  it('RG-8: the WALLET linear task list validates with no errors', () => {
    expect(validateFixture('wallet-linear')).toEqual([]);
  });
});

describe('RG-1 references', () => {
  it('RG-1: refuses a node code used twice and names it', () => {
    const graph = drawGraph([op('A'), op('B'), op('A')], [edge('A', 'B')]);
    expect(check(graph)).toEqual([error('RG-1', ['A'], 'node code A is used twice')]);
  });

  it('RG-1: refuses an edge to an undefined node and names the edge and the node', () => {
    const graph = drawGraph([op('A'), op('B')], [edge('A', 'B'), edge('B', 'X')]);
    expect(check(graph)).toEqual([error('RG-1', ['X'], 'B -> X', 'node X', 'not defined')]);
  });

  it('RG-1: refuses an operation node whose work center is not defined, naming both', () => {
    const graph = drawGraph(
      [op('A'), { code: 'B', type: 'operation', workCenter: 'WC-NOPE' }],
      [edge('A', 'B')],
    );
    expect(check(graph)).toEqual([error('RG-1', ['B'], 'node B', 'WC-NOPE', 'not defined')]);
  });

  it('RG-1: refuses an operation node without a work center', () => {
    const graph = drawGraph([op('A'), { code: 'B', type: 'operation' }], [edge('A', 'B')]);
    expect(check(graph)).toEqual([error('RG-1', ['B'], 'operation node B has no work center')]);
  });
});

describe('RG-2 cycles', () => {
  it('RG-2: refuses the bad-cycle fixture and names the cycle A -> B -> A (and, with it, that nothing starts)', () => {
    expect(validateFixture('bad-cycle')).toEqual([
      error('RG-2', ['A', 'B'], 'A -> B -> A'),
      error('RG-3', [], 'no start node'),
    ]);
  });

  it('RG-2: names a longer cycle behind a proper start node in order, A -> B -> C -> A', () => {
    const graph = drawGraph(
      [op('S'), op('A'), op('B'), op('C'), op('E')],
      [edge('S', 'A'), edge('A', 'B'), edge('B', 'C'), edge('C', 'A'), edge('C', 'E')],
    );
    // C -> A and C -> E also make C branch without a split (RG-6).
    expect(check(graph)).toEqual([
      error('RG-2', ['A', 'B', 'C'], 'A -> B -> C -> A'),
      error('RG-6', ['C'], 'operation node C', 'A, E'),
    ]);
  });

  it('RG-2: a rework edge pointing backwards is not a cycle', () => {
    const graph = drawGraph([op('A'), qc('Q'), op('E')], [edge('A', 'Q'), edge('Q', 'E'), rework('Q', 'A')]);
    expect(check(graph)).toEqual([]);
  });
});

describe('RG-3 start node', () => {
  it('RG-3: refuses two start nodes and names both', () => {
    const graph = drawGraph([op('A'), op('B'), op('C')], [edge('A', 'C'), edge('B', 'C')]);
    expect(check(graph)).toEqual([error('RG-3', ['A', 'B'], 'exactly one start node', 'found 2: A, B')]);
  });

  it('RG-3: refuses a graph with no start node (every node has an incoming normal edge)', () => {
    // A finite graph in which every node has an incoming edge always has a cycle, so RG-2 comes too.
    const graph = drawGraph([op('A'), op('B'), op('C')], [edge('A', 'B'), edge('B', 'C'), edge('C', 'A')]);
    expect(check(graph)).toEqual([
      error('RG-2', ['A', 'B', 'C'], 'A -> B -> C -> A'),
      error('RG-3', [], 'no start node'),
    ]);
  });
});

describe('RG-11 the start node is an operation', () => {
  it('RG-11: refuses a routing that starts at a split, naming the start node', () => {
    const graph = drawGraph(
      [split('SP'), op('A'), op('B'), join('J'), op('E')],
      [edge('SP', 'A'), edge('SP', 'B'), edge('A', 'J'), edge('B', 'J'), edge('J', 'E')],
    );
    expect(check(graph)).toEqual([error('RG-11', ['SP'], 'start node SP must be an operation node')]);
  });
});

describe('RG-4 reachability', () => {
  /*
   * RG-4 can only ever be seen through RG-2 or RG-3. Take the nodes U not reachable from the start
   * along normal edges. An edge into U never comes from a reachable node (its target would be
   * reachable), so a node of U with no incoming edge from U has no incoming normal edge at all: it is
   * a second start node (RG-3). If every node of U has one, walking those edges backwards inside the
   * finite set U must repeat a node: a cycle (RG-2). So an acyclic graph with exactly one start has
   * every node reachable, and validateGraph rightly stops before its RG-4 check on RG-2/RG-3. These
   * cases check that the unreachable nodes are still named, by the rule that catches them.
   */
  it('RG-4: an unreachable chain X -> Y is refused as a second start node X (RG-3)', () => {
    const graph = drawGraph([op('S'), op('E'), op('X'), op('Y')], [edge('S', 'E'), edge('X', 'Y')]);
    expect(check(graph)).toEqual([error('RG-3', ['S', 'X'], 'found 2: S, X')]);
  });

  it('RG-4: an unreachable island where every node has an incoming edge is refused as its cycle (RG-2)', () => {
    const graph = drawGraph(
      [op('S'), op('E'), op('X'), op('Y')],
      [edge('S', 'E'), edge('X', 'Y'), edge('Y', 'X')],
    );
    expect(check(graph)).toEqual([error('RG-2', ['X', 'Y'], 'X -> Y -> X')]);
  });

  it('RG-4: a node reached only by a rework edge is refused as a second start node (RG-3)', () => {
    const graph = drawGraph([op('A'), qc('Q'), op('R')], [edge('A', 'Q'), rework('Q', 'R')]);
    expect(check(graph)).toEqual([error('RG-3', ['A', 'R'], 'found 2: A, R')]);
  });
});

describe('RG-5 decisions and conditional edges', () => {
  it('RG-5: refuses a conditional edge out of an operation node and names the node', () => {
    const graph = drawGraph([op('A'), op('B')], [when('A', 'B', 'grade', 'A')]);
    expect(check(graph)).toEqual([
      error('RG-5', ['A'], 'conditional edges may only leave decision nodes', 'A'),
    ]);
  });

  it('RG-5: refuses a decision node with two default edges', () => {
    const graph = drawGraph(
      [op('A'), decision('D'), op('B'), op('C')],
      [edge('A', 'D'), otherwise('D', 'B'), otherwise('D', 'C')],
    );
    expect(check(graph)).toEqual([error('RG-5', ['D'], 'decision node D has 2 default edges')]);
  });

  it('RG-5: refuses a normal edge out of a decision node and names where it goes', () => {
    const graph = drawGraph(
      [op('A'), decision('D'), op('B'), op('C')],
      [edge('A', 'D'), when('D', 'B', 'grade', 'A'), edge('D', 'C')],
    );
    expect(check(graph)).toEqual([error('RG-5', ['D'], 'decision node D', 'normal ones to C')]);
  });

  it('RG-5: refuses a conditional edge with no rule that is not the default, naming both ends', () => {
    const graph = drawGraph(
      [op('A'), decision('D'), op('B'), op('C')],
      [edge('A', 'D'), { from: 'D', to: 'B', type: 'conditional' }, otherwise('D', 'C')],
    );
    expect(check(graph)).toEqual([error('RG-5', ['D', 'B'], 'D -> B', 'no rule')]);
  });
});

describe('RG-6 branching', () => {
  it('RG-6: refuses a split with one outgoing edge (and, a split with no join, RG-7)', () => {
    const graph = drawGraph([op('A'), split('SP'), op('B')], [edge('A', 'SP'), edge('SP', 'B')]);
    expect(check(graph)).toEqual([
      error('RG-6', ['SP'], 'split node SP needs at least two outgoing edges, it has 1'),
      error('RG-7', ['SP'], 'split node SP has no join'),
    ]);
  });

  it('RG-6: refuses an operation node with two outgoing normal edges, naming both targets', () => {
    const graph = drawGraph([op('A'), op('B'), op('C')], [edge('A', 'B'), edge('A', 'C')]);
    expect(check(graph)).toEqual([
      error('RG-6', ['A'], 'operation node A has 2 outgoing normal edges', 'B, C'),
    ]);
  });
});

describe('RG-7 splits and joins', () => {
  it('RG-7: refuses a join whose nearest dominator is a decision, naming the join and the decision', () => {
    const graph = drawGraph(
      [op('A'), decision('D'), op('B'), op('C'), join('J'), op('E')],
      [
        edge('A', 'D'),
        when('D', 'B', 'grade', 'A'),
        otherwise('D', 'C'),
        edge('B', 'J'),
        edge('C', 'J'),
        edge('J', 'E'),
      ],
    );
    expect(check(graph)).toEqual([
      error('RG-7', ['J', 'D'], 'join node J cannot be matched to a split', 'D'),
    ]);
  });

  it('RG-7: refuses a split one of whose branches never reaches its join, naming join, split and branch', () => {
    const graph = drawGraph(
      [op('A'), split('SP'), op('B'), op('C'), op('X'), join('J'), op('E')],
      [
        edge('A', 'SP'),
        edge('SP', 'B'),
        edge('SP', 'C'),
        edge('SP', 'X'),
        edge('B', 'J'),
        edge('C', 'J'),
        edge('J', 'E'),
      ],
    );
    expect(check(graph)).toEqual([
      error('RG-7', ['J', 'SP', 'X'], 'join node J closes split SP', 'X never reaches'),
    ]);
  });

  it('RG-7: refuses a split with no join', () => {
    const graph = drawGraph(
      [op('A'), split('SP'), op('B'), op('C')],
      [edge('A', 'SP'), edge('SP', 'B'), edge('SP', 'C')],
    );
    expect(check(graph)).toEqual([error('RG-7', ['SP'], 'split node SP has no join')]);
  });

  it('RG-7: refuses a split branch that can leave through a decision to an end node instead of its join', () => {
    // Branch B reaches J when grade is A, but the default edge ends the branch at X. A piece graded
    // B leaves its body child completed at X, its strap child waiting at J and the parent split
    // for ever: the join can never close. "Every branch of that split reaches the join" must hold
    // on every way out of the branch, not just on one.
    const graph = drawGraph(
      [op('A'), split('SP'), qc('B'), decision('D'), op('C'), join('J'), op('X'), op('E')],
      [
        edge('A', 'SP'),
        edge('SP', 'B'),
        edge('SP', 'C'),
        edge('B', 'D'),
        when('D', 'J', 'grade', 'A'),
        otherwise('D', 'X'),
        edge('C', 'J'),
        edge('J', 'E'),
      ],
    );
    expect(check(graph)).toContainEqual({
      rule: 'RG-7',
      nodes: expect.arrayContaining(['SP', 'X']) as string[],
      message: expect.stringContaining('SP') as string,
    });
  });

  it('RG-7: accepts nested splits, each closed by its own join', () => {
    const graph = drawGraph(
      [op('A'), split('S1'), split('S2'), op('B'), op('C'), join('J2'), op('D'), join('J1'), op('E')],
      [
        edge('A', 'S1'),
        edge('S1', 'S2'),
        edge('S1', 'D'),
        edge('S2', 'B'),
        edge('S2', 'C'),
        edge('B', 'J2'),
        edge('C', 'J2'),
        edge('J2', 'J1'),
        edge('D', 'J1'),
        edge('J1', 'E'),
      ],
    );
    expect(check(graph)).toEqual([]);
  });
});

describe('RG-9 rework edges', () => {
  it('RG-9: refuses a rework edge out of a node that is not a QC operation', () => {
    const graph = drawGraph([op('A'), op('B'), op('C')], [edge('A', 'B'), edge('B', 'C'), rework('B', 'A')]);
    expect(check(graph)).toEqual([error('RG-9', ['B'], 'rework edges leave QC operation nodes only', 'B')]);
  });

  it('RG-9: refuses two rework edges out of one QC node', () => {
    const graph = drawGraph(
      [op('A'), op('B'), qc('Q')],
      [edge('A', 'B'), edge('B', 'Q'), rework('Q', 'A'), rework('Q', 'B')],
    );
    expect(check(graph)).toEqual([error('RG-9', ['Q'], 'node Q has 2 rework edges')]);
  });

  const region = [op('A'), split('SP'), op('B'), qc('Q'), join('J'), qc('Q2'), op('E')];
  const regionEdges = [
    edge('A', 'SP'),
    edge('SP', 'B'),
    edge('SP', 'Q'),
    edge('B', 'J'),
    edge('Q', 'J'),
    edge('J', 'Q2'),
    edge('Q2', 'E'),
  ];

  it('RG-9: accepts a rework edge that stays inside one split branch, and one outside any split', () => {
    // Q -> B stays inside the SP..J region; Q2 -> A stays outside every region.
    const graph = drawGraph(region, [...regionEdges, rework('Q', 'B'), rework('Q2', 'A')]);
    expect(check(graph)).toEqual([]);
  });

  it('RG-9: refuses a rework edge from inside a split branch back before the split', () => {
    const graph = drawGraph(region, [...regionEdges, rework('Q', 'A')]);
    expect(check(graph)).toEqual([
      error('RG-9', ['Q', 'A'], 'rework edge Q -> A crosses a split/join boundary'),
    ]);
  });

  it('RG-9: refuses a rework edge from after the join into a split branch', () => {
    const graph = drawGraph(region, [...regionEdges, rework('Q2', 'B')]);
    expect(check(graph)).toEqual([
      error('RG-9', ['Q2', 'B'], 'rework edge Q2 -> B crosses a split/join boundary'),
    ]);
  });

  it('RG-9: refuses a rework edge that ends at a split node', () => {
    const graph = drawGraph(region, [...regionEdges, rework('Q2', 'SP')]);
    expect(check(graph)).toEqual([
      error('RG-9', ['Q2', 'SP'], 'rework edge Q2 -> SP must end at an operation node'),
    ]);
  });
});

describe('RG-10 end nodes', () => {
  it('RG-10: refuses a decision node with no way out (also a decision without edges, RG-5)', () => {
    const graph = drawGraph([op('A'), decision('D')], [edge('A', 'D')]);
    expect(check(graph)).toEqual([
      error('RG-5', ['D'], 'decision node D has no outgoing edge'),
      error('RG-10', ['D'], 'decision node D has no way out', 'only an operation node can end a routing'),
    ]);
  });

  it('RG-10: refuses a join node that ends the routing', () => {
    const graph = drawGraph(
      [op('A'), split('SP'), op('B'), op('C'), join('J')],
      [edge('A', 'SP'), edge('SP', 'B'), edge('SP', 'C'), edge('B', 'J'), edge('C', 'J')],
    );
    expect(check(graph)).toEqual([error('RG-10', ['J'], 'join node J has no way out')]);
  });
});
