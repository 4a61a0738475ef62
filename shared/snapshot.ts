/**
 * @module The station snapshot (protocol.md "Pull"; its shape is ours): what a station needs to
 * work offline, in full or as a delta since a cursor.
 */
import type { TokenStatus } from './domain';
import type { RoutingGraph } from './routing-graph';

export interface SnapshotToken {
  id: number;
  code: string;
  branch: string | null;
  routing: string;
  nodeCode: string;
  status: TokenStatus;
  qty: number;
  processMode: 'piece' | 'batch';
  ticket: string;
  operator: string | null;
  statusSince: string;
}

export interface Snapshot {
  cursor: string;
  full: boolean;
  serverTime: string;
  station: {
    name: string;
    workCenter: string | null;
    nodes: {
      routing: string;
      routingVersion: number;
      nodeCode: string;
      name: string;
      behavior: string | null;
    }[];
  };
  /** Present in a full snapshot, and in a delta when reference data changed. */
  routings?: RoutingGraph[];
  operators?: { badge: string; name: string; pinHash: string | null }[];
  tokens: SnapshotToken[];
  /** Ids of tokens that left this station's nodes (moved on, completed, scrapped). */
  removed: number[];
}
