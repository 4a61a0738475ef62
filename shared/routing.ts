/** @module A routing graph as both sides hold it (domain.md "Routing graph"): nodes and typed edges. */
import type { EdgeType, NodeType, RoutingMode } from './domain';

export interface RoutingNode {
  code: string;
  type: NodeType;
  name: string;
  /** Operation nodes belong to a work center; other nodes have none. */
  workCenter: string | null;
  behavior: string | null;
}

export interface EdgeRule {
  field: string;
  equals: string | number | boolean;
}

export interface RoutingEdge {
  from: string;
  to: string;
  type: EdgeType;
  when: EdgeRule | null;
  isDefault: boolean;
}

export interface RoutingGraph {
  code: string;
  name: string;
  version: number;
  routingMode: RoutingMode;
  nodes: RoutingNode[];
  edges: RoutingEdge[];
}
