/**
 * @module Application order: every event that takes effect here, and every record a hub relays,
 * gets the next `applied_seq` in the same transaction (SPEC PF-1). The forwarder reads the log in
 * this order from its cursor, so the order is never reused: the next number is past the newest in
 * both tables and past the cursor (an archived record's number stays taken).
 */

/** SQL for the newest applied_seq taken (three index seeks). */
export const NEWEST_SEQ = `(SELECT max(
  coalesce((SELECT max(applied_seq) FROM token_event WHERE applied_seq IS NOT NULL), 0),
  coalesce((SELECT max(applied_seq) FROM hub_record WHERE applied_seq IS NOT NULL), 0),
  coalesce((SELECT forwarded_through FROM upstream_cursor WHERE id = 1), 0)))`;

/** SQL for the next applied_seq (evaluated inside the statement that stores it). */
export const NEXT_APPLIED_SEQ = `(${NEWEST_SEQ} + 1)`;

/**
 * SQL for an event's forwarding status ('pending', 'forwarded' or 'dead'; NULL when it never took
 * effect), from its applied_seq, the cursor and the exceptions. An applied event without a place in
 * the order took effect before the log was the outbox and was delivered then (migration 0015).
 */
export function forwardingStatusOf(alias: string): string {
  return `CASE WHEN ${alias}.status <> 'applied' THEN NULL
    WHEN ${alias}.applied_seq IS NULL THEN 'forwarded'
    ELSE coalesce((SELECT x.state FROM upstream_exception x WHERE x.applied_seq = ${alias}.applied_seq),
      CASE WHEN ${alias}.applied_seq <= (SELECT forwarded_through FROM upstream_cursor WHERE id = 1)
        THEN 'forwarded' ELSE 'pending' END) END`;
}
