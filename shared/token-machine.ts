/**
 * @module The token state machine and routing (SPEC TM-*, RT-*): what one operator event does to
 * a token family. Pure and synchronous, so the tablet (offline) and the server (inside its SQLite
 * transaction) decide alike.
 *
 *   ready ──start──▶ active ──pause──▶ paused
 *                      ▲  └────resume─────┘
 *                      └─ complete / qc_pass: route along normal edges
 *                         qc_fail: rework edge → ready there (none → scrapped)
 *   any live ──scrap──▶ scrapped (the whole family)
 */
import type { OperatorEventType, ProcessMode, TokenStatus } from './domain';
import { FINAL_STATUSES, unreachable } from './domain';
import type { TokenRef } from './station-api';
import type { ConflictCode, MoveRefusalCode, ParkCode, Reason, RejectionCode } from './reason-codes';
import type { IndexedGraph } from './routing-graph';
import type { RoutingEdge } from './routing';

/** One member of a token family: the root token, or a child spawned by a split. */
export interface TokenState {
  key: string;
  code: string;
  /** The first node of the split branch a child follows; null for the root. */
  branch: string | null;
  parentKey: string | null;
  nodeCode: string;
  status: TokenStatus;
  qty: number;
  /** The operator who started or resumed the work in progress, if any. */
  operator: string | null;
}

/** A token and its split children; members[0] is the root. */
export interface Family {
  processMode: ProcessMode;
  members: readonly TokenState[];
}

export interface OperatorAction {
  type: OperatorEventType;
  nodeCode: string;
  operatorBadge: string;
  qty?: number | undefined;
  data: Readonly<Record<string, unknown>>;
}

/** Structural changes an applied event caused; the server records each as a system event. */
export type Effect =
  | { type: 'split'; tokenKey: string; nodeCode: string; childKeys: string[] }
  | { type: 'spawn'; tokenKey: string; parentKey: string; nodeCode: string }
  | { type: 'join'; tokenKey: string; nodeCode: string; childKeys: string[] }
  | { type: 'route'; tokenKey: string; nodeCode: string; to: string; rule: string }
  | { type: 'bind'; tokenKey: string; componentSerial: string };

export type Decision =
  | { kind: 'applied'; family: Family; addressedKey: string; effects: Effect[] }
  | { kind: 'parked'; reason: Reason<ParkCode>; addressedKey: string }
  | { kind: 'conflict'; reason: Reason<ConflictCode>; addressedKey: string }
  | { kind: 'rejected'; reason: Reason<RejectionCode> };

export interface MachineContext {
  graph: IndexedGraph;
  /** A key for a child token spawned by a split; the server maps it to a row id. */
  newTokenKey: () => string;
}

const LIVE_AT_NODE: ReadonlySet<TokenStatus> = new Set(['ready', 'active', 'paused']);

/** The name of each action, as buttons and messages say it. */
export const ACTION_LABEL: Record<OperatorEventType, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  complete: 'Complete',
  qc_pass: 'QC pass',
  qc_fail: 'QC fail',
  scrap: 'Scrap',
  bind_component: 'Bind component',
  note: 'Note',
};

/** The status an operator event needs the token to be in at its node (TM-1 … TM-6). */
export function requiredStatuses(type: OperatorEventType): ReadonlySet<TokenStatus> {
  switch (type) {
    case 'start':
      return new Set(['ready']);
    case 'pause':
    case 'complete':
    case 'qc_pass':
    case 'qc_fail':
      return new Set(['active']);
    case 'resume':
      return new Set(['paused']);
    case 'scrap':
    case 'bind_component':
    case 'note':
      return LIVE_AT_NODE;
    default:
      return unreachable(type);
  }
}

/** The actions that fit a token at its node: what a station offers on the token's card. */
export function allowedActions(token: TokenState, graph: IndexedGraph): OperatorEventType[] {
  if (!LIVE_AT_NODE.has(token.status)) return ['note'];
  const qc = graph.isQc(token.nodeCode);
  const all: OperatorEventType[] = [
    'start',
    'pause',
    'resume',
    'complete',
    'qc_pass',
    'qc_fail',
    'scrap',
    'bind_component',
    'note',
  ];
  return all.filter((type) => {
    if (type === 'complete' && qc) return false;
    if ((type === 'qc_pass' || type === 'qc_fail') && !qc) return false;
    return requiredStatuses(type).has(token.status);
  });
}

export function tokenRef(token: TokenState): TokenRef {
  return { code: token.code, branch: token.branch, nodeCode: token.nodeCode, status: token.status };
}

export function rootOf(family: Family): TokenState {
  const root = family.members[0];
  if (!root) throw new Error('a family has at least its root token');
  return root;
}

export function isFinished(family: Family): boolean {
  return FINAL_STATUSES.has(rootOf(family).status);
}

/** The member an event at `nodeCode` addresses: the one there, or the one on its way there (TM-10). */
export function addressedMember(family: Family, nodeCode: string, graph: IndexedGraph): TokenState {
  const here = family.members.find((m) => m.nodeCode === nodeCode && LIVE_AT_NODE.has(m.status));
  if (here) return here;
  const onTheWay = family.members.find(
    (m) => m.status !== 'split' && !FINAL_STATUSES.has(m.status) && graph.reaches(m.nodeCode, nodeCode),
  );
  return onTheWay ?? rootOf(family);
}

/** Rules that hold whatever the token's state: an event that breaks one is rejected (TM-11). */
export function checkStatically(
  family: Family,
  action: OperatorAction,
  graph: IndexedGraph,
): Reason<RejectionCode> | null {
  const root = rootOf(family);
  const node = graph.node(action.nodeCode);
  if (!node) {
    return {
      code: 'NODE_NOT_SERVED',
      message: `${root.code} follows routing ${graph.graph.code}, which has no node ${action.nodeCode}`,
    };
  }
  if (node.type !== 'operation') {
    return {
      code: 'NODE_NOT_SERVED',
      message: `${action.nodeCode} is a ${node.type} node; events are recorded at operation nodes`,
    };
  }
  const qc = graph.isQc(action.nodeCode);
  if (action.type === 'complete' && qc) {
    return {
      code: 'ACTION_NOT_ALLOWED_HERE',
      message: `${action.nodeCode} is a QC node: record QC pass or QC fail instead of Complete`,
    };
  }
  if ((action.type === 'qc_pass' || action.type === 'qc_fail') && !qc) {
    return {
      code: 'ACTION_NOT_ALLOWED_HERE',
      message: `${ACTION_LABEL[action.type]} is recorded at QC nodes only; ${action.nodeCode} is not one`,
    };
  }
  if (action.qty !== undefined && (action.type === 'complete' || action.type === 'qc_pass')) {
    if (family.processMode === 'piece' && action.qty !== 1) {
      return { code: 'INVALID_EVENT', message: `qty: a piece-mode item is completed one at a time (qty 1)` };
    }
    if (family.processMode === 'batch' && action.qty < 1) {
      return {
        code: 'INVALID_EVENT',
        message: 'qty: a batch goes on with at least 1 good piece; record Scrap when nothing is left',
      };
    }
  }
  return null;
}

/** Decides what one operator event does to a family (TM-*, RT-*). */
export function decide(family: Family, action: OperatorAction, ctx: MachineContext): Decision {
  const rejection = checkStatically(family, action, ctx.graph);
  if (rejection) return { kind: 'rejected', reason: rejection };

  const target = addressedMember(family, action.nodeCode, ctx.graph);
  const label = ACTION_LABEL[action.type];
  if (action.type === 'note') {
    return { kind: 'applied', family, addressedKey: target.key, effects: [] };
  }
  const atNode = target.nodeCode === action.nodeCode && LIVE_AT_NODE.has(target.status);
  if (!atNode) {
    if (isFinished(family)) {
      const root = rootOf(family);
      return {
        kind: 'conflict',
        addressedKey: target.key,
        reason: {
          code: 'TOKEN_FINISHED',
          message: `${root.code} is already ${root.status} at ${root.nodeCode}; ${label} at ${action.nodeCode} can never apply`,
        },
      };
    }
    // PK-4: work that has left a node for good (a joined branch, a node behind the decision
    // taken) never comes back to it, so waiting would only hold the event for its whole window.
    if (!canStillReach(family, action.nodeCode, ctx.graph)) {
      return {
        kind: 'conflict',
        addressedKey: target.key,
        reason: {
          code: 'NODE_PASSED',
          message: `${describe(target)} is ${target.status} at ${target.nodeCode} and will not come back to ${action.nodeCode}; ${label} there can never apply`,
        },
      };
    }
    return {
      kind: 'parked',
      addressedKey: target.key,
      reason: {
        code: 'NOT_AT_NODE',
        message: `${describe(target)} is ${target.status} at ${target.nodeCode}, not at ${action.nodeCode} yet`,
      },
    };
  }
  if (!requiredStatuses(action.type).has(target.status)) {
    return {
      kind: 'parked',
      addressedKey: target.key,
      reason: {
        code: 'WRONG_STATUS',
        message: `${label} needs ${describe(target)} ${[...requiredStatuses(action.type)].join(' or ')} at ${action.nodeCode}; it is ${target.status}`,
      },
    };
  }
  // A token's qty only ever goes down, so a complete for more than it holds can never fit.
  if ((action.type === 'complete' || action.type === 'qc_pass') && (action.qty ?? target.qty) > target.qty) {
    return {
      kind: 'conflict',
      addressedKey: target.key,
      reason: {
        code: 'QTY_EXCEEDS',
        message: `${label} of ${action.qty} exceeds the ${target.qty} pieces of ${describe(target)}`,
      },
    };
  }
  return transition(family, target.key, action, ctx);
}

/** Whether some live member of the family can still arrive at the node (rework included). */
function canStillReach(family: Family, nodeCode: string, graph: IndexedGraph): boolean {
  // A split parent goes on from its join, where its waiting children already stand.
  return family.members.some(
    (m) => m.status !== 'split' && !FINAL_STATUSES.has(m.status) && graph.mayReturnTo(m.nodeCode, nodeCode),
  );
}

function describe(token: TokenState): string {
  return token.branch === null ? token.code : `${token.code} (branch ${token.branch})`;
}

/** A mutable working copy of a family, for one transition. */
class Working {
  readonly members: TokenState[];
  readonly effects: Effect[] = [];
  constructor(
    family: Family,
    readonly ctx: MachineContext,
  ) {
    this.members = family.members.map((m) => ({ ...m }));
  }
  get(key: string): TokenState {
    const member = this.members.find((m) => m.key === key);
    if (!member) throw new Error(`no member ${key} in family`);
    return member;
  }
}

class RoutingFailure extends Error {
  constructor(readonly reason: Reason<ConflictCode>) {
    super(reason.message);
  }
}

function transition(family: Family, key: string, action: OperatorAction, ctx: MachineContext): Decision {
  const w = new Working(family, ctx);
  const member = w.get(key);
  try {
    switch (action.type) {
      case 'start':
      case 'resume':
        member.status = 'active';
        member.operator = action.operatorBadge;
        break;
      case 'pause':
        member.status = 'paused';
        break;
      case 'complete':
      case 'qc_pass':
        member.qty = action.qty ?? member.qty;
        advance(w, member, action.nodeCode, action.data);
        break;
      case 'qc_fail': {
        const rework = ctx.graph.rework(action.nodeCode);
        if (rework) arrive(w, member, rework.to, action.data);
        else scrapFamily(w);
        break;
      }
      case 'scrap':
        scrapFamily(w);
        break;
      case 'bind_component':
        w.effects.push({
          type: 'bind',
          tokenKey: key,
          componentSerial: String(action.data['componentSerial']),
        });
        break;
      case 'note':
        break;
      default:
        return unreachable(action.type);
    }
  } catch (error) {
    if (error instanceof RoutingFailure) return { kind: 'conflict', addressedKey: key, reason: error.reason };
    throw error;
  }
  return {
    kind: 'applied',
    family: { processMode: family.processMode, members: w.members },
    addressedKey: key,
    effects: w.effects,
  };
}

/** RT-1: leave `fromNode` along its normal edge; past an end node the token is completed. */
function advance(
  w: Working,
  member: TokenState,
  fromNode: string,
  data: Readonly<Record<string, unknown>>,
): void {
  const graph = w.ctx.graph;
  const out = graph.forward(fromNode);
  member.operator = null;
  if (out.length === 0) {
    member.nodeCode = fromNode;
    member.status = 'completed';
    return;
  }
  const edge = out[0] as RoutingEdge;
  arrive(w, member, edge.to, data);
}

/** RT-2 … RT-5: what arriving at a node does, by node type. */
function arrive(
  w: Working,
  member: TokenState,
  nodeCode: string,
  data: Readonly<Record<string, unknown>>,
): void {
  const graph = w.ctx.graph;
  const node = graph.node(nodeCode);
  if (!node) throw new Error(`routing ${graph.graph.code} has no node ${nodeCode}`);
  member.nodeCode = nodeCode;
  member.operator = null;
  switch (node.type) {
    case 'operation':
      member.status = 'ready';
      return;
    case 'split': {
      member.status = 'split';
      const childKeys: string[] = [];
      const children: TokenState[] = [];
      for (const edge of graph.forward(nodeCode)) {
        const child: TokenState = {
          key: w.ctx.newTokenKey(),
          code: member.code,
          branch: edge.to,
          parentKey: member.key,
          nodeCode,
          status: 'ready',
          qty: member.qty,
          operator: null,
        };
        w.members.push(child);
        childKeys.push(child.key);
        children.push(child);
      }
      // Upstream reads the split first, then each child it spawned.
      w.effects.push({ type: 'split', tokenKey: member.key, nodeCode, childKeys });
      for (const child of children) {
        w.effects.push({
          type: 'spawn',
          tokenKey: child.key,
          parentKey: member.key,
          nodeCode: child.branch ?? nodeCode,
        });
      }
      children.forEach((child, i) => arrive(w, child, graph.forward(nodeCode)[i]?.to ?? nodeCode, data));
      return;
    }
    case 'join': {
      member.status = 'waiting';
      if (member.parentKey === null) {
        // A validated graph never brings a root token to a join (RG-7); pass through.
        advance(w, member, nodeCode, data);
        return;
      }
      const parent = w.get(member.parentKey);
      const siblings = w.members.filter((m) => m.parentKey === parent.key && m.status !== 'completed');
      if (!siblings.every((s) => s.status === 'waiting' && s.nodeCode === nodeCode)) return;
      for (const s of siblings) s.status = 'completed';
      parent.qty = Math.min(...siblings.map((s) => s.qty));
      parent.nodeCode = nodeCode;
      w.effects.push({ type: 'join', tokenKey: parent.key, nodeCode, childKeys: siblings.map((s) => s.key) });
      advance(w, parent, nodeCode, data);
      return;
    }
    case 'decision': {
      const edges = graph.forward(nodeCode);
      const matched = edges.find(
        (e) => e.when !== null && !e.isDefault && data[e.when.field] === e.when.equals,
      );
      const edge = matched ?? edges.find((e) => e.isDefault);
      if (!edge) {
        throw new RoutingFailure({
          code: 'NO_MATCHING_RULE',
          message: `decision ${nodeCode} has no rule matching this event's data and no default edge`,
        });
      }
      w.effects.push({
        type: 'route',
        tokenKey: member.key,
        nodeCode,
        to: edge.to,
        rule: matched?.when ? `${matched.when.field} = ${String(matched.when.equals)}` : 'default',
      });
      arrive(w, member, edge.to, data);
      return;
    }
    default:
      unreachable(node.type);
  }
}

/** TM-7: scrapping any member takes the whole item out of production. */
function scrapFamily(w: Working): void {
  for (const m of w.members) {
    if (!FINAL_STATUSES.has(m.status)) {
      m.status = 'scrapped';
      m.operator = null;
    }
  }
}

export type Placement =
  | {
      kind: 'placed';
      family: Family;
      key: string;
      from: { nodeCode: string; status: TokenStatus };
      effects: Effect[];
    }
  | { kind: 'refused'; reason: Reason<MoveRefusalCode> };

/**
 * A supervisor's manual move (TM-12): puts the member that `nodeCode` addresses there, in `status`.
 * A root moved onto a split branch first passes the split, so the family stays whole (the other
 * branches are spawned, ready at their first nodes); a branch child cannot leave its branch.
 */
export function placeMember(
  family: Family,
  nodeCode: string,
  status: TokenStatus,
  ctx: MachineContext,
): Placement {
  const graph = ctx.graph;
  const w = new Working(family, ctx);
  let member = w.get(addressedMember(family, nodeCode, graph).key);
  const from = { nodeCode: member.nodeCode, status: member.status };
  const regionOfMember = (m: TokenState): string | null =>
    m.parentKey === null ? null : w.get(m.parentKey).nodeCode;
  for (;;) {
    const memberRegion = regionOfMember(member);
    const target = graph.regionOf(nodeCode);
    if (target === memberRegion) break;
    // Find the split, on the way to the node, that opens right inside the member's own region.
    let split = target;
    while (split !== null && graph.regionOf(split) !== memberRegion) split = graph.regionOf(split);
    if (split === null) {
      return {
        kind: 'refused',
        reason: {
          code: 'MOVE_LEAVES_BRANCH',
          message: `${describe(member)} cannot be moved out of its split branch to ${nodeCode}; its join closes the branch`,
        },
      };
    }
    arrive(w, member, split, {});
    const child = w.members.find(
      (m) =>
        m.parentKey === member.key &&
        m.status !== 'completed' &&
        m.branch !== null &&
        graph.reaches(m.branch, nodeCode),
    );
    if (!child) throw new Error(`split ${split} has no branch leading to ${nodeCode}`);
    member = child;
  }
  // A split member moved back before its split would leave its branches live beside it.
  const liveBranches = w.members.filter((m) => m.parentKey === member.key && !FINAL_STATUSES.has(m.status));
  if (liveBranches.length > 0) {
    return {
      kind: 'refused',
      reason: {
        code: 'MOVE_ABANDONS_BRANCHES',
        message: `${describe(member)} has split; its branches are live at ${liveBranches.map((m) => m.nodeCode).join(', ')}: move or scrap them, not the token they split from`,
      },
    };
  }
  member.nodeCode = nodeCode;
  member.status = status;
  member.operator = null;
  return {
    kind: 'placed',
    family: { processMode: family.processMode, members: w.members },
    key: member.key,
    from,
    effects: w.effects,
  };
}

/** The state a token must be in for `action` to apply: where a supervisor's "apply anyway" moves it. */
export function precondition(action: OperatorAction): TokenStatus {
  const [first] = requiredStatuses(action.type);
  return first ?? 'ready';
}
