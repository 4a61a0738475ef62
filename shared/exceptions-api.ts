/**
 * @module The supervisor console's exceptions inbox and audit log (SPEC SV-20 … SV-26), as zod/mini
 * schemas the console parses each answer with and the edge server declares its routes with.
 *
 * A problem is one of: a conflict, an event parked longer than PARKED_ALERT_MINUTES, an upstream
 * dead letter, a refused event a station reported in a heartbeat (migration 0006). Each
 * carries a stable `code` (the console's catalogue translates it) beside `message`, plain English
 * for API clients, and the current state of its token. It goes open → acknowledged → resolved.
 */
import * as z from 'zod/mini';
import { TOKEN_STATUSES } from './domain';
import { reasonSchema } from './station-api';

export const PROBLEM_KINDS = ['conflict', 'parked', 'dead_letter', 'refused'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export const PROBLEM_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type ProblemState = (typeof PROBLEM_STATES)[number];

/** The stable code of each kind of problem, for the console's catalogue. */
export const PROBLEM_CODES = {
  conflict: 'EVENT_CONFLICT',
  parked: 'EVENT_PARKED_LONG',
  dead_letter: 'UPSTREAM_DEAD_LETTER',
  refused: 'EVENT_REFUSED',
} as const satisfies Record<ProblemKind, string>;

export const RESOLVE_ACTIONS = ['apply', 'discard', 'resend'] as const;
export type ResolveAction = (typeof RESOLVE_ACTIONS)[number];
export const PROBLEM_ACTIONS = ['acknowledge', ...RESOLVE_ACTIONS] as const;
export type ProblemAction = (typeof PROBLEM_ACTIONS)[number];

/** A resolution's reason: short, but never empty (SV-23). */
export const REASON_MIN = 3;
export const REASON_MAX = 500;

/** The token a problem is about, as it is now: its root (the serial) and its live split branches. */
export const problemTokenSchema = z.object({
  code: z.string(),
  ticket: z.string(),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
  operator: z.nullable(z.string()),
  since: z.string(),
  branches: z.array(
    z.object({ branch: z.nullable(z.string()), nodeCode: z.string(), status: z.enum(TOKEN_STATUSES) }),
  ),
});

/** The event a problem holds (a conflict's or a parked event; a dead letter's record). */
export const problemEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  code: z.string(),
  nodeCode: z.nullable(z.string()),
  station: z.nullable(z.string()),
  seq: z.nullable(z.number()),
  operatorBadge: z.nullable(z.string()),
  occurredAt: z.string(),
});

export const problemSchema = z.object({
  kind: z.enum(PROBLEM_KINDS),
  /** The id of what it is about: conflict id, parked event's row id, dead letter's outbox id. */
  id: z.number(),
  code: z.string(),
  message: z.string(),
  /** Why the event did not apply, or the upstream's error (code UPSTREAM_REFUSED). */
  reason: z.nullable(reasonSchema),
  openedAt: z.string(),
  state: z.enum(PROBLEM_STATES),
  /** Who moved it to its state and when (null by: the system; null at: still open). */
  stateBy: z.nullable(z.string()),
  stateAt: z.nullable(z.string()),
  stateReason: z.nullable(z.string()),
  outcome: z.nullable(z.string()),
  /** What may be done with it now (none once resolved). */
  actions: z.array(z.enum(PROBLEM_ACTIONS)),
  event: z.nullable(problemEventSchema),
  token: z.nullable(problemTokenSchema),
  /** A parked event's end of parking (it becomes a conflict then). */
  expiresAt: z.nullable(z.string()),
  /** A dead letter's sending attempts. */
  attempts: z.nullable(z.number()),
});
export type Problem = z.infer<typeof problemSchema>;

export const problemPageSchema = z.object({
  problems: z.array(problemSchema),
  next: z.nullable(z.string()),
  /** Events parked longer than this many minutes are listed (PARKED_ALERT_MINUTES). */
  parkedAlertMinutes: z.number(),
});

export const acknowledgeRequestSchema = z.object({
  reason: z.optional(z.string().check(z.maxLength(REASON_MAX))),
});

export const resolveRequestSchema = z.object({
  action: z.enum(RESOLVE_ACTIONS),
  reason: z.string().check(z.trim(), z.minLength(REASON_MIN), z.maxLength(REASON_MAX)),
});
export type ResolveRequest = z.infer<typeof resolveRequestSchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  by: z.string(),
  kind: z.enum(PROBLEM_KINDS),
  problemId: z.number(),
  action: z.enum(PROBLEM_ACTIONS),
  reason: z.nullable(z.string()),
  outcome: z.string(),
  /** What the action did (a conflict applied: the token after it; a resend: how many). */
  detail: z.nullable(z.record(z.string(), z.unknown())),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  next: z.nullable(z.string()),
});

/** The answer to acknowledge and resolve: the problem as it is now and the audit row written. */
export const problemActionResultSchema = z.object({
  problem: problemSchema,
  audit: auditEntrySchema,
});
