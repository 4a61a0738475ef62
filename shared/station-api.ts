/**
 * @module Every answer a station reads from its edge server, as schemas in zod's mini build: the
 * push response (protocol.md "Push"), the snapshot and its deltas ("Pull"; the shape is ours) and
 * the upstream status of its events, the enrollment answer and the error body. The station app parses each answer with these before it uses
 * it (client/net/station-fetch.ts); the mini build keeps its first download small (the full build
 * is about 50 KB gzipped). protocol.ts re-exports them for the server.
 *
 * PROTOCOL_VERSION history:
 *   1 — push events, pull snapshot, upstream applied-event records (protocol.md v1).
 */
import * as z from 'zod/mini';
import { EDGE_TYPES, NODE_TYPES, PROCESS_MODES, ROUTING_MODES, TOKEN_STATUSES } from './domain';

export const PROTOCOL_VERSION = 1;
/**
 * Stations and forwarders send the protocol version they speak in this header; the edge server
 * refuses another version (400 UNSUPPORTED_PROTOCOL) and names its own in every answer.
 */
export const PROTOCOL_VERSION_HEADER = 'Scan-Protocol-Version';

/** protocol.md: at most 500 events and 1 MiB per push request. */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BODY_BYTES = 1024 * 1024;

export const tokenRefSchema = z.object({
  code: z.string(),
  branch: z.nullable(z.string()),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
});
export type TokenRef = z.infer<typeof tokenRefSchema>;

/**
 * On the wire a reason's code is any string, so that an older station still reads a newer
 * server's answer; the codes the server sends are the closed sets of reason-codes.ts.
 */
export const reasonSchema = z.object({ code: z.string(), message: z.string() });
export type WireReason = z.infer<typeof reasonSchema>;

export const EVENT_RESULT_STATUSES = ['applied', 'duplicate', 'parked', 'rejected'] as const;
export type EventResultStatus = (typeof EVENT_RESULT_STATUSES)[number];

export const eventResultSchema = z.object({
  id: z.string(),
  status: z.enum(EVENT_RESULT_STATUSES),
  token: z.optional(z.nullable(tokenRefSchema)),
  reason: z.optional(reasonSchema),
});
export type EventResult = z.infer<typeof eventResultSchema>;

export const pushResponseSchema = z.object({
  serverTime: z.string(),
  results: z.array(eventResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

// --- The snapshot -------------------------------------------------------------------------------

const routingNodeSchema = z.object({
  code: z.string(),
  type: z.enum(NODE_TYPES),
  name: z.string(),
  workCenter: z.nullable(z.string()),
  behavior: z.nullable(z.string()),
});

const routingEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: z.enum(EDGE_TYPES),
  when: z.nullable(z.object({ field: z.string(), equals: z.union([z.string(), z.number(), z.boolean()]) })),
  isDefault: z.boolean(),
});

/** A routing graph as the server holds it (routing.ts), sent to stations for offline decisions. */
export const routingGraphSchema = z.object({
  code: z.string(),
  name: z.string(),
  version: z.number(),
  routingMode: z.enum(ROUTING_MODES),
  nodes: z.array(routingNodeSchema),
  edges: z.array(routingEdgeSchema),
});

export const snapshotTokenSchema = z.object({
  id: z.number(),
  code: z.string(),
  branch: z.nullable(z.string()),
  routing: z.string(),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
  qty: z.number(),
  processMode: z.enum(PROCESS_MODES),
  ticket: z.string(),
  operator: z.nullable(z.string()),
  statusSince: z.string(),
});
export type SnapshotToken = z.infer<typeof snapshotTokenSchema>;

export const snapshotOperatorSchema = z.object({
  badge: z.string(),
  name: z.string(),
  pinHash: z.nullable(z.string()),
  /** The language the screen speaks when they sign in, unless they chose another on this station (absent: none). */
  language: z.optional(z.enum(['th', 'en'])),
});

/** What a station needs to work offline, in full or as a delta since `since=<cursor>`. */
export const snapshotSchema = z.object({
  cursor: z.string(),
  /** true: the whole state, which replaces what the station held (also the answer to an old cursor). */
  full: z.boolean(),
  serverTime: z.string(),
  station: z.object({
    name: z.string(),
    workCenter: z.nullable(z.string()),
    /** The language its screen speaks unless an operator chooses another (absent from older servers). */
    language: z.optional(z.enum(['th', 'en'])),
    nodes: z.array(
      z.object({
        routing: z.string(),
        routingVersion: z.number(),
        nodeCode: z.string(),
        name: z.string(),
        behavior: z.nullable(z.string()),
      }),
    ),
  }),
  /** Present in a full snapshot, and in a delta when reference data changed. */
  routings: z.optional(z.array(routingGraphSchema)),
  operators: z.optional(z.array(snapshotOperatorSchema)),
  tokens: z.array(snapshotTokenSchema),
  /** Ids of tokens that left this station's nodes (moved on, completed, scrapped). */
  removed: z.array(z.number()),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

// --- Upstream status of a station's own events ----------------------------------------------------

export const UPSTREAM_KINDS = ['none', 'http', 'jetstream'] as const;
export const FORWARDING_STATUSES = ['pending', 'forwarded', 'dead', 'unknown'] as const;
export type ForwardingStatus = (typeof FORWARDING_STATUSES)[number];

/** GET /api/v1/station/upstream?ids=…: whether each of its events reached the upstream. */
export const upstreamStatusSchema = z.object({
  upstream: z.enum(UPSTREAM_KINDS),
  events: z.array(z.object({ id: z.string(), status: z.enum(FORWARDING_STATUSES) })),
});
export type UpstreamStatus = z.infer<typeof upstreamStatusSchema>;

// --- Enrollment and errors ----------------------------------------------------------------------

/** POST /api/v1/enroll: the one-time code of a link exchanged for the browser's own credential. */
export const enrollAnswerSchema = z.object({ station: z.string(), token: z.string() });
export type EnrollAnswer = z.infer<typeof enrollAnswerSchema>;

/** The body of every non-2xx answer (protocol.md "Errors"); protocol.ts has the same in full zod. */
export const wireErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.array(z.unknown())) }),
});

// --- Heartbeat: what a station reports about itself (SPEC SV-40 … SV-43) ------------------------

/** POST /api/v1/station/heartbeat: at least this often while the server answers. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** The refused events a heartbeat names: the most recent, at most this many (the count is whole). */
export const MAX_REFUSED_REPORTED = 50;
/** A heartbeat's body is small: 50 refused events with their reasons fit well within it. */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const count = z.int().check(z.minimum(0));

/** One refused event as the station holds it: what it was and why the server refused it. */
export const refusedReportSchema = z.object({
  id: text(64),
  type: text(40),
  code: text(128),
  nodeCode: z.nullable(text(128)),
  reasonCode: text(64),
  reason: z.string().check(z.maxLength(500)),
  /** The event's device time. */
  occurredAt: isoTime,
  /** When the server refused it. */
  at: isoTime,
});
export type RefusedReport = z.infer<typeof refusedReportSchema>;

export const heartbeatSchema = z.object({
  /** The station's own clock when it sent this (its skew is measured from it). */
  stationClock: isoTime,
  appVersion: text(64),
  /** Events recorded here and not yet delivered, and the oldest one's device time. */
  pending: count,
  oldestPendingAt: z.nullable(isoTime),
  /** Every refused event it holds, and the most recent of them (at most MAX_REFUSED_REPORTED). */
  refusedCount: count,
  refused: z.array(refusedReportSchema).check(z.maxLength(MAX_REFUSED_REPORTED)),
  /** navigator.storage.estimate(), where the browser tells. */
  storage: z.nullable(
    z.object({ usedBytes: z.number().check(z.minimum(0)), quotaBytes: z.number().check(z.minimum(0)) }),
  ),
  /** Since when the browser has been online without a break (null: offline, or unknown). */
  onlineSince: z.nullable(isoTime),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export const heartbeatAnswerSchema = z.object({ serverTime: z.string(), quietAfterSeconds: z.number() });
export type HeartbeatAnswer = z.infer<typeof heartbeatAnswerSchema>;
