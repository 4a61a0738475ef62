/**
 * The push engine against a fake transport and the in-memory outbox: batches, results stored,
 * backoff with Retry-After, a 413 halving the batch, a 401 blocking, and answers it cannot trust.
 * (push-engine-edge.test.ts runs it against a real edge server.)
 */
import { describe, expect, it } from 'vitest';
import { PushEngine } from '../../client/sync/push-engine';
import { FakePushTransport, applied, httpProblem, noteDraft, outboxWith } from './support/sync-fakes';

const at = Date.parse('2026-11-22T08:00:00.000Z');
const clock = { now: () => new Date(at), random: () => 0.5 };
const policy = { baseMs: 1000, maxMs: 60_000 };

describe('push engine', () => {
  it('SY-1: pushes 1,200 queued events in batches of 500, 500, 200 in seq order, storing each batch before the next', async () => {
    const outbox = await outboxWith(1200);
    const transport = new FakePushTransport();
    const pendingBeforeEachPush: number[] = [];
    transport.reply = (events) => {
      void outbox.pendingCount().then((n) => pendingBeforeEachPush.push(n));
      return applied(events);
    };
    const engine = new PushEngine(outbox, transport, clock, policy);
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 1200 });
    expect(transport.pushes.map((p) => p.length)).toEqual([500, 500, 200]);
    expect(transport.pushes.flat().map((e) => e.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(pendingBeforeEachPush).toEqual([1200, 700, 200]);
    expect(await outbox.pendingCount()).toBe(0);
    expect(engine.get()).toEqual({
      state: 'idle',
      pending: 0,
      lastSuccessAt: '2026-11-22T08:00:00.000Z',
      lastError: null,
      lastProblem: null,
      nextAttemptAt: null,
      progress: null,
    });
  });

  it('SY-2: a failed push keeps everything queued and waits with backoff, at least Retry-After; a success resets it', async () => {
    const outbox = await outboxWith(3);
    const transport = new FakePushTransport();
    const engine = new PushEngine(outbox, transport, clock, policy);
    transport.reply = httpProblem(503, 0, 'busy');
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 500 });
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 1000 });
    expect(engine.get()).toMatchObject({
      state: 'waiting',
      lastError: 'the edge server answered 503: busy',
      nextAttemptAt: new Date(at + 1000).toISOString(),
    });
    transport.reply = httpProblem(429, 30_000);
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 30_000 });
    expect(engine.get().nextAttemptAt).toBe(new Date(at + 30_000).toISOString());
    transport.reply = { kind: 'network', message: 'Failed to fetch' };
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 4000 });
    expect(engine.get().lastError).toBe('cannot reach the edge server: Failed to fetch');
    expect(await outbox.pendingCount()).toBe(3);
    transport.reply = 'apply';
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 3 });
    transport.reply = httpProblem(500);
    expect(await outbox.record(noteDraft('BV-9'), 'now')).toMatchObject({ ok: true });
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 500 });
  });

  it('SY-2: an answer that does not answer every event sent changes nothing and is a failure', async () => {
    const outbox = await outboxWith(2);
    const transport = new FakePushTransport();
    transport.reply = (events) => ({
      ok: true,
      value: { serverTime: 'now', results: [{ id: events[0]?.id ?? '', status: 'applied' }] },
    });
    const engine = new PushEngine(outbox, transport, clock, policy);
    expect(await engine.drain()).toEqual({ kind: 'failed', waitMs: 500 });
    expect(engine.get().lastError).toBe('the server answered 1 results for 2 events');
    expect(await outbox.pendingCount()).toBe(2);
    transport.reply = {
      kind: 'bad-answer',
      status: 200,
      message:
        "the edge server's answer to POST /api/v1/events does not match the contract (results: expected array)",
    };
    expect((await engine.drain()).kind).toBe('failed');
    expect(engine.get().lastError).toMatch(/does not match the contract/);
    expect(await outbox.pendingCount()).toBe(2);
  });

  it('SY-3: a 413 halves the batch until it fits; a 401 blocks the station with its events queued', async () => {
    const outbox = await outboxWith(300);
    const transport = new FakePushTransport();
    transport.reply = (events) =>
      events.length > 100 ? { ok: false, problem: httpProblem(413) } : applied(events);
    const engine = new PushEngine(outbox, transport, clock, policy);
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 300 });
    expect(transport.pushes.map((p) => p.length)).toEqual([300, 250, 125, 62, 62, 62, 62, 52]);

    const revoked = await outboxWith(2);
    const refusing = new FakePushTransport();
    refusing.reply = httpProblem(401, 0, 'Unknown station token');
    const blocked = new PushEngine(revoked, refusing, clock, policy);
    expect(await blocked.drain()).toEqual({ kind: 'blocked' });
    expect(blocked.get()).toMatchObject({
      state: 'blocked',
      lastError: 'the edge server answered 401: Unknown station token',
      lastProblem: { kind: 'http', status: 401 },
    });
    expect(await blocked.drain()).toEqual({ kind: 'blocked' });
    expect(refusing.pushes).toHaveLength(1);
    expect(await revoked.pendingCount()).toBe(2);
  });
});
