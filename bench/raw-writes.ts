/**
 * @module The storage floor of ingest: the rows ingest writes for each applied event (its
 * token_event row, which is also its place in the upstream order, and the token's flow_token
 * update), written with plain
 * prepared statements into the server's own schema, with no validation, state machine or parking.
 * Ingest against this floor is the share of its cost that is logic rather than storage.
 */
import { contentHashOf } from '../edge-server/ingest/event-log';
import { NEXT_APPLIED_SEQ } from '../edge-server/ingest/applied-order';
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
        `INSERT INTO token_event (event_id, content_hash, event_type, station_id, seq, code, node_code,
           operator_badge, occurred_ms, received_ms, qty, data_json, root_token_id, token_id, status,
           token_after_json, applied_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{}', ?, ?, 'applied', ?, ${NEXT_APPLIED_SEQ})`,
      );
      const updateToken = db.prepare(
        'UPDATE flow_token SET node_code = ?, status = ?, change_seq = ?, status_since = ? WHERE id = ?',
      );
      const all = makeEvents(bench.codes).map((e) => {
        const token = JSON.stringify({ code: e.code, branch: null, nodeCode: e.nodeCode, status: 'active' });
        return {
          ...e,
          hash: contentHashOf(JSON.stringify(e)),
          occurredMs: Date.parse(e.occurredAt),
          token,
          tokenId: tokenIds.get(e.code) ?? 0,
        };
      });
      let changeSeq = 0;
      const write = db.transaction((rows: typeof all) => {
        const nowMs = Date.now();
        const now = new Date(nowMs).toISOString();
        changeSeq++;
        for (const e of rows) {
          insertEvent.run(
            e.id,
            e.hash,
            e.type,
            bench.station.id,
            e.seq,
            e.code,
            e.nodeCode,
            e.operatorBadge,
            e.occurredMs,
            nowMs,
            e.tokenId,
            e.tokenId,
            e.token,
          );
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
