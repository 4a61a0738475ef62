/**
 * The sync loop's schedule with vitest's fake timers and fakes (no browser): the 5 s attempts
 * within the engine's backoff and Retry-After, attempts at once (start, action, online, "Sync
 * now"), one tab at a time, what follows a delivered drain, and problems made visible. The push
 * engine and the in-memory outbox are the real ones; the edge server is a fake transport.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StationResult } from '../../client/net/station-fetch';
import type { MemoryOutbox } from '../../client/outbox/memory-outbox';
import { systemClock } from '../../client/sync/browser-ports';
import { PushEngine } from '../../client/sync/push-engine';
import { SYNC_INTERVAL_MS, SyncLoop, connectionOf } from '../../client/sync/sync-loop';
import {
  FakeChannelBus,
  FakeLocks,
  FakeOnline,
  FakePushTransport,
  httpProblem,
  noteDraft,
  outboxWith,
} from './support/sync-fakes';

const START = Date.parse('2026-11-22T08:00:00.000Z');
const OK: StationResult<unknown> = { ok: true, value: null };

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets the timers due within `ms` fire, and every promise they start settle. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

interface Browser {
  outbox: MemoryOutbox;
  locks: FakeLocks;
  bus: FakeChannelBus;
  online: FakeOnline;
}

async function browser(queued = 0): Promise<Browser> {
  return {
    outbox: await outboxWith(queued),
    locks: new FakeLocks(),
    bus: new FakeChannelBus(),
    online: new FakeOnline(),
  };
}

/** One tab of the station: its own engine, transport and loop over the browser's shared outbox, locks and channel. */
function tab(name: string, b: Browser) {
  const transport = new FakePushTransport();
  const engine = new PushEngine(
    b.outbox,
    transport,
    { now: () => new Date(), random: () => 0.5 },
    {
      baseMs: 1000,
      maxMs: 60_000,
    },
  );
  const calls: string[] = [];
  const pulls = { snapshot: OK, upstream: OK };
  const log = { warn: vi.fn(), error: vi.fn() };
  const channel = b.bus.channel(name);
  const station = {
    pullSnapshot: () => (calls.push('pull snapshot'), Promise.resolve(pulls.snapshot)),
    pullUpstream: () => (calls.push('pull upstream'), Promise.resolve(pulls.upstream)),
    delivered: () => (calls.push('delivered'), Promise.resolve()),
    showOutbox: vi.fn(() => (calls.push('show outbox'), Promise.resolve())),
    changedElsewhere: () => (calls.push('changed elsewhere'), Promise.resolve()),
  };
  const loop = new SyncLoop({
    engine,
    station,
    clock: systemClock,
    online: b.online,
    lock: b.locks.lock(name),
    channel: {
      post: () => (calls.push('tell tabs'), channel.post()),
      subscribe: (l) => channel.subscribe(l),
    },
    log,
  });
  /** How many attempts ran to the end (each ends by showing the outbox). */
  const attempts = () => calls.filter((c) => c === 'show outbox').length;
  return { loop, engine, transport, calls, pulls, log, station, attempts };
}

describe('sync loop', () => {
  it('SY-4, SY-5: tries at once on start, then every 5 s, until stopped', async () => {
    const b = await browser();
    const t = tab('A', b);
    const stop = t.loop.start();
    await advance(0);
    expect(t.attempts()).toBe(1);
    await advance(SYNC_INTERVAL_MS - 1);
    expect(t.attempts()).toBe(1);
    await advance(1);
    expect(t.attempts()).toBe(2);
    await advance(3 * SYNC_INTERVAL_MS);
    expect(t.attempts()).toBe(5);
    stop();
    await advance(10 * SYNC_INTERVAL_MS);
    expect(t.attempts()).toBe(5);
  });

  it('SY-4: after a failure the 5 s attempts wait for the backoff and the server’s Retry-After', async () => {
    const b = await browser(1);
    const t = tab('A', b);
    t.transport.reply = httpProblem(429, 30_000, 'Too many pushes');
    t.loop.start();
    await advance(0);
    expect(t.transport.pushes).toHaveLength(1);
    expect(t.loop.get().push).toMatchObject({
      state: 'waiting',
      pending: 1,
      lastError: 'the edge server answered 429: Too many pushes',
      nextAttemptAt: new Date(START + 30_000).toISOString(),
    });
    await advance(30_000 - 1);
    expect(t.transport.pushes).toHaveLength(1);
    t.transport.reply = 'apply';
    await advance(1);
    expect(t.transport.pushes).toHaveLength(2);
    expect(t.loop.get().push).toMatchObject({
      state: 'idle',
      pending: 0,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('SY-4: without Retry-After the wait grows with each failure (exponential backoff), not one push per 5 s', async () => {
    const b = await browser(1);
    const t = tab('A', b);
    t.transport.reply = httpProblem(500);
    t.loop.start();
    await advance(3 * 60_000);
    // Waits of 0.5, 1, 2, 4, 8, 16, 32, 60 s... at most one attempt per 5 s tick: 9 pushes in 3 min, not 37.
    expect(t.transport.pushes.length).toBeLessThan(12);
    expect(t.transport.pushes.length).toBeGreaterThan(5);
  });

  it('SY-5: coming online, "Sync now" and an action try at once, whatever the backoff', async () => {
    const b = await browser(1);
    const t = tab('A', b);
    t.transport.reply = httpProblem(503, 60_000);
    t.loop.start();
    await advance(0);
    expect(t.transport.pushes).toHaveLength(1);

    b.online.set(false);
    await advance(1000);
    expect(t.loop.get().online).toBe(false);
    expect(t.transport.pushes).toHaveLength(1);
    b.online.set(true);
    await advance(0);
    expect(t.loop.get().online).toBe(true);
    expect(t.transport.pushes).toHaveLength(2);

    await t.loop.syncNow();
    expect(t.transport.pushes).toHaveLength(3);

    t.transport.reply = 'apply';
    await b.outbox.record(noteDraft('BV-NEW'), 'now');
    await t.loop.outboxChanged();
    expect(t.transport.pushes).toHaveLength(4);
    expect(t.transport.pushes[3]?.map((e) => e.code)).toEqual(['BV-1', 'BV-NEW']);
    expect(b.bus.posts[0]).toBe('A');
  });

  it('SY-6: one tab pushes at a time; the other skips its attempt while the lock is held, and pushes nothing twice', async () => {
    const b = await browser(2);
    const a = tab('A', b);
    const other = tab('B', b);
    a.transport.hold();
    a.loop.start();
    await advance(0);
    expect(a.transport.waiting).toBe(1);
    expect(b.locks.holder).toBe('A');

    other.loop.start();
    await other.loop.syncNow();
    await advance(SYNC_INTERVAL_MS);
    expect(other.transport.pushes).toHaveLength(0);
    expect(other.attempts()).toBeGreaterThanOrEqual(2); // it still showed the outbox
    expect(other.calls).not.toContain('pull snapshot');
    // A second attempt in the tab that holds the lock is skipped too.
    await a.loop.syncNow();
    expect(a.transport.pushes).toHaveLength(1);

    a.transport.release();
    await advance(0);
    expect(b.locks.holder).toBeNull();
    expect(await b.outbox.pendingCount()).toBe(0);
    await advance(SYNC_INTERVAL_MS);
    expect(other.calls).toContain('pull snapshot'); // its turn: nothing left to push, it pulls
    expect(other.transport.pushes).toHaveLength(0);
    expect([...a.transport.pushes, ...other.transport.pushes].flat().map((e) => e.code)).toEqual([
      'BV-1',
      'BV-2',
    ]);
  });

  it('SY-7: a drain that delivered everything pulls the snapshot, settles, tells the other tabs, pulls upstream, then shows the outbox', async () => {
    const b = await browser(3);
    const a = tab('A', b);
    const other = tab('B', b);
    other.loop.start();
    await advance(0);
    other.calls.length = 0;
    a.loop.start();
    await advance(0);
    expect(a.calls).toEqual(['pull snapshot', 'delivered', 'tell tabs', 'pull upstream', 'show outbox']);
    expect(other.calls).toEqual(['changed elsewhere']);
  });

  it('SY-7: a drain that failed or was blocked pulls nothing and tells no one', async () => {
    const b = await browser(1);
    const t = tab('A', b);
    t.transport.reply = { kind: 'network', message: 'Failed to fetch' };
    t.loop.start();
    await advance(0);
    expect(t.calls).toEqual(['show outbox']);
    t.transport.reply = httpProblem(403);
    await t.loop.syncNow();
    expect(t.loop.get().push.state).toBe('blocked');
    await t.loop.syncNow();
    expect(t.calls).toEqual(['show outbox', 'show outbox', 'show outbox']);
    expect(b.bus.posts).toEqual([]);
  });

  it('SY-8: a failed pull is the loop’s problem, logged once, until a pull goes through', async () => {
    const b = await browser();
    const t = tab('A', b);
    t.pulls.snapshot = { ok: false, problem: httpProblem(503, 0, 'busy') };
    t.loop.start();
    await advance(0);
    expect(t.loop.get().problem).toBe('Could not pull the snapshot: the edge server answered 503: busy');
    t.pulls.upstream = { ok: false, problem: { kind: 'network', message: 'reset' } };
    await advance(2 * SYNC_INTERVAL_MS);
    expect(t.loop.get().problem).toBe(
      'Could not pull the snapshot: the edge server answered 503: busy; the upstream states: cannot reach the edge server: reset',
    );
    expect(t.log.warn).toHaveBeenCalledTimes(2);
    t.pulls.snapshot = OK;
    t.pulls.upstream = OK;
    await advance(SYNC_INTERVAL_MS);
    expect(t.loop.get().problem).toBeNull();
  });

  it('SY-8: an unexpected failure is reported and shown, and the loop goes on', async () => {
    const b = await browser();
    const t = tab('A', b);
    t.station.showOutbox.mockImplementationOnce(() => Promise.reject(new Error('IndexedDB closed')));
    t.loop.start();
    await advance(0);
    expect(t.loop.get().problem).toBe('Sync failed unexpectedly: IndexedDB closed');
    expect(t.log.error).toHaveBeenCalledTimes(1);
    await advance(SYNC_INTERVAL_MS);
    expect(t.loop.get().problem).toBeNull();
    expect(t.station.showOutbox).toHaveBeenCalledTimes(2);
  });

  it('SY-8, ST-2: online but no answer from the edge server (a push, or the pulls after an empty drain) is "unreachable", not "offline"; an answer ends it', async () => {
    const b = await browser(2);
    const t = tab('A', b);
    t.transport.reply = { kind: 'network', message: 'no answer within 15 s' };
    t.loop.start();
    await advance(0);
    expect(connectionOf(t.loop.get())).toBe('unreachable');
    b.online.set(false);
    await advance(0);
    expect(connectionOf(t.loop.get())).toBe('offline');
    t.transport.reply = 'apply';
    b.online.set(true); // back online: it tries at once
    await advance(0);
    expect(connectionOf(t.loop.get())).toBe('online');
    t.pulls.snapshot = { ok: false, problem: { kind: 'network', message: 'reset' } };
    await t.loop.syncNow();
    expect(connectionOf(t.loop.get())).toBe('unreachable');
    t.pulls.snapshot = { ok: false, problem: httpProblem(503, 0, 'busy') };
    await t.loop.syncNow();
    expect(connectionOf(t.loop.get())).toBe('online');
  });
});
