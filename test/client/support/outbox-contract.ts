/**
 * The Outbox contract (client/outbox/outbox.ts, rules OB-1 to OB-8): one suite, run against every
 * implementation (outbox.test.ts runs it against the Dexie store and the in-memory one).
 */
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import type { EventDraft, Outbox, OutboxResult, StoredEntry } from '../../../client/outbox/outbox';
import { applyResults } from '../../../client/outbox/outbox-rules';

export interface OutboxHarness {
  /** The outbox stored under `name`: a new name is empty, the same name again is a restart. */
  open(name: string): Outbox;
  /** Makes the storage under this outbox full: every write from now on fails for lack of space. */
  fillStorage(outbox: Outbox): void;
}

export function draft(code: string, fields: Partial<EventDraft> = {}): EventDraft {
  return {
    id: uuidv7(),
    type: 'start',
    code,
    nodeCode: 'CUT',
    operatorBadge: 'OP-0001',
    occurredAt: '2026-11-22T08:00:00.000Z',
    ...fields,
  };
}

/** The value of a result the test expects to be ok. */
export function ok<T>(result: OutboxResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.problem.kind}: ${result.problem.message}`);
  return result.value;
}

export function describeOutboxContract(implementation: string, harness: OutboxHarness): void {
  const fresh = (label: string) => harness.open(`${label}-${uuidv7()}`);
  const record = async (outbox: Outbox, code: string, now = 'now') =>
    ok(await outbox.record(draft(code), now));

  describe(`the outbox contract: ${implementation}`, () => {
    it('OB-1: gives each recorded event the next seq in the same transaction, also when scans come at once, and keeps it across a restart', async () => {
      const name = `seq-${uuidv7()}`;
      const outbox = harness.open(name);
      const recorded = await Promise.all(['A', 'B', 'C', 'D'].map((c) => record(outbox, c)));
      expect(recorded.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4]);
      expect(recorded.map((r) => r.event.seq)).toEqual(recorded.map((r) => r.seq));
      expect(recorded.every((r) => r.stateKind === 'queued' && r.state.kind === 'queued')).toBe(true);
      const reopened = harness.open(name);
      expect((await record(reopened, 'E', 'later')).seq).toBe(5);
      expect((await reopened.queued()).map((e) => e.event.code)).toEqual(
        [...recorded]
          .sort((a, b) => a.seq - b.seq)
          .map((r) => r.event.code)
          .concat('E'),
      );
    });

    it('OB-2, OB-4: reads the next batch in seq order, and records a refused event again as a new event', async () => {
      const outbox = fresh('retry');
      const entries: StoredEntry[] = [];
      for (const code of ['A', 'B', 'C', 'D']) entries.push(await record(outbox, code));
      const [a, b, c, d] = entries as [StoredEntry, StoredEntry, StoredEntry, StoredEntry];
      expect((await outbox.nextQueued(2)).map((e) => e.event.code)).toEqual(['A', 'B']);
      const { entries: answered } = applyResults(
        [a, b],
        [
          { id: a.id, status: 'applied', token: null },
          { id: b.id, status: 'rejected', reason: { code: 'NOT_AT_NODE', message: 'B is not at CUT' } },
        ],
        'then',
      );
      await outbox.update(answered);
      expect((await outbox.nextQueued(10)).map((e) => e.event.code)).toEqual(['C', 'D']);

      const again = ok(await outbox.retry(b.id, uuidv7(), 'later'));
      expect(again.id).not.toBe(b.id);
      expect(again.seq).toBe(d.seq + 1);
      expect(again.event).toMatchObject({
        code: 'B',
        type: 'start',
        occurredAt: b.event.occurredAt,
        seq: again.seq,
      });
      expect(await outbox.refused()).toEqual([]);
      expect((await outbox.nextQueued(10)).map((e) => e.event.code)).toEqual(['C', 'D', 'B']);
      const notRefused = await outbox.retry(c.id, uuidv7(), 'later');
      expect(notRefused).toMatchObject({ ok: false, problem: { kind: 'not-refused' } });
      expect(notRefused.ok ? '' : notRefused.problem.message).toMatch(/not refused/);
      expect((await outbox.nextQueued(10)).map((e) => e.event.code)).toEqual(['C', 'D', 'B']);
    });

    it('OB-3, OB-4, OB-7: stores what results made of the events; refused ones can be discarded, others not', async () => {
      const outbox = fresh('results');
      const a = await record(outbox, 'A');
      const b = await record(outbox, 'B');
      const token = { code: 'A', branch: null, nodeCode: 'CUT', status: 'active' as const };
      const { entries } = applyResults(
        [a, b],
        [
          { id: a.id, status: 'applied', token },
          {
            id: b.id,
            status: 'rejected',
            reason: { code: 'UNKNOWN_CODE', message: 'No work item with code B' },
          },
        ],
        'then',
      );
      await outbox.update(entries);
      expect(await outbox.pendingCount()).toBe(0);
      expect((await outbox.refused()).map((e) => [e.id, e.state])).toEqual([
        [
          b.id,
          {
            kind: 'refused',
            reason: { code: 'UNKNOWN_CODE', message: 'No work item with code B' },
            at: 'then',
          },
        ],
      ]);
      expect((await outbox.recent(10)).map((e) => e.state)).toEqual([
        {
          kind: 'refused',
          reason: { code: 'UNKNOWN_CODE', message: 'No work item with code B' },
          at: 'then',
        },
        { kind: 'delivered', result: 'applied', token, reason: null, at: 'then' },
      ]);
      const kept = await outbox.discard(a.id);
      expect(kept).toMatchObject({ ok: false, problem: { kind: 'not-refused' } });
      expect(kept.ok ? '' : kept.problem.message).toMatch(/not refused/);
      expect(await outbox.discard(b.id)).toEqual({ ok: true, value: null });
      expect(await outbox.refused()).toEqual([]);
      expect((await outbox.recent(10)).map((e) => e.id)).toEqual([a.id]);
    });

    it('OB-5, OB-6, OB-7: marks delivered events forwarded, lists the latest first, and prunes only settled old events', async () => {
      const outbox = fresh('settle');
      const a = await record(outbox, 'A', '2026-11-01T00:00:00.000Z');
      const b = await record(outbox, 'B', '2026-11-01T00:00:00.000Z');
      const c = await record(outbox, 'C', '2026-11-01T00:00:00.000Z');
      const d = await record(outbox, 'D', '2026-11-01T00:00:00.000Z');
      const { entries } = applyResults(
        [a, b, d],
        [
          { id: a.id, status: 'applied', token: null },
          { id: b.id, status: 'duplicate', token: null },
          { id: d.id, status: 'rejected', reason: { code: 'X', message: 'x' } },
        ],
        'then',
      );
      await outbox.update(entries);
      expect((await outbox.awaitingUpstream(10)).map((e) => e.id)).toEqual([a.id, b.id]);
      expect((await outbox.awaitingUpstream(1)).map((e) => e.id)).toEqual([a.id]);
      await outbox.markForwarded([a.id, c.id, d.id], '2026-11-02T00:00:00.000Z');
      expect((await outbox.recent(10)).map((e) => [e.event.code, e.state.kind])).toEqual([
        ['D', 'refused'],
        ['C', 'queued'],
        ['B', 'delivered'],
        ['A', 'forwarded'],
      ]);
      expect((await outbox.recent(2)).map((e) => e.event.code)).toEqual(['D', 'C']);
      expect(await outbox.prune('2026-10-01T00:00:00.000Z')).toBe(0);
      expect(await outbox.prune('2026-11-15T00:00:00.000Z')).toBe(2);
      expect((await outbox.recent(10)).map((e) => e.event.code)).toEqual(['D', 'C']);
    });

    it('OB-7: pending counts the queued events only', async () => {
      const outbox = fresh('pending');
      expect(await outbox.pendingCount()).toBe(0);
      const a = await record(outbox, 'A');
      const b = await record(outbox, 'B');
      await record(outbox, 'C');
      expect(await outbox.pendingCount()).toBe(3);
      const { entries } = applyResults(
        [a, b],
        [
          { id: a.id, status: 'parked', reason: { code: 'NOT_AT_NODE', message: 'not yet' } },
          { id: b.id, status: 'rejected', reason: { code: 'X', message: 'x' } },
        ],
        'then',
      );
      await outbox.update(entries);
      expect(await outbox.pendingCount()).toBe(1);
      expect((await outbox.queued()).map((e) => e.event.code)).toEqual(['C']);
    });

    it('OB-8: a full storage refuses the record as a value and stores nothing', async () => {
      const outbox = fresh('full');
      const first = await record(outbox, 'A');
      harness.fillStorage(outbox);
      const refused = await outbox.record(draft('B'), 'now');
      expect(refused).toEqual({
        ok: false,
        problem: {
          kind: 'storage-full',
          message: 'The tablet’s storage is full: scans cannot be recorded. Sync, then free space.',
        },
      });
      expect((await outbox.recent(10)).map((e) => e.id)).toEqual([first.id]);
      expect(await outbox.pendingCount()).toBe(1);
    });
  });
}
