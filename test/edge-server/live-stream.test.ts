/**
 * The supervisor console's live stream (GET /api/v1/supervisor/stream) over real HTTP: a station's
 * committed push reaches an open stream; a reconnect with Last-Event-ID resumes without a gap or a
 * repeat; a cursor no longer kept answers resync; heartbeats; no subscriber outlives its request.
 */
import fs from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChangesMessageSchema, liveReadyMessageSchema } from '../../shared/live-api';
import type { LiveChange } from '../../shared/live-api';
import { openEdgeCore } from '../../edge-server/edge';
import type { EdgeCore } from '../../edge-server/edge';
import type { LiveSettings } from '../../edge-server/live/feed';
import { startServer } from '../../edge-server/http/server';
import type { RunningServer } from '../../edge-server/http/server';
import type { DemoFile } from '../../edge-server/ops/demo';
import { loadDemo } from '../../edge-server/ops/demo';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import { TestStation, tempDir, testConfig } from '../support/edge';
import { markDead, newestRecordId } from '../support/event-log-db';
import type { SseMessage, SseStream } from '../support/sse';
import { openSse } from '../support/sse';
import { waitFor } from '../support/wait';

interface LiveEdge {
  core: EdgeCore;
  server: RunningServer;
  url: string;
  demo: DemoFile;
  bearer: (who: 'supervisor' | 'admin') => Promise<string>;
  station: (workCenter: string) => TestStation;
  close: () => Promise<void>;
}

/** startTestEdge with the live stream's timings of the test's choosing. */
async function startLiveEdge(live: Partial<LiveSettings> = {}): Promise<LiveEdge> {
  const dataDir = tempDir();
  const core = openEdgeCore(testConfig(dataDir), {
    log: pino({ level: 'silent' }),
    defaultMetrics: false,
    live,
  });
  const demo = loadDemo(core);
  const server = await startServer(core, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.port}`;
  return {
    core,
    server,
    url,
    demo,
    bearer: async (who) => {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who === 'admin' ? demo.admin : demo.supervisor),
      });
      return ((await res.json()) as { token: string }).token;
    },
    station: (wc) => {
      const found = demo.stations.find((s) => s.workCenter === wc);
      if (!found) throw new Error(`no demo station at ${wc}`);
      return new TestStation(url, found.token);
    },
    close: async () => {
      core.live.close();
      await server.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const changesOf = (m: SseMessage): LiveChange[] =>
  m.event === 'changes' ? liveChangesMessageSchema.parse(JSON.parse(m.data)).changes : [];

const allChanges = (messages: readonly SseMessage[]): LiveChange[] => messages.flatMap(changesOf);

let edge: LiveEdge;
let session: string;
const streamUrl = (query = ''): string => `${edge.url}/api/v1/supervisor/stream${query}`;
const auth = (): Record<string, string> => ({ authorization: `Bearer ${session}` });

beforeAll(async () => {
  edge = await startLiveEdge();
  session = await edge.bearer('supervisor');
});
afterAll(async () => {
  await edge.close();
});

describe('the live stream (SV-12)', () => {
  it('SV-12: answers an event stream, unbuffered and uncompressed, and says ready with the cursor', async () => {
    const stream = await openSse(streamUrl(), auth());
    try {
      expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
      expect(stream.response.headers.get('cache-control')).toBe('no-cache');
      expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
      expect(stream.response.headers.get('content-encoding')).toBeNull();
      const ready = await stream.next((m) => m.event === 'ready');
      const body = liveReadyMessageSchema.parse(JSON.parse(ready.data));
      expect(body).toEqual({ cursor: edge.core.live.cursor(), heartbeatMs: 15_000 });
      expect(ready.id).toBe(String(body.cursor));
      expect(ready.retry).toBeGreaterThan(0);
    } finally {
      stream.close();
    }
  });

  it('SV-12: a station’s committed push reaches an open stream within 1 s, with the change cursor as id', async () => {
    const stream = await openSse(streamUrl(), auth());
    try {
      await stream.next((m) => m.event === 'ready');
      const result = await edge.station('WC-CUT').send('start', 'BV-DEMO-0001', 'CUT');
      expect(result.status).toBe('applied');
      const message = await stream.next((m) => changesOf(m).some((c) => c.code === 'BV-DEMO-0001'), {
        timeoutMs: 1_000,
      });
      const changes = changesOf(message);
      expect(changes.find((c) => c.kind === 'token' && c.code === 'BV-DEMO-0001')).toMatchObject({
        node: 'CUT',
        status: 'active',
      });
      expect(changes.some((c) => c.kind === 'station' && c.code === 'WC-CUT-1')).toBe(true);
      expect(message.id).toBe(String(changes[changes.length - 1]?.cursor));
    } finally {
      stream.close();
    }
  });

  it('SV-12: a reconnect with Last-Event-ID (or ?after=) resumes after it: nothing missed, nothing repeated', async () => {
    const cut = edge.station('WC-CUT');
    const first = await openSse(streamUrl(), auth());
    await first.next((m) => m.event === 'ready');
    await cut.send('start', 'BV-DEMO-0002', 'CUT');
    const seen = await first.next((m) => changesOf(m).some((c) => c.code === 'BV-DEMO-0002'));
    first.close();
    await first.ended;
    const lastId = Number(seen.id);
    const before = allChanges(first.messages).map((c) => c.cursor);

    // Missed while disconnected: two pushes.
    await cut.send('complete', 'BV-DEMO-0002', 'CUT');
    await cut.send('start', 'BV-DEMO-0003', 'CUT');
    const latest = edge.core.live.cursor();
    expect(latest).toBeGreaterThan(lastId);

    for (const headers of [{ 'last-event-id': String(lastId) }, {}]) {
      const query = 'last-event-id' in headers ? '?after=0' : `?after=${lastId}`; // the header wins over ?after
      const again = await openSse(streamUrl(query), { ...auth(), ...headers });
      try {
        const ready = await again.next((m) => m.event === 'ready');
        const replayed = allChanges(again.messages.slice(0, again.messages.indexOf(ready)));
        const cursors = replayed.map((c) => c.cursor);
        expect(cursors).toEqual(Array.from({ length: latest - lastId }, (_, i) => lastId + 1 + i));
        expect(cursors.filter((c) => before.includes(c))).toEqual([]);
        expect(replayed.some((c) => c.code === 'BV-DEMO-0003' && c.status === 'active')).toBe(true);
        expect(replayed.some((c) => c.code === 'BV-DEMO-0002' && c.status !== 'active')).toBe(true);
        expect(ready.id).toBe(String(latest));
      } finally {
        again.close();
      }
    }
  });

  it('SV-12: a cursor whose changes are no longer kept (or from the future) answers resync, then goes on live', async () => {
    const latest = edge.core.live.cursor();
    expect(latest).toBeGreaterThan(3);
    // As the log's pruning would: the oldest changes are gone.
    edge.core.db.prepare('DELETE FROM live_change WHERE id <= ?').run(2);
    for (const after of [1, latest + 100]) {
      const stream = await openSse(streamUrl(`?after=${after}`), auth());
      try {
        const resync = await stream.next((m) => m.event === 'resync');
        expect(JSON.parse(resync.data)).toEqual({ cursor: latest });
        expect(resync.id).toBe(String(latest));
        expect(allChanges(stream.messages)).toEqual([]);
        await stream.next((m) => m.event === 'ready');
      } finally {
        stream.close();
      }
    }
    // A cursor just before the oldest kept change is still whole.
    const whole = await openSse(streamUrl('?after=2'), auth());
    try {
      await whole.next((m) => m.event === 'ready');
      expect(whole.messages.some((m) => m.event === 'resync')).toBe(false);
      expect(allChanges(whole.messages)[0]?.cursor).toBe(3);
    } finally {
      whole.close();
    }
  });

  it('SV-12: a cursor that is not a whole number is a 400 naming it', async () => {
    for (const [query, headers, named] of [
      ['?after=abc', {}, 'after'],
      ['', { 'last-event-id': '-1' }, 'Last-Event-ID'],
      ['?after=1e3', {}, 'after'],
    ] as const) {
      const res = await fetch(streamUrl(query), { headers: { ...auth(), ...headers } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toContain(named);
    }
  });

  it('SV-12: every open stream gets the same changes in the same order (one read per commit, fanned out)', async () => {
    const streams: SseStream[] = [];
    for (let i = 0; i < 10; i++) streams.push(await openSse(streamUrl(), auth()));
    try {
      await Promise.all(streams.map((s) => s.next((m) => m.event === 'ready')));
      const cut = edge.station('WC-CUT');
      await cut.send('start', 'BV-DEMO-0004', 'CUT');
      await cut.send('complete', 'BV-DEMO-0004', 'CUT');
      const last = edge.core.live.cursor();
      await Promise.all(streams.map((s) => s.next((m) => m.id === String(last) && m.event === 'changes')));
      const first = allChanges(streams[0]?.messages ?? []);
      expect(first.length).toBeGreaterThan(1);
      for (const s of streams) expect(allChanges(s.messages)).toEqual(first);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('SV-12: commits close together reach a console in fewer frames (fan-outs coalesced), every change in order', async () => {
    const coalescing = await startLiveEdge({ coalesceMs: 1_000 });
    try {
      const token = await coalescing.bearer('supervisor');
      const stream = await openSse(`${coalescing.url}/api/v1/supervisor/stream`, {
        authorization: `Bearer ${token}`,
      });
      try {
        await stream.next((m) => m.event === 'ready');
        const cut = coalescing.station('WC-CUT');
        const codes = ['BV-DEMO-0001', 'BV-DEMO-0002', 'BV-DEMO-0003', 'BV-DEMO-0004', 'BV-DEMO-0005'];
        for (const code of codes) expect((await cut.send('start', code, 'CUT')).status).toBe('applied');
        const last = coalescing.core.live.cursor();
        await stream.next((m) => m.event === 'changes' && m.id === String(last), { timeoutMs: 5_000 });
        const frames = stream.messages.filter((m) => m.event === 'changes');
        expect(frames.length).toBeLessThan(codes.length);
        const started = allChanges(stream.messages).filter(
          (c) => c.kind === 'token' && c.status === 'active',
        );
        expect(started.map((c) => c.code)).toEqual(codes);
        const cursors = allChanges(stream.messages).map((c) => c.cursor);
        expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
      } finally {
        stream.close();
      }
    } finally {
      await coalescing.close();
    }
  });

  it('SV-29: a problem taken up or resolved, and a dead letter appearing or sent again, reach the stream as kind problem', async () => {
    const stream = await openSse(streamUrl(), auth());
    const problem = (ref: number, code: string, status: string) => (m: SseMessage) =>
      changesOf(m).some(
        (c) => c.kind === 'problem' && c.ref === ref && c.code === code && c.status === status,
      );
    const act = async (path: string, body: unknown) => {
      const res = await fetch(`${edge.url}/api/v1/supervisor/exceptions/${path}`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    try {
      await stream.next((m) => m.event === 'ready');
      expect((await edge.station('WC-SEW').send('start', 'WL-DEMO-0002', 'SEW')).status).toBe('parked');
      expireParkedEvents(edge.core, new Date(Date.now() + 365 * 86_400_000));
      const conflictId = edge.core.db.prepare('SELECT max(id) FROM conflict').pluck().get() as number;
      await stream.next((m) => changesOf(m).some((c) => c.kind === 'conflict' && c.ref === conflictId));
      await act(`conflict/${conflictId}/acknowledge`, {});
      await stream.next(problem(conflictId, 'conflict', 'acknowledged'), { timeoutMs: 1_000 });
      await act(`conflict/${conflictId}/resolve`, { action: 'apply', reason: 'Sewn on paper' });
      await stream.next(problem(conflictId, 'conflict', 'resolved'), { timeoutMs: 1_000 });

      const outboxId = newestRecordId(edge.core.db);
      markDead(edge.core.db, outboxId);
      edge.core.live.poke(); // a write outside a request (the forwarder pokes the feed itself)
      await stream.next(problem(outboxId, 'dead_letter', 'open'));
      await act(`dead_letter/${outboxId}/resolve`, { action: 'resend', reason: 'Upstream fixed' });
      await stream.next(problem(outboxId, 'dead_letter', 'resolved'), { timeoutMs: 1_000 });
    } finally {
      stream.close();
    }
  });

  it('SV-12: cleanup follows the request: after 50 connect/disconnect cycles the feed has no subscribers', async () => {
    await waitFor(() => edge.core.live.subscriberCount === 0, { what: 'earlier streams to close' });
    for (let i = 0; i < 50; i++) {
      const stream = await openSse(streamUrl(), auth());
      await stream.next((m) => m.event === 'ready');
      expect(edge.core.live.subscriberCount).toBeGreaterThan(0);
      stream.close();
    }
    await waitFor(() => edge.core.live.subscriberCount === 0, { what: 'no subscribers' });
  });

  it('SV-12, AU-1: stations get 403 on the stream, no credential 401', async () => {
    const station = edge.demo.stations[0]?.token ?? '';
    const asStation = await fetch(streamUrl(), { headers: { authorization: `Bearer ${station}` } });
    expect(asStation.status).toBe(403);
    expect(((await asStation.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await fetch(streamUrl())).status).toBe(401);
  });

  it('SV-12: signing out ends the session’s open streams', async () => {
    const own = await edge.bearer('supervisor');
    const stream = await openSse(streamUrl(), { authorization: `Bearer ${own}` });
    await stream.next((m) => m.event === 'ready');
    const res = await fetch(`${edge.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${own}` },
    });
    expect(res.status).toBe(204);
    await stream.ended;
  });

  it('SV-12: the change log keeps the latest 10,000 changes (pruned every 1,000)', () => {
    const db = edge.core.db;
    const insert = db.prepare("INSERT INTO live_change (kind, ref_id) VALUES ('station', 0)");
    db.transaction(() => {
      for (let i = 0; i < 12_000; i++) insert.run();
    })();
    const { first, last, n } = db
      .prepare('SELECT min(id) AS first, max(id) AS last, count(*) AS n FROM live_change')
      .get() as { first: number; last: number; n: number };
    expect(n).toBeLessThanOrEqual(11_000);
    expect(n).toBeGreaterThanOrEqual(10_000);
    expect(last - first + 1).toBe(n);
  });
});

describe('heartbeats (SV-12)', () => {
  it('SV-12: a `: heartbeat` comment comes every heartbeatMs (15 s by default; shortened here)', async () => {
    const quick = await startLiveEdge({ heartbeatMs: 40 });
    try {
      const token = await quick.bearer('supervisor');
      const stream = await openSse(`${quick.url}/api/v1/supervisor/stream`, {
        authorization: `Bearer ${token}`,
      });
      const ready = await stream.next((m) => m.event === 'ready');
      expect(JSON.parse(ready.data)).toMatchObject({ heartbeatMs: 40 });
      const beat = await stream.next((m) => m.event === 'comment');
      await stream.next((m) => m.event === 'comment', { from: stream.messages.indexOf(beat) + 1 });
      expect(beat.data).toBe('heartbeat');
      stream.close();
    } finally {
      await quick.close();
    }
  });
});
