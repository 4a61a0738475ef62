/**
 * @module Every code an event's result, a hub's answer or a refused move can carry, as closed sets:
 * the code that sends one names it from here, the station app has a text for each (in Thai and
 * English), and a test checks that none is missing. The English messages that travel beside a
 * code are for API clients; people read the code's text in their language.
 */

/** Rejected at once (protocol.md): the event is wrong whatever the token's state. */
export const REJECTION_CODES = [
  'INVALID_EVENT',
  'IDEMPOTENCY_KEY_REUSED',
  'UNKNOWN_CODE',
  'NODE_NOT_SERVED',
  'UNKNOWN_OPERATOR',
  'ACTION_NOT_ALLOWED_HERE',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Parked: it does not fit the token yet and waits (SPEC PK-1, PK-3). */
export const PARK_CODES = ['NOT_AT_NODE', 'WRONG_STATUS', 'WAITING_FOR_EARLIER_EVENT'] as const;
export type ParkCode = (typeof PARK_CODES)[number];

/** A conflict for a supervisor: it can never fit, or waited out its window (SPEC PK-4, RT-5). */
export const CONFLICT_CODES = [
  'TOKEN_FINISHED',
  'NODE_PASSED',
  'QTY_EXCEEDS',
  'NO_MATCHING_RULE',
  'PARKING_EXPIRED',
] as const;
export type ConflictCode = (typeof CONFLICT_CODES)[number];

/** What a station can be told about one of its events. */
export const EVENT_REASON_CODES = [...REJECTION_CODES, ...PARK_CODES, ...CONFLICT_CODES] as const;
export type EventReasonCode = (typeof EVENT_REASON_CODES)[number];

/** A hub's answer to a site's record (protocol.md "Upstream forwarding", HTTP). */
export const HUB_REJECTION_CODES = [
  'INVALID_RECORD',
  'FOREIGN_SITE',
  'HELD_BEHIND_REJECTED',
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type HubRejectionCode = (typeof HUB_REJECTION_CODES)[number];

/** A supervisor's manual move the routing does not allow (SPEC TM-12). */
export const MOVE_REFUSAL_CODES = ['MOVE_LEAVES_BRANCH', 'MOVE_ABANDONS_BRANCHES'] as const;
export type MoveRefusalCode = (typeof MOVE_REFUSAL_CODES)[number];

/** A code with words for whoever reads the API; people see the code's text in their language. */
export interface Reason<C extends string = EventReasonCode> {
  code: C;
  message: string;
}
