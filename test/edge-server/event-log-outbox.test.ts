/**
 * The event log as the upstream outbox (PF-1, PF-2) and what an event costs on disk (PF-5), on a
 * real SQLite file through the product's own ingest (the bench's wallet site: start and complete at
 * four nodes per serial).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BenchSite } from '../../bench/workload';
import { makeEvents, openBenchSite } from '../../bench/workload';
import { readCountFigures, recountCountFigures } from '../../edge-server/supervisor/floor-figures';

let dir: string;
let site: BenchSite;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-event-log-'));
});

afterEach(() => {
  site.core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function push(events: unknown[]): { id: string; status: string }[] {
  const now = new Date();
  return site.core.ingest(site.station, now.toISOString(), events, now).results;
}

const forwardAll = (ids: number[]): void => site.core.upstream.markForwarded(ids, new Date().toISOString());

describe('the event log is the outbox', () => {
  it('PF-1: every event that takes effect is one record upstream, in the order it took effect; a parked one takes its place when it applies', () => {
    site = openBenchSite(dir, 25);
    const events = makeEvents(site.codes);
    const [start, complete] = events.filter((e) => e.code === site.codes[0]);
    if (!start || !complete) throw new Error('no events for the first serial');
    expect(push([complete]).map((r) => r.status)).toEqual(['parked']);
    const others = events.filter((e) => e.code !== site.codes[0]).slice(0, 30);
    expect(new Set(push(others).map((r) => r.status))).toEqual(new Set(['applied']));
    push([start]);
    const records = site.core.upstream.next(500).map((r) => r.record);
    const stationRecords = records.filter((r) => r.origin === 'station').map((r) => r.id);
    // The 25 spawn records first, then the events in the order they took effect.
    expect(records.slice(0, 25).every((r) => r.type === 'spawn')).toBe(true);
    expect(stationRecords).toEqual([...others.map((e) => e.id), start.id, complete.id]);
    const rejected = push([{ ...start, id: crypto.randomUUID(), seq: 999, code: 'NOPE' }]);
    expect(rejected[0]?.status).toBe('rejected');
    expect(site.core.upstream.counts().pending).toBe(records.length);
  });

  it('PF-2: records passed over by the cursor stay pending and go before their token’s later records; a dead letter holds back its own token only', () => {
    site = openBenchSite(dir, 25);
    push(makeEvents(site.codes).slice(0, 50));
    const { upstream } = site.core;
    const first = upstream.next(500);
    const refused = first[30];
    if (!refused) throw new Error('too few records');
    // Everything but record 30 landed: the cursor moves past it, it stays pending.
    forwardAll(first.filter((r) => r !== refused).map((r) => r.outboxId));
    expect(upstream.next(500).map((r) => r.outboxId)).toEqual([refused.outboxId]);
    expect(upstream.recordFailure(refused.outboxId, 'HTTP 422', true, 2)).toBe('pending');
    expect(upstream.recordFailure(refused.outboxId, 'HTTP 422', true, 2)).toBe('dead');
    // Its token's later records wait behind it; other tokens' records go.
    push(makeEvents(site.codes).slice(50, 100));
    const family = refused.record.code;
    const next = upstream.next(500);
    expect(next.length).toBeGreaterThan(0);
    expect(next.some((r) => r.record.code === family)).toBe(false);
    forwardAll(next.map((r) => r.outboxId));
    expect(upstream.counts()).toMatchObject({ dead: 1 });
    expect(upstream.resend(refused.outboxId)).toBe(1);
    const after = upstream.next(500);
    expect(after[0]?.outboxId).toBe(refused.outboxId);
    expect(after.every((r) => r.record.code === family)).toBe(true);
    expect(after.map((r) => r.outboxId)).toEqual([...after.map((r) => r.outboxId)].sort((a, b) => a - b));
    forwardAll(after.map((r) => r.outboxId));
    expect(upstream.counts()).toMatchObject({ pending: 0, dead: 0 });
  });
});

describe('the board counts once per transaction', () => {
  it('PF-3: after batches that move many tokens (several in one batch, some twice), the counts equal a recount from the tokens', () => {
    site = openBenchSite(dir, 100);
    const events = makeEvents(site.codes);
    const { db } = site.core;
    for (let i = 0; i < 500; i += 100) {
      push(events.slice(i, i + 100));
      expect(readCountFigures(db)).toEqual(recountCountFigures(db));
    }
    // One batch that takes a token through a whole node (start and complete) nets to no change there.
    const batch = events.slice(500, 700);
    push(batch);
    expect(readCountFigures(db)).toEqual(recountCountFigures(db));
    expect(readCountFigures(db).some((f) => f.oldest_since !== null)).toBe(true);
  });

  it('PF-3: with the counts’ rows gone (deleted by hand), a push still applies and counts each key it touches from its tokens', () => {
    site = openBenchSite(dir, 100);
    const events = makeEvents(site.codes);
    const { db } = site.core;
    push(events.slice(0, 100));
    db.prepare('DELETE FROM floor_count').run();
    expect(new Set(push(events.slice(200, 300)).map((r) => r.status))).toEqual(new Set(['applied']));
    const recount = recountCountFigures(db);
    const counted = readCountFigures(db);
    expect(counted.length).toBeGreaterThan(0);
    for (const figure of counted) expect(recount).toContainEqual(figure);
  });
});

describe('what an event costs on disk', () => {
  it('PF-5: 4,000 more applied station events grow the database by at most 400 bytes each', () => {
    site = openBenchSite(dir, 1000);
    const events = makeEvents(site.codes);
    const file = path.join(dir, 'edge.sqlite');
    const size = (): number => {
      site.core.db.pragma('wal_checkpoint(TRUNCATE)');
      return fs.statSync(file).size;
    };
    for (let i = 0; i < 4000; i += 100) push(events.slice(i, i + 100));
    const before = size();
    for (let i = 4000; i < 8000; i += 100) push(events.slice(i, i + 100));
    expect((size() - before) / 4000).toBeLessThanOrEqual(400);
  });
});
