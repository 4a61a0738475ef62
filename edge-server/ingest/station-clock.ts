/**
 * @module What a batch tells about its station besides its events (IN-6, IN-7): a jump in its `seq`
 * is a gap (events lost on the device), recorded and narrowed when a late event fills part of it;
 * the batch's `stationClock` gives the station's clock skew, kept with a history of its changes.
 */
import type Database from 'better-sqlite3';

interface StationRow {
  last_seq: number;
  clock_skew_ms: number | null;
}

/** A skew that moved less than this is the same skew (network time, not a clock change). */
const SKEW_CHANGE_MS = 1000;

export class StationBookkeeping {
  private readonly stationStmt: Database.Statement;
  private readonly seenStmt: Database.Statement;
  private readonly skewHistoryStmt: Database.Statement;
  private readonly gapStmt: Database.Statement;
  private readonly gapsContainingStmt: Database.Statement;
  private readonly closeGapStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.stationStmt = db.prepare('SELECT last_seq, clock_skew_ms FROM station WHERE id = ?');
    this.seenStmt = db.prepare(
      'UPDATE station SET last_seen_at = ?, last_seq = ?, clock_skew_ms = ?, clock_skew_at = ? WHERE id = ?',
    );
    this.skewHistoryStmt = db.prepare(
      'INSERT INTO station_clock_skew (station_id, skew_ms, observed_at) VALUES (?, ?, ?)',
    );
    this.gapStmt = db.prepare(
      'INSERT INTO station_seq_gap (station_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)',
    );
    this.gapsContainingStmt = db.prepare(
      `SELECT id, from_seq, to_seq, detected_at FROM station_seq_gap
       WHERE station_id = ? AND filled_at IS NULL AND from_seq <= ? AND to_seq >= ?`,
    );
    this.closeGapStmt = db.prepare('UPDATE station_seq_gap SET filled_at = ? WHERE id = ?');
  }

  /** One batch's view of a station, inside the batch's transaction. */
  open(stationId: number, skewMs: number, nowIso: string): StationBatch {
    const row = this.stationStmt.get(stationId) as StationRow;
    let lastSeq = row.last_seq;
    return {
      skewMs,
      /** IN-6: a jump in seq is a gap; a late event inside an open gap narrows or closes it. */
      trackSeq: (seq) => {
        if (seq > lastSeq + 1) this.gapStmt.run(stationId, lastSeq + 1, seq - 1, nowIso);
        if (seq > lastSeq) {
          lastSeq = seq;
          return;
        }
        const gaps = this.gapsContainingStmt.all(stationId, seq, seq) as {
          id: number;
          from_seq: number;
          to_seq: number;
          detected_at: string;
        }[];
        for (const gap of gaps) {
          // What is left of the gap keeps the time it was first seen.
          this.closeGapStmt.run(nowIso, gap.id);
          if (gap.from_seq < seq) this.gapStmt.run(stationId, gap.from_seq, seq - 1, gap.detected_at);
          if (gap.to_seq > seq) this.gapStmt.run(stationId, seq + 1, gap.to_seq, gap.detected_at);
        }
      },
      /** IN-7: the station was seen now, with this skew. */
      finish: () => {
        const changed = row.clock_skew_ms === null || Math.abs(row.clock_skew_ms - skewMs) >= SKEW_CHANGE_MS;
        if (changed) this.skewHistoryStmt.run(stationId, skewMs, nowIso);
        this.seenStmt.run(nowIso, lastSeq, skewMs, nowIso, stationId);
      },
    };
  }
}

export interface StationBatch {
  /** The station's clock minus the server's, in ms. */
  skewMs: number;
  trackSeq(seq: number): void;
  finish(): void;
}
