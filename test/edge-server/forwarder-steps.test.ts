/**
 * The forwarder's rules (SPEC FW-*) one step at a time: a real outbox on a real SQLite file, a
 * scripted sink that answers what each test says, an injected clock and random source, and no
 * loop running, so no test waits on time.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeCore } from '../../edge-server/edge';
import { openEdgeCore } from '../../edge-server/edge';
import { Forwarder } from '../../edge-server/forwarder/forwarder';
import type { RecordOutcome, UpstreamSink } from '../../edge-server/forwarder/sink';
import { SinkError } from '../../edge-server/forwarder/sink';
import { loadDemo } from '../../edge-server/ops/demo';
import type { AppliedEventRecord } from '../../shared/protocol';
import { stationEvent, tempDir, testConfig } from '../support/edge';

type Answer = (records: readonly AppliedEventRecord[]) => RecordOutcome[] | SinkError;

/** A sink that answers each send with the next scripted answer (then accepts everything). */
class ScriptedSink implements UpstreamSink {
  readonly kind = 'scripted';
  readonly target = 'test';
  readonly sent: string[][] = [];
  readonly landed = new Set<string>();
  constructor(private readonly answers: Answer[] = []) {}

  send(records: readonly AppliedEventRecord[]): Promise<RecordOutcome[]> {
    this.sent.push(records.map((r) => r.id));
    const answer = this.answers.shift()?.(records) ?? records.map((r) => accept(r));
    if (answer instanceof SinkError) return Promise.reject(answer);
    for (const o of answer) if (o.outcome === 'accepted' || o.outcome === 'duplicate') this.landed.add(o.id);
    return Promise.resolve(answer);
  }
  /** From now on, every record is accepted. */
  acceptAll(): void {
    this.answers.length = 0;
  }
  landedPrefix(records: readonly AppliedEventRecord[]): Promise<number> {
    let n = 0;
    while (n < records.length && this.landed.has(records[n]?.id ?? '')) n++;
    return Promise.resolve(n);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const accept = (r: AppliedEventRecord): RecordOutcome => ({ id: r.id, outcome: 'accepted' });

let cores: EdgeCore[] = [];
afterEach(() => {
  for (const core of cores) core.close();
  cores = [];
});

/** A demo site (no upstream) with `notes` notes recorded on each of the given totes. */
function siteWithRecords(totes: string[], notes: number): EdgeCore {
  const core = openEdgeCore(testConfig(tempDir()), { log: pino({ level: 'silent' }), defaultMetrics: false });
  cores.push(core);
  loadDemo(core);
  core.reference.refresh();
  const stationId = core.db.prepare("SELECT id FROM station WHERE name = 'WC-CUT-1'").pluck().get() as number;
  const station = core.reference.station(stationId);
  if (!station) throw new Error('no cutting station');
  let seq = 0;
  const events = totes.flatMap((code) =>
    Array.from({ length: notes }, () =>
      stationEvent({ seq: ++seq, type: 'note', code, nodeCode: 'CUT', data: { text: `n${seq}` } }),
    ),
  );
  const now = new Date();
  core.ingest(station, now.toISOString(), events, now);
  return core;
}

function forwarder(
  core: EdgeCore,
  sink: UpstreamSink,
  options: Partial<ConstructorParameters<typeof Forwarder>[3]> = {},
) {
  let clock = Date.parse('2026-11-30T08:00:00.000Z');
  const f = new Forwarder(core.upstream, sink, pino({ level: 'silent' }), {
    batchSize: 500,
    maxPermanentFailures: 2,
    backoffBaseMs: 100,
    backoffMaxMs: 10_000,
    now: () => new Date((clock += 10)),
    random: () => 0.5,
    sleep: () => Promise.resolve(),
    ...options,
  });
  return f;
}

const pending = (core: EdgeCore) => core.upstream.counts().pending;

describe('FW forwarding, step by step', () => {
  it('FW-1, FW-2: records go in application order, in batches, and count as forwarded only once acknowledged', async () => {
    const core = siteWithRecords(['BV-DEMO-0001'], 30);
    const all = core.upstream.next(1000).map((r) => r.record.id);
    const sink = new ScriptedSink([() => new SinkError('connection refused', true)]);
    const f = forwarder(core, sink, { batchSize: 20 });
    expect(await f.step()).toEqual({ kind: 'failed', waitMs: expect.any(Number) });
    expect(pending(core)).toBe(all.length);
    while ((await f.step()).kind !== 'idle');
    expect(pending(core)).toBe(0);
    expect(sink.sent.slice(1).flat()).toEqual(all);
    expect(sink.sent.slice(1).every((batch) => batch.length <= 20)).toBe(true);
  });

  it('FW-3: a retryable failure backs off with full jitter, and never less than the Retry-After asked for', async () => {
    const core = siteWithRecords(['BV-DEMO-0001'], 3);
    const sink = new ScriptedSink([
      () => new SinkError('503', true),
      () => new SinkError('503', true),
      () => new SinkError('429', true, 7_000),
    ]);
    const f = forwarder(core, sink, { random: () => 1 });
    // Full jitter with random = 1 is the whole window: base · 2^failures.
    expect(await f.step()).toEqual({ kind: 'failed', waitMs: 100 });
    expect(await f.step()).toEqual({ kind: 'failed', waitMs: 200 });
    expect(await f.step()).toEqual({ kind: 'failed', waitMs: 7_000 });
    expect(f.lastError).toBe('429');
    expect(await f.step()).toEqual({ kind: 'sent', forwarded: expect.any(Number) });
  });

  it('FW-4: a batch refused for good is sent one record at a time; the bad record becomes a dead letter and holds back only its own token', async () => {
    const core = siteWithRecords(['BV-DEMO-0001', 'BV-DEMO-0002'], 3);
    const records = core.upstream.next(1000).map((r) => r.record);
    const bad = records.find((r) => r.code === 'BV-DEMO-0001' && r.type === 'note');
    if (!bad) throw new Error('no note on BV-DEMO-0001');
    const refuseBad: Answer = (rs) =>
      rs.some((r) => r.id === bad.id)
        ? rs.length > 1
          ? new SinkError('400 bad record in batch', false)
          : [{ id: bad.id, outcome: 'rejected', reason: '400 bad record' }]
        : rs.map(accept);
    const sink = new ScriptedSink(Array.from({ length: 50 }, () => refuseBad));
    const f = forwarder(core, sink, { maxPermanentFailures: 2 });
    for (let i = 0; i < 50 && pending(core) > 0; i++) await f.step();
    const dead = core.upstream.deadLetters();
    expect(dead.map((d) => d.record.id)).toEqual([bad.id]);
    const held = records.filter((r) => r.code === 'BV-DEMO-0001' && r.id > bad.id).map((r) => r.id);
    expect(pending(core)).toBe(held.length);
    const others = records.filter((r) => r.code !== 'BV-DEMO-0001').map((r) => r.id);
    expect(others.every((id) => sink.landed.has(id))).toBe(true);
    // Fixed upstream and sent again by a supervisor, it goes, and its token's later records follow in order.
    sink.acceptAll();
    core.upstream.resend();
    while ((await f.step()).kind !== 'idle');
    expect(pending(core)).toBe(0);
    const order = sink.sent.flat().filter((id) => [bad.id, ...held].includes(id));
    expect(order.slice(-held.length - 1)).toEqual([bad.id, ...held]);
  });

  it('FW-5: a record the upstream holds behind a refused one of its token stays pending, not counted against it', async () => {
    const core = siteWithRecords(['BV-DEMO-0001'], 2);
    const sink = new ScriptedSink([
      (rs) => rs.map((r) => ({ id: r.id, outcome: 'held', reason: 'HELD_BEHIND_REJECTED' })),
    ]);
    const f = forwarder(core, sink);
    const before = pending(core);
    expect(await f.step()).toEqual({ kind: 'sent', forwarded: 0 });
    expect(pending(core)).toBe(before);
    expect(core.upstream.deadLetters()).toEqual([]);
    while ((await f.step()).kind !== 'idle');
    expect(pending(core)).toBe(0);
  });

  it('FW-6: after a start or an unclear outcome, what already landed upstream is marked, not sent again', async () => {
    const core = siteWithRecords(['BV-DEMO-0001'], 10);
    const records = core.upstream.next(1000).map((r) => r.record);
    const sink = new ScriptedSink();
    for (const r of records.slice(0, 4)) sink.landed.add(r.id);
    const f = forwarder(core, sink);
    while ((await f.step()).kind !== 'idle');
    expect(pending(core)).toBe(0);
    expect(sink.sent.flat()).toEqual(records.slice(4).map((r) => r.id));
  });

  it('FW-8: a backlog drains with done/total, speed and time left', async () => {
    const core = siteWithRecords(['BV-DEMO-0001'], 60);
    const f = forwarder(core, new ScriptedSink(), { batchSize: 10 });
    await f.step();
    await f.step();
    const progress = f.backlogProgress();
    expect(progress).toMatchObject({ processed: 20, failed: 0 });
    expect(progress?.total).toBeGreaterThan(20);
    expect(progress?.eventsPerSecond).toBeGreaterThan(0);
    expect(progress?.secondsLeft).toBeGreaterThan(0);
  });
});
