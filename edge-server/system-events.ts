/**
 * @module System events (spawn, split, join, route, move, resolve): recorded by the server in the
 * same transaction as their cause, each with a fresh UUIDv7 and an upstream outbox row (IN-5).
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { uuidv7 } from 'uuidv7';
import type { SystemEventType } from '../shared/domain';
import type { AppliedEventRecord, StationEvent, TokenRef } from '../shared/protocol';
import type { Effect, Family } from '../shared/token-machine';
import { tokenRef } from '../shared/token-machine';
import { canonicalJson } from './canonical-json';
import type { EventLog, ParkedRow } from './event-log';

export interface SystemEventInput {
  type: SystemEventType;
  code: string;
  nodeCode: string | null;
  rootId: number;
  tokenId: number;
  qty: number | null;
  data: Record<string, unknown>;
  token: TokenRef | null;
  now: string;
}

export class SystemEventRecorder {
  private readonly stationNameStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly log: EventLog,
    private readonly siteCode: string,
    private readonly newId: () => string = uuidv7,
  ) {
    this.stationNameStmt = db.prepare('SELECT name FROM station WHERE id = ?');
  }

  /** Records one system event and queues it upstream; returns its event id. */
  record(input: SystemEventInput): string {
    const id = this.newId();
    const payload = { type: input.type, code: input.code, nodeCode: input.nodeCode, data: input.data };
    const rowId = this.log.insert({
      event_id: id,
      content_hash: createHash('sha256').update(canonicalJson(payload)).digest('hex'),
      origin: 'system',
      event_type: input.type,
      station_id: null,
      seq: null,
      code: input.code,
      node_code: input.nodeCode,
      operator_badge: null,
      occurred_at: input.now,
      occurred_at_corrected: input.now,
      received_at: input.now,
      qty: input.qty,
      data_json: JSON.stringify(input.data),
      root_token_id: input.rootId,
      token_id: input.tokenId,
      status: 'applied',
      reason_code: null,
      reason_message: null,
      result_json: JSON.stringify({ id, status: 'applied', token: input.token }),
      applied_at: input.now,
      token_after_json: input.token === null ? null : JSON.stringify(input.token),
    });
    this.log.enqueueUpstream(
      rowId,
      {
        id,
        site: this.siteCode,
        type: input.type,
        origin: 'system',
        station: null,
        seq: null,
        code: input.code,
        nodeCode: input.nodeCode,
        operatorBadge: null,
        occurredAt: input.now,
        receivedAt: input.now,
        appliedAt: input.now,
        qty: input.qty,
        data: input.data,
        token: input.token,
      },
      input.now,
    );
    return id;
  }

  /** Queues a station event that applied on arrival. */
  enqueueStationEvent(
    rowId: number,
    e: {
      event: StationEvent;
      stationName: string;
      occurredAt: string;
      receivedAt: string;
      appliedAt: string;
      token: TokenRef | null;
    },
  ): void {
    this.log.enqueueUpstream(
      rowId,
      {
        id: e.event.id,
        site: this.siteCode,
        type: e.event.type,
        origin: 'station',
        station: e.stationName,
        seq: e.event.seq,
        code: e.event.code,
        nodeCode: e.event.nodeCode,
        operatorBadge: e.event.operatorBadge,
        occurredAt: e.occurredAt,
        receivedAt: e.receivedAt,
        appliedAt: e.appliedAt,
        qty: e.event.qty ?? null,
        data: e.event.data ?? {},
        token: e.token,
      },
      e.appliedAt,
    );
  }

  /** Queues a station event that applied after waiting parked (or by a supervisor's decision). */
  enqueueParkedStationEvent(
    row: ParkedRow,
    e: { receivedAt: string; appliedAt: string; token: TokenRef | null; code: string },
  ): void {
    const record: AppliedEventRecord = {
      id: row.event_id,
      site: this.siteCode,
      type: row.event_type,
      origin: 'station',
      station: row.station_name,
      seq: row.seq,
      code: e.code,
      nodeCode: row.node_code,
      operatorBadge: row.operator_badge,
      occurredAt: row.occurred_at,
      receivedAt: e.receivedAt,
      appliedAt: e.appliedAt,
      qty: row.qty,
      data: JSON.parse(row.data_json) as Record<string, unknown>,
      token: e.token,
    };
    this.log.enqueueUpstream(row.event_row_id, record, e.appliedAt);
  }

  /** Records what a routing effect did to the family (split, spawn, join, decision route). */
  recordEffect(
    effect: Exclude<Effect, { type: 'bind' }>,
    family: Family,
    idOf: (key: string) => string,
    ctx: { rootId: number; code: string; graph: string; now: string },
  ): void {
    const member = family.members.find((m) => m.key === idOf(effect.tokenKey));
    const token = member ? tokenRef(member) : null;
    const base = {
      code: ctx.code,
      rootId: ctx.rootId,
      tokenId: Number(idOf(effect.tokenKey)),
      qty: member?.qty ?? null,
      token,
      now: ctx.now,
    };
    const branchesOf = (keys: string[]): (string | null)[] =>
      keys.map((k) => family.members.find((m) => m.key === idOf(k))?.branch ?? null);
    switch (effect.type) {
      case 'split':
        this.record({
          ...base,
          type: 'split',
          nodeCode: effect.nodeCode,
          data: { branches: branchesOf(effect.childKeys) },
        });
        return;
      case 'spawn':
        this.record({ ...base, type: 'spawn', nodeCode: effect.nodeCode, data: { routing: ctx.graph } });
        return;
      case 'join':
        this.record({
          ...base,
          type: 'join',
          nodeCode: effect.nodeCode,
          data: { branches: branchesOf(effect.childKeys) },
        });
        return;
      case 'route':
        this.record({
          ...base,
          type: 'route',
          nodeCode: effect.nodeCode,
          data: { to: effect.to, rule: effect.rule },
        });
        return;
    }
  }

  stationName(id: number): string {
    return (this.stationNameStmt.get(id) as { name: string } | undefined)?.name ?? String(id);
  }
}
