/** @module Opens the edge server's SQLite database with the pragmas every connection must use. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Pragmas applied to every connection, in order. Exported so benchmarks and tools can give a raw
 * database exactly the same settings as the server.
 */
export const DATABASE_PRAGMAS = [
  // Readers (snapshots, exports) never block the writer, and the writer never blocks readers.
  'journal_mode = WAL',
  // An acknowledged scan must survive a power cut: sync the WAL on every commit.
  'synchronous = FULL',
  // SQLite leaves foreign keys off by default, per connection; the schema relies on them.
  'foreign_keys = ON',
  // Wait for a concurrent writer (e.g. a CLI next to the server) instead of failing with SQLITE_BUSY.
  'busy_timeout = 5000',
] as const;

export function applyPragmas(db: Database.Database): void {
  for (const pragma of DATABASE_PRAGMAS) db.pragma(pragma);
}

export function openDatabase(file: string): Database.Database {
  // A first start on a new machine must not fail because the data directory does not exist yet.
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  try {
    applyPragmas(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
