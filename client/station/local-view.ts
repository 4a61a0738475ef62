/**
 * @module What the station shows before the edge server has heard of its latest events: each
 * recorded event is run through the same shared state machine the server uses, on the token as
 * the station sees it, and the result is laid over the cached snapshot until the event is
 * delivered (then the snapshot pulled after the push says what really happened). So an operator
 * who starts a tote offline can complete it offline.
 */
import type { OperatorEventType } from '../../shared/domain';
import type { IndexedGraph } from '../../shared/routing-graph';
import type { SnapshotToken } from '../../shared/station-api';
import type { TokenState } from '../../shared/token-machine';
import { decide } from '../../shared/token-machine';

/** Per token id: what the station's own undelivered event `seq` made of it (null: it left here). */
export type LocalOverlay = Record<string, { seq: number; token: SnapshotToken | null }>;

export function tokenState(t: SnapshotToken): TokenState {
  return {
    key: String(t.id),
    code: t.code,
    branch: t.branch,
    parentKey: null,
    nodeCode: t.nodeCode,
    status: t.status,
    qty: t.qty,
    operator: t.operator,
  };
}

const LIVE = new Set(['ready', 'active', 'paused']);

/**
 * The token after `type`, as far as the station can tell from the token alone: its new status
 * at its node, another of this station's nodes, or null when it moves away or finishes.
 * Undefined when the machine cannot tell (a join waiting for branches the station does not see).
 */
export function predictToken(
  token: SnapshotToken,
  action: { type: OperatorEventType; operatorBadge: string; data: Record<string, unknown> },
  graph: IndexedGraph,
  servesNode: (routing: string, nodeCode: string) => boolean,
  nowIso: string,
): SnapshotToken | null | undefined {
  let decision;
  try {
    let n = 0;
    decision = decide(
      { processMode: token.processMode, members: [tokenState(token)] },
      { ...action, nodeCode: token.nodeCode },
      { graph, newTokenKey: () => `local-${++n}` },
    );
  } catch {
    // The machine throws when the token or its routing is not what it expects (a node of another
    // routing version, a family the station sees only part of): only a guess is lost, and the
    // server's own decision arrives with the next snapshot.
    return undefined;
  }
  if (decision.kind !== 'applied') return undefined;
  const after = decision.family.members.find((m) => m.key === String(token.id));
  if (!after) return undefined;
  if (!LIVE.has(after.status) || !servesNode(token.routing, after.nodeCode)) return null;
  const moved = after.nodeCode !== token.nodeCode || after.status !== token.status;
  return {
    ...token,
    nodeCode: after.nodeCode,
    status: after.status,
    qty: after.qty,
    operator: after.operator,
    statusSince: moved ? nowIso : token.statusSince,
  };
}

/** The snapshot's tokens with the station's undelivered events laid over them. */
export function withOverlay(tokens: readonly SnapshotToken[], overlay: LocalOverlay): SnapshotToken[] {
  const view: SnapshotToken[] = [];
  for (const t of tokens) {
    const local = overlay[String(t.id)];
    if (!local) view.push(t);
    else if (local.token) view.push(local.token);
  }
  return view;
}

/** Drops what the server has now seen: every overlay older than the first event still queued. */
export function settleOverlay(overlay: LocalOverlay, firstQueuedSeq: number | null): LocalOverlay {
  const kept: LocalOverlay = {};
  for (const [id, local] of Object.entries(overlay)) {
    if (firstQueuedSeq !== null && local.seq >= firstQueuedSeq) kept[id] = local;
  }
  return kept;
}
