/** @module The closed sets of the domain (domain.md): node, edge and event types, token statuses. */

export const NODE_TYPES = ['operation', 'split', 'join', 'decision'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const EDGE_TYPES = ['normal', 'rework', 'conditional'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

export const ROUTING_MODES = ['linear', 'dag'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

export const PROCESS_MODES = ['piece', 'batch'] as const;
export type ProcessMode = (typeof PROCESS_MODES)[number];

export const TOKEN_STATUSES = [
  'ready',
  'active',
  'paused',
  'waiting',
  'split',
  'completed',
  'scrapped',
] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

/** Statuses a token never leaves (SPEC TM-9). */
export const FINAL_STATUSES: ReadonlySet<TokenStatus> = new Set(['completed', 'scrapped']);

/** Events a station sends, one per operator action. */
export const OPERATOR_EVENT_TYPES = [
  'start',
  'pause',
  'resume',
  'complete',
  'qc_pass',
  'qc_fail',
  'scrap',
  'bind_component',
  'note',
] as const;
export type OperatorEventType = (typeof OPERATOR_EVENT_TYPES)[number];

/** Events the edge server records itself; never sent by a station. */
export const SYSTEM_EVENT_TYPES = ['spawn', 'enter', 'route', 'split', 'join', 'move', 'resolve'] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/** The work-center behavior that allows qc_pass / qc_fail. */
export const QC_BEHAVIOR = 'QC';

export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
