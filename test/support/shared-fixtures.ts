/**
 * @module Test helpers for `shared/`: the routing fixtures, small graphs drawn in code, an in-memory
 * edge server that delivers events through `receive` (parking.ts), and a simulator of true
 * shop-floor histories for the parking properties.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OperatorEventType, ProcessMode, TokenStatus } from '../../shared/domain';
import { FINAL_STATUSES } from '../../shared/domain';
import type { BatchStep, PendingEvent } from '../../shared/parking';
import { receiveBatch } from '../../shared/parking';
import type { RoutingInput } from '../../shared/routing-import';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import type { IndexedGraph } from '../../shared/routing-graph';
import type { RoutingGraph } from '../../shared/routing';
import { indexGraph } from '../../shared/routing-graph';
import type {
  Decision,
  Family,
  MachineContext,
  OperatorAction,
  TokenState,
} from '../../shared/token-machine';
import { allowedActions, decide } from '../../shared/token-machine';

// A path, not a URL: DOM test environments replace the global URL.
const FIXTURES_DIR = path.join(import.meta.dirname, '../../shared/fixtures');

export type FixtureName = 'bag-dag' | 'wallet-linear' | 'bad-cycle';

/** Reads `shared/fixtures/routing-<name>.json` through the import schema, as an admin import would. */
export function loadRoutingInput(name: FixtureName): RoutingInput {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, `routing-${name}.json`), 'utf8'));
  return routingInputSchema.parse(raw);
}

export function workCenterCodes(input: RoutingInput): Set<string> {
  return new Set(input.workCenters.map((wc) => wc.code));
}

export function loadGraph(name: FixtureName): RoutingGraph {
  return routingGraphFromInput(loadRoutingInput(name));
}

export const BAG = indexGraph(loadGraph('bag-dag'));
export const WALLET = indexGraph(loadGraph('wallet-linear'));

/** A `newTokenKey` that hands out `<prefix>1`, `<prefix>2`, ... */
export function keyCounter(prefix = 'k'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export function machine(graph: IndexedGraph, prefix = 'k'): MachineContext {
  return { graph, newTokenKey: keyCounter(prefix) };
}

/** A member with the defaults of a root token; override what the case needs. */
export function member(
  fields: Partial<TokenState> & Pick<TokenState, 'key' | 'nodeCode' | 'status'>,
): TokenState {
  return { code: 'BT-0001', branch: null, parentKey: null, qty: 1, operator: null, ...fields };
}

/** A new family: its root `ready` at the routing's start node. */
export function newFamily(
  graph: IndexedGraph,
  code: string,
  processMode: ProcessMode = 'piece',
  qty = 1,
): Family {
  return {
    processMode,
    members: [member({ key: `${code}/root`, code, nodeCode: graph.startNode, status: 'ready', qty })],
  };
}

/** Data a station sends with each event type (the schema requires a reason, serial or text). */
export function dataFor(type: OperatorEventType, grade: 'A' | 'B' = 'A'): Record<string, unknown> {
  switch (type) {
    case 'qc_pass':
      return { grade };
    case 'qc_fail':
      return { reason: 'glue marks on the body' };
    case 'bind_component':
      return { componentSerial: 'ZIP-0042' };
    case 'note':
      return { text: 'edge paint a little thick' };
    default:
      return {};
  }
}

export function act(
  type: OperatorEventType,
  nodeCode: string,
  extra: { operatorBadge?: string; qty?: number; data?: Record<string, unknown> } = {},
): OperatorAction {
  const action: OperatorAction = {
    type,
    nodeCode,
    operatorBadge: extra.operatorBadge ?? 'OP-0007',
    data: extra.data ?? dataFor(type),
  };
  if (extra.qty !== undefined) action.qty = extra.qty;
  return action;
}

/** Applies an action that must apply, and returns the new family. */
export function applied(family: Family, action: OperatorAction, ctx: MachineContext): Family {
  const decision = decide(family, action, ctx);
  if (decision.kind !== 'applied') {
    throw new Error(`${action.type} at ${action.nodeCode} was ${decision.kind}: ${JSON.stringify(decision)}`);
  }
  return decision.family;
}

/** Applies a series of actions that must all apply. */
export function run(family: Family, actions: readonly OperatorAction[], ctx: MachineContext): Family {
  return actions.reduce((current, action) => applied(current, action, ctx), family);
}

// ---------------------------------------------------------------------------------------------
// Graphs drawn in code, for the publishing rules.

export type NodeInput = Extract<RoutingInput, { nodes: unknown }>['nodes'][number];
export type EdgeInput = Extract<RoutingInput, { nodes: unknown }>['edges'][number];

/** An operation node of the work center WC-OP (behavior ASSEMBLY). */
export const op = (code: string): NodeInput => ({ code, type: 'operation', workCenter: 'WC-OP' });
/** An operation node of the work center WC-QC (behavior QC). */
export const qc = (code: string): NodeInput => ({ code, type: 'operation', workCenter: 'WC-QC' });
export const split = (code: string): NodeInput => ({ code, type: 'split' });
export const join = (code: string): NodeInput => ({ code, type: 'join' });
export const decision = (code: string): NodeInput => ({ code, type: 'decision' });

export const edge = (from: string, to: string): EdgeInput => ({ from, to });
export const rework = (from: string, to: string): EdgeInput => ({ from, to, type: 'rework' });
export const when = (from: string, to: string, field: string, equals: string): EdgeInput => ({
  from,
  to,
  type: 'conditional',
  when: { field, equals },
});
export const otherwise = (from: string, to: string): EdgeInput => ({
  from,
  to,
  type: 'conditional',
  default: true,
});

export const TEST_WORK_CENTERS = new Set(['WC-OP', 'WC-QC']);

/** A DAG routing with the work centers WC-OP and WC-QC, through the import schema. */
export function drawGraph(nodes: NodeInput[], edges: EdgeInput[]): RoutingGraph {
  return routingGraphFromInput(
    routingInputSchema.parse({
      code: 'DRAWN',
      name: 'Drawn in a test',
      version: 1,
      workCenters: [
        { code: 'WC-OP', name: 'Operations', behavior: 'ASSEMBLY' },
        { code: 'WC-QC', name: 'Inspection', behavior: 'QC' },
      ],
      nodes,
      edges,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Token states as a user compares them.

export interface MemberView {
  code: string;
  branch: string | null;
  nodeCode: string;
  status: TokenStatus;
  qty: number;
}

/** The token states of some families, without keys, in a canonical order. */
export function canonicalStates(families: Iterable<Family>): MemberView[] {
  const views: MemberView[] = [];
  for (const family of families) {
    for (const m of family.members) {
      views.push({ code: m.code, branch: m.branch, nodeCode: m.nodeCode, status: m.status, qty: m.qty });
    }
  }
  return views.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

// ---------------------------------------------------------------------------------------------
// An in-memory edge server: what ingest does with parking, without SQLite.

/** A station event as it travels: a parked-able event plus the code it was scanned with. */
export interface LoggedEvent extends PendingEvent {
  code: string;
}

export const ROUTINGS = { 'BAG-TOTE': BAG, 'WALLET-LINEAR': WALLET } as const;
export type RoutingName = keyof typeof ROUTINGS;

/** A token to start a history with: plain data, so that a counterexample prints short. */
export interface TokenSeed {
  code: string;
  routing: RoutingName;
  processMode: ProcessMode;
  qty: number;
}

export type Delivery = 'duplicate' | Decision['kind'];

interface Held {
  family: Family;
  parked: PendingEvent[];
  ctx: MachineContext;
}

export class InMemoryEdge {
  private readonly held = new Map<string, Held>();
  private readonly seen = new Set<string>();
  /** Events that became conflicts (at once or when retried), in order. */
  readonly conflicts: { event: PendingEvent; decision: Decision }[] = [];
  /** Every request's steps, in the order they took effect. */
  readonly steps: BatchStep[][] = [];

  constructor(seeds: readonly TokenSeed[]) {
    const newTokenKey = keyCounter('child-');
    for (const seed of seeds) {
      const graph = ROUTINGS[seed.routing];
      this.held.set(seed.code, {
        family: newFamily(graph, seed.code, seed.processMode, seed.qty),
        parked: [],
        ctx: { graph, newTokenKey },
      });
    }
  }

  deliver(event: LoggedEvent): Delivery {
    return this.deliverBatch([event])[0] ?? 'duplicate';
  }

  /**
   * One push request: each event in order (parked events that happened before it are retried
   * first), then every family it touched retries its parked events (PK-2, PK-6), as ingest does.
   */
  deliverBatch(events: readonly LoggedEvent[]): Delivery[] {
    const deliveries: Delivery[] = [];
    const byCode = new Map<string, { indexes: number[]; events: LoggedEvent[] }>();
    events.forEach((event, i) => {
      if (this.seen.has(event.id)) {
        deliveries[i] = 'duplicate';
        return;
      }
      this.seen.add(event.id);
      if (!this.held.has(event.code)) {
        deliveries[i] = 'rejected';
        return;
      }
      const group = byCode.get(event.code) ?? { indexes: [], events: [] };
      group.indexes.push(i);
      group.events.push(event);
      byCode.set(event.code, group);
    });
    // Families are independent, so taking a request family by family is the same as in its order.
    for (const [code, group] of byCode) {
      const held = this.held.get(code) as Held;
      const pending = group.events.map(({ id, station, seq, occurredAt, action }) => ({
        id,
        station,
        seq,
        occurredAt,
        action,
      }));
      const batch = receiveBatch(held.family, held.parked, pending, held.ctx);
      this.steps.push(batch.steps);
      held.family = batch.family;
      held.parked = batch.parked;
      batch.settled.forEach((settled, k) => {
        const event = group.events[k] as LoggedEvent;
        for (const outcome of settled.retried) {
          if (outcome.decision.kind === 'conflict') this.conflicts.push(outcome);
        }
        if (settled.incoming.kind === 'conflict') this.conflicts.push({ event, decision: settled.incoming });
        deliveries[group.indexes[k] as number] = settled.incoming.kind;
      });
    }
    return deliveries;
  }

  deliverAll(events: readonly LoggedEvent[]): Delivery[] {
    return events.map((event) => this.deliver(event));
  }

  family(code: string): Family {
    const held = this.held.get(code);
    if (!held) throw new Error(`no token ${code}`);
    return held.family;
  }

  families(): Family[] {
    return [...this.held.values()].map((h) => h.family);
  }

  /** Ids of what still waits, per token code (codes with nothing parked are left out). */
  parked(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [code, held] of this.held)
      if (held.parked.length > 0) out[code] = held.parked.map((p) => p.id);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// A true history: what operators really did, in the order they did it.

/** One random step: which live member acts, which of its actions, and a detail (grade, qty). */
export interface StepChoice {
  member: number;
  action: number;
  detail: number;
}

/** Relative weights of the operator actions a step picks among (0 leaves one out). */
export type ActionWeights = Record<OperatorEventType, number>;

/** Mostly progress, some pauses and QC fails, and a rare scrap so that most items get far. */
export const DEFAULT_WEIGHTS: ActionWeights = {
  start: 30,
  resume: 30,
  complete: 30,
  qc_pass: 30,
  pause: 6,
  qc_fail: 10,
  bind_component: 2,
  note: 2,
  scrap: 1,
};

const LIVE: ReadonlySet<TokenStatus> = new Set(['ready', 'active', 'paused']);

/** The time of the n-th event of a history: one a minute, from the start of a shift. */
export function minute(n: number): string {
  return new Date(Date.UTC(2026, 10, 30, 6, 0) + n * 60_000).toISOString();
}

/**
 * Plays random valid actions on a few token families, each station numbering its own events, one
 * a minute. By default one station per work center (named after it); with `stationsPerWorkCenter`
 * the step's detail picks which of them acts (`WC-CUT`, `WC-CUT/2`, …), so several stations work
 * one token at one node. Every event it logs applied when it happened, so the log in order is the
 * truth that other orders of arrival must reproduce.
 */
export class TrueHistory {
  readonly log: LoggedEvent[] = [];
  private readonly families = new Map<string, Family>();
  private readonly graphs = new Map<string, IndexedGraph>();
  private readonly seqs = new Map<string, number>();
  private readonly newTokenKey = keyCounter('child-');

  constructor(
    readonly seeds: readonly TokenSeed[],
    private readonly stationsPerWorkCenter = 1,
  ) {
    for (const seed of seeds) {
      const graph = ROUTINGS[seed.routing];
      this.families.set(seed.code, newFamily(graph, seed.code, seed.processMode, seed.qty));
      this.graphs.set(seed.code, graph);
    }
  }

  finalFamilies(): Family[] {
    return [...this.families.values()];
  }

  family(code: string): Family {
    const family = this.families.get(code);
    if (!family) throw new Error(`no token ${code}`);
    return family;
  }

  /** Members that an operator can act on right now, across all families. */
  liveMembers(): { code: string; member: TokenState }[] {
    const out: { code: string; member: TokenState }[] = [];
    for (const [code, family] of this.families) {
      for (const m of family.members) if (LIVE.has(m.status)) out.push({ code, member: m });
    }
    return out;
  }

  /** Takes one random step; false when nothing is live any more. */
  step(choice: StepChoice, weights: ActionWeights = DEFAULT_WEIGHTS): boolean {
    const live = this.liveMembers();
    if (live.length === 0) return false;
    const picked = live[choice.member % live.length];
    if (!picked) return false;
    const graph = this.graphOf(picked.code);
    const options = allowedActions(picked.member, graph).filter((type) => weights[type] > 0);
    const total = options.reduce((sum, type) => sum + weights[type], 0);
    if (total === 0) return true;
    let ticket = choice.action % total;
    const type = options.find((t) => (ticket -= weights[t]) < 0) ?? 'note';
    this.perform(picked.code, picked.member, type, choice.detail);
    return true;
  }

  /** Drives every family to the end with start/resume/complete/qc_pass only. */
  finish(detail: number): void {
    const progress: ActionWeights = {
      start: 1,
      resume: 1,
      complete: 1,
      qc_pass: 1,
      pause: 0,
      qc_fail: 0,
      bind_component: 0,
      note: 0,
      scrap: 0,
    };
    for (let guard = 0; guard < 1000 && this.step({ member: 0, action: 0, detail }, progress); guard++);
  }

  /** Records `type` by the station of the member's work center; it must apply. */
  perform(code: string, target: TokenState, type: OperatorEventType, detail: number): LoggedEvent {
    const graph = this.graphOf(code);
    const family = this.family(code);
    const workCenter = graph.node(target.nodeCode)?.workCenter ?? 'NO-STATION';
    const which = Math.floor(detail / 6) % this.stationsPerWorkCenter;
    const station = which === 0 ? workCenter : `${workCenter}/${which + 1}`;
    const seq = (this.seqs.get(station) ?? 0) + 1;
    this.seqs.set(station, seq);
    const action = act(type, target.nodeCode, {
      operatorBadge: `OP-${station}`,
      data: { ...dataFor(type, detail % 2 === 0 ? 'A' : 'B') },
    });
    if (type === 'complete' || type === 'qc_pass') {
      // A batch sometimes loses a piece or two; a piece goes on as one.
      action.qty = family.processMode === 'batch' ? Math.max(1, target.qty - (detail % 3)) : 1;
    }
    const decision = decide(family, action, { graph, newTokenKey: this.newTokenKey });
    if (decision.kind !== 'applied' || decision.addressedKey !== target.key) {
      throw new Error(`the simulator chose an action that does not apply: ${JSON.stringify(decision)}`);
    }
    this.families.set(code, decision.family);
    const event: LoggedEvent = {
      id: `${station}#${seq}`,
      station,
      seq,
      occurredAt: minute(this.log.length),
      code,
      action,
    };
    this.log.push(event);
    return event;
  }

  private graphOf(code: string): IndexedGraph {
    const graph = this.graphs.get(code);
    if (!graph) throw new Error(`no token ${code}`);
    return graph;
  }
}

export function isFinishedFamily(family: Family): boolean {
  return family.members.every((m) => FINAL_STATUSES.has(m.status));
}

/** An arrival order that keeps each station's own order: `picks` choose the next station. */
export function interleaveByStation(log: readonly LoggedEvent[], picks: readonly number[]): LoggedEvent[] {
  const queues = new Map<string, LoggedEvent[]>();
  for (const event of log) queues.set(event.station, [...(queues.get(event.station) ?? []), event]);
  const out: LoggedEvent[] = [];
  for (let i = 0; out.length < log.length; i++) {
    const open = [...queues.values()].filter((q) => q.length > 0);
    const queue = open[(picks[i] ?? 0) % open.length];
    const next = queue?.shift();
    if (next) out.push(next);
  }
  return out;
}

/** Resends: each `[which, where]` inserts a copy of an event somewhere after its first arrival. */
export function withDuplicates(
  arrival: readonly LoggedEvent[],
  resends: readonly (readonly [number, number])[],
): LoggedEvent[] {
  const out = [...arrival];
  if (arrival.length === 0) return out;
  for (const [which, where] of resends) {
    const event = arrival[which % arrival.length];
    if (!event) continue;
    const first = out.findIndex((e) => e.id === event.id);
    const slots = out.length - first;
    out.splice(first + 1 + (where % slots), 0, { ...event, action: { ...event.action } });
  }
  return out;
}

/** One line per event, for counterexamples: `WC-EDGE#2 BT-0001 complete@EDGE-BODY qty 1`. */
export function describeEvents(events: readonly LoggedEvent[]): string[] {
  return events.map((e) => {
    const qty = e.action.qty === undefined ? '' : ` qty ${e.action.qty}`;
    const grade = typeof e.action.data['grade'] === 'string' ? ` grade ${e.action.data['grade']}` : '';
    return `${e.id} ${e.code} ${e.action.type}@${e.action.nodeCode}${qty}${grade}`;
  });
}
