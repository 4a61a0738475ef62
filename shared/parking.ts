/**
 * @module Parking (SPEC PK-*): an event that does not fit its token yet waits, and is retried each
 * time the token family changes; one station's events for one family apply in `seq` order; the
 * events of one batch are not overtaken by parked events that happened after them (PK-6).
 * Pure: the server runs it inside its transaction, the property tests run it in memory.
 *
 *   for each event e of a batch, per family:
 *     retry parked events that occurred before e   (retryParked with `before`)
 *     decide e                                      (decideIncoming: applied / parked / conflict / rejected)
 *   when the batch ends: retry every parked event   (retryParked)
 */
import type { Decision, Family, MachineContext, OperatorAction } from './token-machine';
import { addressedMember, checkStatically, decide } from './token-machine';

/** An event waiting (or about to wait) on a token family. */
export interface PendingEvent {
  id: string;
  station: string;
  seq: number;
  /** When it happened (ISO 8601, corrected for the station's clock): parked events retry oldest first. */
  occurredAt: string;
  action: OperatorAction;
}

/** What became of one event that was retried. */
export interface RetryOutcome {
  event: PendingEvent;
  decision: Decision;
}

export interface Settled {
  family: Family;
  /** What became of the incoming event. */
  incoming: Decision;
  /** Parked events that applied (or turned into conflicts), in order. */
  retried: RetryOutcome[];
  /** What still waits, oldest first. */
  parked: PendingEvent[];
}

/** PK-3: an event waits behind an earlier event of its station for the same family. */
function blockedBy(event: PendingEvent, parked: readonly PendingEvent[]): PendingEvent | undefined {
  return parked.find((p) => p.station === event.station && p.seq < event.seq && p.id !== event.id);
}

/** Adds an event to a parked list, keeping it oldest first (PK-2); ties keep arrival order. */
export function withParked(parked: readonly PendingEvent[], event: PendingEvent): PendingEvent[] {
  const after = parked.findIndex((p) => p.occurredAt > event.occurredAt);
  return after < 0 ? [...parked, event] : [...parked.slice(0, after), event, ...parked.slice(after)];
}

/**
 * Decides one incoming event without retrying anything: rejected (TM-11), parked behind its
 * station's earlier event (PK-3), or whatever the state machine says.
 */
export function decideIncoming(
  family: Family,
  parked: readonly PendingEvent[],
  incoming: PendingEvent,
  ctx: MachineContext,
): { decision: Decision; parked: PendingEvent[] } {
  const rejection = checkStatically(family, incoming.action, ctx.graph);
  if (rejection) return { decision: { kind: 'rejected', reason: rejection }, parked: [...parked] };
  const blocker = blockedBy(incoming, parked);
  if (blocker) {
    return {
      decision: {
        kind: 'parked',
        addressedKey: addressedMember(family, incoming.action.nodeCode, ctx.graph).key,
        reason: {
          code: 'WAITING_FOR_EARLIER_EVENT',
          message: `waits for this station's earlier event #${blocker.seq} on the same item`,
        },
      },
      parked: withParked(parked, incoming),
    };
  }
  const decision = decide(family, incoming.action, ctx);
  return {
    decision,
    parked: decision.kind === 'parked' ? withParked(parked, incoming) : [...parked],
  };
}

/**
 * PK-2: retries parked events after a change, oldest first, until none fits any more. An applied
 * one changes the family, so the scan starts over; one that can never fit leaves the queue as a
 * conflict. With `before`, only events that occurred before that time are tried (PK-6).
 */
export function retryParked(
  family: Family,
  parked: readonly PendingEvent[],
  ctx: MachineContext,
  before?: string,
): { family: Family; outcomes: RetryOutcome[]; parked: PendingEvent[] } {
  let current = family;
  let waiting = [...parked];
  const outcomes: RetryOutcome[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const event of waiting) {
      if (before !== undefined && event.occurredAt >= before) continue;
      if (blockedBy(event, waiting)) continue;
      const decision = decide(current, event.action, ctx);
      if (decision.kind === 'parked') continue;
      outcomes.push({ event, decision });
      waiting = waiting.filter((p) => p.id !== event.id);
      if (decision.kind === 'applied') current = decision.family;
      progress = true;
      break;
    }
  }
  return { family: current, outcomes, parked: waiting };
}

/** One event arriving alone (a batch of one): the parked events before it, it, then the rest. */
export function receive(
  family: Family,
  parked: readonly PendingEvent[],
  incoming: PendingEvent,
  ctx: MachineContext,
): Settled {
  return receiveBatch(family, parked, [incoming], ctx).settled[0] as Settled;
}

/** One step of a batch, in the order it took effect: a batch event, or a parked event retried. */
export interface BatchStep extends RetryOutcome {
  fromBatch: boolean;
}

/**
 * A batch's events for one family, in the order sent (PK-6): before each, the parked events that
 * occurred before it are retried; when the batch ends, every parked event is. `settled[i]` is the
 * state after event i (the last one's also holds the batch's closing retries); `steps` lists what
 * was decided, in order.
 */
export function receiveBatch(
  family: Family,
  parked: readonly PendingEvent[],
  events: readonly PendingEvent[],
  ctx: MachineContext,
): { family: Family; parked: PendingEvent[]; settled: Settled[]; steps: BatchStep[] } {
  let current = family;
  let waiting = [...parked];
  const settled: Settled[] = [];
  const steps: BatchStep[] = [];
  events.forEach((event, i) => {
    const before = retryParked(current, waiting, ctx, event.occurredAt);
    steps.push(...before.outcomes.map((o) => ({ ...o, fromBatch: false })));
    const { decision, parked: afterDecision } = decideIncoming(before.family, before.parked, event, ctx);
    steps.push({ event, decision, fromBatch: true });
    current = decision.kind === 'applied' ? decision.family : before.family;
    waiting = afterDecision;
    const retried = before.outcomes;
    if (i === events.length - 1) {
      const closing = retryParked(current, waiting, ctx);
      steps.push(...closing.outcomes.map((o) => ({ ...o, fromBatch: false })));
      current = closing.family;
      waiting = closing.parked;
      retried.push(...closing.outcomes);
    }
    settled.push({ family: current, incoming: decision, retried, parked: waiting });
  });
  return { family: current, parked: waiting, settled, steps };
}
