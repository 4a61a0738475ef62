/**
 * @module Reference data held in memory for ingest: routing graphs, stations and operators. It is
 * reloaded whenever `site_counter.reference_seq` moves, which every admin change bumps (also from
 * the CLI, in another process), so one cheap read per batch keeps it current.
 */
import type Database from 'better-sqlite3';
import type { IndexedGraph } from '../shared/routing-graph';
import { indexGraph } from '../shared/routing-graph';
import { routingGraphFromInput, routingInputSchema } from '../shared/routing-import';

export interface GraphEntry {
  id: number;
  indexed: IndexedGraph;
  nodeIds: ReadonlyMap<string, number>;
}

export interface StationEntry {
  id: number;
  name: string;
  workCenter: string | null;
  revoked: boolean;
  /** `${graphId}:${nodeCode}` for every node the station reports at. */
  servedNodes: ReadonlySet<string>;
  /** The node codes it reports at, whatever the graph. */
  servedCodes: ReadonlySet<string>;
}

export interface OperatorEntry {
  id: number;
  badge: string;
  name: string;
  active: boolean;
  pinHash: string | null;
}

export class StationRevokedError extends Error {
  constructor() {
    super('This station was revoked; enroll it again to get a new token');
  }
}

export function servedKey(graphId: number, nodeCode: string): string {
  return `${graphId}:${nodeCode}`;
}

/** Bumps the reference counter; call inside the transaction that changed reference data. */
export function bumpReferenceSeq(db: Database.Database): void {
  db.prepare("UPDATE site_counter SET value = value + 1 WHERE name = 'reference_seq'").run();
}

export function readReferenceSeq(db: Database.Database): number {
  const row = db.prepare("SELECT value FROM site_counter WHERE name = 'reference_seq'").get() as
    { value: number } | undefined;
  return row?.value ?? 0;
}

export class ReferenceData {
  private loadedSeq = -1;
  private graphs = new Map<number, GraphEntry>();
  private stationsByHash = new Map<string, StationEntry>();
  private stationsById = new Map<number, StationEntry>();
  private operators = new Map<string, OperatorEntry>();
  private readonly seqStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.seqStatement = db.prepare("SELECT value FROM site_counter WHERE name = 'reference_seq'");
  }

  /** Reloads everything if an admin change happened since the last load. */
  refresh(): void {
    const seq = (this.seqStatement.get() as { value: number }).value;
    if (seq !== this.loadedSeq) this.load(seq);
  }

  graph(id: number): GraphEntry {
    const entry = this.graphs.get(id);
    if (!entry) throw new Error(`routing graph ${id} is not loaded`);
    return entry;
  }

  allGraphs(): GraphEntry[] {
    return [...this.graphs.values()];
  }

  stationByTokenHash(hash: string): StationEntry | undefined {
    return this.stationsByHash.get(hash);
  }

  station(id: number): StationEntry | undefined {
    return this.stationsById.get(id);
  }

  /** The station as the data now says (call after `refresh` in a transaction); throws if revoked. */
  currentStation(id: number): StationEntry {
    const station = this.stationsById.get(id);
    if (!station || station.revoked) throw new StationRevokedError();
    return station;
  }

  operator(badge: string): OperatorEntry | undefined {
    return this.operators.get(badge);
  }

  allOperators(): OperatorEntry[] {
    return [...this.operators.values()];
  }

  private load(seq: number): void {
    const graphs = new Map<number, GraphEntry>();
    const graphRows = this.db.prepare('SELECT id, source_json FROM routing_graph').all() as {
      id: number;
      source_json: string;
    }[];
    const nodeRows = this.db.prepare('SELECT id, graph_id, code FROM routing_node').all() as {
      id: number;
      graph_id: number;
      code: string;
    }[];
    for (const row of graphRows) {
      const input = routingInputSchema.parse(JSON.parse(row.source_json));
      const nodeIds = new Map(nodeRows.filter((n) => n.graph_id === row.id).map((n) => [n.code, n.id]));
      graphs.set(row.id, { id: row.id, indexed: indexGraph(routingGraphFromInput(input)), nodeIds });
    }
    const nodeById = new Map(nodeRows.map((n) => [n.id, n]));
    const served = this.db.prepare('SELECT station_id, node_id FROM station_node').all() as {
      station_id: number;
      node_id: number;
    }[];
    const stationRows = this.db
      .prepare(
        `SELECT s.id, s.name, s.token_hash, s.revoked_at, wc.code AS work_center
         FROM station s LEFT JOIN work_center wc ON wc.id = s.work_center_id`,
      )
      .all() as {
      id: number;
      name: string;
      token_hash: string;
      revoked_at: string | null;
      work_center: string | null;
    }[];
    const byHash = new Map<string, StationEntry>();
    const byId = new Map<number, StationEntry>();
    for (const row of stationRows) {
      const nodes = served.filter((s) => s.station_id === row.id).map((s) => nodeById.get(s.node_id));
      const entry: StationEntry = {
        id: row.id,
        name: row.name,
        workCenter: row.work_center,
        revoked: row.revoked_at !== null,
        servedNodes: new Set(nodes.flatMap((n) => (n ? [servedKey(n.graph_id, n.code)] : []))),
        servedCodes: new Set(nodes.flatMap((n) => (n ? [n.code] : []))),
      };
      byHash.set(row.token_hash, entry);
      byId.set(row.id, entry);
    }
    const devices = this.db.prepare('SELECT token_hash, station_id FROM station_device').all() as {
      token_hash: string;
      station_id: number;
    }[];
    for (const device of devices) {
      const entry = byId.get(device.station_id);
      if (entry) byHash.set(device.token_hash, entry);
    }
    const operatorRows = this.db.prepare('SELECT id, badge, name, active, pin_hash FROM operator').all() as {
      id: number;
      badge: string;
      name: string;
      active: number;
      pin_hash: string | null;
    }[];
    this.operators = new Map(
      operatorRows.map((o) => [
        o.badge,
        { id: o.id, badge: o.badge, name: o.name, active: o.active === 1, pinHash: o.pin_hash },
      ]),
    );
    this.graphs = graphs;
    this.stationsByHash = byHash;
    this.stationsById = byId;
    this.loadedSeq = seq;
  }
}
