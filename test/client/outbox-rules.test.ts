/** The station outbox's pure rules: batching, what results make of entries, drain progress; event ids. */
import { uuidv7 } from 'uuidv7';
import { describe, expect, it, vi } from 'vitest';
import { newEventId } from '../../client/outbox/event-id';
import type { OutboxEntry } from '../../client/outbox/outbox-rules';
import {
  OUTBOX_SCHEMA_VERSION,
  applyResults,
  drainProgress,
  nextBatch,
} from '../../client/outbox/outbox-rules';
import { stationEventSchema } from '../../shared/protocol';
import { backoffDelay } from '../../shared/backoff';

function entry(seq: number): OutboxEntry {
  return {
    schemaVersion: OUTBOX_SCHEMA_VERSION,
    queuedAt: '2026-11-22T08:00:00.000Z',
    event: {
      id: uuidv7(),
      seq,
      type: 'start',
      code: `BV-${seq}`,
      nodeCode: 'CUT',
      operatorBadge: 'OP-0001',
      occurredAt: '2026-11-22T08:00:00.000Z',
    },
    state: { kind: 'queued' },
  };
}

describe('the outbox rules', () => {
  it('OB-2: the next push takes queued events in seq order, at most 500', () => {
    const entries = [entry(3), entry(1), entry(2)];
    entries[1] = { ...entries[1]!, state: { kind: 'refused', reason: { code: 'X', message: 'x' }, at: 't' } };
    expect(nextBatch(entries).map((e) => e.event.seq)).toEqual([2, 3]);
    const many = Array.from({ length: 700 }, (_, i) => entry(i + 1));
    expect(nextBatch(many)).toHaveLength(500);
    expect(nextBatch(many, 10000)).toHaveLength(500);
  });

  it('OB-3: applied, duplicate and parked results deliver; rejected refuses with the reason', () => {
    const sent = [entry(1), entry(2), entry(3), entry(4)];
    const token = { code: 'BV-1', branch: null, nodeCode: 'CUT', status: 'active' as const };
    const reason = { code: 'UNKNOWN_CODE', message: 'No work item with code BV-4 is known here' };
    const { entries, error } = applyResults(
      sent,
      [
        { id: sent[0]!.event.id, status: 'applied', token },
        { id: sent[1]!.event.id, status: 'duplicate', token: null },
        {
          id: sent[2]!.event.id,
          status: 'parked',
          token,
          reason: { code: 'NOT_AT_NODE', message: 'not yet' },
        },
        { id: sent[3]!.event.id, status: 'rejected', reason },
      ],
      'now',
    );
    expect(error).toBeNull();
    expect(entries.map((e) => e.state)).toEqual([
      { kind: 'delivered', result: 'applied', token, reason: null, at: 'now' },
      { kind: 'delivered', result: 'duplicate', token: null, reason: null, at: 'now' },
      {
        kind: 'delivered',
        result: 'parked',
        token,
        reason: { code: 'NOT_AT_NODE', message: 'not yet' },
        at: 'now',
      },
      { kind: 'refused', reason, at: 'now' },
    ]);
  });

  it('OB-3: results that do not match the events sent change nothing', () => {
    const sent = [entry(1), entry(2)];
    const { entries, error } = applyResults(sent, [{ id: sent[1]!.event.id, status: 'applied' }], 'now');
    expect(error).toMatch(/1 results for 2 events/);
    expect(entries.map((e) => e.state.kind)).toEqual(['queued', 'queued']);
    const swapped = applyResults(
      sent,
      [
        { id: sent[1]!.event.id, status: 'applied' },
        { id: sent[0]!.event.id, status: 'applied' },
      ],
      'now',
    );
    expect(swapped.error).toMatch(/2 results for 2 events/);
    expect(swapped.entries.map((e) => e.state.kind)).toEqual(['queued', 'queued']);
  });

  it('OB-10: drain progress gives done/total, speed and time left', () => {
    expect(drainProgress(1000, 250, 0, 5000)).toEqual({
      done: 250,
      total: 1000,
      eventsPerSecond: 50,
      secondsLeft: 15,
    });
    expect(drainProgress(10, 0, 0, 0)).toEqual({ done: 0, total: 10, eventsPerSecond: 0, secondsLeft: null });
  });

  it('SY-2: backoff grows exponentially with full jitter, capped, and keeps a Retry-After', () => {
    const policy = { baseMs: 500, maxMs: 60_000 };
    expect(backoffDelay(0, policy, 0.999)).toBe(500);
    expect(backoffDelay(3, policy, 0.5)).toBe(2000);
    expect(backoffDelay(20, policy, 0.999)).toBe(59_940);
    expect(backoffDelay(2, policy, 0, 3000)).toBe(3000);
  });
});

describe('event ids', () => {
  it('OB-11: are UUIDv7 that the push contract takes, carry the time, and increase within a tab, also within one millisecond', () => {
    const at = Date.parse('2026-11-22T08:00:00.000Z');
    const ids = Array.from({ length: 5000 }, () => newEventId(at));
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(stationEventSchema.shape.id.safeParse(id).success).toBe(true);
    }
    expect(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = newEventId(at + 1);
    expect(later > ids.at(-1)!).toBe(true);
    vi.useFakeTimers({ now: at + 60_000 });
    try {
      expect(parseInt(newEventId().replace(/-/g, '').slice(0, 12), 16)).toBe(at + 60_000);
    } finally {
      vi.useRealTimers();
    }
  });
});
