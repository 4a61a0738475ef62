/**
 * What an operator reads for each code the edge server can send about an event (shared/reason-codes.ts).
 * The server's English message stays for API clients; the screen shows these.
 */
import type { ErrorCode } from '../../../shared/protocol';
import type { EventReasonCode } from '../../../shared/reason-codes';

export const reasons = {
  INVALID_EVENT: 'The tablet sent something the server cannot read. Tell your supervisor.',
  IDEMPOTENCY_KEY_REUSED: 'Another station already sent an event with this number. Tell your supervisor.',
  UNKNOWN_CODE: 'This serial is not known to the system. Check the label.',
  NODE_NOT_SERVED: 'This work is not done at this station.',
  UNKNOWN_OPERATOR: 'This badge is not known to the system.',
  ACTION_NOT_ALLOWED_HERE: 'This action cannot be recorded at this step.',
  NOT_AT_NODE: 'The item is not at this step yet. It is kept and recorded when it arrives.',
  WRONG_STATUS: 'The item is not ready for this action yet. It is kept and recorded when it is.',
  WAITING_FOR_EARLIER_EVENT: 'Waiting for an earlier scan from this station.',
  TOKEN_FINISHED: 'The item is already finished or scrapped. A supervisor will decide.',
  NODE_PASSED: 'The item has already passed this step. A supervisor will decide.',
  QTY_EXCEEDS: 'More than the batch holds. A supervisor will decide.',
  NO_MATCHING_RULE: 'The routing has no next step for this result. A supervisor will decide.',
  PARKING_EXPIRED: 'It waited too long without fitting. A supervisor will decide.',
} satisfies Record<EventReasonCode, string>;

/** Codes the station itself gives an event it could not send (outbox rules, the HTTP answer). */
export const localReasons = {
  REJECTED: 'The server refused it.',
  STORAGE_FULL: 'The tablet’s storage is full: scans cannot be recorded. Sync, then free space.',
  UNKNOWN: (p: { code: string }) => `Refused by the server (${p.code}).`,
};

/** What the screen says when the edge server answers a whole request with an error (protocol.md "Errors"). */
export const serverErrors = {
  BAD_REQUEST: 'The server could not read what the tablet sent. Tell your supervisor.',
  UNSUPPORTED_PROTOCOL:
    'This app and the edge server are different versions. Reload the app or tell your supervisor.',
  UNAUTHORIZED: 'The edge server does not accept this tablet. Ask your supervisor to enroll it again.',
  FORBIDDEN: 'This tablet may not do that. Ask your supervisor.',
  NOT_FOUND: 'The edge server does not know this. Tell your supervisor.',
  CONFLICT: 'The edge server refused it because of a conflict. Tell your supervisor.',
  PAYLOAD_TOO_LARGE: 'Too much to send at once. The tablet sends it in smaller parts.',
  RATE_LIMITED: 'The edge server is busy. The tablet sends again shortly.',
  INTERNAL: 'The edge server had a problem. The tablet sends again shortly.',
  UNAVAILABLE: 'The edge server is busy. The tablet sends again shortly.',
  STORAGE_FULL:
    'The edge server’s disk is full. Nothing is lost: the tablet keeps the scans. Tell your supervisor.',
} satisfies Record<ErrorCode, string>;
