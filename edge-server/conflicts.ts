/**
 * @module Conflicts: parked events whose window ended (PK-4), and a supervisor's decision on one:
 * discard it, or apply it anyway as a manual move (the token is moved to where the event expects
 * it, a `move` system event records that, then the event applies and a `resolve` event follows).
 */
import { z } from 'zod';
import { receive, retryParked } from '../shared/parking';
import type { TokenRef } from '../shared/protocol';
import type { MachineContext } from '../shared/token-machine';
import { addressedMember, moveMember, precondition, tokenRef } from '../shared/token-machine';
import { ApiError } from './errors';
import type { ParkedRow } from './event-log';
import { pendingFromRow } from './ingest';
import type { FamilyContext } from './outcomes';
import { Outcomes } from './outcomes';
import type { Site } from './site';
import { newKeyAllocator } from './token-store';

/** Turns parked events whose window has ended into conflicts; returns how many. */
export function expireParkedEvents(site: Site, now: Date): number {
  const nowIso = now.toISOString();
  return site.db.transaction(() => {
    const expired = site.db
      .prepare('SELECT event_row_id, root_token_id, reason_message FROM parked_event WHERE expires_at <= ?')
      .all(nowIso) as { event_row_id: number; root_token_id: number; reason_message: string }[];
    for (const row of expired) {
      const reason = {
        code: 'PARKING_EXPIRED',
        message: `Still did not fit when its parking window ended: ${row.reason_message}`,
      };
      site.events.unpark(row.event_row_id);
      site.db
        .prepare("UPDATE token_event SET status = 'conflict', reason_code = ?, reason_message = ? WHERE id = ?")
        .run(reason.code, reason.message, row.event_row_id);
      site.events.openConflict(row.event_row_id, row.root_token_id, reason, nowIso);
    }
    return expired.length;
  })();
}

export const resolveSchema = z.object({
  action: z.enum(['apply', 'discard']),
  note: z.string().max(1000).optional(),
});

interface ConflictRow {
  id: number;
  event_row_id: number;
  root_token_id: number;
  resolved_at: string | null;
  event_id: string;
  station_id: number;
  station_name: string;
  seq: number;
  event_type: string;
  node_code: string;
  operator_badge: string;
  qty: number | null;
  data_json: string;
  occurred_at: string;
  received_at: string;
}

export function resolveConflict(
  site: Site,
  conflictId: number,
  decision: z.infer<typeof resolveSchema>,
  user: { userId: number; username: string },
  now: Date,
): { conflict: number; resolution: 'applied' | 'discarded'; token: TokenRef | null } {
  const nowIso = now.toISOString();
  const db = site.db;
  return db.transaction(() => {
    const row = db
      .prepare(
        `SELECT c.id, c.event_row_id, c.root_token_id, c.resolved_at, e.event_id, e.station_id, s.name AS station_name,
           e.seq, e.event_type, e.node_code, e.operator_badge, e.qty, e.data_json, e.occurred_at, e.received_at
         FROM conflict c JOIN token_event e ON e.id = c.event_row_id JOIN station s ON s.id = e.station_id
         WHERE c.id = ?`,
      )
      .get(conflictId) as ConflictRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `No conflict ${conflictId}`);
    if (row.resolved_at !== null) throw new ApiError('CONFLICT', `Conflict ${conflictId} was already resolved`);
    const root = db
      .prepare(
        `SELECT t.id, t.graph_id, t.ticket_id, t.code, j.process_mode FROM flow_token t
         JOIN job_ticket j ON j.id = t.ticket_id WHERE t.id = ?`,
      )
      .get(row.root_token_id) as { id: number; graph_id: number; ticket_id: number; code: string; process_mode: 'piece' | 'batch' };
    const resolution: 'applied' | 'discarded' = decision.action === 'apply' ? 'applied' : 'discarded';
    let token: TokenRef | null = null;
    if (decision.action === 'discard') {
      db.prepare("UPDATE token_event SET status = 'discarded' WHERE id = ?").run(row.event_row_id);
    } else {
      token = applyAnyway(site, row, root, user.username, conflictId, nowIso);
    }
    db.prepare('UPDATE conflict SET resolved_at = ?, resolution = ?, resolved_by = ?, note = ? WHERE id = ?').run(
      nowIso,
      resolution,
      user.userId,
      decision.note ?? null,
      conflictId,
    );
    site.system.record({
      type: 'resolve',
      code: root.code,
      nodeCode: row.node_code,
      rootId: root.id,
      tokenId: root.id,
      qty: null,
      data: { conflict: conflictId, event: row.event_id, resolution, by: user.username, note: decision.note ?? null },
      token,
      now: nowIso,
    });
    return { conflict: conflictId, resolution, token };
  })();
}

/** Moves the addressed member to where the event expects it, applies it, and lets parked events follow. */
function applyAnyway(
  site: Site,
  row: ConflictRow,
  root: { id: number; graph_id: number; ticket_id: number; code: string; process_mode: 'piece' | 'batch' },
  username: string,
  conflictId: number,
  nowIso: string,
): TokenRef | null {
  const db = site.db;
  site.reference.refresh();
  const graph = site.reference.graph(root.graph_id);
  const ctx: MachineContext = { graph: graph.indexed, newTokenKey: newKeyAllocator() };
  const conflictRow: ParkedRow = { ...row, expires_at: nowIso };
  const pending = pendingFromRow(conflictRow);
  const family = site.tokens.loadFamily(root.id, root.process_mode);
  const target = addressedMember(family, pending.action.nodeCode, graph.indexed);
  const moved = moveMember(family, target.key, pending.action.nodeCode, precondition(pending.action));
  const parkedRows = site.events.parkedFor(root.id);
  const settled = receive(moved, [], pending, ctx);
  if (settled.incoming.kind !== 'applied') {
    const why = settled.incoming.kind === 'parked' || settled.incoming.kind === 'conflict' || settled.incoming.kind === 'rejected'
      ? settled.incoming.reason.message
      : '';
    throw new ApiError('CONFLICT', `The event cannot apply even after a move: ${why}`);
  }
  const after = retryParked(settled.family, parkedRows.map(pendingFromRow), ctx);
  const counter = db.prepare("SELECT value FROM site_counter WHERE name = 'change_seq'").get() as { value: number };
  const changeSeq = counter.value + 1;
  const keys = site.tokens.saveFamily(family, after.family, {
    ticketId: root.ticket_id,
    graphId: root.graph_id,
    rootId: root.id,
    now: nowIso,
    changeSeq,
  });
  db.prepare("UPDATE site_counter SET value = ? WHERE name = 'change_seq'").run(changeSeq);
  const movedTarget = moved.members.find((m) => m.key === target.key);
  if (movedTarget) {
    site.system.record({
      type: 'move',
      code: root.code,
      nodeCode: movedTarget.nodeCode,
      rootId: root.id,
      tokenId: Number(target.key),
      qty: movedTarget.qty,
      data: { from: { nodeCode: target.nodeCode, status: target.status }, by: username, conflict: conflictId },
      token: tokenRef(movedTarget),
      now: nowIso,
    });
  }
  const outcomes = new Outcomes(site.events, site.system);
  const fctx: FamilyContext = { root, graph, keys, nowIso };
  outcomes.settleParked(fctx, conflictRow, { event: pending, decision: settled.incoming }, moved);
  outcomes.settleAll(fctx, parkedRows, after.outcomes, moved);
  return Outcomes.tokenAfter(fctx, settled.incoming, moved);
}
