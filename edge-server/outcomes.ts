/**
 * @module Writing what a decision did, the same way wherever it was made (ingest, a supervisor's
 * resolution): the event's outcome, the upstream outbox row, the system events of its effects,
 * component bindings, and the parked events it released.
 */
import type { RetryOutcome } from '../shared/parking';
import type { TokenRef } from '../shared/protocol';
import type { Decision, Effect, Family } from '../shared/token-machine';
import { tokenRef } from '../shared/token-machine';
import type { EventLog, ParkedRow } from './event-log';
import type { GraphEntry } from './reference-data';
import type { SystemEventRecorder } from './system-events';
import type { RootRow } from './token-store';
import { withSavedKeys } from './token-store';

export interface FamilyContext {
  root: Pick<RootRow, 'id' | 'code'>;
  graph: GraphEntry;
  /** Temporary member keys → row ids, from `TokenStore.saveFamily`. */
  keys: ReadonlyMap<string, string>;
  nowIso: string;
}

export class Outcomes {
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
    const key = String(Outcomes.idOf(ctx, decision.addressedKey));
    const member = family.members.find((m) => m.key === key);
    return member ? tokenRef(member) : null;
  }

  /** Records the system events and bindings an applied decision caused. */
  recordEffects(
    ctx: FamilyContext,
    effects: readonly Effect[],
    familyAfter: Family,
    causeRowId: number,
  ): void {
    const family = withSavedKeys(familyAfter, ctx.keys);
    const idOf = (key: string): string => String(Outcomes.idOf(ctx, key));
    for (const effect of effects) {
      if (effect.type === 'bind') {
        this.log.bindComponent(Number(idOf(effect.tokenKey)), effect.componentSerial, causeRowId, ctx.nowIso);
        continue;
      }
      this.system.recordEffect(effect, family, idOf, {
        rootId: ctx.root.id,
        code: ctx.root.code,
        graph: ctx.graph.indexed.graph.code,
        now: ctx.nowIso,
      });
    }
  }

  /** A parked event's final outcome: applied (queued upstream with its effects) or a conflict. */
  settleParked(
    ctx: FamilyContext,
    row: ParkedRow,
    outcome: RetryOutcome,
    before: Family,
  ): 'applied' | 'conflict' {
    const { decision } = outcome;
    this.log.unpark(row.event_row_id);
    if (decision.kind === 'applied') {
      const token = Outcomes.tokenAfter(ctx, decision, before);
      this.log.setOutcome(row.event_row_id, {
        status: 'applied',
        tokenId: Outcomes.idOf(ctx, decision.addressedKey),
        reason: null,
        appliedAt: ctx.nowIso,
        tokenAfter: token,
      });
      this.system.enqueueStationEvent(row.event_row_id, ctx.nowIso);
      this.recordEffects(ctx, decision.effects, decision.family, row.event_row_id);
      return 'applied';
    }
    if (decision.kind === 'parked') throw new Error('a parked outcome is not settled');
    this.log.setOutcome(row.event_row_id, {
      status: 'conflict',
      tokenId: decision.kind === 'rejected' ? null : Outcomes.idOf(ctx, decision.addressedKey),
      reason: decision.reason,
      appliedAt: null,
      tokenAfter: null,
    });
    this.log.openConflict(row.event_row_id, ctx.root.id, decision.reason, ctx.nowIso);
    return 'conflict';
  }

  /** Settles every parked event a change released, in the order they applied. */
  settleAll(
    ctx: FamilyContext,
    parkedRows: readonly ParkedRow[],
    outcomes: readonly RetryOutcome[],
    before: Family,
  ) {
    const counts = { applied: 0, conflict: 0 };
    for (const outcome of outcomes) {
      const row = parkedRows.find((p) => p.event_id === outcome.event.id);
      if (row) counts[this.settleParked(ctx, row, outcome, before)]++;
    }
    return counts;
  }
}
