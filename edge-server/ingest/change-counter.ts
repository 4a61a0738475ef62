/**
 * @module The site-wide change counter (`site_counter.change_seq`): every write to tokens stamps
 * the rows it changes with the next value, and snapshot cursors follow it. Writers are serialised
 * by SQLite, so reading it and setting it in the same transaction is safe.
 */
import type Database from 'better-sqlite3';

/** Prepared once per connection: ingest reads and sets it on every batch. */
const statements = new WeakMap<Database.Database, { get: Database.Statement; set: Database.Statement }>();

function prepared(db: Database.Database): { get: Database.Statement; set: Database.Statement } {
  let s = statements.get(db);
  if (!s) {
    s = {
      get: db.prepare("SELECT value FROM site_counter WHERE name = 'change_seq'"),
      set: db.prepare("UPDATE site_counter SET value = ? WHERE name = 'change_seq'"),
    };
    statements.set(db, s);
  }
  return s;
}

export function currentChangeSeq(db: Database.Database): number {
  return (prepared(db).get.get() as { value: number }).value;
}

export function setChangeSeq(db: Database.Database, value: number): void {
  prepared(db).set.run(value);
}
