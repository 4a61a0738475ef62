/**
 * @module What a station needs to work offline (protocol.md "Pull"): the live tokens at its nodes,
 * those nodes, their routing graphs and the operators; in full, or as a delta since a cursor.
 *
 * The cursor is `<change_seq>.<reference_seq>`: tokens changed after the first part are sent (or
 * listed as removed when they left the station's nodes); reference data is sent again when the
 * second part moved. The station's own block (name, work center, nodes, language) is in every
 * answer, so a change of its language (which moves the reference counter) reaches the next one.
 *
 * A delta reads every token changed on the site since the cursor; a full answer reads the live
 * tokens at the station's nodes. From an old cursor the first is far more (a tablet off for a
 * shift would be sent the ids of every token finished since), so the server answers with the
 * cheaper of the two (chooseAnswer), decided from index-only counts bounded by each other; so
 * does a cursor ahead of the server's counter (a restored database). A full answer is marked
 * `full: true` and replaces what the station held (client/station/snapshot-cache.ts).
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { StationLanguage } from '../../shared/protocol';
import type { Snapshot, SnapshotToken } from '../../shared/station-api';
import { currentChangeSeq } from '../ingest/change-counter';
import { DomainError } from '../errors';
import type { GraphEntry, ReferenceData, StationEntry } from '../reference/reference-data';
import { readReferenceSeq, serves } from '../reference/reference-data';

const LIVE_SQL = "('ready', 'active', 'paused')";

/**
 * Below this many changed tokens a delta is answered without counting the station's tokens: both
 * answers are small then, and most pulls (a station syncs every few seconds) stop here.
 */
export const SMALL_DELTA = 256;

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

/**
 * What an answer costs, in token rows (a token row read and sent is the unit): a delta scans every
 * token changed on the site since the cursor and sends each as a token or a removed id (never more
 * than a token row), so its cost is at most `changed`; a full answer sends `live` tokens and, when
 * a delta would not carry them, the routings and operators (`reference`, an element each).
 * `changed` need only be counted up to `live + reference + 1`.
 */
export function chooseAnswer(counts: { changed: number; live: number; reference: number }): 'delta' | 'full' {
  return counts.changed > counts.live + counts.reference ? 'full' : 'delta';
}

export interface TokenRow {
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
}

const TOKEN_COLUMNS = `t.id, t.code, t.branch, t.graph_id, t.node_code, t.status, t.qty, t.active_operator,
  t.status_since, j.code AS ticket, j.process_mode`;

/** The SQL filters for the station's tokens: its routings and node codes (serves() is exact; this narrows). */
interface Scope {
  graphIds: number[];
  /** `graph_id IN (…) AND node_code IN (…)` over `t`, with its parameters. */
  sql: string;
  params: (number | string)[];
}

function scopeOf(graphIds: number[], station: StationEntry): Scope {
  const codes = [...station.servedCodes];
  const list = (values: readonly unknown[]) => values.map(() => '?').join(',') || 'NULL';
  return {
    graphIds,
    sql: `t.graph_id IN (${list(graphIds)}) AND t.node_code IN (${list(codes)})`,
    params: [...graphIds, ...codes],
  };
}

/** Statements by SQL text, per connection: a station's pull runs the same few shapes again and again. */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function statement(db: Database.Database, sql: string): Database.Statement {
  let bySql = statements.get(db);
  if (!bySql) statements.set(db, (bySql = new Map<string, Database.Statement>()));
  let s = bySql.get(sql);
  if (!s) {
    // Bounded: one shape per count of routings and node codes a station serves, and a few per shape.
    if (bySql.size >= 256) bySql.clear();
    bySql.set(sql, (s = db.prepare(sql)));
  }
  return s;
}

/** Tokens changed after `change` on the whole site, counted up to `limit` (an index-only scan). */
function changedUpTo(db: Database.Database, change: number, limit: number): number {
  return statement(
    db,
    `SELECT count(*) FROM (SELECT 1 FROM flow_token INDEXED BY flow_token_change WHERE change_seq > ? LIMIT ?)`,
  )
    .pluck()
    .get(change, limit) as number;
}

/** Live tokens at the station's node codes, counted up to `limit` (the covering index flow_token_node). */
function liveUpTo(db: Database.Database, scope: Scope, limit: number): number {
  return statement(
    db,
    `SELECT count(*) FROM (SELECT 1 FROM flow_token t WHERE ${scope.sql} AND t.status IN ${LIVE_SQL} LIMIT ?)`,
  )
    .pluck()
    .get(...scope.params, limit) as number;
}

/**
 * Whether a station at `change` gets a delta (chooseAnswer), from index-only counts: a pull with
 * few changes is a delta at once; with up to 8 times as many, the station's tokens are counted
 * only as far as the changes go; beyond, they are counted (as many as a full answer reads, from an
 * index) and the changes only as far as that count. So the choice never reads the whole history.
 */
function deltaIsCheaper(db: Database.Database, scope: Scope, change: number, reference: number): boolean {
  const small = Math.max(SMALL_DELTA, reference);
  if (changedUpTo(db, change, small + 1) <= small) return true;
  const some = changedUpTo(db, change, 8 * small + 1);
  if (some <= 8 * small) {
    // Live tokens past changed - reference would not change the answer.
    const live = liveUpTo(db, scope, some - reference);
    return chooseAnswer({ changed: some, live, reference }) === 'delta';
  }
  const live = liveUpTo(db, scope, Number.MAX_SAFE_INTEGER);
  return (
    chooseAnswer({ changed: changedUpTo(db, change, live + reference + 1), live, reference }) === 'delta'
  );
}

/**
 * The token rows of an answer: every live one at the station's node codes, or (a delta) those of
 * them changed after `change`, with the ids of the other changed tokens of its routings (which
 * need no columns: reading them whole once cost a delta from cursor 0 most of its time).
 */
function readRows(
  db: Database.Database,
  scope: Scope,
  change: number | null,
): { rows: TokenRow[]; gone: number[] } {
  const live = `${scope.sql} AND t.status IN ${LIVE_SQL}`;
  if (change === null) {
    const rows = statement(
      db,
      `SELECT ${TOKEN_COLUMNS} FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id WHERE ${live}`,
    ).all(...scope.params) as TokenRow[];
    return { rows, gone: [] };
  }
  // A delta reads what changed since the cursor, not the routings' whole history.
  const rows = statement(
    db,
    `SELECT ${TOKEN_COLUMNS} FROM flow_token t INDEXED BY flow_token_change JOIN job_ticket j ON j.id = t.ticket_id
       WHERE t.change_seq > ? AND ${live}`,
  ).all(change, ...scope.params) as TokenRow[];
  const graphs = scope.graphIds.map(() => '?').join(',') || 'NULL';
  const gone = statement(
    db,
    `SELECT t.id FROM flow_token t INDEXED BY flow_token_change
       WHERE t.change_seq > ? AND t.graph_id IN (${graphs}) AND NOT (${live})`,
  )
    .pluck()
    .all(change, ...scope.graphIds, ...scope.params) as number[];
  return { rows, gone };
}

/** A token row as the station reads it, on the routing with this code. */
export function snapshotTokenOf(row: TokenRow, routing: string): SnapshotToken {
  return {
    id: row.id,
    code: row.code,
    branch: row.branch,
    routing,
    nodeCode: row.node_code,
    status: row.status,
    qty: row.qty,
    processMode: row.process_mode,
    ticket: row.ticket,
    operator: row.active_operator,
    statusSince: row.status_since,
  };
}

function toTokens(
  reference: ReferenceData,
  station: StationEntry,
  rows: readonly TokenRow[],
  removed: number[],
): SnapshotToken[] {
  const tokens: SnapshotToken[] = [];
  for (const row of rows) {
    const graph = reference.graph(row.graph_id);
    // The SQL matched the node code; a code the station serves in another routing only is not its token.
    if (!serves(station, graph, row.node_code)) {
      removed.push(row.id);
      continue;
    }
    tokens.push(snapshotTokenOf(row, graph.indexed.graph.code));
  }
  return tokens;
}

/** Routings and operators in an answer, counted an element each (chooseAnswer's `reference`). */
function referenceSize(graphs: readonly GraphEntry[], operators: number): number {
  return graphs.reduce((n, g) => n + g.indexed.graph.nodes.length + g.indexed.graph.edges.length, operators);
}

/** The station as a pull sees it, in the pull's transaction: its routings and the active operators. */
interface Pull {
  station: StationEntry;
  changeSeq: number;
  referenceSeq: number;
  graphs: GraphEntry[];
  operators: NonNullable<Snapshot['operators']>;
  scope: Scope;
  /** Whether a delta answers; false: a full answer. */
  delta: boolean;
}

function preparePull(
  db: Database.Database,
  reference: ReferenceData,
  caller: StationEntry,
  cursor: { change: number; reference: number } | null,
  policy: 'cheaper' | 'delta',
): Pull {
  reference.refresh();
  const station = reference.currentStation(caller.id);
  const changeSeq = currentChangeSeq(db);
  const referenceSeq = readReferenceSeq(db);
  const graphs = reference
    .allGraphs()
    .filter((g) => [...g.nodeIds.values()].some((id) => station.servedNodes.has(id)));
  const operators = reference
    .allOperators()
    .filter((o) => o.active)
    .map((o) => ({
      badge: o.badge,
      name: o.name,
      pinHash: o.pinHash,
      ...(o.language === null ? {} : { language: o.language }),
    }));
  const scope = scopeOf(
    graphs.map((g) => g.id),
    station,
  );
  // A delta carries routings and operators anyway when they changed: then they weigh nothing in the choice.
  const referenceWeight =
    cursor === null || cursor.reference !== referenceSeq ? 0 : referenceSize(graphs, operators.length);
  // A cursor ahead of the counter is from another history (a restored database): only a full answer is right.
  const delta =
    cursor !== null &&
    cursor.change <= changeSeq &&
    (policy === 'delta' || deltaIsCheaper(db, scope, cursor.change, referenceWeight));
  return { station, changeSeq, referenceSeq, graphs, operators, scope, delta };
}

/** Which answer a pull from `since` gets, without building it (bench/snapshot.ts times the choice alone). */
export function snapshotAnswer(
  db: Database.Database,
  reference: ReferenceData,
  caller: StationEntry,
  since: string | undefined,
): 'delta' | 'full' {
  const cursor = parseCursor(since);
  return db.transaction(() =>
    preparePull(db, reference, caller, cursor, 'cheaper').delta ? 'delta' : 'full',
  )();
}

export function buildSnapshot(
  db: Database.Database,
  reference: ReferenceData,
  caller: StationEntry,
  since: string | undefined,
  now: Date,
  /** The site's STATION_LANGUAGE: what a station without a language of its own speaks. */
  siteLanguage: StationLanguage,
  /** `delta`: a delta whenever there is a cursor, however old (bench/snapshot.ts shows what that costs). */
  policy: 'cheaper' | 'delta' = 'cheaper',
): Snapshot {
  const cursor = parseCursor(since);
  return db.transaction((): Snapshot => {
    const { station, changeSeq, referenceSeq, graphs, operators, scope, delta } = preparePull(
      db,
      reference,
      caller,
      cursor,
      policy,
    );
    const { rows, gone } = readRows(db, scope, delta && cursor ? cursor.change : null);
    const removed = [...gone];
    const tokens = toTokens(reference, station, rows, removed);
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
    const referenceMoved = cursor !== null && cursor.reference !== referenceSeq;
    return {
      cursor: `${changeSeq}.${referenceSeq}`,
      full: !delta,
      serverTime: now.toISOString(),
      station: {
        name: station.name,
        workCenter: station.workCenter,
        language: station.language ?? siteLanguage,
        nodes,
      },
      ...(!delta || referenceMoved ? { routings: graphs.map((g) => g.indexed.graph), operators } : {}),
      tokens,
      removed: delta ? removed : [],
    };
  })();
}
