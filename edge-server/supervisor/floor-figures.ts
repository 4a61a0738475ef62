/**
 * @module The floor figures (SPEC SV-2): per routing version, node and live status the count of
 * tokens, their units and the oldest status_since (`floor_count`), and work done per node, hour and
 * ticket (`floor_done`). Migration 0003 keeps them with triggers on flow_token and token_event, in
 * the transaction that writes the token or the event, on every write path; this module rebuilds
 * them from the tokens and the event log (the same counting as the migration's first fill) and
 * recounts them for the consistency tests.
 */
import type Database from 'better-sqlite3';
import { isoOf } from '../db/sql-time';

const LIVE = "('ready', 'active', 'paused', 'waiting', 'split')";

export interface CountFigure {
  graph_id: number;
  node_code: string;
  status: string;
  tokens: number;
  units: number;
  oldest_since: string | null;
}

export interface DoneFigure {
  graph_id: number;
  node_code: string;
  hour: string;
  ticket_id: number;
  completions: number;
  units: number;
}

const RECOUNT_SQL = `SELECT graph_id, node_code, status, count(*) AS tokens, sum(qty) AS units,
    min(status_since) AS oldest_since
  FROM flow_token WHERE status IN ${LIVE} GROUP BY graph_id, node_code, status`;

/**
 * Done as the event log tells it. Units of an event without qty are the qty its token holds now:
 * the same as when it applied unless a later event lowered that token's qty.
 */
const RECOUNT_DONE_SQL = `SELECT r.graph_id, e.node_code,
    strftime('%Y-%m-%dT%H:00:00Z', e.corrected_ms / 1000, 'unixepoch') AS hour, r.ticket_id,
    count(*) AS completions, sum(coalesce(e.qty, t.qty, 1)) AS units
  FROM token_event e JOIN flow_token r ON r.id = e.root_token_id LEFT JOIN flow_token t ON t.id = e.token_id
  WHERE e.status = 'applied' AND e.origin = 'station' AND e.event_type IN ('complete', 'qc_pass')
  GROUP BY r.graph_id, e.node_code, hour, r.ticket_id`;

const order = (a: { graph_id: number; node_code: string }, b: { graph_id: number; node_code: string }) =>
  a.graph_id - b.graph_id || a.node_code.localeCompare(b.node_code);

/** The count figures as the triggers keep them (rows with tokens left out), in a stable order. */
export function readCountFigures(db: Database.Database): CountFigure[] {
  return (
    db
      .prepare(
        'SELECT graph_id, node_code, status, tokens, units, oldest_since FROM floor_count WHERE tokens > 0',
      )
      .all() as CountFigure[]
  ).sort((a, b) => order(a, b) || a.status.localeCompare(b.status));
}

/** The count figures recounted from flow_token, in the same order. */
export function recountCountFigures(db: Database.Database): CountFigure[] {
  return (db.prepare(RECOUNT_SQL).all() as CountFigure[]).sort(
    (a, b) => order(a, b) || a.status.localeCompare(b.status),
  );
}

export function readDoneFigures(db: Database.Database): DoneFigure[] {
  return (
    db
      .prepare('SELECT graph_id, node_code, hour, ticket_id, completions, units FROM floor_done')
      .all() as DoneFigure[]
  ).sort((a, b) => order(a, b) || a.hour.localeCompare(b.hour) || a.ticket_id - b.ticket_id);
}

export function recountDoneFigures(db: Database.Database): DoneFigure[] {
  return (db.prepare(RECOUNT_DONE_SQL).all() as DoneFigure[]).sort(
    (a, b) => order(a, b) || a.hour.localeCompare(b.hour) || a.ticket_id - b.ticket_id,
  );
}

/**
 * Rebuilds both tables from the tokens and the live event log, in one transaction. Done figures
 * of events already moved to the archive files are kept (the archive holds old months only).
 */
export function rebuildFloorFigures(db: Database.Database): void {
  db.transaction(() => {
    db.prepare('DELETE FROM floor_count').run();
    db.prepare(
      `INSERT INTO floor_count (graph_id, node_code, status, tokens, units, oldest_since) ${RECOUNT_SQL}`,
    ).run();
    const oldest = db.prepare(`SELECT ${isoOf('min(corrected_ms)')} AS at FROM token_event`).get() as {
      at: string | null;
    };
    // Hours the live log covers are counted again; earlier hours (archived events) stay as they are.
    const from = oldest.at === null ? null : `${oldest.at.slice(0, 13)}:00:00Z`;
    if (from === null) return;
    db.prepare('DELETE FROM floor_done WHERE hour >= ?').run(from);
    db.prepare(
      `INSERT INTO floor_done (graph_id, node_code, hour, ticket_id, completions, units)
       SELECT * FROM (${RECOUNT_DONE_SQL}) WHERE hour >= ?`,
    ).run(from);
  }).immediate();
}
