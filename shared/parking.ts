/**
 * @module Parking (SPEC PK-*): an event that does not fit its token yet waits, and is retried each
 * time the token family changes; one station's events for one family apply in `seq` order.
 * Pure: the server runs it inside its transaction, the property tests run it in memory.
 */
import type { Decision, Family, MachineContext, OperatorAction } from './token-machine';
import { addressedMember, checkStatically, decide } from './token-machine';

/** An event waiting (or about to wait) on a token family. */
export interface PendingEvent {
  id: string;
  station: string;
  seq: number;
  action: OperatorAction;
}

export interface Outcome {
  event: PendingEvent;
  decision: Decision;
}

export interface Settled {
  family: Family;
  /** What became of the incoming event. */
  incoming: Decision;
  /** Parked events that applied (or turned into conflicts) because of it, in order. */
  retried: Outcome[];
  /** What still waits, in the order given. */
  parked: PendingEvent[];
}

/** PK-3: an event waits behind an earlier event of its station for the same family. */
function blockedBy(event: PendingEvent, parked: readonly PendingEvent[]): PendingEvent | undefined {
  return parked.find((p) => p.station === event.station && p.seq < event.seq && p.id !== event.id);
}

/** Receives one event for a family that already has `parked` events waiting (oldest first). */
export function receive(
  family: Family,
  parked: readonly PendingEvent[],
  incoming: PendingEvent,
  ctx: MachineContext,
): Settled {
  const rejection = checkStatically(family, incoming.action, ctx.graph);
  if (rejection)
    return { family, incoming: { kind: 'rejected', reason: rejection }, retried: [], parked: [...parked] };
  const blocker = blockedBy(incoming, parked);
  if (blocker) {
    return {
      family,
      incoming: {
        kind: 'parked',
        addressedKey: addressedMember(family, incoming.action.nodeCode, ctx.graph).key,
        reason: {
          code: 'WAITING_FOR_EARLIER_EVENT',
          message: `waits for this station's earlier event #${blocker.seq} on the same item`,
        },
      },
      retried: [],
      parked: [...parked, incoming],
    };
  }
  const decision = decide(family, incoming.action, ctx);
  if (decision.kind === 'parked') {
    return { family, incoming: decision, retried: [], parked: [...parked, incoming] };
  }
  if (decision.kind !== 'applied') return { family, incoming: decision, retried: [], parked: [...parked] };
  const after = retryParked(decision.family, parked, ctx);
  return { family: after.family, incoming: decision, retried: after.outcomes, parked: after.parked };
}

/**
 * PK-2: re-tries parked events after a change, until none fits any more. An applied one changes
 * the family, so the scan starts over; one that can never fit leaves the queue as a conflict.
 */
export function retryParked(
  family: Family,
  parked: readonly PendingEvent[],
  ctx: MachineContext,
): { family: Family; outcomes: Outcome[]; parked: PendingEvent[] } {
  let current = family;
  let waiting = [...parked];
  const outcomes: Outcome[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const event of waiting) {
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
