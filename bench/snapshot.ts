/**
 * @module Snapshot pulls on a busy site (`npm run bench`, or alone: `npx tsx bench/snapshot.ts`):
 * time and bytes of a full snapshot, of a delta from a recent cursor, and of pulls from stale
 * cursors (before the live tokens were released, halfway through the history, and 0), each as the
 * route makes them (buildSnapshot, then JSON), and the same stale pulls forced to be deltas (what
 * the server's choice saves).
 *
 * The site: the wallet routing; a station at CUT and SEW with 20,000 live tokens there (ten
 * tickets of 2,000 serials, through createTicket); 200,000 finished tokens of earlier work, written
 * straight into flow_token (a change counter value per 100 of them, as ingest batches stamp them);
 * then recent work through core.ingest: 250 tokens started and completed at CUT (they stay, at
 * SEW) and 250 through CUT and SEW (they leave for EDGE). Issue 13 item 6: a stale station's pull
 * costs at most about what a full snapshot costs (ratio <= ~1.0x). Every pull, merged into the
 * state the station held at its cursor (client/station/snapshot-cache.ts), must give the full
 * snapshot's tokens, or the bench stops. Pulls are timed in interleaved rounds; the median wall
 * time, the fastest call and the median CPU time are reported, and the ratio is judged by CPU time
 * (on a loaded machine wall times move with whatever else runs).
 * BENCH_SNAPSHOT_SCALE=0.1 shrinks the site when run alone (npm run bench passes its scale).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from 'uuidv7';
import { importRouting } from '../edge-server/admin/routings';
import { addOperator } from '../edge-server/admin/people';
import { enrollStation } from '../edge-server/admin/stations';
import { createTicket } from '../edge-server/admin/tickets';
import { loadConfig } from '../edge-server/config';
import type { EdgeCore } from '../edge-server/edge';
import { openEdgeCore } from '../edge-server/edge';
import { valueOf } from '../edge-server/errors';
import { currentChangeSeq, setChangeSeq } from '../edge-server/ingest/change-counter';
import { loadFixture } from '../edge-server/ops/demo';
import type { StationEntry } from '../edge-server/reference/reference-data';
import { readReferenceSeq, serves } from '../edge-server/reference/reference-data';
import type { TokenRow } from '../edge-server/station/snapshot';
import { buildSnapshot, snapshotAnswer, snapshotTokenOf } from '../edge-server/station/snapshot';
import { mergeSnapshot } from '../client/station/snapshot-cache';
import type { Snapshot, SnapshotToken } from '../shared/station-api';
import { percentile } from './stats';
import { withTempDir } from './temp';

/** Issue 13 item 6: a pull from a stale cursor costs at most about a full snapshot. */
export const TARGET_STALE_RATIO = 1.0;
const SERIALS_PER_TICKET = 2_000;
/** Timed calls per pull (after one warm-up); the median is reported. */
const REPEATS = 15;

export interface PullFigures {
  /** What the station sent as `since` (none: a first pull). */
  label: string;
  since: string | undefined;
  /** Whether the server answered in full. */
  full: boolean;
  medianMs: number;
  /** The fastest call: what the pull costs when nothing else competes for the machine. */
  minMs: number;
  /** Median CPU time of the process over the call (user + system, GC threads included): load elsewhere barely moves it. */
  cpuMs: number;
  /** Median CPU time of the choice between delta and full alone (snapshotAnswer); null without a cursor or forced. */
  choiceCpuMs: number | null;
  bytes: number;
  tokens: number;
  removed: number;
}

export interface SnapshotBenchResult {
  liveTokens: number;
  historyTokens: number;
  changeSeq: number;
  buildSeconds: number;
  pulls: PullFigures[];
  /** The slowest stale pull's median time over the full snapshot's (as answered, not the forced deltas). */
  staleTimeRatio: number;
  /** The same by the fastest calls. */
  staleMinTimeRatio: number;
  /** The same by median CPU time: the verdict's figure (wall times move with whatever else runs). */
  staleCpuRatio: number;
  /** The costliest forced delta from a stale cursor over the full snapshot (CPU time): what the choice saves. */
  forcedDeltaRatio: number;
  /** The costliest choice between delta and full (CPU time, ms). */
  choiceCpuMs: number;
  /** The delta from cursor 0 read as before issue 13, over the full snapshot (CPU time). */
  beforeDeltaRatio: number;
  /** The largest stale pull's bytes over the full snapshot's. */
  staleBytesRatio: number;
}

interface Site {
  core: EdgeCore;
  station: StationEntry;
  /** Cursors taken along the way: before the live work, after it, before the recent work. */
  cursors: { zero: string; old: string; beforeLive: string; recent: string };
  /** What a station that pulled in full at each cursor held (cursor 0: nothing). */
  held: Map<string, Snapshot>;
}

type Policy = 'cheaper' | 'delta' | 'before';

const pull = (site: Site, since: string | undefined, policy: Policy = 'cheaper'): Snapshot =>
  policy === 'before' && since !== undefined
    ? deltaAsBefore(site, since)
    : buildSnapshot(
        site.core.db,
        site.core.reference,
        site.station,
        since,
        new Date(),
        'en',
        policy === 'before' ? 'delta' : policy,
      );

/**
 * A delta's tokens as edge-server/station/snapshot.ts read them before issue 13 (kept here only to
 * measure against): every token changed since the cursor read whole, with its ticket, into a row
 * object, then sorted into tokens and removed ids in JavaScript. The station block, routings and
 * operators are left out (a few hundred bytes here), so this is a little less than such a pull cost.
 */
function deltaAsBefore(site: Site, since: string): Snapshot {
  const { db, reference } = site.core;
  const change = Number(since.split('.')[0]);
  return db.transaction((): Snapshot => {
    const station = reference.currentStation(site.station.id);
    const graphIds = reference
      .allGraphs()
      .filter((g) => [...g.nodeIds.values()].some((id) => station.servedNodes.has(id)))
      .map((g) => g.id);
    const rows = db
      .prepare(
        `SELECT t.id, t.code, t.branch, t.graph_id, t.node_code, t.status, t.qty, t.active_operator, t.status_since,
           j.code AS ticket, j.process_mode
         FROM flow_token t INDEXED BY flow_token_change JOIN job_ticket j ON j.id = t.ticket_id
         WHERE t.change_seq > ? AND t.graph_id IN (${graphIds.map(() => '?').join(',') || 'NULL'})`,
      )
      .all(change, ...graphIds) as TokenRow[];
    const tokens: SnapshotToken[] = [];
    const removed: number[] = [];
    for (const row of rows) {
      if (LIVE.has(row.status) && serves(station, reference.graph(row.graph_id), row.node_code)) {
        tokens.push(snapshotTokenOf(row, reference.graph(row.graph_id).indexed.graph.code));
      } else {
        removed.push(row.id);
      }
    }
    const cursor = `${currentChangeSeq(db)}.${readReferenceSeq(db)}`;
    const block = { name: station.name, workCenter: station.workCenter, nodes: [] };
    return { cursor, full: false, serverTime: new Date().toISOString(), station: block, tokens, removed };
  })();
}
const LIVE: ReadonlySet<string> = new Set(['ready', 'active', 'paused']);

/** `count` finished tokens of earlier work, one change counter value per 100 of them. */
function writeHistory(core: EdgeCore, part: number, count: number): void {
  const db = core.db;
  const now = new Date().toISOString();
  const ticket = valueOf(
    createTicket(
      core.db,
      core.system,
      { code: `HIST-${part}`, routing: 'WALLET-LINEAR', qty: 1, serialPrefix: `H${part}-` },
      now,
    ),
  );
  db.transaction(() => {
    const first = currentChangeSeq(db) + 1;
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
       INSERT INTO flow_token (ticket_id, graph_id, code, parent_token_id, root_token_id, branch, node_code, status,
         qty, active_operator, status_since, change_seq, created_at)
       SELECT t.ticket_id, t.graph_id, 'HX' || @part || '-' || n.i, NULL, NULL, NULL, 'FINISH', 'completed', 1, NULL, @now,
         @first + n.i / 100, @now
       FROM n, flow_token t WHERE t.ticket_id = @ticket`,
    ).run({
      part: BigInt(part),
      count: BigInt(count),
      now,
      first: BigInt(first),
      ticket: BigInt(ticket.ticketId),
    });
    db.prepare('UPDATE flow_token SET root_token_id = id WHERE root_token_id IS NULL').run();
    setChangeSeq(db, first + Math.floor(count / 100) + 1);
  })();
}

/** Start and complete at each of `nodes` for every code, in batches of 500, through core.ingest. */
function work(site: Site, codes: readonly string[], nodes: readonly string[], seq: { next: number }): void {
  const events: Record<string, unknown>[] = [];
  const occurredAt = new Date().toISOString();
  for (const nodeCode of nodes)
    for (const type of ['start', 'complete'])
      for (const code of codes)
        events.push({
          id: uuidv7(),
          seq: seq.next++,
          type,
          code,
          nodeCode,
          operatorBadge: 'OP-1',
          occurredAt,
          data: {},
        });
  for (let i = 0; i < events.length; i += 500) {
    const now = new Date();
    const { results } = site.core.ingest(site.station, now.toISOString(), events.slice(i, i + 500), now);
    const refused = results.find((r) => r.status !== 'applied');
    if (refused) throw new Error(`snapshot bench: an event was not applied: ${JSON.stringify(refused)}`);
  }
}

function buildSite(dir: string, live: number, history: number, recent: number): Site {
  const core = openEdgeCore(
    loadConfig({ DATA_DIR: dir, DEMO: '0', LOG_LEVEL: 'silent', STATION_RATE_PER_SECOND: '1000000000' }),
    { defaultMetrics: false },
  );
  const now = new Date().toISOString();
  valueOf(importRouting(core.db, loadFixture('routing-wallet-linear.json'), now));
  const enrolled = valueOf(enrollStation(core.db, { name: 'SNAP-1', nodeCodes: ['CUT', 'SEW'] }, now));
  valueOf(addOperator(core.db, { badge: 'OP-1', name: 'Bench operator' }, now));
  core.reference.refresh();
  const station = core.reference.station(enrolled.stationId);
  if (!station) throw new Error('snapshot bench: the station is not in the reference data');
  const site: Site = {
    core,
    station,
    cursors: { zero: '0.0', old: '', beforeLive: '', recent: '' },
    held: new Map(),
  };
  const snapshotNow = (): string => {
    const snapshot = pull(site, undefined);
    site.held.set(snapshot.cursor, snapshot);
    return snapshot.cursor;
  };
  writeHistory(core, 1, Math.floor(history / 2));
  site.cursors.old = snapshotNow();
  writeHistory(core, 2, history - Math.floor(history / 2));
  site.cursors.beforeLive = snapshotNow();
  const codes: string[] = [];
  for (let t = 0; codes.length < live; t++) {
    const qty = Math.min(SERIALS_PER_TICKET, live - codes.length);
    const ticket = valueOf(
      createTicket(
        core.db,
        core.system,
        { code: `LIVE-${t}`, routing: 'WALLET-LINEAR', qty, serialPrefix: `L${t}-` },
        now,
      ),
    );
    codes.push(...ticket.tokens);
  }
  site.cursors.recent = snapshotNow();
  const seq = { next: 1 };
  work(site, codes.slice(0, recent), ['CUT'], seq);
  work(site, codes.slice(recent, 2 * recent), ['CUT', 'SEW'], seq);
  return site;
}

const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** 0…n-1 in an order fixed by `seed` (Fisher-Yates with a small LCG: the same every run). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, k) => k);
  let state = seed * 7919 + 1;
  for (let k = n - 1; k > 0; k--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (k + 1);
    [order[k], order[j]] = [order[j] as number, order[k] as number];
  }
  return order;
}

interface Pull {
  label: string;
  since: string | undefined;
  policy: Policy;
}

/**
 * Times every pull in rounds (one of each per round, so load on the machine falls on all alike),
 * then checks each answer: merged into what the station held at its cursor, it must give the full
 * snapshot's tokens.
 */
function measure(site: Site, pulls: readonly Pull[], full: Snapshot): PullFigures[] {
  const times = pulls.map((): number[] => []);
  const cpu = pulls.map((): number[] => []);
  const choice = pulls.map((): number[] => []);
  const answers: Snapshot[] = [];
  const bodies: string[] = [];
  for (let round = 0; round <= REPEATS; round++) {
    // A new order each round, so the garbage one pull leaves (collected during the next) falls on each alike.
    const order = shuffled(pulls.length, round);
    order.forEach((i) => {
      const p = pulls[i] as Pull;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const answer = pull(site, p.since, p.policy);
      const body = JSON.stringify(answer);
      const used = process.cpuUsage(c0);
      const ms = performance.now() - t0;
      if (round > 0) {
        times[i]?.push(ms);
        cpu[i]?.push((used.user + used.system) / 1000);
      }
      if (p.policy === 'cheaper' && p.since !== undefined) {
        const c1 = process.cpuUsage();
        snapshotAnswer(site.core.db, site.core.reference, site.station, p.since);
        const chose = process.cpuUsage(c1);
        if (round > 0) choice[i]?.push((chose.user + chose.system) / 1000);
      }
      answers[i] = answer;
      bodies[i] = body;
    });
  }
  const tokens = (s: Snapshot) => JSON.stringify([...s.tokens].sort((a, b) => a.id - b.id));
  return pulls.map((p, i) => {
    const answer = answers[i] as Snapshot;
    if (p.since !== undefined) {
      const merged = mergeSnapshot(site.held.get(p.since) ?? null, answer);
      if (tokens(merged) !== tokens(full))
        throw new Error(`snapshot bench: ${p.label}: the station's state differs from a full pull's`);
    }
    const sorted = (times[i] ?? []).sort((a, b) => a - b);
    return {
      label: p.label,
      since: p.since,
      full: answer.full,
      medianMs: percentile(sorted, 50),
      minMs: sorted[0] ?? Number.NaN,
      cpuMs: median(cpu[i] ?? []),
      choiceCpuMs: choice[i]?.length ? median(choice[i] ?? []) : null,
      bytes: Buffer.byteLength(bodies[i] ?? ''),
      tokens: answer.tokens.length,
      removed: answer.removed.length,
    };
  });
}

export async function runSnapshotBench(scale = 1): Promise<SnapshotBenchResult> {
  const live = Math.max(500, Math.round(20_000 * scale));
  const history = Math.max(5_000, Math.round(200_000 * scale));
  const recent = Math.max(50, Math.round(250 * scale));
  return withTempDir('scan-snapshot-bench-', (dir) => {
    const t0 = performance.now();
    const site = buildSite(dir, live, history, recent);
    const buildSeconds = (performance.now() - t0) / 1000;
    try {
      const full = pull(site, undefined);
      const { cursors } = site;
      const stale: Pull[] = [
        {
          label: `cursor before the ${live.toLocaleString('en')} live tokens`,
          since: cursors.beforeLive,
          policy: 'cheaper',
        },
        { label: 'cursor halfway through history', since: cursors.old, policy: 'cheaper' },
        { label: 'cursor 0', since: cursors.zero, policy: 'cheaper' },
      ];
      const pulls = measure(
        site,
        [
          { label: 'full (no cursor)', since: undefined, policy: 'cheaper' },
          { label: `recent cursor (${2 * recent} tokens changed)`, since: cursors.recent, policy: 'cheaper' },
          ...stale.map((p) => ({ ...p, label: `stale: ${p.label}` })),
          { label: `forced delta: recent cursor`, since: cursors.recent, policy: 'delta' },
          ...stale.map((p) => ({ ...p, label: `forced delta: ${p.label}`, policy: 'delta' as const })),
          { label: 'delta read as before: cursor 0', since: cursors.zero, policy: 'before' },
        ],
        full,
      );
      const fullFigures = pulls[0] as PullFigures;
      const answered = pulls.slice(2, 2 + stale.length);
      const forced = pulls.slice(3 + stale.length, 3 + 2 * stale.length);
      const before = pulls[3 + 2 * stale.length] as PullFigures;
      const worst = (figures: PullFigures[], of: (p: PullFigures) => number) =>
        Math.max(...figures.map(of)) / of(fullFigures);
      return {
        liveTokens: full.tokens.length,
        historyTokens: history,
        changeSeq: currentChangeSeq(site.core.db),
        buildSeconds,
        pulls,
        staleTimeRatio: worst(answered, (p) => p.medianMs),
        staleMinTimeRatio: worst(answered, (p) => p.minMs),
        staleCpuRatio: worst(answered, (p) => p.cpuMs),
        staleBytesRatio: worst(answered, (p) => p.bytes),
        forcedDeltaRatio: worst(forced, (p) => p.cpuMs),
        choiceCpuMs: Math.max(...pulls.map((p) => p.choiceCpuMs ?? 0)),
        beforeDeltaRatio: before.cpuMs / fullFigures.cpuMs,
      };
    } finally {
      site.core.close();
    }
  });
}

export function formatSnapshotBench(r: SnapshotBenchResult): string {
  const kb = (b: number) => (b / 1024).toFixed(0);
  const lines = [
    `site: ${r.liveTokens.toLocaleString('en')} live tokens at the station's nodes, ` +
      `${r.historyTokens.toLocaleString('en')} finished tokens, change counter ${r.changeSeq.toLocaleString('en')} ` +
      `(built in ${r.buildSeconds.toFixed(1)} s)`,
    `${'pull'.padEnd(52)} ${'answer'.padEnd(6)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'cpu'.padStart(9)} ${'KB'.padStart(7)} ${'tokens'.padStart(7)} ${'removed'.padStart(8)} ${'choice cpu'.padStart(10)}`,
  ];
  for (const p of r.pulls)
    lines.push(
      `${p.label.padEnd(52)} ${(p.full ? 'full' : 'delta').padEnd(6)} ${p.medianMs.toFixed(1).padStart(6)} ms ` +
        `${p.minMs.toFixed(1).padStart(6)} ms ${p.cpuMs.toFixed(1).padStart(6)} ms ${kb(p.bytes).padStart(7)} ${String(p.tokens).padStart(7)} ${String(p.removed).padStart(8)}` +
        (p.choiceCpuMs === null ? '' : ` ${p.choiceCpuMs.toFixed(2).padStart(7)} ms`),
    );
  // "About 1.0x": a stale pull answered in full is a full snapshot and the choice's counts.
  const verdict = (ratio: number) => (ratio <= TARGET_STALE_RATIO * 1.1 ? 'ok' : 'MISS');
  lines.push(
    `slowest stale pull / full: ${r.staleTimeRatio.toFixed(2)}x time by median, ` +
      `${r.staleMinTimeRatio.toFixed(2)}x by the fastest call, ` +
      `${r.staleCpuRatio.toFixed(2)}x by CPU time (${verdict(r.staleCpuRatio)}), ` +
      `${r.staleBytesRatio.toFixed(2)}x bytes (${verdict(r.staleBytesRatio)}); target <= ~${TARGET_STALE_RATIO.toFixed(1)}x`,
    `the choice between delta and full costs at most ${r.choiceCpuMs.toFixed(2)} ms of CPU ` +
      `(${((100 * r.choiceCpuMs) / (r.pulls[0]?.cpuMs ?? Number.NaN)).toFixed(1)} % of a full snapshot)`,
    `(a delta from the costliest stale cursor would cost ${r.forcedDeltaRatio.toFixed(2)}x a full snapshot's CPU time; ` +
      `read as before issue 13, ${r.beforeDeltaRatio.toFixed(2)}x)`,
  );
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const scale = Number(process.env['BENCH_SNAPSHOT_SCALE'] ?? '1');
  console.log(formatSnapshotBench(await runSnapshotBench(scale)));
}
