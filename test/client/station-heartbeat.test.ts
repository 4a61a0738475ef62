/**
 * The station's heartbeat (SV-40 … SV-43) without a browser: the report read from the outbox
 * (pending, the oldest's device time, the refused count and the most recent 50 refused events
 * within the contract's bounds), the reporter sending it when it changed or every 30 s and never
 * throwing, the sync loop calling it only when the server answered and never waiting for it, and
 * the real station fetch delivering it to a real edge server.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Heartbeat, HeartbeatAnswer } from '../../shared/station-api';
import { HEARTBEAT_INTERVAL_MS, MAX_REFUSED_REPORTED, heartbeatSchema } from '../../shared/station-api';
import { stationsHealthSchema } from '../../shared/supervisor-api';
import type { StationResult } from '../../client/net/station-fetch';
import { createStationFetch } from '../../client/net/station-fetch';
import { MemoryOutbox } from '../../client/outbox/memory-outbox';
import { buildVersion } from '../../client/sync/app-version';
import { systemClock } from '../../client/sync/browser-ports';
import type { StationReporter } from '../../client/sync/heartbeat';
import { HeartbeatReporter, buildHeartbeat, heartbeatOver } from '../../client/sync/heartbeat';
import { PushEngine } from '../../client/sync/push-engine';
import { SyncLoop } from '../../client/sync/sync-loop';
import { startTestEdge } from '../support/edge';
import { FakeChannelBus, FakeLocks, FakeOnline, FakePushTransport, noteDraft } from './support/sync-fakes';

const START = Date.parse('2026-11-22T08:00:00.000Z');
const OK: StationResult<unknown> = { ok: true, value: null };
const ANSWER: StationResult<HeartbeatAnswer> = {
  ok: true,
  value: { serverTime: new Date(START).toISOString(), quietAfterSeconds: 120 },
};

/** An outbox with `queued` notes waiting and `refused` events the server refused. */
async function outboxHolding(queued: number, refused: number): Promise<MemoryOutbox> {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < refused; i++) {
    const draft = { ...noteDraft(`BV-R${i + 1}`), occurredAt: new Date(START - 3_600_000 + i).toISOString() };
    const recorded = await outbox.record(draft, 'now');
    if (!recorded.ok) throw new Error(recorded.problem.message);
    const entry = recorded.value;
    const reason = { code: 'WRONG_STATUS', message: `refused ${i + 1}` };
    await outbox.update([
      { ...entry, state: { kind: 'refused', reason, at: new Date(START).toISOString() } },
    ]);
  }
  for (let i = 0; i < queued; i++) {
    const draft = {
      ...noteDraft(`BV-Q${i + 1}`),
      occurredAt: new Date(START - 600_000 + i * 1000).toISOString(),
    };
    await outbox.record(draft, 'now');
  }
  return outbox;
}

describe('the heartbeat’s report', () => {
  it('SV-40: pending, the oldest pending event’s device time, the refused count and the most recent 50 refused, within the contract', async () => {
    const outbox = await outboxHolding(3, MAX_REFUSED_REPORTED + 5);
    const report = await buildHeartbeat({
      outbox,
      appVersion: 'build Ab12Cd34',
      storage: { usedBytes: 10, quotaBytes: 100 },
      onlineSince: new Date(START - 60_000).toISOString(),
      now: new Date(START),
    });
    expect(heartbeatSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({
      stationClock: new Date(START).toISOString(),
      pending: 3,
      oldestPendingAt: new Date(START - 600_000).toISOString(),
      refusedCount: MAX_REFUSED_REPORTED + 5,
    });
    expect(report.refused).toHaveLength(MAX_REFUSED_REPORTED);
    // The most recent: the first five refused are left out; the count still says 55.
    expect(report.refused[0]).toMatchObject({
      code: 'BV-R6',
      type: 'note',
      nodeCode: 'CUT',
      reasonCode: 'WRONG_STATUS',
      reason: 'refused 6',
    });
    expect(report.refused.at(-1)?.code).toBe(`BV-R${MAX_REFUSED_REPORTED + 5}`);
  });

  it('SV-40: nothing held: no oldest; an odd refused event (empty code, huge reason) still fits the contract', async () => {
    const outbox = new MemoryOutbox();
    const recorded = await outbox.record({ ...noteDraft(''), occurredAt: 'not a time' }, 'now');
    if (!recorded.ok) throw new Error('not recorded');
    const reason = { code: 'INVALID_EVENT', message: 'x'.repeat(2000) };
    await outbox.update([
      { ...recorded.value, state: { kind: 'refused', reason, at: new Date(START).toISOString() } },
    ]);
    const report = await buildHeartbeat({
      outbox,
      appVersion: '',
      storage: null,
      onlineSince: null,
      now: new Date(START),
    });
    expect(heartbeatSchema.safeParse(report).success).toBe(true);
    expect(report).toMatchObject({ pending: 0, oldestPendingAt: null, refusedCount: 1, appVersion: '?' });
    expect(report.refused[0]).toMatchObject({ code: '?', occurredAt: new Date(START).toISOString() });
    expect(report.refused[0]?.reason).toHaveLength(500);
  });

  it('SV-40: the app version is the build’s content hash from its script’s name; "dev" outside a build', () => {
    expect(buildVersion('https://edge.local:8443/assets/index-BxJ3kD9a.js')).toBe('build BxJ3kD9a');
    expect(buildVersion('file:///work/client/sync/app-version.ts')).toBe('dev');
    expect(buildVersion()).toBe('dev');
  });
});

describe('the reporter', () => {
  function reporter(outbox: MemoryOutbox, reply: () => Promise<StationResult<HeartbeatAnswer>>) {
    let now = START;
    const sent: Heartbeat[] = [];
    const log = { warn: vi.fn() };
    const r = new HeartbeatReporter({
      outbox,
      send: (report) => (sent.push(report), reply()),
      appVersion: 'build Ab12Cd34',
      now: () => now,
      log,
    });
    return { r, sent, log, advance: (ms: number) => (now += ms) };
  }

  it('SV-40: after a sync it reports when something changed; the 30 s timer reports when the last one is old', async () => {
    const outbox = await outboxHolding(1, 0);
    const { r, sent, advance } = reporter(outbox, () => Promise.resolve(ANSWER));
    r.reachable(true);
    await r.afterSync();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.onlineSince).toBe(new Date(START).toISOString());
    advance(5000);
    await r.afterSync(); // nothing changed
    await r.tick(); // not due yet
    expect(sent).toHaveLength(1);
    await outbox.record(noteDraft('BV-NEW'), 'now');
    await r.afterSync();
    expect(sent.map((s) => s.pending)).toEqual([1, 2]);
    advance(HEARTBEAT_INTERVAL_MS);
    await r.tick();
    expect(sent).toHaveLength(3);
    r.reachable(false);
    r.reachable(true);
    advance(HEARTBEAT_INTERVAL_MS);
    await r.tick();
    // Back after a break: online since it came back, not since the first contact.
    expect(sent[3]?.onlineSince).toBe(new Date(START + 5000 + HEARTBEAT_INTERVAL_MS).toISOString());
  });

  it('SV-40: a failed heartbeat is logged, never thrown, and the next one goes again', async () => {
    const outbox = await outboxHolding(1, 0);
    let fail = true;
    const { r, sent, log } = reporter(outbox, () =>
      fail ? Promise.reject(new Error('socket hang up')) : Promise.resolve(ANSWER),
    );
    await expect(r.afterSync()).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith('heartbeat: could not report', expect.any(Error));
    fail = false;
    await r.afterSync();
    expect(sent).toHaveLength(2);
  });
});

describe('the sync loop with a reporter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  function loopWith(outbox: MemoryOutbox, online: FakeOnline) {
    const transport = new FakePushTransport();
    const engine = new PushEngine(outbox, transport, { now: () => new Date(), random: () => 0.5 });
    const calls: string[] = [];
    const reporter: StationReporter = {
      reachable: (yes) => void calls.push(yes ? 'reachable' : 'unreachable'),
      afterSync: () => (calls.push('after sync'), new Promise(() => {})), // never answers
      tick: () => (calls.push('tick'), Promise.resolve()),
    };
    const station = {
      pullSnapshot: () => Promise.resolve(OK),
      pullUpstream: () => Promise.resolve(OK),
      delivered: () => Promise.resolve(),
      showOutbox: () => Promise.resolve(),
      changedElsewhere: () => Promise.resolve(),
    };
    const loop = new SyncLoop({
      engine,
      station,
      clock: systemClock,
      online,
      lock: new FakeLocks().lock('A'),
      channel: new FakeChannelBus().channel('A'),
      log: { warn: vi.fn(), error: vi.fn() },
      reporter,
    });
    return { loop, transport, calls };
  }

  it('SV-40: reports after each sync that reached the server and on the 30 s timer; a heartbeat that never answers does not hold up the pushes', async () => {
    const outbox = await outboxHolding(2, 0);
    const { loop, transport, calls } = loopWith(outbox, new FakeOnline());
    loop.start();
    await advance(0);
    expect(transport.pushes).toHaveLength(1);
    expect(calls.filter((c) => c === 'after sync')).toHaveLength(1);
    await outbox.record(noteDraft('BV-NEXT'), 'now');
    await loop.outboxChanged();
    expect(transport.pushes).toHaveLength(2);
    await advance(HEARTBEAT_INTERVAL_MS);
    expect(calls.filter((c) => c === 'tick')).toHaveLength(1);
  });

  it('SV-40: no report while the server does not answer or the tablet is offline', async () => {
    const outbox = await outboxHolding(1, 0);
    const online = new FakeOnline();
    const { loop, transport, calls } = loopWith(outbox, online);
    transport.reply = { kind: 'network', message: 'connection refused' };
    loop.start();
    await advance(0);
    expect(calls).not.toContain('after sync');
    expect(calls.at(-1)).toBe('unreachable');
    await advance(HEARTBEAT_INTERVAL_MS);
    expect(calls).not.toContain('tick');
    online.set(false);
    await advance(HEARTBEAT_INTERVAL_MS);
    expect(calls).not.toContain('tick');
  });
});

describe('the heartbeat against a real edge server', () => {
  it('SV-40, SV-45: the station’s own fetch delivers it, and supervisors read it', async () => {
    const edge = await startTestEdge();
    try {
      const token = edge.stationToken('WC-CUT');
      const outbox = await outboxHolding(2, 1);
      const r = new HeartbeatReporter({
        outbox,
        send: heartbeatOver(createStationFetch({ baseUrl: edge.url, token })),
        appVersion: 'build Ab12Cd34',
        storage: () => Promise.resolve({ usedBytes: 1_000, quotaBytes: 1_000_000 }),
        now: () => Date.now(),
      });
      r.reachable(true);
      await r.afterSync();
      const supervisor = await edge.login('supervisor');
      const res = await fetch(`${edge.url}/api/v1/supervisor/stations`, {
        headers: { authorization: `Bearer ${supervisor}` },
      });
      const health = stationsHealthSchema.parse(await res.json()).stations.find((s) => s.name === 'WC-CUT-1');
      expect(health).toMatchObject({
        state: 'reporting',
        report: { pending: 2, refusedCount: 1, appVersion: 'build Ab12Cd34', storage: { usedBytes: 1_000 } },
      });
    } finally {
      await edge.close();
    }
  });
});
