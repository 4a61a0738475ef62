/**
 * @module Bytes on disk per applied station event (SPEC PF-5): a site of 20,000 serials takes its
 * 160,000 station events (start and complete at four nodes, batches of 100, through the product's
 * own ingest) and the 20,000 spawn events of its ticket; then the WAL is checkpointed into the
 * database file and the file's size is divided by the station events. SQLite's dbstat table gives
 * where the bytes are (each table and index, per station event). Alone: `npx tsx bench/storage.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chunk } from './stats';
import { withTempDir } from './temp';
import { assertAllApplied, makeEvents, openBenchSite } from './workload';

/** The bar: at most this many bytes on disk per applied station event. */
export const BYTES_PER_EVENT_TARGET = 400;

export interface StorageBenchResult {
  serials: number;
  stationEvents: number;
  systemEvents: number;
  fileBytes: number;
  bytesPerEvent: number;
  /** The largest tables and indexes, bytes per station event. */
  parts: { name: string; bytesPerEvent: number }[];
}

export async function runStorageBench(scale = 1): Promise<StorageBenchResult> {
  const serials = Math.max(1_000, Math.round((20_000 * scale) / 25) * 25);
  return withTempDir('scan-bench-storage-', (dir) => {
    const bench = openBenchSite(dir, serials);
    try {
      for (const batch of chunk(makeEvents(bench.codes), 100)) {
        const now = new Date();
        assertAllApplied(
          'storage',
          batch,
          bench.core.ingest(bench.station, now.toISOString(), batch, now).results,
        );
      }
      const db = bench.core.db;
      db.pragma('wal_checkpoint(TRUNCATE)');
      const counts = db
        .prepare("SELECT origin, count(*) AS n FROM token_event WHERE status = 'applied' GROUP BY origin")
        .all() as { origin: string; n: number }[];
      const stationEvents = counts.find((c) => c.origin === 'station')?.n ?? 0;
      const systemEvents = counts.find((c) => c.origin === 'system')?.n ?? 0;
      const parts = (
        db
          .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 8')
          .all() as { name: string; bytes: number }[]
      ).map((p) => ({ name: p.name, bytesPerEvent: p.bytes / stationEvents }));
      const fileBytes = fs.statSync(path.join(dir, 'edge.sqlite')).size;
      return {
        serials,
        stationEvents,
        systemEvents,
        fileBytes,
        bytesPerEvent: fileBytes / stationEvents,
        parts,
      };
    } finally {
      bench.core.close();
    }
  });
}

export function formatStorageBench(r: StorageBenchResult): string[] {
  const verdict = r.bytesPerEvent <= BYTES_PER_EVENT_TARGET ? 'PASS' : 'MISS';
  return [
    `${r.serials.toLocaleString('en')} serials: ${r.stationEvents.toLocaleString('en')} station events + ` +
      `${r.systemEvents.toLocaleString('en')} system events; database file ${(r.fileBytes / 1048576).toFixed(1)} MiB`,
    `bytes on disk per applied station event: ${r.bytesPerEvent.toFixed(0)} (target <= ${BYTES_PER_EVENT_TARGET}: ${verdict})`,
    ...r.parts.map((p) => `  ${p.name.padEnd(34)} ${p.bytesPerEvent.toFixed(1).padStart(7)} B/event`),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const result = await runStorageBench(Number(process.env['BENCH_SCALE'] ?? '1'));
  for (const line of formatStorageBench(result)) console.log(line);
}
