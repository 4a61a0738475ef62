/** @module Versioned SQL migrations that refuse to run against a database they do not match. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** `0001_initial.sql`: four-digit version, underscore, lower-case name. */
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  /** The file name without `.sql`, e.g. `0001_initial`. */
  name: string;
  /** Absolute path of the file. */
  file: string;
  sql: string;
  /** sha256 (hex) of the file's bytes. */
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

interface MigrationRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    throw new MigrationError(`cannot read the migrations directory ${dir}: ${messageOf(err)}`, {
      cause: err,
    });
  }
  const migrations: Migration[] = [];
  for (const entry of entries) {
    // Editor swap files and .DS_Store are not migrations; anything else must follow the pattern so a
    // misnamed file ("2_foo.sql", "0002_foo.SQL") is never skipped silently.
    if (entry.startsWith('.')) continue;
    const match = FILE_PATTERN.exec(entry);
    if (!match) {
      throw new MigrationError(
        `${path.join(dir, entry)} is not a migration file name: expected NNNN_name.sql (e.g. 0002_add_index.sql)`,
      );
    }
    const file = path.join(dir, entry);
    const bytes = fs.readFileSync(file);
    migrations.push({
      version: Number(match[1]),
      name: entry.slice(0, -'.sql'.length),
      file,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  checkSequence(migrations);
  return migrations;
}

/** Versions must be unique and run 1, 2, 3, ... so that no migration can be forgotten or applied twice. */
function checkSequence(migrations: readonly Migration[]): void {
  for (const [index, migration] of migrations.entries()) {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new MigrationError(
        `two migrations share version ${pad(migration.version)}: ${path.basename(previous.file)} and ${path.basename(migration.file)}`,
      );
    }
    const expected = index + 1;
    if (migration.version !== expected) {
      throw new MigrationError(
        `migration versions must be contiguous from 1: expected version ${pad(expected)} but found ${path.basename(migration.file)}`,
      );
    }
  }
}

const CREATE_MIGRATION_TABLE = `CREATE TABLE IF NOT EXISTS schema_migration (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = loadMigrations(),
): { applied: Migration[]; alreadyApplied: number } {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  checkSequence(sorted);
  db.exec(CREATE_MIGRATION_TABLE);
  const recorded = db
    .prepare('SELECT version, name, checksum, applied_at FROM schema_migration ORDER BY version')
    .all() as MigrationRow[];

  // Everything is checked before anything is applied: a database that does not match its migration
  // files (edited file, database from a newer build) must stop the server, not be "fixed" further.
  const byVersion = new Map(sorted.map((m) => [m.version, m]));
  for (const row of recorded) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      throw new MigrationError(
        `migration ${row.name} was applied to this database but its file is missing ` +
          `(is the database newer than this build?)`,
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new MigrationError(
        `migration file ${path.basename(migration.file)} has changed since it was applied to this database ` +
          `(recorded checksum ${short(row.checksum)}, file checksum ${short(migration.checksum)}); ` +
          `restore the file and put the change in a new migration`,
      );
    }
    if (migration.name !== row.name) {
      throw new MigrationError(
        `migration ${pad(row.version)} was applied to this database as ${row.name} but the file is now ` +
          `${path.basename(migration.file)}`,
      );
    }
  }
  const appliedVersions = new Set(recorded.map((row) => row.version));
  const pending = sorted.filter((m) => !appliedVersions.has(m.version));
  const latestRecorded = recorded.at(-1);
  const firstPending = pending[0];
  if (firstPending && latestRecorded && firstPending.version < latestRecorded.version) {
    throw new MigrationError(
      `migration ${firstPending.name} was never applied to this database but the later ${latestRecorded.name} was; ` +
        `refusing to apply migrations out of order`,
    );
  }

  const record = db.prepare(
    'INSERT INTO schema_migration (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const applied: Migration[] = [];
  for (const migration of pending) {
    // The SQL and its schema_migration row commit together or not at all, so a failing migration
    // leaves neither half-applied statements nor a record claiming it ran.
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      if (rebuildsTables) checkForeignKeys(db);
      record.run(migration.version, migration.name, migration.checksum, new Date().toISOString());
    });
    // A migration that rebuilds a table other tables point to runs with foreign keys off (they
    // cannot be switched inside a transaction), and is checked whole before it commits.
    const rebuildsTables = FOREIGN_KEYS_OFF.test(migration.sql);
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      apply();
    } catch (err) {
      throw new MigrationError(
        `migration ${path.basename(migration.file)} failed and was rolled back: ${messageOf(err)}`,
        { cause: err },
      );
    } finally {
      if (rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    applied.push(migration);
  }
  return { applied, alreadyApplied: recorded.length };
}

/** The line a migration carries when it must run with foreign keys off (a table rebuild). */
const FOREIGN_KEYS_OFF = /^-- migrate: foreign_keys off$/m;

function checkForeignKeys(db: Database.Database): void {
  const broken = db.pragma('foreign_key_check') as { table: string; parent: string; rowid: number }[];
  const first = broken[0];
  if (first) {
    throw new Error(
      `${broken.length} row(s) point to missing rows, e.g. ${first.table} row ${first.rowid} → ${first.parent}`,
    );
  }
}

/** The highest applied migration version; 0 for a database that was never migrated. */
export function currentSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migration'")
    .get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migration').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
