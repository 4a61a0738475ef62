/**
 * @module Reference data held in memory for ingest: routing graphs, stations and operators. It is
 * reloaded whenever `site_counter.reference_seq` moves, which every admin change bumps (also from
 * the CLI, in another process), so one cheap read per batch keeps it current.
 */
import type Database from 'better-sqlite3';
import { DomainError } from '../errors';
import type { StationLanguage } from '../../shared/protocol';
import type { IndexedGraph } from '../../shared/routing-graph';
import { indexGraph } from '../../shared/routing-graph';
import type { RoutingInput } from '../../shared/routing-import';
import { routingGraphFromInput } from '../../shared/routing-import';

export interface GraphEntry {
  id: number;
  indexed: IndexedGraph;
  nodeIds: ReadonlyMap<string, number>;
}

/** A routing read from its stored source when first used: a 10,000-node one costs tens of ms to index. */
class LazyGraphEntry implements GraphEntry {
  private index: IndexedGraph | null = null;

  constructor(
    private readonly db: Database.Database,
    readonly id: number,
    readonly nodeIds: ReadonlyMap<string, number>,
  ) {}

  get indexed(): IndexedGraph {
    if (!this.index) {
      const source = this.db
        .prepare('SELECT source_json FROM routing_graph WHERE id = ?')
        .pluck()
        .get(this.id) as string;
      // Stored only after the import checked it (schema and publish rules).
      this.index = indexGraph(routingGraphFromInput(JSON.parse(source) as RoutingInput));
    }
    return this.index;
  }
}

export interface StationEntry {
  id: number;
  name: string;
  workCenter: string | null;
  /** The language its screen speaks; null: the site's STATION_LANGUAGE. */
  language: StationLanguage | null;
  revoked: boolean;
  /** The ids (routing_node) of every node the station reports at. */
  servedNodes: ReadonlySet<number>;
  /** The node codes it reports at, whatever the graph. */
  servedCodes: ReadonlySet<string>;
}

export interface OperatorEntry {
  id: number;
  badge: string;
  name: string;
  active: boolean;
  pinHash: string | null;
  /** The language a station speaks when they sign in; null: the station's own. */
  language: StationLanguage | null;
}

/**
 * The code a routing has while its rows are being written (admin/routings.ts): routing codes are
 * trimmed, so none starts with a space.
 */
export const STAGING_PREFIX = ' staging ';

/** SQL condition on `routing_graph` (aliased or not): routings that are published, not being written. */
export function publishedRouting(alias = ''): string {
  return `${alias === '' ? '' : `${alias}.`}code NOT LIKE '${STAGING_PREFIX}%'`;
}

/** Whether the station reports at the node of that code on that routing. */
export function serves(station: StationEntry, graph: GraphEntry, nodeCode: string): boolean {
  const nodeId = graph.nodeIds.get(nodeCode);
  return nodeId !== undefined && station.servedNodes.has(nodeId);
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
  /** Every published node's code by its id. */
  private readonly nodeCodes = new Map<number, string>();
  private served = new Map<number, { signature: string; nodes: Set<number>; codes: Set<string> }>();
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
    if (!station || station.revoked) {
      throw new DomainError('unauthorized', 'This station was revoked; enroll it again to get a new token');
    }
    return station;
  }

  operator(badge: string): OperatorEntry | undefined {
    return this.operators.get(badge);
  }

  allOperators(): OperatorEntry[] {
    return [...this.operators.values()];
  }

  private load(seq: number): void {
    // Everything is kept between loads and only what changed is read again: a site with a
    // 10,000-node routing must not pay for all of it on every admin change.
    // A published routing never changes (a change is a new version), so each is read once.
    const graphs = new Map<number, GraphEntry>();
    const graphIds = this.db
      .prepare(`SELECT id FROM routing_graph WHERE ${publishedRouting()}`)
      .pluck()
      .all() as number[];
    for (const id of graphIds) {
      const known = this.graphs.get(id);
      if (known) {
        graphs.set(id, known);
        continue;
      }
      const nodeRows = this.db.prepare('SELECT id, code FROM routing_node WHERE graph_id = ?').all(id) as {
        id: number;
        code: string;
      }[];
      for (const n of nodeRows) this.nodeCodes.set(n.id, n.code);
      graphs.set(id, new LazyGraphEntry(this.db, id, new Map(nodeRows.map((n) => [n.code, n.id]))));
    }
    // A station's nodes are read again only when its rows in station_node changed.
    const signatures = new Map(
      (
        this.db
          .prepare(
            `SELECT station_id, count(*) || ':' || max(rowid) || ':' || sum(node_id) AS signature
             FROM station_node GROUP BY station_id`,
          )
          .all() as { station_id: number; signature: string }[]
      ).map((r) => [r.station_id, r.signature]),
    );
    const stationRows = this.db
      .prepare(
        `SELECT s.id, s.name, s.token_hash, s.revoked_at, s.language, wc.code AS work_center
         FROM station s LEFT JOIN work_center wc ON wc.id = s.work_center_id`,
      )
      .all() as {
      id: number;
      name: string;
      token_hash: string;
      revoked_at: string | null;
      language: StationLanguage | null;
      work_center: string | null;
    }[];
    const byHash = new Map<string, StationEntry>();
    const byId = new Map<number, StationEntry>();
    const nodesOf = this.db.prepare('SELECT node_id FROM station_node WHERE station_id = ?').pluck();
    const served = new Map<number, { signature: string; nodes: Set<number>; codes: Set<string> }>();
    for (const row of stationRows) {
      const signature = signatures.get(row.id) ?? '';
      let known = this.served.get(row.id);
      if (known?.signature !== signature) {
        const nodes = new Set(nodesOf.all(row.id) as number[]);
        const codes = new Set<string>();
        for (const id of nodes) {
          const code = this.nodeCodes.get(id);
          if (code !== undefined) codes.add(code);
        }
        known = { signature, nodes, codes };
      }
      served.set(row.id, known);
      const entry: StationEntry = {
        id: row.id,
        name: row.name,
        workCenter: row.work_center,
        language: row.language,
        revoked: row.revoked_at !== null,
        servedNodes: known.nodes,
        servedCodes: known.codes,
      };
      byHash.set(row.token_hash, entry);
      byId.set(row.id, entry);
    }
    this.served = served;
    const devices = this.db.prepare('SELECT token_hash, station_id FROM station_device').all() as {
      token_hash: string;
      station_id: number;
    }[];
    for (const device of devices) {
      const entry = byId.get(device.station_id);
      if (entry) byHash.set(device.token_hash, entry);
    }
    const operatorRows = this.db
      .prepare('SELECT id, badge, name, active, pin_hash, language FROM operator')
      .all() as {
      id: number;
      badge: string;
      name: string;
      active: number;
      pin_hash: string | null;
      language: StationLanguage | null;
    }[];
    this.operators = new Map(
      operatorRows.map((o) => [
        o.badge,
        {
          id: o.id,
          badge: o.badge,
          name: o.name,
          active: o.active === 1,
          pinHash: o.pin_hash,
          language: o.language,
        },
      ]),
    );
    this.graphs = graphs;
    this.stationsByHash = byHash;
    this.stationsById = byId;
    this.loadedSeq = seq;
  }
}
