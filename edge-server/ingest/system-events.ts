/**
 * @module System events (spawn, split, join, route, move, resolve): recorded by the server in the
 * same transaction as their cause, each with a fresh UUIDv7 and its place in application order (IN-5).
 */
import { uuidv7 } from 'uuidv7';
import type { SystemEventType } from '../../shared/domain';
import type { TokenRef } from '../../shared/protocol';
import type { Effect, Family } from '../../shared/token-machine';
import { tokenRef } from '../../shared/token-machine';
import { canonicalJson } from '../../shared/canonical-json';
import type { EventLog } from './event-log';
import { contentHashOf } from './event-log';

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
  constructor(
    private readonly log: EventLog,
    private readonly newId: () => string = uuidv7,
  ) {}

  /** Records one system event (applied, so queued upstream); returns its event id. */
  record(input: SystemEventInput): string {
    const id = this.newId();
    const payload = { type: input.type, code: input.code, nodeCode: input.nodeCode, data: input.data };
    const nowMs = Date.parse(input.now);
    this.log.insert({
      event_id: id,
      content_hash: contentHashOf(canonicalJson(payload)),
      event_type: input.type,
      station_id: null,
      seq: null,
      code: input.code,
      node_code: input.nodeCode,
      operator_badge: null,
      occurred_ms: nowMs,
      corrected_ms: nowMs,
      received_ms: nowMs,
      qty: input.qty,
      data_json: JSON.stringify(input.data),
      root_token_id: input.rootId,
      token_id: input.tokenId,
      status: 'applied',
      reason_code: null,
      reason_message: null,
      result: { id, status: 'applied', token: input.token },
      token_after_json: input.token === null ? null : JSON.stringify(input.token),
    });
    return id;
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
}
