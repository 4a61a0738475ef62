/**
 * @module The routing drawing's pure steps (SPEC DK-15 … DK-17): a routing in the import format
 * (pasted, possibly failing the schema, or published) → the nodes and edges to draw; those →
 * dagre's layout input (sizes by node type and label, rework edges laid out backwards so that they
 * do not pull the layers, a limit on what is drawn); dagre's answer → positions and edge paths for
 * the SVG. dagre itself is passed in: the page loads it with import() (its own chunk).
 *
 * Why a limit and not progressive layout: dagre lays a graph out in one synchronous call whose cost
 * grows faster than the graph (crossing reduction), so hundreds of nodes already take a noticeable
 * moment and thousands would freeze the page; nor can anyone read a drawing of thousands of
 * boxes. The drawing takes the first DRAW_LIMIT nodes (the ones an error names first, then their
 * neighbours, then in walking order from the start), and says how many it left out; the text list
 * and the error list still name every node.
 */
import type * as DagreLib from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { EdgeType, NodeType } from '../../../shared/domain';
import { EDGE_TYPES, NODE_TYPES } from '../../../shared/domain';

export const DRAW_LIMIT = 200;
/** Neighbours drawn with each node a problem names (when the graph is over the limit). */
const NEIGHBOURS = 3;

export interface DrawNode {
  code: string;
  type: NodeType;
  name: string;
  workCenter: string | null;
}

export interface DrawEdge {
  from: string;
  to: string;
  type: EdgeType;
  /** A conditional edge's rule (`grade = A`) or null; `isDefault` marks the default one. */
  rule: string | null;
  isDefault: boolean;
}

export interface DrawGraph {
  nodes: DrawNode[];
  edges: DrawEdge[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * The nodes and edges a routing in the import format describes, read leniently: a paste that fails
 * the schema still draws what it names (so its errors can be shown on it). A linear task list is a
 * chain (RG-8). Null when there is nothing to draw.
 */
export function drawableGraph(raw: unknown): DrawGraph | null {
  if (!isRecord(raw)) return null;
  if (raw['routingMode'] === 'linear' || (Array.isArray(raw['tasks']) && !Array.isArray(raw['nodes']))) {
    const tasks = (Array.isArray(raw['tasks']) ? raw['tasks'] : []).filter(isRecord);
    const nodes: DrawNode[] = tasks.flatMap((task) => {
      const code = text(task['code']);
      return code === null
        ? []
        : [
            {
              code,
              type: 'operation' as const,
              name: text(task['name']) ?? code,
              workCenter: text(task['workCenter']),
            },
          ];
    });
    const edges = nodes.slice(1).map((node, i) => plainEdge(nodes[i]?.code ?? '', node.code));
    return nodes.length === 0 ? null : { nodes, edges };
  }
  const nodes: DrawNode[] = (Array.isArray(raw['nodes']) ? raw['nodes'] : [])
    .filter(isRecord)
    .flatMap((node) => {
      const code = text(node['code']);
      if (code === null) return [];
      const type = (NODE_TYPES as readonly unknown[]).includes(node['type'])
        ? (node['type'] as NodeType)
        : 'operation';
      return [{ code, type, name: text(node['name']) ?? code, workCenter: text(node['workCenter']) }];
    });
  const edges: DrawEdge[] = (Array.isArray(raw['edges']) ? raw['edges'] : [])
    .filter(isRecord)
    .flatMap((edge) => {
      const from = text(edge['from']);
      const to = text(edge['to']);
      if (from === null || to === null) return [];
      const type = (EDGE_TYPES as readonly unknown[]).includes(edge['type'])
        ? (edge['type'] as EdgeType)
        : 'normal';
      return [{ from, to, type, rule: ruleText(edge['when']), isDefault: edge['default'] === true }];
    });
  return nodes.length === 0 ? null : { nodes, edges };
}

function plainEdge(from: string, to: string): DrawEdge {
  return { from, to, type: 'normal', rule: null, isDefault: false };
}

function ruleText(when: unknown): string | null {
  if (!isRecord(when)) return null;
  const field = text(when['field']);
  const equals = when['equals'];
  if (field === null || !['string', 'number', 'boolean'].includes(typeof equals)) return null;
  return `${field} = ${String(equals)}`;
}

export type Direction = 'LR' | 'TB';

/** A node's box as dagre lays it out. */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

/** An edge as dagre lays it out: rework edges go `to` → `from` (see layoutInput). */
export interface LayoutEdge {
  /** Its index in the drawn graph's edges. */
  index: number;
  v: string;
  w: string;
  reversed: boolean;
  label: { width: number; height: number } | null;
}

export interface LayoutInput {
  direction: Direction;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  /** The graph as drawn: the nodes within the limit and the edges between them. */
  drawn: DrawGraph;
  /** Nodes left out by the limit. */
  omitted: number;
}

/** Text sizes the SVG uses (px), for the boxes to fit their labels. */
export const FONT = { code: 14, small: 12 };
/** An estimate of a label's width: Thai and Latin glyphs at these sizes average about 0.6 em. */
export function textWidth(label: string, size: number): number {
  return Math.ceil(label.length * size * 0.6);
}

/** Long names are cut (the full one is in the node's title and the text list). */
export const MAX_LABEL = 26;
export function shortLabel(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** A node's box: an operation shows code, name and work center; a decision is a diamond; split/join a bar with its code. */
export function nodeSize(node: DrawNode, direction: Direction): { width: number; height: number } {
  const code = textWidth(node.code, FONT.code);
  switch (node.type) {
    case 'operation': {
      const lines = [
        code,
        textWidth(shortLabel(node.name), FONT.small),
        textWidth(node.workCenter ?? '', FONT.small),
      ];
      return { width: Math.max(120, Math.max(...lines) + 24), height: 66 };
    }
    case 'decision':
      // A diamond holds its text in its middle half.
      return { width: Math.max(110, code * 1.6 + 24), height: 64 };
    default:
      // The bar across the flow, its code below it.
      return direction === 'LR'
        ? { width: Math.max(40, code + 12), height: 84 }
        : { width: Math.max(110, code + 12), height: 44 };
  }
}

/**
 * Which nodes are drawn when there are more than `limit`: those named by an error first, then a few of
 * their neighbours, then the rest in walking order from the start nodes (so the drawing is connected).
 */
export function drawOrder(graph: DrawGraph, marked: ReadonlySet<string>): string[] {
  const next = new Map<string, string[]>();
  const around = new Map<string, string[]>();
  const hasInput = new Set<string>();
  // Pushed, not copied: one split into thousands of branches stays linear.
  const link = (map: Map<string, string[]>, from: string, to: string) => {
    const list = map.get(from);
    if (list) list.push(to);
    else map.set(from, [to]);
  };
  for (const e of graph.edges) {
    if (e.type !== 'rework') {
      link(next, e.from, e.to);
      hasInput.add(e.to);
    }
    link(around, e.from, e.to);
    link(around, e.to, e.from);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const add = (code: string) => {
    if (!seen.has(code)) {
      seen.add(code);
      order.push(code);
    }
  };
  const known = new Set(graph.nodes.map((n) => n.code));
  for (const code of marked) if (known.has(code)) add(code);
  // A few neighbours each (a join has thousands when its split is wide): enough to see where it is.
  for (const code of marked)
    for (const n of (around.get(code) ?? []).slice(0, NEIGHBOURS)) if (known.has(n)) add(n);
  // Breadth first from the starts, without recursion.
  const queue = graph.nodes.filter((n) => !hasInput.has(n.code)).map((n) => n.code);
  for (let i = 0; i < queue.length; i++) {
    const code = queue[i] as string;
    add(code);
    for (const n of next.get(code) ?? []) if (!seen.has(n) && known.has(n)) queue.push(n);
  }
  for (const n of graph.nodes) add(n.code);
  return order;
}

/** dagre's input for a graph: boxes sized for their labels, at most `limit` nodes. */
export function layoutInput(
  graph: DrawGraph,
  options: { direction: Direction; limit?: number; marked?: ReadonlySet<string> },
): LayoutInput {
  const limit = options.limit ?? DRAW_LIMIT;
  const byCode = new Map<string, DrawNode>();
  for (const n of graph.nodes) if (!byCode.has(n.code)) byCode.set(n.code, n);
  const chosen =
    byCode.size <= limit
      ? new Set(byCode.keys())
      : new Set(drawOrder(graph, options.marked ?? new Set()).slice(0, limit));
  const nodes = [...byCode.values()].filter((n) => chosen.has(n.code));
  const edges = graph.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to));
  return {
    direction: options.direction,
    nodes: nodes.map((n) => ({ id: n.code, ...nodeSize(n, options.direction) })),
    edges: edges.map((e, index) => {
      const label = edgeLabel(e);
      // A rework edge points back: laid out forwards, it would not pull its target down a layer.
      const reversed = e.type === 'rework' && e.from !== e.to;
      return {
        index,
        v: reversed ? e.to : e.from,
        w: reversed ? e.from : e.to,
        reversed,
        label: label === null ? null : { width: textWidth(label, FONT.small) + 12, height: 20 },
      };
    }),
    drawn: { nodes, edges },
    omitted: byCode.size - nodes.length,
  };
}

/** The words on an edge: a conditional edge's rule, or "default" for the default (the view translates it). */
export function edgeLabel(edge: DrawEdge): string | null {
  if (edge.type !== 'conditional') return null;
  return edge.isDefault ? '*' : (edge.rule ?? '?');
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends DrawNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends DrawEdge {
  /** The SVG path: dagre's route, or for a rework edge an arc beside the flow back to its target. */
  path: string;
  labelAt: Point | null;
  /** Leaves a split or enters a join: drawn as a fork. */
  fork: boolean;
}

export interface Layout {
  direction: Direction;
  /** The drawing's box (a rework arc may reach above or left of dagre's origin). */
  minX: number;
  minY: number;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  omitted: number;
}

/** dagre's default export (the page loads it with import(); tests import it). */
export type Dagre = typeof DagreLib.default;

/** Lays the input out with dagre: layers left to right (LR) or top to bottom (TB). */
export function runLayout(dagre: Dagre, input: LayoutInput): Layout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: input.direction, nodesep: 28, ranksep: 56, edgesep: 14, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of input.edges) {
    g.setEdge(
      e.v,
      e.w,
      e.label ? { width: e.label.width, height: e.label.height, labelpos: 'c' } : {},
      `e${e.index}`,
    );
  }
  dagre.layout(g);
  const types = new Map(input.drawn.nodes.map((n) => [n.code, n.type]));
  const nodes = input.drawn.nodes.map((n) => {
    const { x = 0, y = 0, width, height } = g.node(n.code);
    return { ...n, x, y, width, height };
  });
  const placed = new Map(nodes.map((n) => [n.code, n]));
  const size = g.graph();
  const box = { minX: 0, minY: 0, maxX: size.width ?? 0, maxY: size.height ?? 0 };
  const edges = input.edges.map((e) => {
    const edge = input.drawn.edges[e.index] as DrawEdge;
    const route = g.edge(e.v, e.w, `e${e.index}`);
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    let path = edgePath(toBars(route.points ?? [], from, to, input.direction));
    if (e.reversed && from && to) {
      const arc = reworkArc(from, to, input.direction);
      path = arc.path;
      box.minX = Math.min(box.minX, arc.extent.x);
      box.minY = Math.min(box.minY, arc.extent.y);
    }
    const labelAt =
      e.label && route.x !== undefined && route.y !== undefined ? { x: route.x, y: route.y } : null;
    const fork = types.get(edge.from) === 'split' || types.get(edge.to) === 'join';
    return { ...edge, path, labelAt, fork };
  });
  return {
    direction: input.direction,
    minX: box.minX,
    minY: box.minY,
    width: box.maxX - box.minX,
    height: box.maxY - box.minY,
    nodes,
    edges,
    omitted: input.omitted,
  };
}

const isBar = (n: PlacedNode | undefined): n is PlacedNode => n?.type === 'split' || n?.type === 'join';

/**
 * Left to right, a split or join is drawn as a bar in the middle of its box (its code below):
 * an edge leaves or enters at the bar itself, not at the box's edge, so the branches fork off it.
 */
export function toBars(
  points: readonly Point[],
  from: PlacedNode | undefined,
  to: PlacedNode | undefined,
  direction: Direction,
): Point[] {
  const out = [...points];
  if (direction !== 'LR' || out.length < 2) return out;
  const onBar = (n: PlacedNode, p: Point, side: 1 | -1): Point => {
    const top = n.y - n.height / 2;
    return {
      x: n.x + side * (BAR_WIDTH / 2),
      y: Math.min(Math.max(p.y, top + 4), top + n.height - BAR_LABEL - 4),
    };
  };
  if (isBar(from)) out[0] = onBar(from, out[0] as Point, 1);
  if (isBar(to)) out[out.length - 1] = onBar(to, out[out.length - 1] as Point, -1);
  return out;
}

/** A split/join bar's thickness, and the room for its code below it (left to right). */
export const BAR_WIDTH = 12;
export const BAR_LABEL = 22;

/**
 * A rework edge as an arc over the nodes (LR) or beside them (TB), from its QC node back to where
 * the work is done again: dagre would route it on top of the forward edge between the same nodes.
 */
export function reworkArc(
  from: PlacedNode,
  to: PlacedNode,
  direction: Direction,
): { path: string; extent: Point } {
  if (direction === 'LR') {
    const [a, b] = [
      { x: from.x, y: from.y - from.height / 2 },
      { x: to.x, y: to.y - to.height / 2 },
    ];
    const lift = 28 + Math.abs(a.x - b.x) * 0.12;
    const top = Math.min(a.y, b.y) - lift;
    return {
      path: `M${round(a.x)},${round(a.y)} C${round(a.x)},${round(top)} ${round(b.x)},${round(top)} ${round(b.x)},${round(b.y)}`,
      extent: { x: 0, y: Math.min(0, top + lift * 0.25 - 8) },
    };
  }
  const [a, b] = [
    { x: from.x - from.width / 2, y: from.y },
    { x: to.x - to.width / 2, y: to.y },
  ];
  const lift = 28 + Math.abs(a.y - b.y) * 0.12;
  const left = Math.min(a.x, b.x) - lift;
  return {
    path: `M${round(a.x)},${round(a.y)} C${round(left)},${round(a.y)} ${round(left)},${round(b.y)} ${round(b.x)},${round(b.y)}`,
    extent: { x: Math.min(0, left + lift * 0.25 - 8), y: 0 },
  };
}

/** An SVG path through the points: straight to the first, then smoothed through the middle ones. */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points as [Point, ...Point[]];
  if (rest.length === 0) return `M${first.x},${first.y}`;
  let d = `M${round(first.x)},${round(first.y)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i] as Point;
    const q = rest[i + 1] as Point;
    d += ` Q${round(p.x)},${round(p.y)} ${round((p.x + q.x) / 2)},${round((p.y + q.y) / 2)}`;
  }
  const last = rest[rest.length - 1] as Point;
  return `${d} L${round(last.x)},${round(last.y)}`;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A decision's diamond around its centre. */
export function diamond(n: { x: number; y: number; width: number; height: number }): string {
  const [w, h] = [n.width / 2, n.height / 2];
  return `${round(n.x)},${round(n.y - h)} ${round(n.x + w)},${round(n.y)} ${round(n.x)},${round(n.y + h)} ${round(n.x - w)},${round(n.y)}`;
}
