/**
 * @module A serial's story (SPEC SV-31, SV-32): its family and genealogy, and every event of it,
 * station and system, live and archived (read as the token history reads them: the archive files'
 * rows for the family, an event in both read live), in the order they were received.
 *
 * Events come in batches read with `.iterate()` on token_event_root, each batch read to its end
 * before it is handed on: the export writes a batch, waits for the client, then reads the next,
 * so no more than a batch is in memory and the one connection is never held by an open statement
 * while the server serves others (better-sqlite3 refuses other statements while one iterates).
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { SerialTrace, TimelineEvent } from '../../shared/trace-api';
import type { UPSTREAM_STATES } from '../../shared/trace-api';
import type { EventArchive } from '../ops/archive';
import { DomainError } from '../errors';
import { isoOf } from '../db/sql-time';
import { forwardingStatusOf } from '../ingest/applied-order';

/** Rows per batch: a few hundred KB of JSON at most. */
export const BATCH_ROWS = 500;

type UpstreamState = (typeof UPSTREAM_STATES)[number];

interface EventRow {
  id: number;
  event_id: string;
  origin: 'station' | 'system';
  event_type: string;
  status: TimelineEvent['status'];
  node_code: string | null;
  station_id: number | null;
  seq: number | null;
  operator_badge: string | null;
  occurred_at: string;
  occurred_at_corrected: string;
  received_at: string;
  applied_at: string | null;
  qty: number | null;
  reason_code: string | null;
  reason_message: string | null;
  data_json: string;
  token_after_json: string | null;
  token_id: number | null;
  outbox_status?: 'pending' | 'forwarded' | 'dead' | null;
}

export interface SerialHeader {
  rootId: number;
  trace: Omit<SerialTrace, 'events'>;
}

/** The serial, its family and what went into it and what it went into; not-found names the code. */
export function serialHeader(db: Database.Database, code: string): SerialHeader {
  const root = db
    .prepare(
      `SELECT t.id, t.code, t.node_code, t.status, j.code AS ticket, j.product, g.code AS routing, g.version
       FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id JOIN routing_graph g ON g.id = t.graph_id
       WHERE t.code = ? AND t.parent_token_id IS NULL`,
    )
    .get(code) as
    | {
        id: number;
        code: string;
        node_code: string;
        status: TokenStatus;
        ticket: string;
        product: string;
        routing: string;
        version: number;
      }
    | undefined;
  if (!root)
    throw new DomainError(
      'not-found',
      `No serial ${code} on this site: search for it (a ticket or a component serial may match)`,
    );
  const members = db
    .prepare(
      `SELECT id, branch, parent_token_id, node_code, status, qty, status_since FROM flow_token
       WHERE root_token_id = ? ORDER BY id`,
    )
    .all(root.id) as {
    id: number;
    branch: string | null;
    parent_token_id: number | null;
    node_code: string;
    status: TokenStatus;
    qty: number;
    status_since: string;
  }[];
  const byId = new Map(members.map((m) => [m.id, m]));
  const joinNodes = new Set(
    db
      .prepare(
        `SELECT n.code FROM routing_node n JOIN flow_token t ON t.graph_id = n.graph_id
         WHERE t.id = ? AND n.node_type = 'join'`,
      )
      .pluck()
      .all(root.id) as string[],
  );
  const components = db
    .prepare(
      `SELECT b.component_serial AS componentSerial, t.branch, b.bound_at AS boundAt, e.node_code AS nodeCode,
         s.name AS station, e.operator_badge AS operatorBadge
       FROM component_binding b JOIN flow_token t ON t.id = b.token_id
       LEFT JOIN token_event e ON e.id = b.event_row_id LEFT JOIN station s ON s.id = e.station_id
       WHERE t.root_token_id = ? ORDER BY b.id`,
    )
    .all(root.id) as SerialTrace['genealogy']['components'];
  const boundInto = db
    .prepare(
      `SELECT r.code AS serial, t.branch, b.bound_at AS boundAt FROM component_binding b
       JOIN flow_token t ON t.id = b.token_id JOIN flow_token r ON r.id = t.root_token_id
       WHERE b.component_serial = ? ORDER BY b.id`,
    )
    .all(root.code) as SerialTrace['genealogy']['boundInto'];
  return {
    rootId: root.id,
    trace: {
      serial: {
        code: root.code,
        ticket: root.ticket,
        product: root.product,
        routing: { code: root.routing, version: root.version },
        nodeCode: root.node_code,
        status: root.status,
        finished: root.status === 'completed',
      },
      genealogy: {
        members: members.map((m) => {
          const parent = m.parent_token_id === null ? undefined : byId.get(m.parent_token_id);
          const siblings = members.filter(
            (s) => s.id !== m.id && s.parent_token_id !== null && s.parent_token_id === m.parent_token_id,
          );
          const joined = parent !== undefined && m.status === 'completed' && joinNodes.has(m.node_code);
          return {
            branch: m.branch,
            parentBranch: parent?.branch ?? null,
            isRoot: m.id === root.id,
            siblings: siblings.map((s) => s.branch ?? ''),
            nodeCode: m.node_code,
            status: m.status,
            qty: m.qty,
            since: m.status_since,
            joinedInto: joined ? { nodeCode: m.node_code, branch: parent.branch, at: m.status_since } : null,
            children: members.filter((c) => c.parent_token_id === m.id).map((c) => c.branch ?? ''),
          };
        }),
        components,
        boundInto,
      },
    },
  };
}

/** Names of stations and operators, looked up once per id or badge. */
class Names {
  private readonly stations = new Map<number, string | null>();
  private readonly operators = new Map<string, string | null>();
  constructor(private readonly db: Database.Database) {}
  station(id: number | null): string | null {
    if (id === null) return null;
    if (!this.stations.has(id))
      this.stations.set(
        id,
        (this.db.prepare('SELECT name FROM station WHERE id = ?').pluck().get(id) as string | undefined) ??
          null,
      );
    return this.stations.get(id) ?? null;
  }
  operator(badge: string | null): string | null {
    if (badge === null) return null;
    if (!this.operators.has(badge))
      this.operators.set(
        badge,
        (this.db.prepare('SELECT name FROM operator WHERE badge = ?').pluck().get(badge) as
          string | undefined) ?? null,
      );
    return this.operators.get(badge) ?? null;
  }
}

/**
 * The events of a family, in batches of at most BATCH_ROWS, archived and live merged by row id
 * (archived events keep theirs). `hasUpstream`: whether this site forwards at all.
 */
export function* timelineBatches(
  db: Database.Database,
  rootId: number,
  archive: EventArchive | undefined,
  hasUpstream: boolean,
): Generator<TimelineEvent[], void, void> {
  const names = new Names(db);
  const branches = new Map<number, string | null>(
    (
      db.prepare('SELECT id, branch FROM flow_token WHERE root_token_id = ?').all(rootId) as {
        id: number;
        branch: string | null;
      }[]
    ).map((m) => [m.id, m.branch]),
  );
  // One family's archived events: the token history reads them the same way (queries.ts).
  const archived = (archive?.eventsOfFamily(rootId) ?? []) as unknown as EventRow[];
  archived.sort((a, b) => a.id - b.id);
  let nextArchived = 0;
  const batch = db.prepare(
    `SELECT e.id, e.event_id, e.origin, e.event_type, e.status, e.node_code, e.station_id, e.seq, e.operator_badge,
       ${isoOf('e.occurred_ms')} AS occurred_at, ${isoOf('e.corrected_ms')} AS occurred_at_corrected,
       ${isoOf('e.received_ms')} AS received_at, ${isoOf('e.applied_ms')} AS applied_at, e.qty, e.reason_code,
       e.reason_message, e.data_json, e.token_after_json, e.token_id, ${forwardingStatusOf('e')} AS outbox_status
     FROM token_event e
     WHERE e.root_token_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
  );
  const toEvent = (row: EventRow, inArchive: boolean): TimelineEvent =>
    timelineEvent(row, inArchive, names, branches, hasUpstream);
  let after = 0;
  for (;;) {
    const live: EventRow[] = [];
    for (const row of batch.iterate(rootId, after, BATCH_ROWS) as IterableIterator<EventRow>) live.push(row);
    const out: TimelineEvent[] = [];
    const limit = live.length === BATCH_ROWS ? (live.at(-1)?.id ?? Infinity) : Infinity;
    let i = 0;
    while (
      i < live.length ||
      (nextArchived < archived.length && (archived[nextArchived]?.id ?? 0) <= limit)
    ) {
      const a = archived[nextArchived];
      const l = live[i];
      if (a !== undefined && a.id <= limit && (l === undefined || a.id < l.id)) {
        out.push(toEvent(a, true));
        nextArchived++;
      } else if (l !== undefined) {
        // An event in both (an archive run cut short) is read live.
        if (a !== undefined && a.id === l.id) nextArchived++;
        out.push(toEvent(l, false));
        i++;
      } else break;
    }
    if (out.length > 0) yield out;
    if (live.length < BATCH_ROWS) return;
    after = live.at(-1)?.id ?? after;
  }
}

function upstreamOf(row: EventRow, inArchive: boolean, hasUpstream: boolean): UpstreamState {
  if (row.status !== 'applied') return 'not-sent';
  if (!hasUpstream) return 'no-upstream';
  // Delivered outbox rows are pruned after a week, and only delivered events are archived.
  if (inArchive) return 'forwarded';
  return row.outbox_status ?? 'forwarded';
}

function timelineEvent(
  row: EventRow,
  inArchive: boolean,
  names: Names,
  branches: Map<number, string | null>,
  hasUpstream: boolean,
): TimelineEvent {
  const data = JSON.parse(row.data_json) as Record<string, unknown>;
  const after =
    row.token_after_json === null ? null : (JSON.parse(row.token_after_json) as { branch?: string | null });
  const text = (field: string): string | null => {
    const value = data[field];
    return typeof value === 'string' ? value : null;
  };
  return {
    id: row.event_id,
    origin: row.origin,
    type: row.event_type,
    status: row.status,
    branch: after?.branch ?? (row.token_id === null ? null : (branches.get(row.token_id) ?? null)),
    nodeCode: row.node_code,
    station: names.station(row.station_id),
    seq: row.seq,
    operatorBadge: row.operator_badge,
    operatorName: names.operator(row.operator_badge),
    occurredAt: row.occurred_at,
    occurredAtCorrected: row.occurred_at_corrected,
    receivedAt: row.received_at,
    appliedAt: row.applied_at,
    upstream: upstreamOf(row, inArchive, hasUpstream),
    qty: row.qty,
    reasonCode: row.reason_code,
    reason: row.reason_message,
    componentSerial: row.event_type === 'bind_component' ? text('componentSerial') : null,
    note: text('text') ?? text('reason'),
    data,
    archived: inArchive,
  };
}
