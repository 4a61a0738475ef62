/**
 * @module The live bench's clients, each kind in a worker thread of its own (JavaScript sources
 * run with `eval`, as bench/ingest.ts does: no loader needed in the worker):
 *   stations  each station scans at its own steady pace and pushes what it has queued whenever its
 *             previous push has been answered (as the station app drains its outbox), so a slow
 *             server makes pushes larger, not out of order
 *   consoles  N live streams (GET /supervisor/stream), each frame's id and arrival time recorded;
 *             a gap, a `resync` or a stream that ends is a break
 *   pollers   N clients asking GET /supervisor/queues again as soon as they are answered
 * Times are wall times in ms (performance.timeOrigin + now()), comparable with the server's.
 */
import { Worker } from 'node:worker_threads';

/** One push as a station saw it. */
export interface PushRecord {
  /** Wall time the request went out and its answer came back. */
  sentAt: number;
  answeredAt: number;
  /** When the oldest event in it was scanned (it waited in the outbox from then). */
  scannedAt: number;
  events: number;
  /** Events the answer says were applied. */
  applied: number;
  status: number;
  /** The answer's first 300 characters when it was not 200 or not every event applied. */
  problem: string | null;
}

export interface StationsInput {
  url: string;
  /**
   * Per station: its bearer token, a first event pushed by every station at once before the clock
   * starts (connections opened, the server's code warm, as on a floor already at work), and its
   * events, each already JSON, in order.
   */
  stations: { token: string; first: string; events: string[] }[];
  /** Each station scans once every this many ms (they are spread evenly over it). */
  scanIntervalMs: number;
  /** Scanning stops after this long. */
  scanForMs: number;
}

export interface StationsOutput {
  pushes: PushRecord[];
  /** Connections that failed before an answer (each push is tried up to 3 times). */
  failures: string[];
  /** Stations with a push in flight, on average while scanning: 200 means the server is the bottleneck. */
  inFlightMean: number;
  /** The longest the stations' thread went between two looks at its stations (its own lag). */
  tickGapMaxMs: number;
  /** Wall time the first scan was due (after every station's first push was answered). */
  startAt: number;
  /** How long every station's first push, all at once, took to be answered. */
  firstPushesMs: number;
  error?: string;
}

const STATIONS_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, stations, scanIntervalMs, scanForMs } = workerData;
const now = () => performance.timeOrigin + performance.now();
const pushes = [];
const failures = [];
const state = stations.map((s, i) => ({ ...s, offset: (i * scanIntervalMs) / stations.length, sent: 0, busy: false }));
let startAt = Infinity;
let stopAt = Infinity;
const scannedBy = (s, t) => Math.min(s.events.length, Math.max(0, Math.floor((Math.min(t, stopAt) - startAt - s.offset) / scanIntervalMs) + 1));
async function push(s, upTo, only) {
  s.busy = true;
  const from = s.sent;
  const body = '{"stationClock":"' + new Date().toISOString() + '","events":[' + (only ?? s.events.slice(from, upTo).join(',')) + ']}';
  const record = { sentAt: now(), answeredAt: 0, scannedAt: startAt + s.offset + from * scanIntervalMs, events: only === undefined ? upTo - from : 1, applied: 0, status: 0, problem: null };
  // A connection that fails before an answer is sent again, as the station app does (the events
  // stay in its outbox); how often is counted. An answer other than 200, or an event not applied,
  // is a problem.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url + '/api/v1/events', { method: 'POST', headers: { authorization: 'Bearer ' + s.token, 'content-type': 'application/json' }, body });
      const text = await res.text();
      record.answeredAt = now();
      record.status = res.status;
      if (res.status === 200) record.applied = JSON.parse(text).results.filter((r) => r.status === 'applied').length;
      if (res.status !== 200 || record.applied !== record.events) record.problem = text.slice(0, 300);
      break;
    } catch (error) {
      const why = String(error) + (error && error.cause ? ' (' + String(error.cause) + ')' : '');
      failures.push(why);
      if (attempt < 3) continue;
      record.answeredAt = now();
      record.problem = why;
      break;
    }
  }
  if (only === undefined) {
    pushes.push(record);
    s.sent = upTo;
  } else if (record.problem !== null) pushes.push(record);
  s.busy = false;
}
const inFlight = new Set();
let ticks = 0, inFlightSum = 0, lastTick = 0, tickGapMax = 0;
function tick() {
  const t = now();
  if (lastTick > 0 && t < stopAt) tickGapMax = Math.max(tickGapMax, t - lastTick);
  lastTick = t;
  if (t < stopAt) { ticks++; inFlightSum += inFlight.size; }
  for (const s of state) {
    if (s.busy) continue;
    const due = scannedBy(s, t);
    if (due > s.sent) {
      const p = push(s, due);
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
  }
  const done = t >= stopAt && state.every((s) => !s.busy && s.sent >= scannedBy(s, stopAt));
  if (done) parentPort.postMessage({ pushes, failures, inFlightMean: inFlightSum / Math.max(1, ticks), tickGapMaxMs: tickGapMax, startAt, firstPushesMs });
  else setTimeout(tick, 1);
}
let firstPushesMs = 0;
(async () => {
  const t0 = now();
  await Promise.all(state.map((s) => push(s, 0, s.first)));
  firstPushesMs = now() - t0;
  startAt = now() + 100;
  stopAt = startAt + scanForMs;
  setTimeout(tick, 100);
})();
`;

export interface ConsolesInput {
  url: string;
  headers: Record<string, string>;
  consoles: number;
}

export interface ConsoleRecord {
  /** The cursor `ready` said the stream stood at. */
  ready: number;
  /** Per `changes` frame: its id (the last cursor in it) and its arrival wall time. */
  ids: number[];
  times: number[];
  /** Why the stream broke (a gap, a resync, an end, an error); null: it did not. */
  broken: string | null;
}

export type ConsolesMessage =
  | { kind: 'ready'; cursors: number[] }
  | { kind: 'caught-up' }
  | { kind: 'done'; consoles: ConsoleRecord[] }
  | { kind: 'error'; message: string };

export type ConsolesRequest = { kind: 'wait'; cursor: number } | { kind: 'stop' };

/**
 * Reads frames as an EventSource would, but without parsing each one's JSON: the id line is the
 * last cursor in a frame, and the frame's first cursor and its number of changes are checked with
 * string searches, so 50 streams on one thread cost the reader little.
 */
const CONSOLES_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, consoles } = workerData;
const now = () => performance.timeOrigin + performance.now();
const records = [];
const aborts = [];
let waitFor = null;
const check = () => {
  if (waitFor !== null && records.every((r) => r.broken !== null || r.last >= waitFor)) {
    waitFor = null;
    parentPort.postMessage({ kind: 'caught-up' });
  }
};
function onBlock(r, block, at) {
  let event = 'message', id = null, data = '';
  for (const line of block.split('\\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('id: ')) id = Number(line.slice(4));
    else if (line.startsWith('data: ')) data = line.slice(6);
  }
  if (event === 'ready') { r.ready = id; r.last = id; return true; }
  if (event === 'resync') { r.broken = 'resync at ' + id; return false; }
  if (event !== 'changes') return false;
  const first = Number(/"changes":\\[\\{"cursor":(\\d+)/.exec(data)?.[1]);
  let count = 0;
  for (let i = data.indexOf('"kind":'); i >= 0; i = data.indexOf('"kind":', i + 7)) count++;
  if (first !== r.last + 1 || id - first + 1 !== count) {
    r.broken = 'gap: after ' + r.last + ' came ' + first + '..' + id + ' (' + count + ' changes)';
    return false;
  }
  r.ids.push(id);
  r.times.push(at);
  r.last = id;
  return false;
}
async function open(i, onReady) {
  const r = { ready: -1, last: -1, ids: [], times: [], broken: null };
  records[i] = r;
  const abort = new AbortController();
  aborts.push(abort);
  try {
    const res = await fetch(url + '/api/v1/supervisor/stream', { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    if (res.status !== 200) throw new Error('stream answered ' + res.status + ': ' + (await res.text()).slice(0, 200));
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) { if (r.broken === null) r.broken = 'the server ended the stream'; break; }
      const at = now();
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\\n\\n')) >= 0) {
        if (onBlock(r, buffer.slice(0, end), at)) onReady();
        buffer = buffer.slice(end + 2);
      }
      check();
    }
  } catch (error) {
    if (!r.stopped && r.broken === null) r.broken = String(error);
  }
  check();
}
let ready = 0;
for (let i = 0; i < consoles; i++)
  void open(i, () => {
    if (++ready === consoles) parentPort.postMessage({ kind: 'ready', cursors: records.map((r) => r.ready) });
  });
parentPort.on('message', (m) => {
  if (m.kind === 'wait') { waitFor = m.cursor; check(); }
  if (m.kind === 'stop') {
    for (const r of records) r.stopped = true;
    for (const a of aborts) a.abort();
    parentPort.postMessage({ kind: 'done', consoles: records.map(({ ready, ids, times, broken }) => ({ ready, ids, times, broken })) });
  }
});
`;

export interface PollersInput {
  url: string;
  headers: Record<string, string>;
  pollers: number;
}

export interface PollersOutput {
  /** Each answered poll's latency in ms. */
  latencies: number[];
  failures: number;
}

const POLLERS_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, pollers } = workerData;
const latencies = [];
let failures = 0;
let stopped = false;
async function poll() {
  while (!stopped) {
    const t0 = performance.now();
    try {
      const res = await fetch(url + '/api/v1/supervisor/queues', { headers });
      await res.arrayBuffer();
      if (res.status === 200) latencies.push(performance.now() - t0);
      else failures++;
    } catch { failures++; }
  }
}
const running = Array.from({ length: pollers }, poll);
parentPort.on('message', async () => {
  stopped = true;
  await Promise.all(running);
  parentPort.postMessage({ latencies, failures });
});
`;

export function startWorker(kind: 'stations' | 'consoles' | 'pollers', data: unknown): Worker {
  const source = { stations: STATIONS_SOURCE, consoles: CONSOLES_SOURCE, pollers: POLLERS_SOURCE }[kind];
  return new Worker(source, { eval: true, workerData: data });
}
