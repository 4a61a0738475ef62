/**
 * Upstream forwarding to NATS JetStream (protocol.md "Upstream forwarding"), against a real
 * `nats-server -js`: the stream the edge server creates or checks, one message per applied-event
 * record on `<prefix>.<site>` with Nats-Msg-Id = record id, in application order, exactly once:
 * across a NATS outage, across SIGKILLs of the edge server between publishing and marking, and
 * after the stream's duplicate window has passed (recovery by the subject's last message).
 *
 * What an integrator checks is always the same comparison: the stream's messages on the site's
 * subject against the site's `upstream_record` rows in id order (same ids, same bodies, no
 * duplicates), and per token the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DemoFile } from '../../edge-server/ops/demo';
import type { DemoStep, TestEdge } from '../support/edge';
import {
  DEMO_WALLET_STEPS,
  TestStation,
  demoWallet,
  push,
  stationEvent,
  startTestEdge,
  tempDir,
} from '../support/edge';
import { recordStatusOf, unmarkForwarded } from '../support/event-log-db';
import type { EdgeProcess } from '../support/edge-process';
import { killEdge, startEdge, stopAllEdges, stopEdge } from '../support/edge-process';
import type { NatsServer, StreamMessage } from '../support/nats';
import { startNats, stopAllNats } from '../support/nats';
import { waitFor } from '../support/wait';

const SITE = 'BKK-1';
const STREAM = 'SCAN_EVENTS';
const SUBJECT = `scan.events.${SITE}`;
const NANOS_PER_SECOND = 1_000_000_000;

/** Forwarder settings that keep the tests quick: short idle, backoff and publish timeout. */
const FAST_FORWARDER = {
  SITE_CODE: SITE,
  FORWARD_IDLE_MS: '50',
  FORWARD_BACKOFF_BASE_MS: '20',
  FORWARD_BACKOFF_MAX_SECONDS: '0.3',
  FORWARD_TIMEOUT_SECONDS: '1',
};

const inProcess: TestEdge[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(inProcess.splice(0).map((edge) => edge.close()));
  await stopAllEdges();
  await stopAllNats();
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The site's side: outbox rows, supervisor status.

interface OutboxRow {
  outboxId: number;
  status: string;
  record: any;
}

function readOutbox(db: Database.Database): OutboxRow[] {
  return (
    db
      .prepare(
        `SELECT r.id, ${recordStatusOf('r')} AS status, r.record_json FROM upstream_record r ORDER BY r.id`,
      )
      .all() as {
      id: number;
      status: string;
      record_json: string;
    }[]
  ).map((r) => ({ outboxId: r.id, status: r.status, record: JSON.parse(r.record_json) }));
}

/** The outbox of a child edge server's SQLite file (read while it is stopped or killed). */
function readOutboxFile(dataDir: string): OutboxRow[] {
  const db = new Database(path.join(dataDir, 'edge.sqlite'), { fileMustExist: true });
  try {
    return readOutbox(db);
  } finally {
    db.close();
  }
}

async function login(url: string, creds: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(creds),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function upstreamStatus(url: string, token: string): Promise<any> {
  const res = await fetch(`${url}/api/v1/supervisor/upstream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const drained = (s: any): boolean => s.pending === 0 && s.state === 'idle';

/** Ids of the forwarder's attempts (its activity log) after `afterId`, in order. */
function attemptsSince(db: Database.Database, afterId: number): number[] {
  return (
    db.prepare('SELECT id FROM upstream_activity WHERE id > ? ORDER BY id').all(afterId) as { id: number }[]
  ).map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// The comparison an integrator makes.

/** Record ids per token code, in the order given. */
function idsByToken(records: readonly any[]): Record<string, string[]> {
  const byToken: Record<string, string[]> = {};
  for (const r of records) (byToken[r.code as string] ??= []).push(r.id as string);
  return byToken;
}

/**
 * The stream holds exactly one message per outbox row, in id order, with Nats-Msg-Id = record id
 * and the record as its JSON body, and the outbox is all forwarded.
 */
function expectExactlyOnceInOrder(messages: readonly StreamMessage[], rows: readonly OutboxRow[]): void {
  const ids = messages.map((m) => m.msgId);
  const seqsById = new Map<string | null, number[]>();
  for (const m of messages) seqsById.set(m.msgId, [...(seqsById.get(m.msgId) ?? []), m.seq]);
  const outboxIdOf = new Map(rows.map((r) => [r.record.id as string, r.outboxId]));
  expect(
    [...seqsById]
      .filter(([, seqs]) => seqs.length > 1)
      .map(([msgId, seqs]) => ({ msgId, outboxId: outboxIdOf.get(msgId ?? ''), streamSeqs: seqs })),
    'records in the stream more than once',
  ).toEqual([]);
  expect(
    rows.filter((r) => r.status !== 'forwarded').map((r) => [r.outboxId, r.status]),
    'rows not forwarded',
  ).toEqual([]);
  // The multiset of ids first (a clearer failure for duplicates or losses), then the order.
  expect([...ids].sort()).toEqual(rows.map((r) => r.record.id as string).sort());
  expect(ids).toEqual(rows.map((r) => r.record.id));
  expect(messages.map((m) => m.record.id)).toEqual(ids);
  expect(messages.map((m) => m.record)).toEqual(rows.map((r) => r.record));
  expect(messages.every((m) => m.subject === SUBJECT)).toBe(true);
  expect(idsByToken(messages.map((m) => m.record))).toEqual(idsByToken(rows.map((r) => r.record)));
}

/**
 * At any moment (ordering kept throughout): the stream is a prefix of the outbox in id order, the
 * forwarded rows are a prefix too and all in the stream, and at most `batchSize` records landed
 * without being marked yet (a crash between publishing and marking). Returns that number.
 */
function expectStreamIsPrefix(
  messages: readonly StreamMessage[],
  rows: readonly OutboxRow[],
  batchSize: number,
): number {
  const ids = messages.map((m) => m.msgId);
  expect(ids).toEqual(rows.slice(0, ids.length).map((r) => r.record.id));
  const forwarded = rows.findIndex((r) => r.status !== 'forwarded');
  const forwardedCount = forwarded === -1 ? rows.length : forwarded;
  expect(rows.slice(forwardedCount).filter((r) => r.status === 'forwarded')).toEqual([]);
  expect(ids.length).toBeGreaterThanOrEqual(forwardedCount);
  expect(ids.length - forwardedCount).toBeLessThanOrEqual(batchSize);
  return ids.length - forwardedCount;
}

// ---------------------------------------------------------------------------------------------
// What the stations do: the demo tote through BAG-TOTE (CUT, split, both branches, join, ...).

const TOTE_STEPS: DemoStep[] = [
  ['WC-CUT', 'start', 'CUT'],
  ['WC-CUT', 'complete', 'CUT'],
  ['WC-EDGE', 'start', 'EDGE-BODY'],
  ['WC-EDGE', 'complete', 'EDGE-BODY'],
  ['WC-STITCH', 'start', 'STITCH-STRAP'],
  ['WC-STITCH', 'complete', 'STITCH-STRAP'],
  ['WC-ASM', 'start', 'ASSEMBLE'],
  ['WC-ASM', 'complete', 'ASSEMBLE'],
  ['WC-QC', 'start', 'QC-FINAL'],
  ['WC-QC', 'qc_pass', 'QC-FINAL', { grade: 'A' }],
  ['WC-PACK', 'start', 'PACK'],
  ['WC-PACK', 'complete', 'PACK'],
];

const tote = (n: number): string => `BV-DEMO-${String(n).padStart(4, '0')}`;

/** In-process stations, one per demo work center. */
function stationsOf(edge: TestEdge): Map<string, TestStation> {
  return new Map(edge.demo.stations.map((s) => [s.workCenter, new TestStation(edge.url, s.token)]));
}

/** Sends `steps[from..to)` for each code, interleaving the codes step by step; all must apply. */
async function route(
  stations: Map<string, TestStation>,
  codes: readonly string[],
  steps: readonly DemoStep[],
  from = 0,
  to = steps.length,
): Promise<void> {
  for (const [wc, type, node, data] of steps.slice(from, to)) {
    for (const code of codes) {
      const station = stations.get(wc);
      if (!station) throw new Error(`no demo station at ${wc}`);
      const result = await station.send(type, code, node, data ?? {});
      expect(result.status, `${type} ${code} at ${node}`).toBe('applied');
    }
  }
}

/** A JetStream edge server in this process, with the demo loaded and the forwarder running. */
async function jetstreamEdge(nats: NatsServer, env: Record<string, string> = {}): Promise<TestEdge> {
  const edge = await startTestEdge({ env: { NATS_URL: nats.url, ...FAST_FORWARDER, ...env } });
  inProcess.push(edge);
  return edge;
}

// ---------------------------------------------------------------------------------------------

describe('JetStream upstream: the stream', () => {
  it('FW-9: is created at start with the configured subjects and duplicate window', async () => {
    const nats = await startNats();
    const edge = await jetstreamEdge(nats, {
      NATS_STREAM: 'PLANT_SCANS',
      NATS_SUBJECT_PREFIX: 'plant.scans',
      NATS_DUPLICATE_WINDOW_SECONDS: '7',
    });
    const supervisor = await edge.login('supervisor');
    // The demo's spawn records are pending at start, so the forwarder opens the sink at once.
    await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the demo spawns forwarded',
      until: drained,
    });
    const info = await nats.streamInfo('PLANT_SCANS');
    expect(info?.config.subjects).toContain('plant.scans.>');
    expect(info?.config.duplicate_window).toBe(7 * NANOS_PER_SECOND);
    const messages = await nats.messages('PLANT_SCANS');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.subject === `plant.scans.${SITE}`)).toBe(true);
    expect(messages.map((m) => m.msgId)).toEqual(readOutbox(edge.core.db).map((r) => r.record.id));
    expect(await nats.streamInfo(STREAM)).toBeNull();
  });

  it('FW-9: that exists already with the right subjects is only checked, not changed', async () => {
    const nats = await startNats();
    await nats.withJsm((jsm) =>
      jsm.streams.add({
        name: STREAM,
        subjects: ['scan.events.>'],
        duplicate_window: 30 * NANOS_PER_SECOND,
        max_msgs_per_subject: 100_000,
      }),
    );
    const before = await nats.streamInfo(STREAM);
    const edge = await jetstreamEdge(nats, { NATS_DUPLICATE_WINDOW_SECONDS: '5' });
    const supervisor = await edge.login('supervisor');
    await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the demo spawns forwarded',
      until: drained,
    });
    const after = await nats.streamInfo(STREAM);
    expect(after?.config).toEqual(before?.config);
    expect(after?.config.duplicate_window).toBe(30 * NANOS_PER_SECOND);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), readOutbox(edge.core.db));
  });

  it('FW-9: that exists with a wildcard taking the site subject (scan.events.*) is accepted as it is', async () => {
    // EdgeCore codes have no dots, so `<prefix>.*` takes every site's subject, as `<prefix>.>` does.
    const nats = await startNats();
    await nats.withJsm((jsm) => jsm.streams.add({ name: STREAM, subjects: ['scan.events.*'] }));
    const edge = await jetstreamEdge(nats);
    const supervisor = await edge.login('supervisor');
    const status = await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the demo spawns forwarded, or an error',
      until: (s) => drained(s) || s.lastError !== null,
    });
    expect(status.lastError).toBeNull();
    expect((await nats.streamInfo(STREAM))?.config.subjects).toEqual(['scan.events.*']);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), readOutbox(edge.core.db));
  });

  it('FW-9: that exists with other subjects makes forwarding fail with a clear lastError, and nothing is marked forwarded', async () => {
    const nats = await startNats();
    await nats.withJsm((jsm) => jsm.streams.add({ name: STREAM, subjects: ['erp.orders.>'] }));
    const edge = await jetstreamEdge(nats);
    const supervisor = await edge.login('supervisor');
    const status = await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'a lastError',
      until: (s) => s.lastError !== null,
    });
    expect(status.lastError).toContain(`stream ${STREAM} exists but does not take subject ${SUBJECT}`);
    expect(status.lastError).toContain('erp.orders.>');
    expect(status).toMatchObject({ upstream: 'jetstream', forwarded: 0, dead: 0 });
    expect(status.pending).toBeGreaterThan(0);
    // Ingest goes on; what it adds stays pending too.
    const stations = stationsOf(edge);
    await route(stations, [tote(1)], TOTE_STEPS, 0, 2);
    // Two more attempts logged: the second began after these rows were in the outbox.
    const lastAttempt = attemptsSince(edge.core.db, 0).at(-1) ?? 0;
    await waitFor(() => attemptsSince(edge.core.db, lastAttempt).length >= 2, {
      what: 'two more attempts of the forwarder',
    });
    const rows = readOutbox(edge.core.db);
    expect(rows.filter((r) => r.status !== 'pending')).toEqual([]);
    expect((await upstreamStatus(edge.url, supervisor)).pending).toBe(rows.length);
    const info = await nats.streamInfo(STREAM);
    expect(info?.config.subjects).toEqual(['erp.orders.>']);
    expect(info?.state.messages).toBe(0);
  });
});

describe('JetStream upstream: events recorded at stations', () => {
  it('FW-1, FW-2: arrive exactly once, in application order, with Nats-Msg-Id = record id and the record as body', async () => {
    const nats = await startNats();
    const edge = await jetstreamEdge(nats);
    const supervisor = await edge.login('supervisor');
    const stations = stationsOf(edge);
    // Two totes through the DAG interleaved step by step (split, both branches, join, grade A),
    // one with a QC fail and rework, and a wallet through its linear routing.
    await route(stations, [tote(1), tote(2)], TOTE_STEPS, 0, 9);
    const qc = stations.get('WC-QC');
    expect((await qc?.send('qc_fail', tote(2), 'QC-FINAL', { reason: 'glue marks' }))?.status).toBe(
      'applied',
    );
    await route(stations, [tote(2)], TOTE_STEPS, 6, 9);
    await route(stations, [tote(1), tote(2)], TOTE_STEPS, 9);
    await route(stations, [demoWallet(1)], DEMO_WALLET_STEPS);

    const status = await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the outbox drained',
      until: drained,
    });
    const rows = readOutbox(edge.core.db);
    expect(status).toMatchObject({ pending: 0, dead: 0, forwarded: rows.length, lastError: null });
    const types = rows.filter((r) => r.record.code === tote(1)).map((r) => r.record.type);
    expect(types).toEqual(expect.arrayContaining(['spawn', 'split', 'join', 'route', 'qc_pass']));
    expect(rows.filter((r) => r.record.code === tote(2) && r.record.type === 'qc_fail')).toHaveLength(1);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), rows);
    // Nothing else in the stream.
    expect((await nats.streamInfo(STREAM))?.state.messages).toBe(rows.length);
  });

  it('FW-3: pile up while NATS is down (ingest keeps answering 200) and all arrive exactly once, in order, when it is back', async () => {
    const nats = await startNats();
    await nats.stop(); // the port refuses connections: NATS is down when the edge server starts
    const edge = await jetstreamEdge(nats);
    const supervisor = await edge.login('supervisor');
    const stations = stationsOf(edge);

    await route(stations, [tote(1), tote(2)], TOTE_STEPS, 0, 6);
    const down = await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'lastError while NATS is down',
      until: (s) => s.lastError !== null && s.pending > 0,
    });
    expect(down.lastError).toContain(nats.url);
    expect(down.forwarded).toBe(0);
    expect(down.pending).toBe(readOutbox(edge.core.db).length);

    await nats.start();
    await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the backlog drained',
      until: drained,
    });
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), readOutbox(edge.core.db));

    // Down again while the sink is connected: publishes time out, the backlog grows again.
    await nats.stop();
    await route(stations, [tote(1), tote(2)], TOTE_STEPS, 6);
    await route(stations, [demoWallet(1), demoWallet(2)], DEMO_WALLET_STEPS);
    const again = await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'a publish failure while NATS is down',
      until: (s) => s.pending > 0 && s.lastError !== null && s.state === 'backing-off',
    });
    expect(again.pending).toBe(readOutbox(edge.core.db).filter((r) => r.status === 'pending').length);

    await nats.start();
    await waitFor(() => upstreamStatus(edge.url, supervisor), {
      what: 'the backlog drained',
      until: drained,
    });
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), readOutbox(edge.core.db));
  });
});

// ---------------------------------------------------------------------------------------------
// The edge server as a child process, SIGKILLed.

/** A station of a child edge server: numbers its own events across restarts. */
class ChildStation {
  private seq = 0;
  constructor(readonly token: string) {}
  event(code: string, [, type, nodeCode, data]: DemoStep): Record<string, unknown> {
    return stationEvent({ seq: ++this.seq, type, code, nodeCode, data: data ?? {} });
  }
  note(code: string, text: string): Record<string, unknown> {
    return stationEvent({ seq: ++this.seq, type: 'note', code, nodeCode: 'CUT', data: { text } });
  }
}

function readDemo(dataDir: string): DemoFile {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
}

function childStations(demo: DemoFile): Map<string, ChildStation> {
  return new Map(demo.stations.map((s) => [s.workCenter, new ChildStation(s.token)]));
}

async function pushAll(
  edge: EdgeProcess,
  station: ChildStation | undefined,
  events: unknown[],
): Promise<void> {
  if (!station) throw new Error('no such station');
  const res = await push(edge.url, station.token, events);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  for (const r of res.body.results) expect(r.status, JSON.stringify(r)).toBe('applied');
}

/** Waits until the child's forwarder is idle with nothing pending, and stops it gracefully. */
async function drainAndStop(edge: EdgeProcess, demo: DemoFile): Promise<any> {
  const supervisor = await login(edge.url, demo.supervisor);
  const status = await waitFor(() => upstreamStatus(edge.url, supervisor), {
    what: 'the outbox drained',
    until: drained,
  });
  await stopEdge(edge);
  return status;
}

function newDataDir(): string {
  const dir = tempDir('scan-station-js-');
  dirs.push(dir);
  return dir;
}

describe('JetStream upstream: the edge server killed', () => {
  it('FW-6: between publishing and marking, many times: at every kill the stream is a prefix of the outbox (per-token order kept), and in the end it holds exactly one message per record, in order', async () => {
    const ROUNDS = 24;
    const BATCH = 5;
    const nats = await startNats();
    const dataDir = newDataDir();
    const env = {
      NATS_URL: nats.url,
      ...FAST_FORWARDER,
      FORWARD_BATCH_SIZE: String(BATCH),
      // Restarts take longer than this, so recovery cannot lean on the duplicate window.
      NATS_DUPLICATE_WINDOW_SECONDS: '1',
    };
    let edge = await startEdge(dataDir, env);
    const demo = readDemo(dataDir);
    const stations = childStations(demo);
    const unmarkedAtKill: number[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      // A backlog every round: one step of ten totes and of five wallets, and ten notes.
      const toteStep = TOTE_STEPS[round];
      if (toteStep) {
        const station = stations.get(toteStep[0]);
        const events = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => station?.event(tote(n), toteStep));
        await pushAll(edge, station, events);
      }
      const walletStep = DEMO_WALLET_STEPS[round];
      if (walletStep) {
        const station = stations.get(walletStep[0]);
        await pushAll(
          edge,
          station,
          [1, 2, 3, 4, 5].map((n) => station?.event(demoWallet(n), walletStep)),
        );
      }
      const cut = stations.get('WC-CUT');
      await pushAll(
        edge,
        cut,
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => cut?.note(tote(n), `round ${round}`)),
      );
      // Not a wait for a state: a random moment to kill at is what this test is about.
      await sleep(Math.floor(Math.random() * 40));
      await killEdge(edge);
      // Killed: what landed is a prefix of the outbox, ahead of what is marked by at most a batch.
      unmarkedAtKill.push(
        expectStreamIsPrefix(await nats.messages(STREAM, SUBJECT), readOutboxFile(dataDir), BATCH),
      );
      edge = await startEdge(dataDir, env);
    }

    await drainAndStop(edge, demo);
    const rows = readOutboxFile(dataDir);
    expect(rows.length).toBeGreaterThan(400);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), rows);
    // The kills did land between publishing and marking (else this test proves little).
    const hits = unmarkedAtKill.filter((n) => n > 0).length;
    expect(hits, `records landed but unmarked at each kill: ${unmarkedAtKill.join(' ')}`).toBeGreaterThan(0);
  }, 300_000); // 25 starts of the edge server: about 30 s on an idle 2-core machine, 100 s on a busy one

  it('FW-6: after the duplicate window has passed: a restart finds what landed by the subject\u2019s last message and sends it no second time', async () => {
    const BATCH = 5;
    const nats = await startNats();
    const dataDir = newDataDir();
    const env = {
      NATS_URL: nats.url,
      ...FAST_FORWARDER,
      FORWARD_BATCH_SIZE: String(BATCH),
      NATS_DUPLICATE_WINDOW_SECONDS: '1',
    };
    let edge = await startEdge(dataDir, env);
    const demo = readDemo(dataDir);
    const stations = childStations(demo);
    for (const step of TOTE_STEPS.slice(0, 4)) {
      const station = stations.get(step[0]);
      await pushAll(edge, station, [station?.event(tote(1), step), station?.event(tote(2), step)]);
    }
    await drainAndStop(edge, demo);
    expect((await nats.streamInfo(STREAM))?.config.duplicate_window).toBe(NANOS_PER_SECOND);

    // More events while NATS is down: they stay pending behind what already landed.
    await nats.stop();
    edge = await startEdge(dataDir, env);
    for (const step of TOTE_STEPS.slice(4, 6)) {
      const station = stations.get(step[0]);
      await pushAll(edge, station, [station?.event(tote(1), step), station?.event(tote(2), step)]);
    }
    await killEdge(edge);

    // The state a crash between publishing and marking leaves: the last 3 records that landed are
    // still pending (fewer than a batch, ahead of the 2+ records that never left).
    const file = path.join(dataDir, 'edge.sqlite');
    const db = new Database(file, { fileMustExist: true });
    const landed = db
      .prepare(
        `SELECT r.id FROM upstream_record r WHERE ${recordStatusOf('r')} = 'forwarded' ORDER BY r.id DESC LIMIT 3`,
      )
      .all() as { id: number }[];
    expect(landed).toHaveLength(3);
    unmarkForwarded(db, Math.min(...landed.map((r) => r.id)));
    db.close();
    const before = readOutboxFile(dataDir);
    const pendingBefore = before.filter((r) => r.status === 'pending').length;
    expect(pendingBefore).toBeGreaterThan(3);
    expect(pendingBefore).toBeLessThanOrEqual(3 + 10);
    expect(expectStreamIsPrefix(await startedMessages(nats), before, BATCH)).toBe(3);

    // Not a wait for a state: the stream's 1 s duplicate window (nats-server's own clock) must have
    // passed, so that only the subject's last message can tell what landed. Longer is no harm.
    await sleep(1_500);
    edge = await startEdge(dataDir, env);
    await drainAndStop(edge, demo);
    const rows = readOutboxFile(dataDir);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), rows);
    const recovered = recoveredActivity(dataDir);
    expect(recovered).toEqual([expect.objectContaining({ records: 3, message: 'already landed upstream' })]);
  });

  it('FW-6: after a crash with a larger FORWARD_BATCH_SIZE than the restart has, records that landed are not sent again', async () => {
    // A crash mid-batch with FORWARD_BATCH_SIZE=500 leaves up to 500 records landed but unmarked;
    // an operator then restarts with FORWARD_BATCH_SIZE=5 (after the duplicate window).
    const nats = await startNats();
    const dataDir = newDataDir();
    const env = { NATS_URL: nats.url, ...FAST_FORWARDER, NATS_DUPLICATE_WINDOW_SECONDS: '1' };
    let edge = await startEdge(dataDir, { ...env, FORWARD_BATCH_SIZE: '500' });
    const demo = readDemo(dataDir);
    const stations = childStations(demo);
    for (const step of TOTE_STEPS.slice(0, 4)) {
      const station = stations.get(step[0]);
      await pushAll(edge, station, [station?.event(tote(1), step), station?.event(tote(2), step)]);
    }
    await drainAndStop(edge, demo);

    // The state a SIGKILL between publishing a batch of 500 and marking it leaves: the last 8
    // records that landed are still pending.
    const db = new Database(path.join(dataDir, 'edge.sqlite'), { fileMustExist: true });
    const landed = db
      .prepare(
        `SELECT r.id FROM upstream_record r WHERE ${recordStatusOf('r')} = 'forwarded' ORDER BY r.id DESC LIMIT 8`,
      )
      .all() as { id: number }[];
    unmarkForwarded(db, Math.min(...landed.map((r) => r.id)));
    db.close();
    expect(expectStreamIsPrefix(await startedMessages(nats), readOutboxFile(dataDir), 500)).toBe(8);

    // Not a wait for a state: past the stream's 1 s duplicate window, as in the test above.
    await sleep(1_500);
    edge = await startEdge(dataDir, { ...env, FORWARD_BATCH_SIZE: '5' });
    await drainAndStop(edge, demo);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), readOutboxFile(dataDir));
  });
});

/** The stream's messages on the site's subject, starting NATS first if it is stopped. */
async function startedMessages(nats: NatsServer): Promise<StreamMessage[]> {
  if (!nats.running) await nats.start();
  return nats.messages(STREAM, SUBJECT);
}

function recoveredActivity(dataDir: string): { records: number; message: string | null }[] {
  const db = new Database(path.join(dataDir, 'edge.sqlite'), { fileMustExist: true });
  try {
    return db
      .prepare("SELECT records, message FROM upstream_activity WHERE outcome = 'recovered' ORDER BY id")
      .all() as { records: number; message: string | null }[];
  } finally {
    db.close();
  }
}
