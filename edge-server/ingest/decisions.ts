/**
 * @module Recording what a decision did: the one path every decision takes, whoever made it (a
 * push's event, a parked event retried, a supervisor's apply-anyway). An applied event is queued
 * upstream, then the system events of its effects (split, spawn, join, route) and its component
 * bindings, in application order (IN-5); a conflict opens a supervisor's case; a parked event
 * waits. `retry` runs a family's parked events (PK-2, PK-6) and records each outcome the same way.
 *
 *   decide / retryParked (shared) ──▶ FamilyWorkspace.update (new members get row ids)
 *                                  ──▶ DecisionRecorder: row status, outbox, effects, conflict, park
 */
import type { RetryOutcome } from '../../shared/parking';
import { retryParked } from '../../shared/parking';
import type { TokenRef } from '../../shared/protocol';
import type { Reason } from '../../shared/reason-codes';
import type { Decision, Effect, Family, MachineContext } from '../../shared/token-machine';
import { tokenRef } from '../../shared/token-machine';
import type { EventLog, ParkedRow } from './event-log';
import type { FamilyEntry, FamilyWorkspace } from './family-workspace';
import type { SystemEventRecorder } from './system-events';
import { withSavedKeys } from './token-store';

/** Where a decision's member keys point once the family's new members have rows. */
export interface FamilyContext {
  entry: FamilyEntry;
  /** Temporary member keys → row ids (FamilyWorkspace.update). */
  keys: ReadonlyMap<string, string>;
  nowIso: string;
}

/** How the parked events of a family came out of a retry. */
export interface RetryCounts {
  applied: number;
  conflicts: number;
}

export class DecisionRecorder {
  constructor(
    private readonly log: EventLog,
    private readonly system: SystemEventRecorder,
  ) {}

  /** The row id of a member key. */
  static idOf(ctx: FamilyContext, key: string): number {
    return Number(ctx.keys.get(key) ?? key);
  }

  /** The addressed member's state right after `decision` (or in `fallback` when nothing changed). */
  static tokenAfter(ctx: FamilyContext, decision: Decision, fallback: Family): TokenRef | null {
    if (decision.kind === 'rejected') return null;
    const family = withSavedKeys(decision.kind === 'applied' ? decision.family : fallback, ctx.keys);
    const key = String(DecisionRecorder.idOf(ctx, decision.addressedKey));
    const member = family.members.find((m) => m.key === key);
    return member ? tokenRef(member) : null;
  }

  /** An event that took effect (its row is queued upstream already), then what it caused (IN-5). */
  applied(ctx: FamilyContext, rowId: number, decision: Extract<Decision, { kind: 'applied' }>): void {
    this.recordEffects(ctx, decision.effects, decision.family, rowId);
  }

  /** An event that can never fit (or outlived its window): a case for a supervisor. */
  conflict(ctx: FamilyContext, rowId: number, reason: Reason): void {
    this.log.openConflict(rowId, ctx.entry.root.id, reason, ctx.nowIso);
  }

  /** Records the system events and bindings an applied decision (or a manual move) caused. */
  recordEffects(
    ctx: FamilyContext,
    effects: readonly Effect[],
    familyAfter: Family,
    causeRowId: number,
  ): void {
    const family = withSavedKeys(familyAfter, ctx.keys);
    const idOf = (key: string): string => String(DecisionRecorder.idOf(ctx, key));
    for (const effect of effects) {
      if (effect.type === 'bind') {
        this.log.bindComponent(Number(idOf(effect.tokenKey)), effect.componentSerial, causeRowId, ctx.nowIso);
        continue;
      }
      this.system.recordEffect(effect, family, idOf, {
        rootId: ctx.entry.root.id,
        code: ctx.entry.root.code,
        graph: ctx.entry.graph.indexed.graph.code,
        now: ctx.nowIso,
      });
    }
  }

  /** A parked (or conflicting) event's outcome now: applied, or a conflict. */
  settle(ctx: FamilyContext, row: ParkedRow, outcome: RetryOutcome, before: Family): 'applied' | 'conflict' {
    const { decision } = outcome;
    this.log.unpark(row.event_row_id);
    if (decision.kind === 'applied') {
      this.log.setOutcome(row.event_row_id, {
        status: 'applied',
        tokenId: DecisionRecorder.idOf(ctx, decision.addressedKey),
        reason: null,
        appliedAt: ctx.nowIso,
        tokenAfter: DecisionRecorder.tokenAfter(ctx, decision, before),
      });
      this.applied(ctx, row.event_row_id, decision);
      return 'applied';
    }
    if (decision.kind === 'parked') throw new Error('a parked outcome is not settled');
    this.log.setOutcome(row.event_row_id, {
      status: 'conflict',
      tokenId: decision.kind === 'rejected' ? null : DecisionRecorder.idOf(ctx, decision.addressedKey),
      reason: decision.reason,
      appliedAt: null,
      tokenAfter: null,
    });
    this.conflict(ctx, row.event_row_id, decision.reason);
    return 'conflict';
  }

  /**
   * Retries a family's parked events (those that occurred before `before`, if given: PK-6) and
   * records each outcome; skipped when neither the family nor the time window changed since the
   * last try.
   */
  retry(
    workspace: FamilyWorkspace,
    entry: FamilyEntry,
    machine: MachineContext,
    before?: string,
  ): RetryCounts {
    const counts: RetryCounts = { applied: 0, conflicts: 0 };
    const rows = workspace.parkedOf(entry);
    if (rows.length === 0) return counts;
    const start = entry.current;
    const last = entry.lastTry;
    if (last?.family === start) {
      // Nothing changed since the last try: only events that came into the time window may fit now.
      const lastBefore = last.before;
      const nothingNew =
        before === undefined
          ? lastBefore === undefined
          : lastBefore === undefined ||
            !rows.some((r) => r.occurred_at_corrected >= lastBefore && r.occurred_at_corrected < before);
      if (nothingNew) return counts;
    }
    const retried = retryParked(
      start,
      rows.map((r) => workspace.pendingOf(r)),
      machine,
      before,
    );
    if (retried.outcomes.length > 0) {
      const ctx: FamilyContext = {
        entry,
        keys: workspace.update(entry, retried.family),
        nowIso: workspace.nowIso,
      };
      for (const outcome of retried.outcomes) {
        const row = rows.find((p) => p.event_id === outcome.event.id);
        if (!row) continue;
        if (this.settle(ctx, row, outcome, start) === 'applied') counts.applied++;
        else counts.conflicts++;
      }
      const settled = new Set(retried.outcomes.map((o) => o.event.id));
      for (let i = rows.length - 1; i >= 0; i--) {
        if (settled.has((rows[i] as ParkedRow).event_id)) rows.splice(i, 1);
      }
    }
    entry.lastTry = { family: entry.current, before };
    return counts;
  }
}
