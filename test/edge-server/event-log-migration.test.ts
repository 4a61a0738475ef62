/**
 * Migration 0015 on a copy of a database written by the previous build (schema version 14,
 * test/fixtures/edge-schema-v14.sqlite: 50 serials, 226 station events with a clock skew on half,
 * one parked then applied, one rejected; 150 records forwarded, one refused once, one dead letter
 * holding back its token's later records, the rest pending).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge-server/config';
import { isoOf } from '../../edge-server/db/sql-time';
import { verifySchema } from '../../edge-server/db/verify-schema';
import type { EdgeCore } from '../../edge-server/edge';
import { openEdgeCore } from '../../edge-server/edge';
import type { AppliedEventRecord } from '../../shared/protocol';

const FIXTURE = fileURLToPathOf('../fixtures/edge-schema-v14.sqlite');

function fileURLToPathOf(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}

interface OldEvent {
  event_id: string;
  origin: string;
  event_type: string;
  seq: number | null;
  code: string;
  node_code: string | null;
  operator_badge: string | null;
  occurred_at: string;
  occurred_at_corrected: string;
  received_at: string;
  applied_at: string | null;
  qty: number | null;
  data_json: string;
  status: string;
  result_json: string;
}

interface OldOutboxRow {
  id: number;
  status: 'pending' | 'forwarded' | 'dead';
  family: string;
  attempts: number;
  last_error: string | null;
  record_json: string;
}

let dir: string;
let core: EdgeCore | null = null;
let oldEvents: OldEvent[];
let oldOutbox: OldOutboxRow[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-migration-0015-'));
  fs.copyFileSync(FIXTURE, path.join(dir, 'edge.sqlite'));
  // What the previous build stored and would have sent, read before anything migrates.
  const old = new Database(path.join(dir, 'edge.sqlite'), { readonly: true });
  try {
    oldEvents = old.prepare('SELECT * FROM token_event ORDER BY id').all() as OldEvent[];
    oldOutbox = old
      .prepare(
        `SELECT o.id, o.status, o.family, o.attempts, o.last_error, r.record_json
         FROM upstream_outbox o JOIN upstream_record r ON r.id = o.id ORDER BY o.id`,
      )
      .all() as OldOutboxRow[];
  } finally {
    old.close();
  }
});

afterEach(() => {
  core?.close();
  core = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(): EdgeCore {
  core = openEdgeCore(loadConfig({ DATA_DIR: dir, DEMO: '0', LOG_LEVEL: 'silent' }), {
    defaultMetrics: false,
  });
  return core;
}

/** The station event as the tablet sent it, rebuilt from the old row. */
function sentEvent(e: OldEvent): Record<string, unknown> {
  return {
    id: e.event_id,
    seq: e.seq,
    type: e.event_type,
    code: e.code,
    nodeCode: e.node_code,
    operatorBadge: e.operator_badge,
    occurredAt: e.occurred_at,
    ...(e.qty === null ? {} : { qty: e.qty }),
    data: JSON.parse(e.data_json) as unknown,
  };
}

describe('migration 0015: the event log is the outbox, stored compactly (PF-1, PF-5)', () => {
  it('PF-8: the fixture is what the previous build wrote', () => {
    expect(oldOutbox.filter((o) => o.status === 'forwarded')).toHaveLength(150);
    expect(oldOutbox.filter((o) => o.status === 'dead')).toHaveLength(1);
    expect(oldOutbox.filter((o) => o.status === 'pending').length).toBeGreaterThan(90);
    expect(oldEvents.some((e) => e.occurred_at !== e.occurred_at_corrected)).toBe(true);
    expect(oldEvents.some((e) => e.status === 'rejected')).toBe(true);
    expect(oldEvents.some((e) => JSON.parse(e.result_json).status === 'parked')).toBe(true);
  });

  it('PF-8: every event keeps its times to the millisecond, and the schema checks clean', () => {
    const { db } = open();
    const now = db
      .prepare(
        `SELECT event_id, origin, status, ${isoOf('occurred_ms')} AS occurred_at,
           ${isoOf('corrected_ms')} AS occurred_at_corrected, ${isoOf('received_ms')} AS received_at,
           ${isoOf('applied_ms')} AS applied_at FROM token_event ORDER BY id`,
      )
      .all();
    expect(now).toEqual(
      oldEvents.map((e) => ({
        event_id: e.event_id,
        origin: e.origin,
        status: e.status,
        occurred_at: e.occurred_at,
        occurred_at_corrected: e.occurred_at_corrected,
        received_at: e.received_at,
        applied_at: e.applied_at,
      })),
    );
    expect(verifySchema(db).ok).toBe(true);
  });

  it('PF-8: pending records are carried over: the same records in the same order, the dead letter still dead and holding back its token', () => {
    const { upstream } = open();
    const dead = oldOutbox.find((o) => o.status === 'dead');
    if (!dead) throw new Error('fixture has no dead letter');
    const held = (o: OldOutboxRow) => o.family === dead.family && o.id > dead.id;
    const pending = oldOutbox.filter((o) => o.status === 'pending');
    expect(upstream.counts()).toMatchObject({ pending: pending.length, forwarded: 150, dead: 1 });
    const next = upstream.next(1000);
    expect(next.map((n) => n.outboxId)).toEqual(pending.filter((o) => !held(o)).map((o) => o.id));
    expect(next.map((n) => n.record)).toEqual(
      pending.filter((o) => !held(o)).map((o) => JSON.parse(o.record_json) as AppliedEventRecord),
    );
    expect(upstream.deadLetters()).toEqual([
      {
        outboxId: dead.id,
        attempts: 3,
        lastError: dead.last_error,
        record: JSON.parse(dead.record_json) as AppliedEventRecord,
      },
    ]);
  });

  it('PF-8: after the dead letter is sent again, everything not yet forwarded goes exactly once, in order per token', () => {
    const { upstream } = open();
    expect(upstream.resend()).toBe(1);
    const sent: number[] = [];
    for (let batch = upstream.next(40); batch.length > 0; batch = upstream.next(40)) {
      sent.push(...batch.map((b) => b.outboxId));
      upstream.markForwarded(
        batch.map((b) => b.outboxId),
        new Date().toISOString(),
      );
    }
    const expected = oldOutbox.filter((o) => o.status !== 'forwarded').map((o) => o.id);
    expect([...sent].sort((a, b) => a - b)).toEqual(expected);
    for (const family of new Set(oldOutbox.map((o) => o.family))) {
      const ids = oldOutbox.filter((o) => o.family === family).map((o) => o.id);
      const order = sent.filter((id) => ids.includes(id));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(upstream.counts()).toMatchObject({ pending: 0, dead: 0, forwarded: oldOutbox.length });
  });

  it('PF-8, IN-2, IN-3: old events resent are answered as before: duplicates with their first token, the rejection again, other content refused', () => {
    const c = open();
    c.reference.refresh();
    const station = c.reference.station(1);
    if (!station) throw new Error('no station 1');
    const stationEvents = oldEvents.filter((e) => e.origin === 'station');
    const now = new Date();
    const results = c.ingest(station, now.toISOString(), stationEvents.map(sentEvent), now).results;
    expect(results).toEqual(
      stationEvents.map((e) => {
        const first = JSON.parse(e.result_json) as { status: string; token?: unknown; reason?: unknown };
        return first.status === 'rejected'
          ? first
          : { id: e.event_id, status: 'duplicate', token: first.token ?? null };
      }),
    );
    const changed = { ...sentEvent(stationEvents[0] as OldEvent), operatorBadge: 'OP-OTHER' };
    expect(c.ingest(station, now.toISOString(), [changed], now).results[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
  });
});
