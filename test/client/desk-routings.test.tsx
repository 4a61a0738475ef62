// @vitest-environment happy-dom
/**
 * The routings page's pure steps and its page as an admin uses it (SPEC DK-14 … DK-17): a routing
 * in the import format to the nodes and edges to draw (leniently, a linear list as a chain), dagre's
 * input (rework laid out backwards, conditional labels, a limit that keeps the nodes a problem
 * names), the layout in layers; a bad paste named by line and column with nothing sent; refusals
 * said in words with their nodes, marked on the drawing; the 409 of a changed routing explained.
 */
import fs from 'node:fs';
import path from 'node:path';
import dagre from '@dagrejs/dagre';
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import { LiveBus } from '../../client/console/models/live-bus';
import {
  DRAW_LIMIT,
  drawableGraph,
  layoutInput,
  nodeSize,
  runLayout,
} from '../../client/console/models/routing-drawing';
import type { DrawGraph } from '../../client/console/models/routing-drawing';
import {
  RoutingsModel,
  jsonErrorOffset,
  markedNodes,
  parseRoutingText,
  resultOfFailure,
} from '../../client/console/models/routings-model';
import type { PageProps } from '../../client/console/page';
import { RoutingsPage } from '../../client/console/views/desk/routings';
import { FakeClock } from './support/fake-clock';

const FIXTURES = path.join(import.meta.dirname, '../../shared/fixtures');
const fixtureText = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as Record<string, unknown>;

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

const bag = () => drawableGraph(fixture('routing-bag-dag.json')) as DrawGraph;

describe('the drawing’s preparation', () => {
  it('DK-15: a DAG is read with its node types, work centers and conditional rules', () => {
    const g = bag();
    expect(g.nodes).toHaveLength(10);
    expect(g.nodes[0]).toEqual({ code: 'CUT', type: 'operation', name: 'Cut panels', workCenter: 'WC-CUT' });
    expect(g.nodes.find((n) => n.code === 'GRADE')?.type).toBe('decision');
    expect(g.edges).toContainEqual({
      from: 'GRADE',
      to: 'PACK',
      type: 'conditional',
      rule: 'grade = A',
      isDefault: false,
    });
    expect(g.edges).toContainEqual({
      from: 'GRADE',
      to: 'PACK-OUTLET',
      type: 'conditional',
      rule: null,
      isDefault: true,
    });
    expect(g.edges).toContainEqual(
      expect.objectContaining({ from: 'QC-FINAL', to: 'ASSEMBLE', type: 'rework' }),
    );
  });

  it('DK-15, RG-8: a linear task list is drawn as a chain; a paste that fails the schema still draws what it names', () => {
    const linear = drawableGraph(fixture('routing-wallet-linear.json')) as DrawGraph;
    expect(linear.edges.length).toBe(linear.nodes.length - 1);
    expect(linear.edges[0]).toMatchObject({
      from: linear.nodes[0]?.code,
      to: linear.nodes[1]?.code,
      type: 'normal',
    });
    const lenient = drawableGraph({
      nodes: [{ code: 'A', type: 'weird' }, { code: '' }, 'x', { code: 'B', type: 'join' }],
      edges: [{ from: 'A', to: 'B', type: 'sideways' }, { from: 'A' }],
    });
    expect(lenient).toEqual({
      nodes: [
        { code: 'A', type: 'operation', name: 'A', workCenter: null },
        { code: 'B', type: 'join', name: 'B', workCenter: null },
      ],
      edges: [{ from: 'A', to: 'B', type: 'normal', rule: null, isDefault: false }],
    });
    expect(drawableGraph([1, 2])).toBeNull();
    expect(drawableGraph({ nodes: [] })).toBeNull();
  });

  it('DK-15: dagre’s input: boxes sized by type, rework edges laid out backwards, conditional edges with a label', () => {
    const input = layoutInput(bag(), { direction: 'LR' });
    expect(input.omitted).toBe(0);
    const rework = input.edges.find((e) => e.reversed);
    expect(rework).toMatchObject({ v: 'ASSEMBLE', w: 'QC-FINAL' });
    expect(input.edges.filter((e) => e.label !== null)).toHaveLength(2);
    const op = nodeSize({ code: 'CUT', type: 'operation', name: 'Cut panels', workCenter: 'WC-CUT' }, 'LR');
    const bar = nodeSize({ code: 'J', type: 'join', name: 'J', workCenter: null }, 'LR');
    const flatBar = nodeSize({ code: 'J', type: 'join', name: 'J', workCenter: null }, 'TB');
    expect(op.width).toBeGreaterThanOrEqual(120);
    expect(bar.height).toBeGreaterThan(bar.width); // across the flow, left to right
    expect(flatBar.width).toBeGreaterThan(flatBar.height); // across the flow, top to bottom
  });

  it('DK-17: past the limit, the nodes a problem names and their neighbours are drawn first, and the rest counted', () => {
    const n = DRAW_LIMIT + 50;
    const nodes = Array.from({ length: n }, (_, i) => ({
      code: `T${i + 1}`,
      type: 'operation' as const,
      name: `T${i + 1}`,
      workCenter: 'WC',
    }));
    const edges = nodes.slice(1).map((node, i) => ({
      from: `T${i + 1}`,
      to: node.code,
      type: 'normal' as const,
      rule: null,
      isDefault: false,
    }));
    const input = layoutInput({ nodes, edges }, { direction: 'LR', marked: new Set([`T${n}`]) });
    expect(input.nodes).toHaveLength(DRAW_LIMIT);
    expect(input.omitted).toBe(50);
    const drawn = new Set(input.nodes.map((x) => x.id));
    expect(drawn.has(`T${n}`)).toBe(true);
    expect(drawn.has(`T${n - 1}`)).toBe(true);
    expect(drawn.has('T1')).toBe(true);
    // Only edges between drawn nodes.
    expect(input.drawn.edges.every((e) => drawn.has(e.from) && drawn.has(e.to))).toBe(true);
  });

  it('DK-17: a split into 10,000 branches is prepared for drawing with the limit, the split and its join among the drawn', () => {
    const nodes = [
      { code: 'START', type: 'operation' as const, name: 'START', workCenter: 'WC' },
      { code: 'SP', type: 'split' as const, name: 'SP', workCenter: null },
      { code: 'J', type: 'join' as const, name: 'J', workCenter: null },
    ];
    const edges = [{ from: 'START', to: 'SP', type: 'normal' as const, rule: null, isDefault: false }];
    for (let i = 1; i <= 10_000; i++) {
      nodes.push({ code: `B${i}`, type: 'operation' as const, name: `B${i}`, workCenter: 'WC' });
      edges.push(
        { from: 'SP', to: `B${i}`, type: 'normal', rule: null, isDefault: false },
        { from: `B${i}`, to: 'J', type: 'normal', rule: null, isDefault: false },
      );
    }
    const input = layoutInput({ nodes, edges }, { direction: 'LR', marked: new Set(['J']) });
    expect(input.nodes).toHaveLength(DRAW_LIMIT);
    expect(input.omitted).toBe(10_003 - DRAW_LIMIT);
    const drawn = new Set(input.nodes.map((n) => n.id));
    expect(drawn.has('J') && drawn.has('SP') && drawn.has('START')).toBe(true);
    const layout = runLayout(dagre, input);
    expect(layout.nodes).toHaveLength(DRAW_LIMIT);
  });

  it('DK-15: laid out in layers left to right (top to bottom on a phone), forks at split and join, rework as an arc', () => {
    const lr = runLayout(dagre, layoutInput(bag(), { direction: 'LR' }));
    const x = (code: string) => lr.nodes.find((n) => n.code === code)?.x ?? NaN;
    expect(x('CUT')).toBeLessThan(x('SPLIT-PANELS'));
    expect(x('SPLIT-PANELS')).toBeLessThan(x('EDGE-BODY'));
    expect(x('EDGE-BODY')).toBe(x('STITCH-STRAP'));
    expect(x('JOIN-PANELS')).toBeLessThan(x('ASSEMBLE'));
    expect(x('GRADE')).toBeLessThan(x('PACK'));
    expect(lr.edges.filter((e) => e.fork).map((e) => `${e.from}->${e.to}`)).toEqual([
      'SPLIT-PANELS->EDGE-BODY',
      'SPLIT-PANELS->STITCH-STRAP',
      'EDGE-BODY->JOIN-PANELS',
      'STITCH-STRAP->JOIN-PANELS',
    ]);
    const rework = lr.edges.find((e) => e.type === 'rework');
    expect(rework?.path).toMatch(/^M[\d.]+,[\d.]+ C/);
    expect(lr.edges.find((e) => e.to === 'PACK')?.labelAt).not.toBeNull();
    const tb = runLayout(dagre, layoutInput(bag(), { direction: 'TB' }));
    const y = (code: string) => tb.nodes.find((n) => n.code === code)?.y ?? NaN;
    expect(y('CUT')).toBeLessThan(y('SPLIT-PANELS'));
    expect(y('ASSEMBLE')).toBeLessThan(y('QC-FINAL'));
    expect(tb.height).toBeGreaterThan(tb.width);
  });
});

describe('the page’s model', () => {
  it('DK-14: a bad paste is named by line and column', () => {
    const parsed = parseRoutingText('{\n  "code": "X",\n  "name": oops\n}');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatchObject({ line: 3, column: 11 });
    const cut = parseRoutingText('{\n "code": "X",');
    if (!cut.ok) expect(cut.problem.line).toBe(2);
    expect(parseRoutingText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    // Where the parser's message names no place, the page finds it.
    expect(jsonErrorOffset('[1,2,]')).toBe(5);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": [1, {"b": 2}], "c": "x"} x')).toBe(31);
  });

  it('DK-16: refusals are read: rules with nodes (400), a taken version (409), a work center conflict (409), too large', () => {
    const refused = resultOfFailure('check', {
      status: 400,
      retryAfterSeconds: null,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: 'm',
          details: [{ rule: 'RG-2', message: 'cycle', nodes: ['A', 'B'] }],
        },
      },
    });
    expect(refused).toEqual({
      kind: 'refused',
      action: 'check',
      message: 'm',
      problems: [{ rule: 'RG-2', message: 'cycle', nodes: ['A', 'B'] }],
    });
    expect([...markedNodes(refused)]).toEqual(['A', 'B']);
    const taken = resultOfFailure('publish', {
      status: 409,
      retryAfterSeconds: null,
      body: { error: { code: 'CONFLICT', message: 'taken', details: [{ routing: 'BAG-TOTE', version: 3 }] } },
    });
    expect(taken).toEqual({ kind: 'version-taken', code: 'BAG-TOTE', version: 3, message: 'taken' });
    const wc = resultOfFailure('publish', {
      status: 409,
      retryAfterSeconds: null,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'Work center WC-CUT already exists',
          details: [{ workCenter: 'WC-CUT' }],
        },
      },
    });
    expect(wc).toEqual({ kind: 'conflict', message: 'Work center WC-CUT already exists' });
    expect(resultOfFailure('publish', { status: 413, retryAfterSeconds: null })).toEqual({
      kind: 'failed',
      action: 'publish',
      status: 413,
    });
  });

  it('DK-14: a bad paste sends nothing', async () => {
    const fetcher = vi.fn(() => Promise.resolve(new Response('{}'))) as unknown as typeof fetch;
    const model = new RoutingsModel(fetcher, () => {});
    model.setText('{"code": ');
    await model.check();
    expect(fetcher).not.toHaveBeenCalled();
    expect(model.get().jsonProblem?.line).toBe(1);
  });
});

interface Reply {
  status: number;
  body: unknown;
}

function page(replies: Record<string, Reply | (() => Reply)>) {
  const asked: { method: string; url: string; body: string | null }[] = [];
  const fetcher = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    asked.push({ method, url, body: typeof init.body === 'string' ? init.body : null });
    const found = replies[`${method} ${url}`];
    const reply = typeof found === 'function' ? found() : (found ?? { status: 404, body: {} });
    return Promise.resolve(
      new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  }) as unknown as typeof fetch;
  const props: PageProps = {
    fetcher,
    session: { username: 'admin', role: 'admin', expiresAt: '2026-12-01T10:00:00Z' },
    bus: new LiveBus(),
    clock: new FakeClock(),
    param: null,
    go: () => {},
    signedOut: vi.fn(),
  };
  return { props, asked };
}

const LIST = {
  routings: [
    {
      code: 'BAG-TOTE',
      versions: [
        {
          version: 3,
          name: 'Leather tote bag',
          routingMode: 'dag',
          nodes: 10,
          publishedAt: '2026-12-01T07:00:00Z',
          tickets: 1,
        },
      ],
    },
  ],
};

const CYCLE_REFUSAL = {
  status: 400,
  body: {
    error: {
      code: 'BAD_REQUEST',
      message: 'Routing BAD-CYCLE cannot be published: RG-2 normal edges form a cycle: A -> B -> A',
      details: [
        {
          rule: 'RG-2',
          message: 'normal edges form a cycle: A -> B -> A (only rework edges may point backwards)',
          nodes: ['A', 'B'],
        },
        {
          rule: 'RG-3',
          message: 'there is no start node: every node has an incoming normal edge',
          nodes: [],
        },
      ],
    },
  },
};

const settle = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));
const textarea = () => document.querySelector('textarea') as HTMLTextAreaElement;

describe('the routings page', () => {
  it('DK-16, RG-2: the cycle fixture checked: the rule in words with its nodes, A and B marked on the drawing', async () => {
    const p = page({
      'GET /api/v1/admin/routings': { status: 200, body: LIST },
      'POST /api/v1/admin/routings/check': CYCLE_REFUSAL,
    });
    render(<RoutingsPage {...p.props} />);
    await settle();
    fireEvent.input(textarea(), { target: { value: fixtureText('routing-bad-cycle.json') } });
    fireEvent.click(document.querySelector('button:not(.primary)') as HTMLButtonElement);
    await settle();
    const check = p.asked.find((a) => a.url.endsWith('/check'));
    expect(JSON.parse(check?.body ?? 'null')).toMatchObject({ code: 'BAD-CYCLE' });
    const alert = document.querySelector('[data-result="refused"]') as HTMLElement;
    expect(alert.textContent).toContain(consoleEn.routings.refusedHeading({ action: 'check', n: 2 }));
    expect(alert.textContent).toContain(consoleEn.routings.rules['RG-2']);
    expect(
      alert.querySelector('[data-problem="RG-2"] [data-problem-nodes]')?.getAttribute('data-problem-nodes'),
    ).toBe('A B');
    expect(alert.textContent).toContain('A -> B -> A');
    expect(alert.querySelector('[data-problem="RG-3"]')?.textContent).toContain(
      consoleEn.routings.wholeRouting,
    );
    await waitFor(() => expect(document.querySelectorAll('svg [data-node]')).toHaveLength(2));
    expect(
      [...document.querySelectorAll('svg [data-marked="true"]')].map((n) => n.getAttribute('data-node')),
    ).toEqual(['A', 'B']);
    expect(document.querySelectorAll('[data-marker]')).toHaveLength(2);
    // The problem picked in the list stands out on the drawing.
    fireEvent.click(
      [...document.querySelectorAll('button')].find(
        (b) => b.textContent === consoleEn.routings.showOnDrawing({ n: 1 }),
      ) as HTMLElement,
    );
    await waitFor(() => expect(document.querySelectorAll('svg .rd-focused')).toHaveLength(2));
    // The text alternative lists the nodes with the problem said, once opened.
    const details = document.querySelector('details.rd-text') as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    await waitFor(() => expect(document.querySelector('[data-node-line="A"]')).not.toBeNull());
    expect(document.querySelector('[data-node-line="A"]')?.textContent).toContain(
      consoleEn.routings.problemMarker,
    );
  });

  it('DK-18: a changed routing under a taken version: the 409 explained; a bad paste names its line and sends nothing', async () => {
    const p = page({
      'GET /api/v1/admin/routings': { status: 200, body: LIST },
      'POST /api/v1/admin/routings': {
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'Routing BAG-TOTE version 3 is already published with other content',
            details: [{ routing: 'BAG-TOTE', version: 3 }],
          },
        },
      },
    });
    consoleLanguage.choose('th');
    render(<RoutingsPage {...p.props} />);
    await settle();
    fireEvent.input(textarea(), { target: { value: '{\n  "code": "BAG-TOTE",\n  "version": 3,,\n}' } });
    fireEvent.click(document.querySelector('button.primary') as HTMLButtonElement);
    await settle();
    expect(p.asked.filter((a) => a.method === 'POST')).toEqual([]);
    expect(document.querySelector('[data-json-problem]')?.textContent).toContain(
      consoleTh.routings.jsonProblem({ line: 3, column: 16 }),
    );
    fireEvent.input(textarea(), { target: { value: fixtureText('routing-bag-dag.json') } });
    fireEvent.click(document.querySelector('button.primary') as HTMLButtonElement);
    await settle();
    expect(document.querySelector('[data-result="version-taken"]')?.textContent).toContain(
      consoleTh.routings.versionTaken({ code: 'BAG-TOTE', version: 3 }),
    );
  });

  it('DK-10, DK-11: the published routings listed with their versions; choosing one draws it', async () => {
    const p = page({
      'GET /api/v1/admin/routings': { status: 200, body: LIST },
      'GET /api/v1/admin/routings/BAG-TOTE/versions/3': {
        status: 200,
        body: {
          code: 'BAG-TOTE',
          version: 3,
          publishedAt: '2026-12-01T07:00:00Z',
          source: { ...fixture('routing-bag-dag.json'), routingMode: 'dag' },
        },
      },
    });
    render(<RoutingsPage {...p.props} />);
    await settle();
    const version = document.querySelector('[data-version="BAG-TOTE v3"]') as HTMLElement;
    expect(version.textContent).toContain('Leather tote bag');
    expect(version.textContent).toContain(consoleEn.routings.nodeCount({ n: 10 }));
    expect(version.textContent).toContain(consoleEn.routings.ticketCount({ n: 1 }));
    fireEvent.click(version.querySelector('button') as HTMLButtonElement);
    await waitFor(() => expect(document.querySelectorAll('svg [data-node]')).toHaveLength(10));
    expect(document.querySelector('[data-drawn]')?.getAttribute('data-drawn')).toBe('BAG-TOTE v3');
    expect(document.querySelector('[data-edge="QC-FINAL->ASSEMBLE"]')?.getAttribute('class')).toContain(
      'rd-edge-rework',
    );
    expect(document.querySelector('[data-edge="GRADE->PACK"]')?.textContent).toBe('grade = A');
    expect(document.querySelector('[data-edge="GRADE->PACK-OUTLET"]')?.textContent).toBe(
      consoleEn.routings.defaultEdge,
    );
    expect(document.querySelectorAll('svg [data-marked]')).toHaveLength(0);
  });
});
