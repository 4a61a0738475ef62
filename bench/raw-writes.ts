/**
 * @module The storage floor of ingest: the rows ingest writes for each applied event (a
 * token_event row, an upstream_outbox row, the token's flow_token update), written with plain
 * prepared statements into the server's own schema, with no validation, state machine or parking.
 * Ingest against this floor is the share of its cost that is logic rather than storage.
 */
import { createHash } from 'node:crypto';
import type { Measurement } from './stats';
import { chunk, summarize } from './stats';
import { withTempDir } from './temp';
import { EVENTS_PER_TOKEN, makeEvents, openBenchSite, tokensFor } from './workload';

export async function measureRawWrites(batch: number, warmup: number, events: number): Promise<Measurement> {
  return withTempDir('scan-bench-writes-', (dir) => {
    const tokens = tokensFor(warmup + events);
    if (tokens * EVENTS_PER_TOKEN !== warmup + events)
      throw new Error('warm-up + events must fill whole token groups');
    const bench = openBenchSite(dir, tokens);
    const { db } = bench.core;
    try {
      const tokenIds = new Map(
        (db.prepare('SELECT id, code FROM flow_token').all() as { id: number; code: string }[]).map((r) => [
          r.code,
          r.id,
        ]),
      );
      const insertEvent = db.prepare(
        `INSERT INTO token_event (event_id, content_hash, origin, event_type, station_id, seq, code, node_code,
           operator_badge, occurred_at, occurred_at_corrected, received_at, qty, data_json, root_token_id, token_id,
           status, reason_code, reason_message, result_json, applied_at, token_after_json)
         VALUES (?, ?, 'station', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{}', ?, ?, 'applied', NULL, NULL, ?, ?, ?)`,
      );
      const insertOutbox = db.prepare('INSERT INTO upstream_outbox (event_row_id, created_at) VALUES (?, ?)');
      const updateToken = db.prepare(
        'UPDATE flow_token SET node_code = ?, status = ?, change_seq = ?, status_since = ? WHERE id = ?',
      );
      const all = makeEvents(bench.codes).map((e) => {
        const token = JSON.stringify({ code: e.code, branch: null, nodeCode: e.nodeCode, status: 'active' });
        return {
          ...e,
          hash: createHash('sha256').update(JSON.stringify(e)).digest('hex'),
          token,
          result: `{"id":"${e.id}","status":"applied","token":${token}}`,
          tokenId: tokenIds.get(e.code) ?? 0,
        };
      });
      let changeSeq = 0;
      const write = db.transaction((rows: typeof all) => {
        const now = new Date().toISOString();
        changeSeq++;
        for (const e of rows) {
          const info = insertEvent.run(
            e.id,
            e.hash,
            e.type,
            bench.station.id,
            e.seq,
            e.code,
            e.nodeCode,
            e.operatorBadge,
            e.occurredAt,
            e.occurredAt,
            now,
            e.tokenId,
            e.tokenId,
            e.result,
            now,
            e.token,
          );
          insertOutbox.run(info.lastInsertRowid, now);
          updateToken.run(e.nodeCode, e.type === 'start' ? 'active' : 'ready', changeSeq, now, e.tokenId);
        }
      });
      for (const b of chunk(all.slice(0, warmup), batch)) write(b);
      const measured = chunk(all.slice(warmup), batch);
      const latencies: number[] = [];
      const started = performance.now();
      for (const b of measured) {
        const t0 = performance.now();
        write(b);
        latencies.push(performance.now() - t0);
      }
      return summarize(events, (performance.now() - started) / 1000, latencies);
    } finally {
      bench.core.close();
    }
  });
}
