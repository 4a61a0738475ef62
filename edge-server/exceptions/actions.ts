/**
 * @module A supervisor's actions on a problem (SPEC SV-22 … SV-25): acknowledge it (someone is on
 * it), or resolve it: apply or discard a conflict (the existing resolution, ingest/conflicts.ts),
 * send a dead letter again (the outbox's resend), discard a refused event a station reported (it
 * never applied here: only the inbox's problem closes; the station still holds it until its
 * operator discards it or records it again there). Each runs in one transaction with its audit row
 * and the problem's new state, so a problem is never resolved twice and never without its audit.
 */
import type {
  AuditEntry,
  Problem,
  ProblemAction,
  ProblemKind,
  ResolveAction,
} from '../../shared/exceptions-api';
import type Database from 'better-sqlite3';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import type { UpstreamOutbox } from '../forwarder/outbox';
import { resolveConflict } from '../ingest/conflicts';
import { writeAudit } from './audit';
import type { ProblemRow } from './inbox';
import { problemRow, toProblem } from './inbox';

export interface Supervisor {
  userId: number;
  username: string;
}

export interface ActionResult {
  problem: Problem;
  audit: AuditEntry;
}

/** What acting needs: the database, the outbox, the conflict resolution's dependencies. */
export type ActionDeps = { db: Database.Database; upstream: UpstreamOutbox } & Parameters<
  typeof resolveConflict
>[0];

function alreadyResolved(row: ProblemRow): DomainError {
  const by = row.state_by ?? 'the system';
  return new DomainError(
    'conflict',
    `This ${row.kind.replace('_', ' ')} was already resolved by ${by} at ${row.state_at ?? '?'}${
      row.outcome ? ` (${row.outcome})` : ''
    }`,
    [{ state: row.state, resolvedBy: row.state_by, resolvedAt: row.state_at, outcome: row.outcome }],
  );
}

/** Open → acknowledged. Acknowledging one's own again changes nothing; another's is a 409 naming them. */
export function acknowledgeProblem(
  deps: ActionDeps,
  kind: ProblemKind,
  id: number,
  reason: string | null,
  user: Supervisor,
  now: Date,
): Result<ActionResult> {
  return onUnresolved(deps, kind, id, (row) => {
    if (row.state === 'acknowledged' && row.state_by_id !== user.userId) {
      throw new DomainError(
        'conflict',
        `${row.state_by ?? 'Someone'} acknowledged this ${kind.replace('_', ' ')} at ${row.state_at ?? '?'} and is working on it`,
        [{ state: row.state, acknowledgedBy: row.state_by, acknowledgedAt: row.state_at }],
      );
    }
    const change = { state: 'acknowledged', action: 'acknowledge', reason, outcome: 'acknowledged' } as const;
    return recordState(deps.db, { kind, id, user, at: now.toISOString() }, { ...change, detail: null });
  });
}

/** Resolves a problem by the action its kind allows; anything else is a 400 saying what is allowed. */
export function resolveProblem(
  deps: ActionDeps,
  kind: ProblemKind,
  id: number,
  request: { action: ResolveAction; reason: string },
  user: Supervisor,
  now: Date,
): Result<ActionResult> {
  return onUnresolved(deps, kind, id, (row) => {
    const { outcome, detail } = act(deps, row, request, user, now);
    const change = {
      state: 'resolved',
      action: request.action,
      reason: request.reason,
      outcome,
      detail,
    } as const;
    return recordState(deps.db, { kind, id, user, at: now.toISOString() }, change);
  });
}

/** Runs `work` on a problem not yet resolved, in one immediate transaction; a resolved one is a 409. */
function onUnresolved(
  deps: ActionDeps,
  kind: ProblemKind,
  id: number,
  work: (row: ProblemRow) => ActionResult,
): Result<ActionResult> {
  return attempt(() =>
    deps.db
      .transaction((): ActionResult => {
        const row = problemRow(deps.db, kind, id);
        if (row.state === 'resolved') throw alreadyResolved(row);
        return work(row);
      })
      .immediate(),
  );
}

/** The problem's new state and its audit row, in the caller's transaction (SV-24). */
function recordState(
  db: ActionDeps['db'],
  problem: { kind: ProblemKind; id: number; user: Supervisor; at: string },
  change: {
    state: 'acknowledged' | 'resolved';
    action: ProblemAction;
    reason: string | null;
    outcome: string;
    detail: Record<string, unknown> | null;
  },
): ActionResult {
  const { kind, id, user, at } = problem;
  // Acknowledging keeps the outcome empty; only a resolution has one.
  const outcome = change.state === 'resolved' ? change.outcome : null;
  db.prepare(
    `UPDATE problem_state SET state = ?, state_by = ?, state_at = ?, state_reason = ?, outcome = COALESCE(?, outcome)
     WHERE kind = ? AND source_id = ?`,
  ).run(change.state, user.userId, at, change.reason, outcome, kind, id);
  const audit = writeAudit(db, {
    at,
    user,
    kind,
    problemId: id,
    action: change.action,
    reason: change.reason,
    outcome: change.outcome,
    detail: change.detail,
  });
  return { problem: toProblem(db, problemRow(db, kind, id)), audit };
}

/** The action itself, inside the caller's transaction (a nested one becomes a savepoint). */
function act(
  deps: ActionDeps,
  row: ProblemRow,
  request: { action: ResolveAction; reason: string },
  user: Supervisor,
  now: Date,
): { outcome: string; detail: Record<string, unknown> | null } {
  const { action } = request;
  switch (row.kind) {
    case 'conflict': {
      if (action === 'resend')
        throw new DomainError(
          'invalid',
          'action: a conflict is applied anyway (apply) or discarded (discard); resend is for upstream dead letters',
        );
      const resolved = resolveConflict(deps, row.source_id, { action, note: request.reason }, user, now);
      if (!resolved.ok) throw resolved.error;
      return { outcome: resolved.value.resolution, detail: { token: resolved.value.token } };
    }
    case 'dead_letter': {
      if (action !== 'resend')
        throw new DomainError(
          'invalid',
          `action: a dead letter can only be sent again (resend): its event already applied here, the upstream refused its record; ${action} does not apply`,
        );
      const resent = deps.upstream.resend(row.source_id);
      if (resent === 0)
        throw new DomainError(
          'conflict',
          `Dead letter ${row.source_id} is no longer dead: it was sent again`,
        );
      return { outcome: 'resent', detail: { resent } };
    }
    case 'parked':
      throw new DomainError(
        'invalid',
        `action: a parked event cannot be ${action === 'resend' ? 'sent again' : `${action === 'apply' ? 'applied' : 'discarded'}`} while it waits for its token: it applies by itself once the token is where it fits, or becomes a conflict when its parking ends${
          row.expires_at ? ` at ${row.expires_at}` : ''
        } (then apply or discard it). Acknowledge it meanwhile, or move the token from a station`,
      );
    case 'refused':
      if (action !== 'discard')
        throw new DomainError(
          'invalid',
          `action: a refused event is closed here by discard (with a reason); it never applied on the server, so it cannot be ${action === 'apply' ? 'applied' : 'sent again'} from here: record it again at its station`,
        );
      // The event never applied here and the server cannot reach into the tablet: discarding closes
      // the problem. The station keeps showing it until its operator discards it or records it again.
      return { outcome: 'discarded', detail: null };
  }
}
