/**
 * @module Conflicts: parked events whose window ended (PK-4), and a supervisor's decision on one:
 * discard it, or apply it anyway as a manual move (the member is moved to where the event expects
 * it, a `move` system event records that, the event applies, and a `resolve` event follows).
 * Either way the family's other parked events are retried, since what blocked them may be gone.
 * Every decision is recorded by the one path of decisions.ts, in a FamilyWorkspace like a push's.
 */
import { z } from 'zod';
import { receive } from '../../shared/parking';
import type { TokenRef } from '../../shared/protocol';
import { tokenRefSchema } from '../../shared/protocol';
import type { Reason } from '../../shared/reason-codes';
import type { Family, MachineContext } from '../../shared/token-machine';
import { placeMember, precondition, tokenRef } from '../../shared/token-machine';
import type Database from 'better-sqlite3';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import type { ReferenceData } from '../reference/reference-data';
import { currentChangeSeq, setChangeSeq } from './change-counter';
import type { FamilyContext } from './decisions';
import { DecisionRecorder } from './decisions';
import type { EventLog, ParkedRow } from './event-log';
import type { FamilyEntry } from './family-workspace';
import { FamilyWorkspace } from './family-workspace';
import { pendingFromRow } from './pending';
import type { SystemEventRecorder } from './system-events';
import type { TokenStore } from './token-store';
import { newKeyAllocator } from './token-store';
import { isoOf } from '../db/sql-time';

/** What resolving needs: the event log and the token families, inside one transaction. */
export interface ConflictDeps {
  db: Database.Database;
  reference: ReferenceData;
  tokens: TokenStore;
  events: EventLog;
  system: SystemEventRecorder;
  decisions: DecisionRecorder;
}

/** Runs `work` on one family inside a transaction's workspace, then retries its parked events and saves it. */
function withFamily<T>(
  deps: ConflictDeps,
  rootId: number,
  nowIso: string,
  work: (workspace: FamilyWorkspace, entry: FamilyEntry, machine: MachineContext) => T,
): T {
  deps.reference.refresh();
  const changeSeq = currentChangeSeq(deps.db) + 1;
  const workspace = new FamilyWorkspace(deps.tokens, deps.events, deps.reference, changeSeq, nowIso);
  const entry = workspace.getByRoot(rootId);
  const machine: MachineContext = { graph: entry.graph.indexed, newTokenKey: newKeyAllocator() };
  const result = work(workspace, entry, machine);
  deps.decisions.retry(workspace, entry, machine);
  if (workspace.flush()) setChangeSeq(deps.db, changeSeq);
  return result;
}

/** Turns parked events whose window has ended into conflicts; returns how many. */
export function expireParkedEvents(deps: ConflictDeps, now: Date): number {
  const nowIso = now.toISOString();
  return deps.db
    .transaction(() => {
      const expired = deps.db
        .prepare('SELECT event_row_id, root_token_id, reason_message FROM parked_event WHERE expires_at <= ?')
        .all(nowIso) as { event_row_id: number; root_token_id: number; reason_message: string }[];
      for (const row of expired) {
        deps.events.unpark(row.event_row_id);
        const reason: Reason = {
          code: 'PARKING_EXPIRED',
          message: `Still did not fit when its parking window ended: ${row.reason_message}`,
        };
        deps.db
          .prepare(
            "UPDATE token_event SET status = 'conflict', reason_code = ?, reason_message = ? WHERE id = ?",
          )
          .run(reason.code, reason.message, row.event_row_id);
        deps.events.openConflict(row.event_row_id, row.root_token_id, reason, nowIso);
      }
      // Events that waited behind an expired one (PK-3) may fit now.
      for (const rootId of new Set(expired.map((r) => r.root_token_id))) {
        withFamily(deps, rootId, nowIso, () => undefined);
      }
      return expired.length;
    })
    .immediate();
}

export const resolveSchema = z.object({
  action: z.enum(['apply', 'discard']),
  note: z.string().max(1000).optional(),
});
export type Resolution = z.infer<typeof resolveSchema>;

type ConflictRow = ParkedRow & {
  id: number;
  root_token_id: number;
  resolved_at: string | null;
  resolved_by: string | null;
};

/** A supervisor's decision, as stored: `token` is the member the event addressed, after it (null when discarded). */
export const resolveResultSchema = z.object({
  conflict: z.number().int(),
  resolution: z.enum(['applied', 'discarded']),
  token: z.nullable(tokenRefSchema),
});
export type ResolveResult = z.infer<typeof resolveResultSchema>;

export function resolveConflict(
  deps: ConflictDeps,
  conflictId: number,
  decision: Resolution,
  user: { userId: number; username: string },
  now: Date,
): Result<ResolveResult> {
  const nowIso = now.toISOString();
  const db = deps.db;
  return attempt(() =>
    db
      .transaction((): ResolveResult => {
        const row = db
          .prepare(
            `SELECT c.id, c.event_row_id, c.root_token_id, c.resolved_at, u.username AS resolved_by, e.event_id,
               e.station_id, s.name AS station_name, e.seq, e.event_type, e.node_code, e.operator_badge, e.qty,
               e.data_json, ${isoOf('e.occurred_ms')} AS occurred_at, ${isoOf('e.received_ms')} AS received_at,
               ${isoOf('e.corrected_ms')} AS occurred_at_corrected
             FROM conflict c JOIN token_event e ON e.id = c.event_row_id JOIN station s ON s.id = e.station_id
             LEFT JOIN app_user u ON u.id = c.resolved_by WHERE c.id = ?`,
          )
          .get(conflictId) as ConflictRow | undefined;
        if (!row) throw new DomainError('not-found', `No conflict ${conflictId}`);
        if (row.resolved_at !== null) {
          throw new DomainError(
            'conflict',
            `Conflict ${conflictId} was already resolved by ${row.resolved_by ?? 'someone'} at ${row.resolved_at}`,
            [{ resolvedBy: row.resolved_by, resolvedAt: row.resolved_at }],
          );
        }
        const resolution: 'applied' | 'discarded' = decision.action === 'apply' ? 'applied' : 'discarded';
        let token: TokenRef | null = null;
        if (decision.action === 'discard') {
          db.prepare("UPDATE token_event SET status = 'discarded' WHERE id = ?").run(row.event_row_id);
          withFamily(deps, row.root_token_id, nowIso, () => undefined);
        } else {
          token = applyAnyway(deps, row, user.username, conflictId, nowIso);
        }
        db.prepare(
          'UPDATE conflict SET resolved_at = ?, resolution = ?, resolved_by = ?, note = ? WHERE id = ?',
        ).run(nowIso, resolution, user.userId, decision.note ?? null, conflictId);
        const root = deps.tokens.rootById(row.root_token_id);
        if (!root) throw new Error(`no root token ${row.root_token_id}`);
        deps.system.record({
          type: 'resolve',
          code: root.code,
          nodeCode: row.node_code,
          rootId: root.id,
          tokenId: root.id,
          qty: null,
          data: {
            conflict: conflictId,
            event: row.event_id,
            resolution,
            by: user.username,
            note: decision.note ?? null,
          },
          token,
          now: nowIso,
        });
        return { conflict: conflictId, resolution, token };
      })
      .immediate(),
  );
}

/** Moves the addressed member to where the event expects it (TM-12), applies it, and lets parked events follow. */
function applyAnyway(
  deps: ConflictDeps,
  row: ConflictRow,
  username: string,
  conflictId: number,
  nowIso: string,
): TokenRef | null {
  const pending = pendingFromRow(row);
  return withFamily(deps, row.root_token_id, nowIso, (workspace, entry, machine) => {
    const before: Family = entry.current;
    const needed = precondition(pending.action);
    const placement = placeMember(before, pending.action.nodeCode, needed, machine);
    if (placement.kind === 'refused')
      throw new DomainError('conflict', placement.reason.message, [placement.reason]);
    const { from } = placement;
    const moved =
      from.nodeCode !== pending.action.nodeCode || from.status !== needed || placement.effects.length > 0;
    const settled = receive(moved ? placement.family : before, [], pending, machine);
    if (settled.incoming.kind !== 'applied') {
      throw new DomainError(
        'conflict',
        `The event cannot apply even after a move: ${settled.incoming.reason.message}`,
      );
    }
    const ctx: FamilyContext = { entry, keys: workspace.update(entry, settled.family), nowIso };
    if (moved) {
      // Upstream sees the move (and any split it passed) before the event itself.
      deps.decisions.recordEffects(ctx, placement.effects, placement.family, row.event_row_id);
      const member = placement.family.members.find((m) => m.key === placement.key);
      if (member) {
        deps.system.record({
          type: 'move',
          code: member.code,
          nodeCode: member.nodeCode,
          rootId: row.root_token_id,
          tokenId: DecisionRecorder.idOf(ctx, placement.key),
          qty: member.qty,
          data: {
            from,
            by: username,
            conflict: conflictId,
            reason: `apply anyway: ${row.event_type} ${row.event_id}`,
          },
          token: tokenRef(member),
          now: nowIso,
        });
      }
    }
    deps.decisions.settle(
      ctx,
      row,
      { event: pending, decision: settled.incoming },
      moved ? placement.family : before,
    );
    return DecisionRecorder.tokenAfter(ctx, settled.incoming, moved ? placement.family : before);
  });
}
