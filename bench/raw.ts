/**
 * @module The raw better-sqlite3 insert ceiling: rows shaped like a `token_event` row inserted into a
 * plain table, N rows per transaction, on a file with exactly the server's pragmas (applyPragmas).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { uuidv7 } from 'uuidv7';
import { applyPragmas } from '../edge-server/db/open';
import type { Measurement } from './stats';
import { chunk, summarize } from './stats';
import { withTempDir } from './temp';

export interface RawRow {
  event_id: string;
  station_id: number;
  seq: number;
  event_type: string;
  code: string;
  node_code: string;
  operator_badge: string;
  occurred_at: string;
  data_json: string;
}

const NODES = ['CUT', 'SEW', 'EDGE', 'FINISH'] as const;

/** Rows built before the clock starts, so only SQLite is measured. */
export function makeRawRows(count: number): RawRow[] {
  const occurredAt = new Date().toISOString();
  return Array.from({ length: count }, (_, i): RawRow => {
    const id = uuidv7();
    const code = `BN-${String(Math.floor(i / 8) + 1).padStart(5, '0')}`;
    const nodeCode = NODES[Math.floor(i / 2) % NODES.length] ?? 'CUT';
    const type = i % 2 === 0 ? 'start' : 'complete';
    return {
      event_id: id,
      station_id: 1,
      seq: i + 1,
      event_type: type,
      code,
      node_code: nodeCode,
      operator_badge: 'OP-1',
      occurred_at: occurredAt,
      // The event as the station sent it: about the size of token_event's JSON columns.
      data_json: JSON.stringify({
        id,
        seq: i + 1,
        type,
        code,
        nodeCode,
        operatorBadge: 'OP-1',
        occurredAt,
        data: {},
      }),
    };
  });
}

/** Creates the plain table in `db` (whose pragmas the caller set) and returns a batch inserter. */
export function createRawTable(db: Database.Database): (rows: readonly RawRow[]) => void {
  db.exec(`CREATE TABLE raw_event (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    station_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    code TEXT NOT NULL,
    node_code TEXT NOT NULL,
    operator_badge TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    data_json TEXT NOT NULL
  )`);
  const insert = db.prepare(
    `INSERT INTO raw_event (event_id, station_id, seq, event_type, code, node_code, operator_badge, occurred_at, data_json)
     VALUES (@event_id, @station_id, @seq, @event_type, @code, @node_code, @operator_badge, @occurred_at, @data_json)`,
  );
  return db.transaction((rows: readonly RawRow[]) => {
    for (const row of rows) insert.run(row);
  });
}

/** Inserts `warmup` then `events` rows, `batch` rows per transaction, timing each transaction. */
export async function measureRawCeiling(batch: number, warmup: number, events: number): Promise<Measurement> {
  return withTempDir('scan-bench-raw-', (dir) => {
    const db = new Database(path.join(dir, 'raw.sqlite'));
    try {
      applyPragmas(db);
      const insertBatch = createRawTable(db);
      const rows = makeRawRows(warmup + events);
      for (const b of chunk(rows.slice(0, warmup), batch)) insertBatch(b);
      const measured = chunk(rows.slice(warmup), batch);
      const latencies: number[] = [];
      const started = performance.now();
      for (const b of measured) {
        const t0 = performance.now();
        insertBatch(b);
        latencies.push(performance.now() - t0);
      }
      const seconds = (performance.now() - started) / 1000;
      const count = (db.prepare('SELECT count(*) AS n FROM raw_event').get() as { n: number }).n;
      if (count !== rows.length) {
        throw new Error(`raw batch ${batch}: ${count} rows stored, expected ${rows.length}`);
      }
      return summarize(events, seconds, latencies);
    } finally {
      db.close();
    }
  });
}
