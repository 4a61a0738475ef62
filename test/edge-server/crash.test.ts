/**
 * Crash test (IN-2, IN-4, IN-5, PK-5): the real edge server (`node --import tsx edge-server/main.ts`,
 * what `npm start` runs) as a child process on one DATA_DIR, SIGKILLed at a random moment of every
 * round while simulated stations push batches of valid events, then restarted on the same files.
 *
 * The stations keep their own seq and an outbox of what the server has not acknowledged yet (a
 * batch is acknowledged by a 200), and resend it after a crash, as tablets do. Some stations stay
 * offline for a while, so events of one token arrive out of occurrence order and park; some batches
 * repeat events already acknowledged. Every few rounds, with the server stopped, the SQLite file
 * itself is checked: integrity, foreign keys, every acknowledged event stored with a status that
 * fits its answer, an outbox row for exactly the applied events, and every token family equal to
 * the fold of its applied events (in outbox order) through the shared token machine. At the end all
 * acknowledged events are sent again (each must be a `duplicate`), the outboxes are flushed, and
 * the site must equal the true history the stations acted out.
 *
 * CRASH_ROUNDS and CRASH_SEED (environment) set the number of rounds and the seed of the random
 * choices (the seed is printed with every failure; kill timing still varies from run to run).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { uuidv7 } from 'uuidv7';
import { afterAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../edge-server/ingest/event-log';
import type { DemoFile } from '../../edge-server/ops/demo';
import type { OperatorEventType, ProcessMode, TokenStatus } from '../../shared/domain';
import { FINAL_STATUSES } from '../../shared/domain';
import type { TokenRef } from '../../shared/protocol';
import type { IndexedGraph } from '../../shared/routing-graph';
import type { RoutingGraph } from '../../shared/routing';
import { indexGraph } from '../../shared/routing-graph';
import { routingGraphFromInput, routingInputSchema } from '../../shared/routing-import';
import type { Family, MachineContext, OperatorAction, TokenState } from '../../shared/token-machine';
import { allowedActions, decide, isFinished, placeMember } from '../../shared/token-machine';
import type { EdgeProcess } from '../support/edge-process';
import { killEdge, startEdge, stopAllEdges, stopEdge } from '../support/edge-process';

const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? 50);
const SEED = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CHECK_EVERY = 10;
const MAX_KILL_DELAY_MS = 150;
const LIVE: ReadonlySet<TokenStatus> = new Set(['ready', 'active', 'paused']);

afterAll(async () => {
  await stopAllEdges();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// A seeded random source (mulberry32).

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T>(items: readonly { item: T; weight: number }[]): T | undefined {
    const total = items.reduce((sum, i) => sum + i.weight, 0);
    let r = this.next() * total;
    for (const i of items) {
      r -= i.weight;
      if (r < 0 && i.weight > 0) return i.item;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The world: what really happens on the shop floor, and the stations that report it.

interface WireEvent {
  id: string;
  seq: number;
  type: OperatorEventType;
  code: string;
  nodeCode: string;
  operatorBadge: string;
  occurredAt: string;
  qty?: number;
  data: Record<string, unknown>;
}

interface SimStation {
  name: string;
  workCenter: string;
  token: string;
  seq: number;
  /** Sent or not, not acknowledged yet: resent until a 200 says what became of it. */
  outbox: WireEvent[];
  /** Acknowledged, in the order they were. */
  acked: WireEvent[];
}

/** What a station learned from the first 200 that carried an event. */
interface Ack {
  station: string;
  status: string;
  token: TokenRef | null;
  reason: unknown;
}

interface WorldToken {
  code: string;
  routing: string;
  graph: IndexedGraph;
  family: Family;
}

interface Stats {
  rounds: number;
  eventsGenerated: number;
  batchesSent: number;
  batchesAcked: number;
  batchesLostAtKill: number;
  killsWithRequestsInFlight: number;
  committedButUnacknowledged: number;
  duplicatesInjected: number;
  parkedAnswers: number;
  appliedAnswers: number;
  databaseChecks: number;
  restarts: number;
  /** The last round in which the shop floor still had work (new events). */
  lastRoundWithNewEvents: number;
}

const WEIGHTS: Record<OperatorEventType, number> = {
  start: 10,
  complete: 10,
  qc_pass: 8,
  qc_fail: 2,
  pause: 2,
  resume: 8,
  note: 1,
  bind_component: 1,
  scrap: 0.3,
};

class World {
  private keyN = 0;
  readonly generated = new Map<string, { event: WireEvent; station: string }>();

  constructor(
    readonly tokens: WorldToken[],
    readonly stations: SimStation[],
    private readonly rng: Rng,
  ) {}

  ctx(graph: IndexedGraph): MachineContext {
    return { graph, newTokenKey: () => `w${++this.keyN}` };
  }

  stationAt(graph: IndexedGraph, nodeCode: string): SimStation {
    const workCenter = graph.node(nodeCode)?.workCenter;
    const station = this.stations.find((s) => s.workCenter === workCenter);
    if (!station) throw new Error(`no station serves ${graph.graph.code} ${nodeCode}`);
    return station;
  }

  /**
   * One operator action on a live token, valid in the true history: it applies there, and the
   * station of its node records it. Returns false once every token is finished.
   */
  act(): boolean {
    const live = this.tokens.filter((t) => !isFinished(t.family));
    if (live.length === 0) return false;
    const t = this.rng.pick(live);
    const unfinished = t.family.members.filter((m) => !FINAL_STATUSES.has(m.status)).length;
    const choices: { item: { member: TokenState; type: OperatorEventType }; weight: number }[] = [];
    for (const member of t.family.members.filter((m) => LIVE.has(m.status))) {
      for (const type of allowedActions(member, t.graph)) {
        // Scrap only a lone token: scrapping a split family while another branch's station still
        // holds events would make those events conflicts, which is PK-4, not a crash effect.
        const weight = type === 'scrap' && unfinished > 1 ? 0 : WEIGHTS[type];
        choices.push({ item: { member, type }, weight });
      }
    }
    const choice = this.rng.weighted(choices);
    if (!choice) return true;
    const { member, type } = choice;
    const data: Record<string, unknown> =
      type === 'qc_pass'
        ? { grade: this.rng.chance(0.6) ? 'A' : 'B' }
        : type === 'qc_fail'
          ? { reason: 'loose stitching' }
          : type === 'bind_component'
            ? { componentSerial: `ZIP-${this.rng.int(1, 99_999)}` }
            : type === 'note'
              ? { text: `note ${this.rng.int(1, 999)}` }
              : {};
    let qty: number | undefined;
    if (type === 'complete' || type === 'qc_pass') {
      if (t.family.processMode === 'batch') qty = this.rng.int(Math.max(1, member.qty - 3), member.qty);
      else if (this.rng.chance(0.5)) qty = 1;
    }
    const operatorBadge = `OP-000${this.rng.int(1, 5)}`;
    const action: OperatorAction = { type, nodeCode: member.nodeCode, operatorBadge, qty, data };
    const decision = decide(t.family, action, this.ctx(t.graph));
    if (decision.kind !== 'applied') {
      throw new Error(
        `test bug: ${type} at ${member.nodeCode} on ${t.code} is ${decision.kind} in the true history`,
      );
    }
    t.family = decision.family;
    const station = this.stationAt(t.graph, member.nodeCode);
    const event: WireEvent = {
      id: uuidv7(),
      seq: ++station.seq,
      type,
      code: t.code,
      nodeCode: member.nodeCode,
      operatorBadge,
      occurredAt: new Date().toISOString(),
      ...(qty === undefined ? {} : { qty }),
      data,
    };
    station.outbox.push(event);
    this.generated.set(event.id, { event, station: station.name });
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Talking to the server.

interface Answer {
  status: number;
  body: any;
}

async function post(url: string, token: string, pathname: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.json() };
}

async function get(url: string, token: string, pathname: string): Promise<Answer> {
  const res = await fetch(`${url}${pathname}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.json() };
}

const sameToken = (a: TokenRef | null | undefined, b: TokenRef | null | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The stations' side: acknowledgements, and everything that broke the contract on the way. */
class Ledger {
  readonly acked = new Map<string, Ack>();
  readonly problems: string[] = [];
  /** Push requests sent and not answered yet. */
  inFlight = 0;
  constructor(readonly stats: Stats) {}

  problem(text: string): void {
    if (this.problems.length < 200) this.problems.push(text);
  }

  /**
   * Sends one batch: the first `size` events of the outbox plus, maybe, a few acknowledged ones
   * again. Returns false when the server could not be reached (killed).
   */
  async pushBatch(
    url: string,
    station: SimStation,
    size: number,
    repeats: WireEvent[],
    rng: Rng,
  ): Promise<boolean> {
    const fresh = station.outbox.slice(0, size);
    const batch = [...fresh];
    for (const again of repeats) batch.splice(rng.int(0, batch.length), 0, again);
    if (batch.length === 0) return true;
    this.stats.batchesSent++;
    let answer: Answer;
    this.inFlight++;
    try {
      answer = await post(url, station.token, '/api/v1/events', {
        stationClock: new Date().toISOString(),
        events: batch,
      });
    } catch {
      // Killed with the request in flight (or refused after the kill): the station keeps the events.
      this.stats.batchesLostAtKill++;
      return false;
    } finally {
      this.inFlight--;
    }
    if (answer.status !== 200) {
      this.problem(
        `${station.name}: push answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
      return false;
    }
    this.stats.batchesAcked++;
    const results = answer.body?.results as {
      id: string;
      status: string;
      token?: TokenRef | null;
      reason?: unknown;
    }[];
    if (!Array.isArray(results) || results.length !== batch.length) {
      this.problem(
        `${station.name}: ${batch.length} events, ${Array.isArray(results) ? results.length : 'no'} results`,
      );
      return true;
    }
    batch.forEach((event, i) => {
      const result = results[i];
      if (!result || result.id !== event.id) {
        this.problem(`${station.name}: result ${i} is for ${result?.id}, not ${event.id}`);
        return;
      }
      const first = this.acked.get(event.id);
      if (first) {
        // IN-2: an acknowledged event sent again is a duplicate and repeats the first outcome's token.
        if (first.status === 'rejected') {
          if (
            result.status !== 'rejected' ||
            JSON.stringify(result.reason) !== JSON.stringify(first.reason)
          ) {
            this.problem(`${event.id} was rejected, its resend answered ${JSON.stringify(result)}`);
          }
        } else if (result.status !== 'duplicate') {
          this.problem(
            `${event.id} (first ${first.status}) sent again answered ${result.status}, not duplicate`,
          );
        } else if (!sameToken(result.token, first.token)) {
          this.problem(
            `${event.id} duplicate token ${JSON.stringify(result.token)}, first ${JSON.stringify(first.token)}`,
          );
        }
        return;
      }
      if (result.status === 'duplicate') this.stats.committedButUnacknowledged++;
      else if (result.status === 'parked') this.stats.parkedAnswers++;
      else if (result.status === 'applied') this.stats.appliedAnswers++;
      else
        this.problem(
          `${station.name}: valid event ${JSON.stringify(event)} answered ${JSON.stringify(result)}`,
        );
      this.acked.set(event.id, {
        station: station.name,
        status: result.status,
        token: result.token ?? null,
        reason: result.reason ?? null,
      });
    });
    const done = new Set(fresh.map((e) => e.id));
    station.outbox = station.outbox.filter((e) => !done.has(e.id));
    station.acked.push(...fresh);
    return true;
  }

  /**
   * A station sends its outbox in batches of 1..50 until the server is gone; with `untilEmpty` it
   * stops once the outbox is empty, else it waits for the next events while the round lasts.
   */
  async deliver(
    url: string,
    station: SimStation,
    rng: Rng,
    isDead: () => boolean,
    untilEmpty = true,
  ): Promise<void> {
    while (!isDead()) {
      if (station.outbox.length === 0) {
        if (untilEmpty) return;
        await sleep(2);
        continue;
      }
      const repeats: WireEvent[] = [];
      if (station.acked.length > 0 && rng.chance(0.25)) {
        for (let n = rng.int(1, 3); n > 0; n--) repeats.push(rng.pick(station.acked));
        this.stats.duplicatesInjected += repeats.length;
      }
      const reached = await this.pushBatch(url, station, rng.int(1, 50), repeats, rng);
      if (!reached) return;
      await sleep(rng.int(0, 8));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The database, read directly with the server stopped.

interface Projected {
  code: string;
  branch: string | null;
  nodeCode: string;
  status: string;
  qty: number;
}

function canonical(members: Projected[]): string[] {
  return members
    .map((m) =>
      JSON.stringify({ code: m.code, branch: m.branch, nodeCode: m.nodeCode, status: m.status, qty: m.qty }),
    )
    .sort();
}

const projectFamily = (family: Family): string[] => canonical(family.members.map((m) => ({ ...m })));

interface DatabaseView {
  problems: string[];
  /** token code -> canonical members, as stored in flow_token. */
  families: Map<string, string[]>;
  /** event id -> stored status, for station events. */
  stationEvents: Map<string, string>;
  parkedRows: number;
  openConflicts: number;
  openGaps: number;
  lastSeq: Map<string, number>;
}

/**
 * The invariants of a site's database, whatever moment a crash hit it (IN-4, IN-5): nothing
 * acknowledged is lost, nothing is half-applied, and each token family is the fold of its applied
 * events through the shared token machine.
 */
function inspectDatabase(file: string, acked: ReadonlyMap<string, Ack>): DatabaseView {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < 100) problems.push(text);
  };
  const db = new Database(file);
  try {
    const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') {
      problem(`integrity_check: ${JSON.stringify(integrity)}`);
    }
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    if (foreignKeys.length > 0) problem(`foreign_key_check: ${JSON.stringify(foreignKeys.slice(0, 10))}`);

    const twice = db
      .prepare('SELECT event_id, count(*) AS n FROM token_event GROUP BY event_id HAVING n > 1')
      .all();
    if (twice.length > 0) problem(`event ids stored twice: ${JSON.stringify(twice.slice(0, 10))}`);

    // IN-5: a place in application order (one upstream record) for exactly the applied events
    // (station and system), one each.
    const outboxes = db
      .prepare(
        `SELECT e.event_id, e.origin, e.status,
           (SELECT count(*) FROM upstream_record r WHERE r.id = e.applied_seq) AS n FROM token_event e`,
      )
      .all() as { event_id: string; origin: string; status: string; n: number }[];
    for (const row of outboxes) {
      const expected = row.status === 'applied' ? 1 : 0;
      if (row.n !== expected)
        problem(`${row.origin} event ${row.event_id} is ${row.status} with ${row.n} upstream records`);
    }
    // Parked events are waiting, and conflicts are open, exactly when their event says so.
    const parkedMismatch = db
      .prepare(
        `SELECT e.event_id, e.status FROM token_event e LEFT JOIN parked_event p ON p.event_row_id = e.id
         WHERE (e.status = 'parked') <> (p.event_row_id IS NOT NULL)`,
      )
      .all();
    if (parkedMismatch.length > 0)
      problem(`parked_event out of step: ${JSON.stringify(parkedMismatch.slice(0, 10))}`);
    const conflictMismatch = db
      .prepare(
        `SELECT e.event_id, e.status FROM token_event e LEFT JOIN conflict c ON c.event_row_id = e.id AND c.resolved_at IS NULL
         WHERE (e.status = 'conflict') <> (c.id IS NOT NULL)`,
      )
      .all();
    if (conflictMismatch.length > 0)
      problem(`conflict out of step: ${JSON.stringify(conflictMismatch.slice(0, 10))}`);

    // Every acknowledged event is stored, with a status that fits what its 200 said.
    const stationEvents = new Map(
      (
        db.prepare("SELECT event_id, status FROM token_event WHERE origin = 'station'").all() as {
          event_id: string;
          status: string;
        }[]
      ).map((r) => [r.event_id, r]),
    );
    // The first outcome as the log keeps it (what a resend of the event is answered).
    const log = new EventLog(db);
    for (const [id, ack] of acked) {
      const row = stationEvents.get(id);
      if (!row) {
        problem(`acknowledged event ${id} (${ack.station}, ${ack.status}) is not in token_event`);
        continue;
      }
      const fits =
        ack.status === 'rejected'
          ? row.status === 'rejected' &&
            JSON.stringify((log.find(id)?.result as { reason?: unknown } | undefined)?.reason) ===
              JSON.stringify(ack.reason)
          : ack.status === 'applied'
            ? row.status === 'applied'
            : ['applied', 'parked', 'conflict'].includes(row.status);
      if (!fits) problem(`acknowledged event ${id} answered ${ack.status} is stored ${row.status}`);
    }

    // Each family is the fold of its applied events, in the order they were applied (applied_seq).
    const graphs = new Map(
      (
        db.prepare('SELECT id, source_json FROM routing_graph').all() as { id: number; source_json: string }[]
      ).map((r) => [
        r.id,
        indexGraph(routingGraphFromInput(routingInputSchema.parse(JSON.parse(r.source_json)))),
      ]),
    );
    const roots = db
      .prepare(
        `SELECT t.id, t.code, t.graph_id, j.process_mode, j.qty FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id
         WHERE t.parent_token_id IS NULL ORDER BY t.id`,
      )
      .all() as { id: number; code: string; graph_id: number; process_mode: ProcessMode; qty: number }[];
    const appliedStmt = db.prepare(
      `SELECT e.event_id, e.origin, e.event_type, e.node_code, e.operator_badge, e.qty, e.data_json, e.token_after_json
       FROM token_event e
       WHERE e.applied_seq IS NOT NULL AND e.root_token_id = ? ORDER BY e.applied_seq`,
    );
    const membersStmt = db.prepare(
      'SELECT code, branch, node_code AS nodeCode, status, qty FROM flow_token WHERE root_token_id = ?',
    );
    const families = new Map<string, string[]>();
    for (const root of roots) {
      const graph = graphs.get(root.graph_id);
      if (!graph) {
        problem(`token ${root.code} is on unknown graph ${root.graph_id}`);
        continue;
      }
      let keyN = 0;
      const ctx: MachineContext = { graph, newTokenKey: () => `f${++keyN}` };
      let family: Family = {
        processMode: root.process_mode,
        members: [
          {
            key: 'root',
            code: root.code,
            branch: null,
            parentKey: null,
            nodeCode: graph.startNode,
            status: 'ready',
            qty: root.process_mode === 'batch' ? root.qty : 1,
            operator: null,
          },
        ],
      };
      const applied = appliedStmt.all(root.id) as {
        event_id: string;
        origin: string;
        event_type: string;
        node_code: string | null;
        operator_badge: string | null;
        qty: number | null;
        data_json: string;
        token_after_json: string | null;
      }[];
      for (const e of applied) {
        if (e.origin === 'station') {
          const action: OperatorAction = {
            type: e.event_type as OperatorEventType,
            nodeCode: e.node_code ?? '',
            operatorBadge: e.operator_badge ?? '',
            qty: e.qty ?? undefined,
            data: JSON.parse(e.data_json) as Record<string, unknown>,
          };
          const decision = decide(family, action, ctx);
          if (decision.kind !== 'applied') {
            problem(
              `${root.code}: applied event ${e.event_id} (${e.event_type} at ${e.node_code}) is ${decision.kind} in the fold`,
            );
            break;
          }
          family = decision.family;
        } else if (e.event_type === 'move' && e.token_after_json !== null && e.node_code !== null) {
          // A supervisor's manual move (TM-12): the same placement the server made, then the event.
          const to = JSON.parse(e.token_after_json) as TokenRef;
          const placement = placeMember(family, e.node_code, to.status, ctx);
          if (placement.kind === 'refused') {
            problem(`${root.code}: move ${e.event_id} to ${e.node_code} is refused in the fold`);
            break;
          }
          family = placement.family;
        }
      }
      const stored = canonical(membersStmt.all(root.id) as Projected[]);
      const folded = projectFamily(family);
      if (JSON.stringify(stored) !== JSON.stringify(folded)) {
        problem(
          `${root.code}: flow_token ${JSON.stringify(stored)} is not the fold of its events ${JSON.stringify(folded)}`,
        );
      }
      families.set(root.code, stored);
    }

    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return {
      problems,
      families,
      stationEvents: new Map([...stationEvents].map(([id, r]) => [id, r.status])),
      parkedRows: count('SELECT count(*) AS n FROM parked_event'),
      openConflicts: count('SELECT count(*) AS n FROM conflict WHERE resolved_at IS NULL'),
      openGaps: count('SELECT count(*) AS n FROM station_seq_gap WHERE filled_at IS NULL'),
      lastSeq: new Map(
        (db.prepare('SELECT name, last_seq FROM station').all() as { name: string; last_seq: number }[]).map(
          (r) => [r.name, r.last_seq],
        ),
      ),
    };
  } finally {
    db.close();
  }
}

/**
 * Checks a copy of the files as the crash left them, so that the next start still recovers from
 * the crash itself (opening the real file here would checkpoint its WAL first).
 */
function inspectCopy(dataDir: string, scratch: string, acked: ReadonlyMap<string, Ack>): DatabaseView {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  for (const suffix of ['', '-wal']) {
    const from = path.join(dataDir, `edge.sqlite${suffix}`);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(scratch, `edge.sqlite${suffix}`));
  }
  return inspectDatabase(path.join(scratch, 'edge.sqlite'), acked);
}

/** A copy of the (stopped) site's file with one statement run on it, foreign keys off. */
function inspectCopyTampered(dataDir: string, scratch: string, sql: string): string {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const copy = path.join(scratch, 'edge.sqlite');
  fs.copyFileSync(path.join(dataDir, 'edge.sqlite'), copy);
  const db = new Database(copy);
  try {
    db.pragma('foreign_keys = OFF');
    db.exec(sql);
  } finally {
    db.close();
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The test.

/** More work items than the demo's 15, so that 50 rounds have tokens to walk (admin API). */
const EXTRA_TICKETS = [
  { code: 'CRASH-TOTE', routing: 'BAG-TOTE', qty: 100, serialPrefix: 'CT-' },
  { code: 'CRASH-WALLET', routing: 'WALLET-LINEAR', qty: 60, serialPrefix: 'CW-' },
  { code: 'CRASH-TOTE-B1', routing: 'BAG-TOTE', processMode: 'batch', qty: 40, batchCode: 'CTB-1' },
  { code: 'CRASH-TOTE-B2', routing: 'BAG-TOTE', processMode: 'batch', qty: 25, batchCode: 'CTB-2' },
  { code: 'CRASH-WALLET-B1', routing: 'WALLET-LINEAR', processMode: 'batch', qty: 60, batchCode: 'CWB-1' },
];

async function setUpWorld(edge: EdgeProcess, dataDir: string, rng: Rng): Promise<World> {
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
  const login = await post(edge.url, '', '/api/v1/auth/login', demo.admin);
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  for (const ticket of EXTRA_TICKETS) {
    const created = await post(edge.url, login.body.token as string, '/api/v1/admin/tickets', ticket);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const stations: SimStation[] = demo.stations.map((s) => ({
    name: s.name,
    workCenter: s.workCenter,
    token: s.token,
    seq: 0,
    outbox: [],
    acked: [],
  }));
  // Every token starts ready at CUT, which the CUT station serves on both routings.
  const cut = stations.find((s) => s.workCenter === 'WC-CUT');
  if (!cut) throw new Error('the demo has no CUT station');
  const snapshot = await get(edge.url, cut.token, '/api/v1/station/snapshot');
  expect(snapshot.status).toBe(200);
  const graphs = new Map(
    (snapshot.body.routings as RoutingGraph[]).map((g) => [g.code, indexGraph(g)] as const),
  );
  const tokens: WorldToken[] = (
    snapshot.body.tokens as {
      code: string;
      routing: string;
      processMode: ProcessMode;
      qty: number;
      nodeCode: string;
    }[]
  ).map((t) => {
    const graph = graphs.get(t.routing);
    if (!graph) throw new Error(`no routing ${t.routing} in the snapshot`);
    return {
      code: t.code,
      routing: t.routing,
      graph,
      family: {
        processMode: t.processMode,
        members: [
          {
            key: 'root',
            code: t.code,
            branch: null,
            parentKey: null,
            nodeCode: t.nodeCode,
            status: 'ready',
            qty: t.qty,
            operator: null,
          },
        ],
      },
    };
  });
  expect(tokens.length).toBe(15 + 100 + 60 + 3);
  return new World(tokens, stations, rng);
}

describe('crash safety of the edge server process', () => {
  it(`IN-4, IN-5, IN-2, PK-5: ${ROUNDS} rounds of SIGKILL while stations push leave a consistent site`, async () => {
    const started = Date.now();
    const rng = new Rng(SEED);
    const dataDir = tempDir('scan-station-crash-');
    const scratch = tempDir('scan-station-crash-check-');
    const stats: Stats = {
      rounds: 0,
      eventsGenerated: 0,
      batchesSent: 0,
      batchesAcked: 0,
      batchesLostAtKill: 0,
      killsWithRequestsInFlight: 0,
      committedButUnacknowledged: 0,
      duplicatesInjected: 0,
      parkedAnswers: 0,
      appliedAnswers: 0,
      databaseChecks: 0,
      restarts: 0,
      lastRoundWithNewEvents: 0,
    };
    const ledger = new Ledger(stats);
    const serverErrors: string[] = [];
    const fail = (what: string, problems: string[]): string =>
      `${what} (seed ${SEED}, round ${stats.rounds}):\n${problems.slice(0, 40).join('\n')}`;

    let edge = await startEdge(dataDir);
    try {
      const world = await setUpWorld(edge, dataDir, rng);

      for (let round = 1; round <= ROUNDS; round++) {
        stats.rounds = round;
        // The shop floor works on while stations push: part of the round's events exist at its
        // start (what piled up while the server was down), the rest happen during the round.
        const budget = rng.int(20, 70);
        let made = 0;
        while (made < budget / 2 && world.act()) made++;
        // Some stations stay offline this round: their events arrive late, others park meanwhile.
        const online = world.stations.filter(() => round % 8 === 0 || rng.chance(0.7));
        let dead = false;
        const url = edge.url;
        const floor = (async () => {
          while (!dead && made < budget) {
            // Spread over about the kill window, so that the kill finds stations mid-push.
            for (let n = rng.int(1, 2); n > 0 && made < budget; n--) if (world.act()) made++;
            await sleep(rng.int(1, 10));
          }
        })();
        const loops = online.map((station) => ledger.deliver(url, station, rng, () => dead, false));
        await sleep(rng.int(0, MAX_KILL_DELAY_MS));
        if (ledger.inFlight > 0) stats.killsWithRequestsInFlight++;
        dead = true;
        await killEdge(edge);
        await Promise.all([floor, ...loops]);
        if (made > 0) stats.lastRoundWithNewEvents = round;
        stats.eventsGenerated = world.generated.size;
        serverErrors.push(...edge.errors);

        if (round % CHECK_EVERY === 0) {
          const view = inspectCopy(dataDir, scratch, ledger.acked);
          stats.databaseChecks++;
          expect(view.problems, fail('database after a crash', view.problems)).toEqual([]);
        }
        expect(ledger.problems, fail('answers during the rounds', ledger.problems)).toEqual([]);
        edge = await startEdge(dataDir);
        stats.restarts++;
      }

      // After the last restart: every acknowledged event sent again is a duplicate (IN-2).
      for (const station of world.stations) {
        for (let i = 0; i < station.acked.length; i += 50) {
          const again = station.acked.slice(i, i + 50);
          stats.batchesSent++;
          const answer = await post(edge.url, station.token, '/api/v1/events', {
            stationClock: new Date().toISOString(),
            events: again,
          });
          expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
          again.forEach((event, j) => {
            const result = answer.body.results[j] as {
              id: string;
              status: string;
              token?: TokenRef | null;
              reason?: unknown;
            };
            const first = ledger.acked.get(event.id);
            const ok =
              first?.status === 'rejected'
                ? result.status === 'rejected' &&
                  JSON.stringify(result.reason) === JSON.stringify(first.reason)
                : result.status === 'duplicate' && sameToken(result.token, first?.token);
            if (!ok)
              ledger.problem(
                `resent ${event.id} (first ${JSON.stringify(first)}) answered ${JSON.stringify(result)}`,
              );
          });
        }
      }
      expect(ledger.problems, fail('resending every acknowledged event', ledger.problems)).toEqual([]);

      // Flush what was never acknowledged; nothing is killed any more.
      for (let attempt = 0; world.stations.some((s) => s.outbox.length > 0); attempt++) {
        expect(attempt, 'the outboxes do not drain').toBeLessThan(100);
        await Promise.all(world.stations.map((s) => ledger.deliver(edge.url, s, rng, () => false)));
      }
      expect(ledger.problems, fail('flushing the outboxes', ledger.problems)).toEqual([]);
      await stopEdge(edge);
      serverErrors.push(...edge.errors);

      // The real file, with the server stopped.
      const view = inspectDatabase(path.join(dataDir, 'edge.sqlite'), ledger.acked);
      stats.databaseChecks++;
      expect(view.problems, fail('final database', view.problems)).toEqual([]);
      expect(serverErrors, fail('errors the server logged', serverErrors)).toEqual([]);

      // PK-5: every event of the true history was delivered at least once, so each took effect
      // exactly once and the site ends where the shop floor is.
      const notApplied = [...world.generated.keys()]
        .filter((id) => view.stationEvents.get(id) !== 'applied')
        .map(
          (id) =>
            `${id} ${JSON.stringify(world.generated.get(id))}: ${view.stationEvents.get(id) ?? 'missing'}`,
        );
      expect(notApplied, fail('events of the true history not applied', notApplied)).toEqual([]);
      expect(view.stationEvents.size, 'station events stored').toBe(world.generated.size);
      expect({ parked: view.parkedRows, conflicts: view.openConflicts, gaps: view.openGaps }).toEqual({
        parked: 0,
        conflicts: 0,
        gaps: 0,
      });
      for (const station of world.stations)
        expect(view.lastSeq.get(station.name), station.name).toBe(station.seq);
      const diverged = world.tokens
        .filter((t) => JSON.stringify(view.families.get(t.code)) !== JSON.stringify(projectFamily(t.family)))
        .map(
          (t) =>
            `${t.code}: site ${JSON.stringify(view.families.get(t.code))} world ${JSON.stringify(projectFamily(t.family))}`,
        );
      expect(diverged, fail('token families differ from the true history', diverged)).toEqual([]);

      // The run did what it is for: kills with requests in flight, parking, duplicates.
      if (ROUNDS >= 10) {
        expect(stats.killsWithRequestsInFlight, JSON.stringify(stats)).toBeGreaterThan(0);
        expect(stats.parkedAnswers, JSON.stringify(stats)).toBeGreaterThan(0);
        expect(stats.duplicatesInjected, JSON.stringify(stats)).toBeGreaterThan(0);
      }

      // The checks above are not vacuous: a copy of the final file with one write undone or one
      // row changed fails them.
      const tampered = (sql: string): string[] => {
        const copy = inspectCopyTampered(dataDir, scratch, sql);
        return inspectDatabase(copy, ledger.acked).problems;
      };
      const someAcked = [...ledger.acked.keys()][0] ?? '';
      expect(
        tampered(
          'UPDATE token_event SET applied_seq = NULL WHERE applied_seq = (SELECT max(applied_seq) FROM token_event)',
        ),
      ).not.toEqual([]);
      expect(
        tampered(
          "UPDATE flow_token SET status = 'paused' WHERE id = (SELECT min(id) FROM flow_token WHERE status = 'completed')",
        ),
      ).not.toEqual([]);
      expect(tampered(`DELETE FROM token_event WHERE event_id = '${someAcked}'`)).not.toEqual([]);

      console.log(
        `crash test: seed ${SEED}, ${JSON.stringify(stats)}, ` +
          `${world.tokens.filter((t) => isFinished(t.family)).length}/${world.tokens.length} tokens finished, ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      if (edge.child.exitCode === null && edge.child.signalCode === null) await killEdge(edge);
    }
  }, 300_000);
});
