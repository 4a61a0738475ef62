/**
 * @module Traceability answers for the supervisor console (SPEC SV-30 … SV-35), as zod/mini schemas
 * the console parses each answer with and the edge server declares its routes with: a search by
 * serial, ticket or component serial; a serial's timeline and genealogy; the recall of a component
 * serial. The CSV exports carry the same fields as these rows (TIMELINE_COLUMNS, RECALL_COLUMNS).
 */
import * as z from 'zod/mini';
import { TOKEN_STATUSES } from './domain';

/** How many matches of each kind a search lists (the console shows the first ones; refine to see more). */
export const SEARCH_LIMIT = 20;

export const serialMatchSchema = z.object({
  code: z.string(),
  ticket: z.string(),
  routing: z.string(),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
  /** The query is the whole code (else a prefix of it). */
  exact: z.boolean(),
});

export const ticketMatchSchema = z.object({
  code: z.string(),
  product: z.string(),
  qty: z.number(),
  routing: z.string(),
  serialCount: z.number(),
  /** The ticket's first serials (SEARCH_LIMIT of them). */
  serials: z.array(z.string()),
  exact: z.boolean(),
});

export const componentMatchSchema = z.object({
  componentSerial: z.string(),
  /** The serial it is bound into, and the split branch it was bound on (null: the serial itself). */
  serial: z.string(),
  branch: z.nullable(z.string()),
  boundAt: z.string(),
  exact: z.boolean(),
});

export const traceSearchSchema = z.object({
  query: z.string(),
  serials: z.array(serialMatchSchema),
  tickets: z.array(ticketMatchSchema),
  components: z.array(componentMatchSchema),
  /** Null when something matched; else says so in plain English (code TRACE_NOT_FOUND). */
  message: z.nullable(z.string()),
  code: z.nullable(z.literal('TRACE_NOT_FOUND')),
});
export type TraceSearch = z.infer<typeof traceSearchSchema>;

/** Where an event's record stands with the upstream. */
export const UPSTREAM_STATES = ['forwarded', 'pending', 'dead', 'not-sent', 'no-upstream'] as const;

export const timelineEventSchema = z.object({
  id: z.string(),
  origin: z.enum(['station', 'system']),
  type: z.string(),
  status: z.enum(['applied', 'parked', 'conflict', 'rejected', 'discarded']),
  /** The split branch of the family member it addressed (null: the serial itself). */
  branch: z.nullable(z.string()),
  nodeCode: z.nullable(z.string()),
  station: z.nullable(z.string()),
  seq: z.nullable(z.number()),
  operatorBadge: z.nullable(z.string()),
  operatorName: z.nullable(z.string()),
  /** The device's time, as the station sent it. */
  occurredAt: z.string(),
  /** The device's time corrected by the station's clock skew at the push. */
  occurredAtCorrected: z.string(),
  receivedAt: z.string(),
  appliedAt: z.nullable(z.string()),
  upstream: z.enum(UPSTREAM_STATES),
  qty: z.nullable(z.number()),
  reasonCode: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  componentSerial: z.nullable(z.string()),
  note: z.nullable(z.string()),
  data: z.record(z.string(), z.unknown()),
  archived: z.boolean(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const genealogyMemberSchema = z.object({
  branch: z.nullable(z.string()),
  /** The member it split from (its branch; null: the serial itself); null for the serial. */
  parentBranch: z.nullable(z.string()),
  isRoot: z.boolean(),
  siblings: z.array(z.string()),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
  qty: z.number(),
  since: z.string(),
  /** Forward: the join it ended in, and the member it went on as (null: not joined). */
  joinedInto: z.nullable(z.object({ nodeCode: z.string(), branch: z.nullable(z.string()), at: z.string() })),
  children: z.array(z.string()),
});

export const boundComponentSchema = z.object({
  componentSerial: z.string(),
  branch: z.nullable(z.string()),
  boundAt: z.string(),
  nodeCode: z.nullable(z.string()),
  station: z.nullable(z.string()),
  operatorBadge: z.nullable(z.string()),
});

export const serialTraceSchema = z.object({
  serial: z.object({
    code: z.string(),
    ticket: z.string(),
    product: z.string(),
    routing: z.object({ code: z.string(), version: z.number() }),
    nodeCode: z.string(),
    status: z.enum(TOKEN_STATUSES),
    finished: z.boolean(),
  }),
  genealogy: z.object({
    /** Backward: the serial it is part of as a split branch is itself (a serial has no parent serial). */
    members: z.array(genealogyMemberSchema),
    /** Backward: component serials bound into it (any member). */
    components: z.array(boundComponentSchema),
    /** Forward: serials this serial was bound into as a component. */
    boundInto: z.array(z.object({ serial: z.string(), branch: z.nullable(z.string()), boundAt: z.string() })),
  }),
  events: z.array(timelineEventSchema),
});
export type SerialTrace = z.infer<typeof serialTraceSchema>;

export const recallRowSchema = z.object({
  /** The serial bound into this token: the one recalled, or (depth 2 and more) a sub-assembly that holds it. */
  componentSerial: z.string(),
  /** 1: the recalled serial was bound into this token; 2: into a sub-assembly bound into it; and so on. */
  depth: z.number(),
  serial: z.string(),
  ticket: z.string(),
  product: z.string(),
  routing: z.string(),
  status: z.enum(TOKEN_STATUSES),
  finished: z.boolean(),
  /** When it finished (its completion), else null. */
  finishedAt: z.nullable(z.string()),
  nodeCode: z.string(),
  /** The split branch the component went into (null: the serial itself). */
  boundOnBranch: z.nullable(z.string()),
  boundAt: z.string(),
  boundAtNode: z.nullable(z.string()),
  boundByStation: z.nullable(z.string()),
  boundByOperator: z.nullable(z.string()),
});
export type RecallRow = z.infer<typeof recallRowSchema>;

export const recallSchema = z.object({
  component: z.string(),
  /** Finished tokens only unless ?all was given. */
  all: z.boolean(),
  tokens: z.array(recallRowSchema),
});

/** The CSV columns of a timeline export: the event fields, with the serial first. */
export const TIMELINE_COLUMNS = [
  'serial',
  'branch',
  'eventId',
  'origin',
  'type',
  'status',
  'nodeCode',
  'station',
  'seq',
  'operatorBadge',
  'operatorName',
  'occurredAt',
  'occurredAtCorrected',
  'receivedAt',
  'appliedAt',
  'upstream',
  'qty',
  'reasonCode',
  'reason',
  'componentSerial',
  'note',
  'data',
  'archived',
] as const;

export const RECALL_COLUMNS = [
  'componentSerial',
  'depth',
  'serial',
  'ticket',
  'product',
  'routing',
  'status',
  'finished',
  'finishedAt',
  'nodeCode',
  'boundOnBranch',
  'boundAt',
  'boundAtNode',
  'boundByStation',
  'boundByOperator',
] as const satisfies readonly (keyof RecallRow)[];
