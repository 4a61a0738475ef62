/**
 * @module The floor board's rules, pure (SPEC SV-1 … SV-4): where each node of a routing sits on
 * the board (a column per step, a split's branches side by side), which nodes are starved or
 * blocked given their figures, and when the current shift began. The edge server computes the
 * board with these; the console may recompute flags with them when it shows figures it holds.
 */
import { indexForward, topologicalOrder } from './graph-walk';
import type { EdgeType, NodeType } from './domain';

/** Statuses a token holds while it is still on the floor (the board's figures count these). */
export const LIVE_STATUSES = ['ready', 'active', 'paused', 'waiting', 'split'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

/** The default shift starts (local time of the edge server): three 8-hour shifts. */
export const DEFAULT_SHIFT_HOURS = '06:00,14:00,22:00';
/** The default queue length beyond which a node is flagged blocked. */
export const DEFAULT_BLOCKED_QUEUE = 20;

export interface BoardNodeInput {
  code: string;
  type: NodeType;
}

export interface BoardEdgeInput {
  from: string;
  to: string;
  type: EdgeType;
}

export interface NodePlace {
  /** The column: the longest forward path from a start node (rework edges left out). */
  depth: number;
  /** The row within the column, in routing order: a split's branches get 0, 1, … */
  lane: number;
}

/**
 * SV-1: places nodes in routing order: each node's column is its longest forward distance from a
 * start node, so a split's branches share columns side by side and their join comes after the
 * longest branch. Nodes on a cycle (none in a published routing) go after the rest.
 */
export function placeNodes(
  nodes: readonly BoardNodeInput[],
  edges: readonly BoardEdgeInput[],
): Map<string, NodePlace> {
  const g = indexForward(nodes, edges);
  const depth = new Array<number>(g.codes.length).fill(0);
  const order = topologicalOrder(g);
  for (const n of order) {
    for (const next of g.succ[n] ?? []) depth[next] = Math.max(depth[next] ?? 0, (depth[n] ?? 0) + 1);
  }
  const placed = new Set(order);
  const last = Math.max(0, ...depth);
  const places = new Map<string, NodePlace>();
  const lanes = new Map<number, number>();
  g.codes.forEach((code, i) => {
    const column = placed.has(i) ? (depth[i] ?? 0) : last + 1;
    const lane = lanes.get(column) ?? 0;
    lanes.set(column, lane + 1);
    places.set(code, { depth: column, lane });
  });
  return places;
}

/** What the flags read of a node's figures. */
export interface NodeLoad {
  code: string;
  type: NodeType;
  ready: number;
  active: number;
  paused: number;
  waiting: number;
}

export interface NodeFlags {
  /** An operation node with nothing ready or active while an operation upstream holds work. */
  starved: boolean;
  /** More tokens ready than the limit: work piles up in front of the node. */
  blocked: boolean;
}

/**
 * SV-3: starved and blocked, per node. "Upstream" is the nearest operation nodes before a node
 * along forward edges (walking back through split, join and decision nodes); an upstream node
 * holds work when it has tokens ready, active or paused.
 */
export function nodeFlags(
  nodes: readonly NodeLoad[],
  edges: readonly BoardEdgeInput[],
  blockedQueue: number,
): Map<string, NodeFlags> {
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const preds = new Map<string, string[]>();
  for (const e of edges) {
    if (e.type === 'rework') continue;
    const list = preds.get(e.to) ?? [];
    list.push(e.from);
    preds.set(e.to, list);
  }
  const holdsWork = (n: NodeLoad): boolean => n.ready + n.active + n.paused > 0;
  const upstreamHolds = (code: string): boolean => {
    const seen = new Set<string>([code]);
    const stack = [...(preds.get(code) ?? [])];
    while (stack.length > 0) {
      const at = stack.pop() as string;
      if (seen.has(at)) continue;
      seen.add(at);
      const node = byCode.get(at);
      if (node?.type === 'operation') {
        if (holdsWork(node)) return true;
        continue;
      }
      stack.push(...(preds.get(at) ?? []));
    }
    return false;
  };
  const flags = new Map<string, NodeFlags>();
  for (const n of nodes) {
    const operation = n.type === 'operation';
    flags.set(n.code, {
      starved: operation && n.ready + n.active === 0 && upstreamHolds(n.code),
      blocked: operation && n.ready > blockedQueue,
    });
  }
  return flags;
}

/**
 * Reads SHIFT_HOURS: shift starts as "HH:MM" separated by commas (local time), at least one.
 * Returns minutes after midnight, sorted, or a message naming what is wrong.
 */
export function parseShiftHours(text: string): number[] | string {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return 'SHIFT_HOURS: list at least one shift start, e.g. 06:00,14:00,22:00';
  const minutes: number[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(part);
    const h = Number(m?.[1]);
    const min = Number(m?.[2]);
    if (!m || h > 23 || min > 59)
      return `SHIFT_HOURS: "${part}" is not a time of day as HH:MM (00:00 to 23:59)`;
    minutes.push(h * 60 + min);
  }
  return [...new Set(minutes)].sort((a, b) => a - b);
}

/** When the shift `now` falls in began (local time of the process; the last start before now). */
export function shiftStart(now: Date, starts: readonly number[]): Date {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const minuteOfDay = now.getHours() * 60 + now.getMinutes();
  const today = [...starts].reverse().find((s) => s <= minuteOfDay);
  if (today !== undefined)
    return new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate(), 0, today);
  // Before the first start of the day: the last shift of yesterday is still on.
  const last = starts.at(-1) ?? 0;
  return new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate() - 1, 0, last);
}

/** The UTC hour bucket a time falls in, as the figures key it ("2026-12-01T03:00:00Z"). */
export function hourBucket(at: Date): string {
  return `${at.toISOString().slice(0, 13)}:00:00Z`;
}
