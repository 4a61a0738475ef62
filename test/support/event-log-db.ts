/**
 * @module What tests read and force in the upstream side of the event log (migration 0015): the
 * newest record in application order, a record's forwarding status, and a record made a dead
 * letter directly (the forwarder's own dead-letter path is tested with the sinks).
 */
import type Database from 'better-sqlite3';

/** The newest record's place in application order (what the outbox called its id); 0 when none. */
export function newestRecordId(db: Database.Database): number {
  return db.prepare('SELECT coalesce(max(id), 0) FROM upstream_record').pluck().get() as number;
}

/**
 * SQL for the forwarding status ('pending' | 'forwarded' | 'dead') of an upstream_record row
 * (`alias`): its exception row says, else whether the cursor has passed it.
 */
export function recordStatusOf(alias: string): string {
  return `coalesce((SELECT x.state FROM upstream_exception x WHERE x.applied_seq = ${alias}.id),
    CASE WHEN ${alias}.id <= (SELECT forwarded_through FROM upstream_cursor WHERE id = 1)
      THEN 'forwarded' ELSE 'pending' END)`;
}

/** A record's forwarding status, by its place in application order (null: no such record). */
export function forwardingStatus(db: Database.Database, id: number): string | null {
  return (
    (db
      .prepare(`SELECT ${recordStatusOf('r')} FROM upstream_record r WHERE r.id = ?`)
      .pluck()
      .get(id) as string | undefined) ?? null
  );
}

/**
 * Makes a record a dead letter, as the forwarder does after too many refusals (a trigger opens its
 * problem); `lastError` is what the upstream said (kept when null and the record already had one).
 */
export function markDead(
  db: Database.Database,
  id: number,
  fields: { lastError?: string; attempts?: number } = {},
): void {
  const info = db
    .prepare(
      `INSERT INTO upstream_exception (applied_seq, family, state, attempts, last_error, updated_at)
       SELECT id, family, 'dead', @attempts, @lastError, @now FROM upstream_record WHERE id = @id
       ON CONFLICT (applied_seq) DO UPDATE SET state = 'dead',
         attempts = coalesce(@attemptsSet, attempts), last_error = coalesce(excluded.last_error, last_error)`,
    )
    .run({
      id,
      attempts: fields.attempts ?? 0,
      attemptsSet: fields.attempts ?? null,
      lastError: fields.lastError ?? null,
      now: new Date().toISOString(),
    });
  if (info.changes !== 1) throw new Error(`no record ${id} in application order`);
}

/**
 * The state a crash between sending records and marking them forwarded leaves: every record from
 * `fromId` on is pending again (the cursor moves back before it).
 */
export function unmarkForwarded(db: Database.Database, fromId: number): void {
  db.prepare('UPDATE upstream_cursor SET forwarded_through = min(forwarded_through, ?) WHERE id = 1').run(
    fromId - 1,
  );
}
