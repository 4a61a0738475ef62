import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../shared/protocol';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import type { RoutingGraph } from '../../shared/routing';
import { loadRoutingInput } from '../support/shared-fixtures';

/** The raw JSON of a fixture, for tests that break it before it meets the schema. */
function rawFixture(name: string): Record<string, unknown> {
  return JSON.parse(
    fs.readFileSync(new URL(`../../shared/fixtures/routing-${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

/** What the admin would read when an import is refused: "field: message; ..." (protocol.ts). */
function importError(raw: unknown): string {
  const result = routingInputSchema.safeParse(raw);
  if (result.success) throw new Error('the import was accepted');
  return describeIssues(result.error);
}

describe('RG-8 linear routings', () => {
  it('RG-8: the WALLET task list becomes the chain CUT -> SEW -> EDGE -> FINISH of normal edges, mode linear', () => {
    const expected: RoutingGraph = {
      code: 'WALLET-LINEAR',
      name: 'Wallet (linear task list)',
      version: 1,
      routingMode: 'linear',
      nodes: [
        { code: 'CUT', type: 'operation', name: 'Cut', workCenter: 'WC-CUT', behavior: 'CUT' },
        { code: 'SEW', type: 'operation', name: 'Sew', workCenter: 'WC-SEW', behavior: 'STITCH' },
        { code: 'EDGE', type: 'operation', name: 'Edge', workCenter: 'WC-EDGE', behavior: 'EDGE' },
        { code: 'FINISH', type: 'operation', name: 'Finish', workCenter: 'WC-FIN', behavior: 'PACK' },
      ],
      edges: [
        { from: 'CUT', to: 'SEW', type: 'normal', when: null, isDefault: false },
        { from: 'SEW', to: 'EDGE', type: 'normal', when: null, isDefault: false },
        { from: 'EDGE', to: 'FINISH', type: 'normal', when: null, isDefault: false },
      ],
    };
    expect(routingGraphFromInput(loadRoutingInput('wallet-linear'))).toEqual(expected);
  });

  it('RG-8: a one-task list is a single node with no edges; a task without a name is named by its code', () => {
    const input = routingInputSchema.parse({
      code: 'ONE',
      name: 'One step',
      version: 2,
      routingMode: 'linear',
      workCenters: [{ code: 'WC-CUT', name: 'Cutting', behavior: 'CUT' }],
      tasks: [{ code: 'CUT', workCenter: 'WC-CUT' }],
    });
    expect(routingGraphFromInput(input)).toEqual({
      code: 'ONE',
      name: 'One step',
      version: 2,
      routingMode: 'linear',
      nodes: [{ code: 'CUT', type: 'operation', name: 'CUT', workCenter: 'WC-CUT', behavior: 'CUT' }],
      edges: [],
    });
  });

  it('RG-8: a DAG routing without routingMode stays a DAG; edges default to normal, rules and defaults kept', () => {
    const graph = routingGraphFromInput(loadRoutingInput('bag-dag'));
    expect(graph.routingMode).toBe('dag');
    expect(graph.nodes.map((n) => [n.code, n.type, n.workCenter, n.behavior])).toEqual([
      ['CUT', 'operation', 'WC-CUT', 'CUT'],
      ['SPLIT-PANELS', 'split', null, null],
      ['EDGE-BODY', 'operation', 'WC-EDGE', 'EDGE'],
      ['STITCH-STRAP', 'operation', 'WC-STITCH', 'STITCH'],
      ['JOIN-PANELS', 'join', null, null],
      ['ASSEMBLE', 'operation', 'WC-ASM', 'ASSEMBLY'],
      ['QC-FINAL', 'operation', 'WC-QC', 'QC'],
      ['GRADE', 'decision', null, null],
      ['PACK', 'operation', 'WC-PACK', 'PACK'],
      ['PACK-OUTLET', 'operation', 'WC-PACK', 'PACK'],
    ]);
    expect(graph.edges.filter((e) => e.from === 'QC-FINAL' || e.from === 'GRADE')).toEqual([
      { from: 'QC-FINAL', to: 'ASSEMBLE', type: 'rework', when: null, isDefault: false },
      { from: 'QC-FINAL', to: 'GRADE', type: 'normal', when: null, isDefault: false },
      {
        from: 'GRADE',
        to: 'PACK',
        type: 'conditional',
        when: { field: 'grade', equals: 'A' },
        isDefault: false,
      },
      { from: 'GRADE', to: 'PACK-OUTLET', type: 'conditional', when: null, isDefault: true },
    ]);
  });
});

describe('RG-1 import schema: a refused import names the field', () => {
  it('RG-1: a work center behavior that is not UPPER_SNAKE is refused, naming workCenters.0.behavior', () => {
    const raw = rawFixture('bag-dag');
    raw['workCenters'] = [{ code: 'WC-CUT', name: 'Cutting', behavior: 'cut' }];
    expect(importError(raw)).toBe(
      'workCenters.0.behavior: must be an UPPER_SNAKE behavior such as CUT or QC',
    );
  });

  it('RG-8: a linear routing with no tasks is refused, naming tasks', () => {
    const raw = rawFixture('wallet-linear');
    raw['tasks'] = [];
    expect(importError(raw)).toBe('tasks: a linear routing needs at least one task');
  });

  it('RG-1: a DAG routing without nodes is refused, naming nodes', () => {
    const raw = rawFixture('bag-dag');
    delete raw['nodes'];
    expect(importError(raw)).toMatch(/^nodes: /);
  });

  it('RG-1: a node of an unknown type is refused, naming nodes.1.type', () => {
    const raw = rawFixture('bag-dag');
    const nodes = raw['nodes'] as Record<string, unknown>[];
    raw['nodes'] = nodes.map((n, i) => (i === 1 ? { ...n, type: 'fork' } : n));
    expect(importError(raw)).toMatch(/^nodes\.1\.type: /);
  });

  it('RG-1: an empty node code is refused, naming nodes.0.code', () => {
    const raw = rawFixture('bag-dag');
    const nodes = raw['nodes'] as Record<string, unknown>[];
    raw['nodes'] = nodes.map((n, i) => (i === 0 ? { ...n, code: '  ' } : n));
    expect(importError(raw)).toBe('nodes.0.code: must not be empty');
  });
});
