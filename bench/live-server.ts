/**
 * @module The live bench's edge server, in a process of its own (the server is another machine to
 * its stations and consoles; in the bench's process their fetch and parsing would be charged to
 * it). Forked by bench/live.ts with `<dataDir>` and the site's size as JSON; sets up the site
 * (the wallet routing, a floor ticket waiting at CUT, one ticket for the pushing stations, the
 * stations and a supervisor), starts the HTTP server on loopback (default settings, DEMO=0) and
 * says `ready` over IPC. Every ingest call is timed as it commits: the change cursors it wrote and
 * the wall time (performance.timeOrigin + now(), comparable across processes) right after its
 * transaction, so the bench measures commit → console, not request → console. Answers `commits`
 * with them, and closes on `stop` (or when the parent goes away).
 */
import { valueOf } from '../edge-server/errors';
import { addUser } from '../edge-server/admin/people';
import { addOperator } from '../edge-server/admin/people';
import { importRouting } from '../edge-server/admin/routings';
import { enrollStation } from '../edge-server/admin/stations';
import { loadConfig } from '../edge-server/config';
import type { RunningServer } from '../edge-server/http/server';
import { startServer } from '../edge-server/http/server';
import type { EdgeCore } from '../edge-server/edge';
import { openEdgeCore } from '../edge-server/edge';
import { loadFixture } from '../edge-server/ops/demo';
import { NODES, OPERATOR, releaseSerials } from './workload';

export interface LiveSiteSize {
  stations: number;
  /** Serials each pushing station works through (its own, in order). */
  serialsPerStation: number;
  /** Serials waiting at CUT on a ticket of their own: the floor the old /queues lists unpaged. */
  floorSerials: number;
}

export interface LiveStationEntry {
  token: string;
  codes: string[];
}

export type LiveServerRequest = { kind: 'commits' } | { kind: 'stop' };

export type LiveServerMessage =
  | {
      kind: 'ready';
      url: string;
      stations: LiveStationEntry[];
      supervisor: { username: string; password: string };
      setupSeconds: number;
    }
  | {
      kind: 'commits';
      /** Flat triples: first cursor, last cursor, commit wall time (ms), one per ingest that wrote changes. */
      commits: number[];
      cursor: number;
      subscribers: number;
    }
  | { kind: 'error'; message: string };

function send(message: LiveServerMessage): void {
  process.send?.(message);
}

const wallNow = (): number => performance.timeOrigin + performance.now();

function setUp(
  core: EdgeCore,
  size: LiveSiteSize,
): Omit<Extract<LiveServerMessage, { kind: 'ready' }>, 'url' | 'setupSeconds'> {
  const now = new Date().toISOString();
  valueOf(importRouting(core.db, loadFixture('routing-wallet-linear.json'), now));
  if (size.floorSerials > 0)
    releaseSerials(core, { code: 'FLOOR', qty: size.floorSerials, serialPrefix: 'FL-' }, now);
  const pushed = {
    tokens: releaseSerials(
      core,
      { code: 'LIVE', qty: size.stations * size.serialsPerStation, serialPrefix: 'LV-' },
      now,
    ),
  };
  valueOf(addOperator(core.db, { badge: OPERATOR, name: 'Bench operator' }, now));
  const supervisor = { username: 'bench-supervisor', password: 'bench-supervisor-password' };
  valueOf(addUser(core.db, { ...supervisor, role: 'supervisor' }, now));
  const stations: LiveStationEntry[] = [];
  for (let s = 0; s < size.stations; s++) {
    const enrolled = valueOf(enrollStation(core.db, { name: `LIVE-${s + 1}`, nodeCodes: [...NODES] }, now));
    const from = s * size.serialsPerStation;
    stations.push({ token: enrolled.token, codes: pushed.tokens.slice(from, from + size.serialsPerStation) });
  }
  core.reference.refresh();
  return { kind: 'ready', stations, supervisor };
}

async function main(): Promise<void> {
  const [dataDir, sizeJson] = process.argv.slice(2);
  if (!dataDir || !sizeJson || !process.send) {
    throw new Error('usage: forked by bench/live.ts with <dataDir> <size as JSON>');
  }
  const size = JSON.parse(sizeJson) as LiveSiteSize;
  const started = performance.now();
  const core: EdgeCore = openEdgeCore(
    loadConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', STATION_RATE_PER_SECOND: '1000000' }),
    { defaultMetrics: false },
  );
  // Commit times: the ingest transaction has committed when the call returns (better-sqlite3 is synchronous).
  const commits: number[] = [];
  const ingest = core.ingest;
  core.ingest = (station, stationClock, events, now) => {
    const before = core.live.cursor();
    const outcome = ingest(station, stationClock, events, now);
    const after = core.live.cursor();
    if (after > before) commits.push(before + 1, after, wallNow());
    return outcome;
  };
  let server: RunningServer | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      core.live.close();
      await server?.close();
      core.close();
    })());
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  process.on('message', (request: LiveServerRequest) => {
    if (request.kind === 'commits') {
      send({ kind: 'commits', commits, cursor: core.live.cursor(), subscribers: core.live.subscriberCount });
    } else {
      void close().then(() => process.disconnect());
    }
  });
  const site = setUp(core, size);
  server = await startServer(core, 0, '127.0.0.1');
  send({ ...site, url: server.url, setupSeconds: (performance.now() - started) / 1000 });
}

main().catch((error: unknown) => {
  send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
