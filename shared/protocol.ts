/**
 * @module The wire contract v1 (protocol.md) as zod schemas; every type on the wire is inferred here.
 *
 * The station's side of the contract (what it reads) is in station-api.ts, in zod's mini build;
 * PROTOCOL_VERSION and its history are there.
 */
import { z } from 'zod';
import { OPERATOR_EVENT_TYPES } from './domain';
import { MAX_EVENTS_PER_BATCH, tokenRefSchema } from './station-api';

export {
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_BATCH,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
} from './station-api';

/**
 * The languages a station's screen speaks: the snapshot's `station.language` (station-api.ts), set
 * per station by an admin, else the site's STATION_LANGUAGE.
 */
export const STATION_LANGUAGES = ['th', 'en'] as const;
export type StationLanguage = (typeof STATION_LANGUAGES)[number];

/** Codes and short texts: bounded so that one event cannot blow up a row or a log line. */
const MAX_CODE_LENGTH = 128;
const MAX_DATA_BYTES = 16 * 1024;

export const isoTimeSchema = z.iso.datetime({ offset: true });

const codeSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_CODE_LENGTH, `must be at most ${MAX_CODE_LENGTH} characters`);

/** Deeper than this is no operator's data; it would only cost stack to walk. */
const MAX_DATA_DEPTH = 16;

/** Whether a JSON value nests deeper than `limit`, found without recursion (no stack to exhaust). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

const dataSchema = z
  .record(z.string(), z.unknown())
  .refine((data) => !nestsDeeperThan(data, MAX_DATA_DEPTH), {
    message: `must not nest more than ${MAX_DATA_DEPTH} levels deep`,
    abort: true,
  })
  .refine((data) => JSON.stringify(data).length <= MAX_DATA_BYTES, {
    message: `must be at most ${MAX_DATA_BYTES} bytes of JSON`,
  });

/** One operator event as a station sends it. */
export const stationEventSchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    type: z.enum(OPERATOR_EVENT_TYPES),
    code: codeSchema,
    nodeCode: codeSchema,
    operatorBadge: codeSchema,
    occurredAt: isoTimeSchema,
    qty: z.number().int().nonnegative().max(1_000_000_000).optional(),
    data: dataSchema.optional(),
  })
  .superRefine((event, ctx) => {
    const data = event.data ?? {};
    const needText = (field: string, label: string): void => {
      const value = data[field];
      if (typeof value !== 'string' || value.trim() === '') {
        ctx.addIssue({ code: 'custom', path: ['data', field], message: `${label} is required` });
      }
    };
    if (event.type === 'qc_fail') needText('reason', 'a QC fail reason');
    if (event.type === 'bind_component') needText('componentSerial', 'the component serial');
    if (event.type === 'note') needText('text', 'the note text');
  });
export type StationEvent = z.infer<typeof stationEventSchema>;

/** The push envelope; its events are validated one by one so one bad event never fails its batch. */
export const pushRequestEnvelopeSchema = z.object({
  stationClock: isoTimeSchema,
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH),
});
export type PushRequestEnvelope = z.infer<typeof pushRequestEnvelopeSchema>;

export {
  EVENT_RESULT_STATUSES,
  eventResultSchema,
  pushResponseSchema,
  reasonSchema,
  snapshotSchema,
  tokenRefSchema,
  upstreamStatusSchema,
} from './station-api';
export type {
  EventResult,
  EventResultStatus,
  PushResponse,
  Snapshot,
  SnapshotToken,
  TokenRef,
  UpstreamStatus,
  WireReason,
} from './station-api';

/** The body of every non-2xx response. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.unknown()),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  /** The caller speaks another version of the wire contract (its Scan-Protocol-Version header). */
  UNSUPPORTED_PROTOCOL: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** The edge server's disk is full: nothing of the request was stored; send it again later. */
  STORAGE_FULL: 507,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** What travels upstream: an applied-event record. */
export const appliedEventRecordSchema = z.object({
  id: z.string(),
  site: z.string(),
  type: z.string(),
  origin: z.enum(['station', 'system']),
  station: z.string().nullable(),
  seq: z.number().int().nullable(),
  code: z.string(),
  nodeCode: z.string().nullable(),
  operatorBadge: z.string().nullable(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  appliedAt: z.string(),
  qty: z.number().int().nullable(),
  data: dataSchema,
  token: z.nullable(tokenRefSchema),
});
export type AppliedEventRecord = z.infer<typeof appliedEventRecordSchema>;

/** Formats zod issues as "field: message" so that a rejected event names the field that failed. */
export function describeIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** A site's records to its hub (protocol.md "Upstream forwarding", HTTP): at most 500 per request. */
export const siteEnvelopeSchema = z.object({
  site: z.string().min(1).max(64),
  records: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH),
});

export const HUB_RECORD_STATUSES = ['accepted', 'duplicate', 'rejected'] as const;

/** A hub's answer: one result per record, in request order; a refusal carries a HUB_REJECTION_CODES code. */
export const hubAnswerSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(HUB_RECORD_STATUSES),
      reason: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type HubAnswer = z.infer<typeof hubAnswerSchema>;
