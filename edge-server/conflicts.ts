/**
 * @module Conflicts: parked events whose window ended (PK-4), and a supervisor's decision on one:
 * discard it, or apply it anyway as a manual move (the member is moved to where the event expects
 * it, a `move` system event records that, the event applies, and a `resolve` event follows).
 * Either way the family's other parked events are retried, since what blocked them may be gone.
 */
import { z } from 'zod';
import type { RetryOutcome } from '../shared/parking';
import { receive, retryParked } from '../shared/parking';
import type { TokenRef } from '../shared/protocol';
import type { Family, MachineContext } from '../shared/token-machine';
import { placeMember, precondition, tokenRef } from '../shared/token-machine';
import { currentChangeSeq, setChangeSeq } from './change-counter';
import { ApiError } from './errors';
import type { ParkedRow } from './event-log';
import { pendingFromRow } from './ingest';
import type { FamilyContext } from './outcomes';
import { Outcomes } from './outcomes';
import type { GraphEntry } from './reference-data';
import type { Site } from './site';
import type { RootRow } from './token-store';
import { newKeyAllocator } from './token-store';

const rootStatement = `SELECT t.id, t.graph_id, t.ticket_id, t.code, j.process_mode FROM flow_token t
  JOIN job_ticket j ON j.id = t.ticket_id WHERE t.id = ?`;

/**
 * Runs a change on one family inside the caller's transaction: `change` gets the family and may
 * return a new one plus an outcome of its own; then parked events are retried, the family saved,
 * and every outcome written.
 */
function settleFamily(
  site: Site,
  rootId: number,
  nowIso: string,
  change?: (
    family: Family,
    ctx: MachineContext,
    graph: GraphEntry,
  ) => {
    family: Family;
    own?: { row: ParkedRow; outcome: RetryOutcome };
    afterSave?: (ctx: FamilyContext) => void;
  },
): { before: Family; ctx: FamilyContext; changed: ReturnType<NonNullable<typeof change>> | null } {
  site.reference.refresh();
  const root = site.db.prepare(rootStatement).get(rootId) as RootRow;
  const graph = site.reference.graph(root.graph_id);
  const machine: MachineContext = { graph: graph.indexed, newTokenKey: newKeyAllocator() };
  const before = site.tokens.loadFamily(root.id, root.process_mode);
  const changed = change ? change(before, machine, graph) : null;
  const parkedRows = site.events.parkedFor(root.id);
  const after = retryParked(changed?.family ?? before, parkedRows.map(pendingFromRow), machine);
  const changeSeq = currentChangeSeq(site.db) + 1;
  const keys = site.tokens.saveFamily(before, after.family, {
    ticketId: root.ticket_id,
    graphId: root.graph_id,
    rootId: root.id,
    now: nowIso,
    changeSeq,
  });
  setChangeSeq(site.db, changeSeq);
  const ctx: FamilyContext = { root, graph, keys, nowIso };
  const outcomes = new Outcomes(site.events, site.system);
  changed?.afterSave?.(ctx);
  if (changed?.own) outcomes.settleParked(ctx, changed.own.row, changed.own.outcome, changed.family);
  outcomes.settleAll(ctx, parkedRows, after.outcomes, changed?.family ?? before);
  return { before, ctx, changed };
}

function markConflict(
  site: Site,
  rowId: number,
  rootId: number,
  reason: { code: string; message: string },
  nowIso: string,
): void {
  site.events.unpark(rowId);
  site.db
    .prepare("UPDATE token_event SET status = 'conflict', reason_code = ?, reason_message = ? WHERE id = ?")
    .run(reason.code, reason.message, rowId);
  site.events.openConflict(rowId, rootId, reason, nowIso);
}

/** Turns parked events whose window has ended into conflicts; returns how many. */
export function expireParkedEvents(site: Site, now: Date): number {
  const nowIso = now.toISOString();
  return site.db
    .transaction(() => {
      const expired = site.db
        .prepare('SELECT event_row_id, root_token_id, reason_message FROM parked_event WHERE expires_at <= ?')
        .all(nowIso) as { event_row_id: number; root_token_id: number; reason_message: string }[];
      for (const row of expired) {
        markConflict(
          site,
          row.event_row_id,
          row.root_token_id,
          {
            code: 'PARKING_EXPIRED',
            message: `Still did not fit when its parking window ended: ${row.reason_message}`,
          },
          nowIso,
        );
      }
      // Events that waited behind an expired one (PK-3) may fit now.
      for (const rootId of new Set(expired.map((r) => r.root_token_id))) settleFamily(site, rootId, nowIso);
      return expired.length;
    })
    .immediate();
}

export const resolveSchema = z.object({
  action: z.enum(['apply', 'discard']),
  note: z.string().max(1000).optional(),
});

type ConflictRow = ParkedRow & { id: number; root_token_id: number; resolved_at: string | null };

export function resolveConflict(
  site: Site,
  conflictId: number,
  decision: z.infer<typeof resolveSchema>,
  user: { userId: number; username: string },
  now: Date,
): { conflict: number; resolution: 'applied' | 'discarded'; token: TokenRef | null } {
  const nowIso = now.toISOString();
  const db = site.db;
  return db
    .transaction(() => {
      const row = db
        .prepare(
          `SELECT c.id, c.event_row_id, c.root_token_id, c.resolved_at, e.event_id, e.station_id, s.name AS station_name,
           e.seq, e.event_type, e.node_code, e.operator_badge, e.qty, e.data_json, e.occurred_at, e.received_at,
           e.occurred_at_corrected
         FROM conflict c JOIN token_event e ON e.id = c.event_row_id JOIN station s ON s.id = e.station_id
         WHERE c.id = ?`,
        )
        .get(conflictId) as ConflictRow | undefined;
      if (!row) throw new ApiError('NOT_FOUND', `No conflict ${conflictId}`);
      if (row.resolved_at !== null)
        throw new ApiError('CONFLICT', `Conflict ${conflictId} was already resolved`);
      const resolution: 'applied' | 'discarded' = decision.action === 'apply' ? 'applied' : 'discarded';
      let token: TokenRef | null = null;
      if (decision.action === 'discard') {
        db.prepare("UPDATE token_event SET status = 'discarded' WHERE id = ?").run(row.event_row_id);
        settleFamily(site, row.root_token_id, nowIso);
      } else {
        token = applyAnyway(site, row, user.username, conflictId, nowIso);
      }
      db.prepare(
        'UPDATE conflict SET resolved_at = ?, resolution = ?, resolved_by = ?, note = ? WHERE id = ?',
      ).run(nowIso, resolution, user.userId, decision.note ?? null, conflictId);
      const root = db.prepare(rootStatement).get(row.root_token_id) as RootRow;
      site.system.record({
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
    .immediate();
}

/** Moves the addressed member to where the event expects it (TM-12), applies it, and lets parked events follow. */
function applyAnyway(
  site: Site,
  row: ConflictRow,
  username: string,
  conflictId: number,
  nowIso: string,
): TokenRef | null {
  const pending = pendingFromRow(row);
  const { ctx, changed } = settleFamily(site, row.root_token_id, nowIso, (family, machine) => {
    const needed = precondition(pending.action);
    const placement = placeMember(family, pending.action.nodeCode, needed, machine);
    if (placement.kind === 'refused')
      throw new ApiError('CONFLICT', placement.reason.message, [placement.reason]);
    const { from } = placement;
    const moved =
      from.nodeCode !== pending.action.nodeCode || from.status !== needed || placement.effects.length > 0;
    const settled = receive(moved ? placement.family : family, [], pending, machine);
    if (settled.incoming.kind !== 'applied') {
      throw new ApiError(
        'CONFLICT',
        `The event cannot apply even after a move: ${settled.incoming.reason.message}`,
      );
    }
    return {
      family: settled.family,
      own: { row, outcome: { event: pending, decision: settled.incoming } },
      // Upstream sees the move (and any split it passed) before the event itself.
      afterSave: (saved) => {
        if (!moved) return;
        new Outcomes(site.events, site.system).recordEffects(
          saved,
          placement.effects,
          placement.family,
          row.event_row_id,
        );
        const member = placement.family.members.find((m) => m.key === placement.key);
        if (!member) return;
        site.system.record({
          type: 'move',
          code: member.code,
          nodeCode: member.nodeCode,
          rootId: row.root_token_id,
          tokenId: Outcomes.idOf(saved, placement.key),
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
      },
    };
  });
  const own = changed?.own;
  return own ? Outcomes.tokenAfter(ctx, own.outcome.decision, changed.family) : null;
}
