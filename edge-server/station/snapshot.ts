/**
 * @module What a station needs to work offline (protocol.md "Pull"): the live tokens at its nodes,
 * those nodes, their routing graphs and the operators; in full, or as a delta since a cursor.
 *
 * The cursor is `<change_seq>.<reference_seq>`: tokens changed after the first part are sent (or
 * listed as removed when they left the station's nodes); reference data is sent again when the
 * second part moved. The station's own block (name, work center, nodes, language) is in every
 * answer, so a change of its language (which moves the reference counter) reaches the next one.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { StationLanguage } from '../../shared/protocol';
import type { Snapshot, SnapshotToken } from '../../shared/station-api';
import { currentChangeSeq } from '../ingest/change-counter';
import { DomainError } from '../errors';
import type { ReferenceData, StationEntry } from '../reference/reference-data';
import { readReferenceSeq, serves } from '../reference/reference-data';

const LIVE: ReadonlySet<string> = new Set(['ready', 'active', 'paused']);

export function parseCursor(since: string | undefined): { change: number; reference: number } | null {
  if (since === undefined || since === '') return null;
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(since);
  if (!match) {
    throw new DomainError(
      'invalid',
      `since: not a cursor from an earlier snapshot (got "${since.slice(0, 40)}")`,
      [{ field: 'since' }],
    );
  }
  return { change: Number(match[1]), reference: Number(match[2]) };
}

export function buildSnapshot(
  db: Database.Database,
  reference: ReferenceData,
  caller: StationEntry,
  since: string | undefined,
  now: Date,
  /** The site's STATION_LANGUAGE: what a station without a language of its own speaks. */
  siteLanguage: StationLanguage,
): Snapshot {
  const cursor = parseCursor(since);
  return db.transaction((): Snapshot => {
    reference.refresh();
    const station = reference.currentStation(caller.id);
    const changeSeq = currentChangeSeq(db);
    const referenceSeq = readReferenceSeq(db);
    const graphs = reference
      .allGraphs()
      .filter((g) => [...g.nodeIds.values()].some((id) => station.servedNodes.has(id)));
    const graphIds = graphs.map((g) => g.id);
    const nodes = graphs.flatMap((g) =>
      g.indexed.graph.nodes
        .filter((n) => serves(station, g, n.code))
        .map((n) => ({
          routing: g.indexed.graph.code,
          routingVersion: g.indexed.graph.version,
          nodeCode: n.code,
          name: n.name,
          behavior: n.behavior,
        })),
    );
    const placeholders = graphIds.map(() => '?').join(',') || 'NULL';
    const servedCodes = [...station.servedCodes];
    const codePlaceholders = servedCodes.map(() => '?').join(',') || 'NULL';
    const rows = db
      .prepare(
        `SELECT t.id, t.code, t.branch, t.graph_id, t.node_code, t.status, t.qty, t.active_operator, t.status_since,
           j.code AS ticket, j.process_mode
         ${
           cursor
             ? // A delta reads what changed since the cursor, not the routings' whole history.
               `FROM flow_token t INDEXED BY flow_token_change JOIN job_ticket j ON j.id = t.ticket_id
                WHERE t.change_seq > ? AND t.graph_id IN (${placeholders})`
             : `FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id
                WHERE t.graph_id IN (${placeholders}) AND t.node_code IN (${codePlaceholders})
                  AND t.status IN ('ready', 'active', 'paused')`
         }`,
      )
      .all(...(cursor ? [cursor.change, ...graphIds] : [...graphIds, ...servedCodes])) as {
      id: number;
      code: string;
      branch: string | null;
      graph_id: number;
      node_code: string;
      status: TokenStatus;
      qty: number;
      active_operator: string | null;
      status_since: string;
      ticket: string;
      process_mode: 'piece' | 'batch';
    }[];
    const tokens: SnapshotToken[] = [];
    const removed: number[] = [];
    for (const row of rows) {
      if (LIVE.has(row.status) && serves(station, reference.graph(row.graph_id), row.node_code)) {
        tokens.push({
          id: row.id,
          code: row.code,
          branch: row.branch,
          routing: reference.graph(row.graph_id).indexed.graph.code,
          nodeCode: row.node_code,
          status: row.status,
          qty: row.qty,
          processMode: row.process_mode,
          ticket: row.ticket,
          operator: row.active_operator,
          statusSince: row.status_since,
        });
      } else if (cursor) {
        removed.push(row.id);
      }
    }
    const withReference = cursor === null || cursor.reference !== referenceSeq;
    return {
      cursor: `${changeSeq}.${referenceSeq}`,
      full: cursor === null,
      serverTime: now.toISOString(),
      station: {
        name: station.name,
        workCenter: station.workCenter,
        language: station.language ?? siteLanguage,
        nodes,
      },
      ...(withReference
        ? {
            routings: graphs.map((g) => g.indexed.graph),
            operators: reference
              .allOperators()
              .filter((o) => o.active)
              .map((o) => ({
                badge: o.badge,
                name: o.name,
                pinHash: o.pinHash,
                ...(o.language === null ? {} : { language: o.language }),
              })),
          }
        : {}),
      tokens,
      removed,
    };
  })();
}
