/**
 * @module The bench's site and workload: the wallet routing, one piece ticket, one station at every
 * wallet node, operator OP-1, and per token start/complete at CUT, SEW, EDGE and FINISH (8 events
 * per token, valid in order), tokens interleaved in groups, one increasing `seq`, fresh UUIDv7 ids.
 */
import { uuidv7 } from 'uuidv7';
import { valueOf } from '../edge-server/errors';
import { addOperator } from '../edge-server/admin/people';
import { importRouting } from '../edge-server/admin/routings';
import { enrollStation } from '../edge-server/admin/stations';
import { createTicket } from '../edge-server/admin/tickets';
import { loadConfig } from '../edge-server/config';
import { loadFixture } from '../edge-server/ops/demo';
import type { StationEntry } from '../edge-server/reference/reference-data';
import type { EdgeCore } from '../edge-server/edge';
import { openEdgeCore } from '../edge-server/edge';
import type { EventResult } from '../shared/protocol';
import { MAX_PIECE_SERIALS } from '../shared/ticket-release';

export const NODES = ['CUT', 'SEW', 'EDGE', 'FINISH'] as const;
export const EVENTS_PER_TOKEN = NODES.length * 2;
/** Tokens worked on side by side: a batch holds several steps of several tokens. */
export const GROUP_SIZE = 25;
export const OPERATOR = 'OP-1';

export interface BenchEvent {
  id: string;
  seq: number;
  type: 'start' | 'complete';
  code: string;
  nodeCode: string;
  operatorBadge: string;
  occurredAt: string;
  data: Record<string, never>;
}

export interface BenchSite {
  core: EdgeCore;
  station: StationEntry;
  /** The station's bearer token (shown once by enrollStation). */
  stationToken: string;
  /** The ticket's token codes (serials), in order. */
  codes: string[];
}

/**
 * Opens a site in `dataDir` and sets up the routing, a ticket of `tokens` pieces, the station and OP-1.
 * `env` adds settings (e.g. an upstream: UPSTREAM_URL and UPSTREAM_CREDENTIAL, or NATS_URL).
 */
export function openBenchSite(dataDir: string, tokens: number, env: NodeJS.ProcessEnv = {}): BenchSite {
  const config = loadConfig({
    DATA_DIR: dataDir,
    DEMO: '0',
    LOG_LEVEL: 'silent',
    STATION_RATE_PER_SECOND: '1000000000',
    ...env,
  });
  const core = openEdgeCore(config, { defaultMetrics: false });
  try {
    const now = new Date().toISOString();
    valueOf(importRouting(core.db, loadFixture('routing-wallet-linear.json'), now));
    const codes = releaseSerials(core, { code: 'BENCH', qty: tokens, serialPrefix: 'BN-' }, now);
    const enrolled = valueOf(enrollStation(core.db, { name: 'BENCH-1', nodeCodes: [...NODES] }, now));
    valueOf(addOperator(core.db, { badge: OPERATOR, name: 'Bench operator' }, now));
    core.reference.refresh();
    const station = core.reference.station(enrolled.stationId);
    if (!station) throw new Error(`station ${enrolled.stationId} is not in the reference data`);
    return { core, station, stationToken: enrolled.token, codes };
  } catch (error) {
    core.close();
    throw error;
  }
}

/**
 * Releases `qty` wallet serials as piece tickets of at most MAX_PIECE_SERIALS each (`code`, then
 * `code-2`, …, serials numbered on from one prefix); returns the serials in order.
 */
export function releaseSerials(
  core: EdgeCore,
  release: { code: string; qty: number; serialPrefix: string },
  now: string,
): string[] {
  const codes: string[] = [];
  for (let n = 0; codes.length < release.qty; n++) {
    const qty = Math.min(MAX_PIECE_SERIALS, release.qty - codes.length);
    const code = n === 0 ? release.code : `${release.code}-${n + 1}`;
    const ticket = valueOf(
      createTicket(
        core.db,
        core.system,
        { code, routing: 'WALLET-LINEAR', qty, serialPrefix: release.serialPrefix },
        now,
      ),
    );
    codes.push(...ticket.tokens);
  }
  return codes;
}

/**
 * Every event for `codes`, valid in order: tokens go in groups of GROUP_SIZE, and within a group
 * each step is done for every token before the next step (step-major), so consecutive events
 * address different tokens.
 */
export function makeEvents(codes: readonly string[], firstSeq = 1): BenchEvent[] {
  const events: BenchEvent[] = [];
  let seq = firstSeq;
  const occurredAt = new Date().toISOString();
  for (let g = 0; g < codes.length; g += GROUP_SIZE) {
    const group = codes.slice(g, g + GROUP_SIZE);
    for (const nodeCode of NODES) {
      for (const type of ['start', 'complete'] as const) {
        for (const code of group) {
          events.push({
            id: uuidv7(),
            seq: seq++,
            type,
            code,
            nodeCode,
            operatorBadge: OPERATOR,
            occurredAt,
            data: {},
          });
        }
      }
    }
  }
  return events;
}

/** Tokens needed for `events` events, rounded up to whole groups. */
export function tokensFor(events: number): number {
  const perGroup = GROUP_SIZE * EVENTS_PER_TOKEN;
  return Math.ceil(events / perGroup) * GROUP_SIZE;
}

/** Aborts the bench loudly unless every result is `applied`: a figure for rejected events means nothing. */
export function assertAllApplied(
  label: string,
  sent: readonly BenchEvent[],
  results: readonly EventResult[],
): void {
  if (results.length !== sent.length) {
    throw new Error(`${label}: ${results.length} results for ${sent.length} events`);
  }
  results.forEach((result, i) => {
    if (result.status !== 'applied' || result.id !== sent[i]?.id) {
      throw new Error(
        `${label}: event ${i} (${JSON.stringify(sent[i])}) was not applied: ${JSON.stringify(result)}`,
      );
    }
  });
}

/** After a scenario: every token whose 8 events were all sent must be completed at FINISH. */
export function assertCompleted(label: string, bench: BenchSite, expected: number): void {
  const row = bench.core.db
    .prepare("SELECT count(*) AS n FROM flow_token WHERE status = 'completed' AND node_code = 'FINISH'")
    .get() as { n: number };
  if (row.n !== expected) throw new Error(`${label}: ${row.n} tokens completed, expected ${expected}`);
}
