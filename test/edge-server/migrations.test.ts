import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MIGRATIONS_DIR,
  MigrationError,
  currentSchemaVersion,
  loadMigrations,
  migrate,
} from '../../edge-server/db/migrate';
import { openDatabase } from '../../edge-server/db/open';
import { formatSchemaReport, verifySchema } from '../../edge-server/db/verify-schema';
import { ReferenceData, bumpReferenceSeq } from '../../edge-server/reference/reference-data';
import { buildSnapshot } from '../../edge-server/station/snapshot';

let tmp: string;
const opened: Database.Database[] = [];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-migrations-'));
});

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function open(name = 'edge.db'): Database.Database {
  const db = openDatabase(path.join(tmp, name));
  opened.push(db);
  return db;
}

function migrationRows(db: Database.Database): unknown[] {
  return db.prepare('SELECT * FROM schema_migration ORDER BY version').all();
}

/** A private copy of the real migrations that a test may edit. */
function copyMigrations(): string {
  const dir = path.join(tmp, 'migrations');
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

/** The version a migration added after the real ones would have, e.g. {version: 3, padded: '0003'}. */
function nextVersion(): { version: number; padded: string } {
  const version = loadMigrations().length + 1;
  return { version, padded: String(version).padStart(4, '0') };
}

function migratedDatabase(): Database.Database {
  const db = open();
  migrate(db);
  return db;
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('migrations', () => {
  it('OP-1: a fresh database migrates to the latest version and verify-schema says it matches', () => {
    const db = openDatabase(path.join(tmp, 'not', 'yet', 'there', 'edge.db'));
    opened.push(db);
    const migrations = loadMigrations();

    const result = migrate(db);

    expect(result.alreadyApplied).toBe(0);
    expect(result.applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    expect(currentSchemaVersion(db)).toBe(migrations.at(-1)?.version);
    const report = verifySchema(db);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(formatSchemaReport(report)).toMatch(/^schema OK/);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('OP-6: an unmigrated database is at version 0', () => {
    expect(currentSchemaVersion(open())).toBe(0);
  });

  it('OP-6: running migrate again (after a restart) applies nothing and changes nothing', () => {
    const db = migratedDatabase();
    const before = migrationRows(db);
    db.close();

    const reopened = open();
    const result = migrate(reopened);

    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe(before.length);
    expect(migrationRows(reopened)).toEqual(before);
    expect(verifySchema(reopened).ok).toBe(true);
  });

  it('OP-1: a migration file edited after it was applied stops migrate with an error naming the file', () => {
    const dir = copyMigrations();
    const db = open();
    migrate(db, loadMigrations(dir));
    const rows = migrationRows(db);
    const file = path.join(dir, '0001_initial.sql');
    const bytes = fs.readFileSync(file);
    bytes[3] = (bytes[3] ?? 0) ^ 0x20; // flip the case of one letter in the header comment
    fs.writeFileSync(file, bytes);

    const error = catchError(() => migrate(db, loadMigrations(dir)));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/0001_initial\.sql has changed/);
    expect(error.message).toMatch(/recorded checksum [0-9a-f]{12}, file checksum [0-9a-f]{12}/);
    expect(migrationRows(db)).toEqual(rows);
  });

  it('OP-1: a migration that was applied but whose file is gone stops migrate with an error naming it', () => {
    const dir = copyMigrations();
    const next = nextVersion();
    const file = `${next.padded}_add_note.sql`;
    fs.writeFileSync(path.join(dir, file), 'CREATE TABLE note (id INTEGER PRIMARY KEY);\n');
    const db = open();
    migrate(db, loadMigrations(dir));
    expect(currentSchemaVersion(db)).toBe(next.version);
    fs.rmSync(path.join(dir, file));

    const error = catchError(() => migrate(db, loadMigrations(dir)));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(
      `migration ${next.padded}_add_note was applied to this database but its file is missing`,
    );
    expect(verifySchema(db, loadMigrations(dir)).differences).toEqual(
      expect.arrayContaining([
        'table note is not created by any migration (extra)',
        `schema_migration records ${next.padded}_add_note (version ${next.version}) but there is no such migration file`,
      ]),
    );
  });

  it('OP-1: a failing migration is rolled back completely and leaves the database at the previous version', () => {
    const dir = path.join(tmp, 'migrations');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(MIGRATIONS_DIR, '0001_initial.sql'), path.join(dir, '0001_initial.sql'));
    fs.writeFileSync(
      path.join(dir, '0002_bad.sql'),
      [
        'CREATE TABLE half_done (id INTEGER PRIMARY KEY);',
        "UPDATE site_counter SET value = 99 WHERE name = 'change_seq';",
        'INSERT INTO no_such_table (x) VALUES (1);',
      ].join('\n'),
    );
    const db = open();

    const error = catchError(() => migrate(db, loadMigrations(dir)));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/0002_bad\.sql failed.*no such table: no_such_table/);
    expect(currentSchemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare("SELECT value FROM site_counter WHERE name = 'change_seq'").pluck().get()).toBe(0);
    expect(verifySchema(db, loadMigrations(dir).slice(0, 1)).ok).toBe(true);
  });

  it('OP-6: migrate refuses to apply a forgotten migration after a later one', () => {
    const dir = copyMigrations();
    const a = nextVersion();
    const b = String(a.version + 1).padStart(4, '0');
    fs.writeFileSync(path.join(dir, `${a.padded}_a.sql`), 'CREATE TABLE a (id INTEGER PRIMARY KEY);\n');
    fs.writeFileSync(path.join(dir, `${b}_b.sql`), 'CREATE TABLE b (id INTEGER PRIMARY KEY);\n');
    const db = open();
    migrate(db, loadMigrations(dir));
    db.prepare('DELETE FROM schema_migration WHERE version = ?').run(a.version);

    expect(() => migrate(db, loadMigrations(dir))).toThrow(
      new RegExp(`${a.padded}_a was never applied .* ${b}_b was`),
    );
  });
});

describe('0002_station_language', () => {
  it('OP-1, OP-6, ST-14: on a database at version 1, stations enrolled before keep their rows and speak the site’s STATION_LANGUAGE', () => {
    const dir = path.join(tmp, 'migrations');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(MIGRATIONS_DIR, '0001_initial.sql'), path.join(dir, '0001_initial.sql'));
    const db = open();
    migrate(db, loadMigrations(dir));
    db.prepare(
      `INSERT INTO station (name, token_hash, serves_work_center, enrolled_at, last_seq)
       VALUES ('OLD-1', 'hash-of-old-1', 0, '2024-01-01T00:00:00.000Z', 41)`,
    ).run();

    const result = migrate(db);

    expect(result.applied.map((m) => m.name)).toContain('0002_station_language');
    expect(verifySchema(db).differences).toEqual([]);
    expect(db.prepare("SELECT name, last_seq, language FROM station WHERE name = 'OLD-1'").get()).toEqual({
      name: 'OLD-1',
      last_seq: 41,
      language: null,
    });
    const reference = new ReferenceData(db);
    reference.refresh();
    const station = reference.currentStation(1);
    for (const site of ['th', 'en'] as const) {
      expect(buildSnapshot(db, reference, station, undefined, new Date(), site).station.language).toBe(site);
    }
    // The column takes th, en or nothing (the site's), and no other value; its own wins over the site's.
    db.prepare("UPDATE station SET language = 'en' WHERE name = 'OLD-1'").run();
    bumpReferenceSeq(db);
    expect(buildSnapshot(db, reference, station, undefined, new Date(), 'th').station.language).toBe('en');
    expect(() => db.prepare("UPDATE station SET language = 'fr' WHERE name = 'OLD-1'").run()).toThrow(
      /CHECK constraint failed/,
    );
  });
});

describe('verify-schema', () => {
  it('OP-1: finds a dropped table', () => {
    const db = migratedDatabase();
    db.exec('DROP TABLE component_binding');

    const report = verifySchema(db);

    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      'table component_binding is missing',
      'index component_binding_event on component_binding is missing',
      'index component_binding_serial on component_binding is missing',
      'index component_binding_token on component_binding is missing',
    ]);
    expect(formatSchemaReport(report)).toContain('schema check FAILED: 4 problems');
  });

  it('OP-1: finds a dropped index', () => {
    const db = migratedDatabase();
    db.exec('DROP INDEX flow_token_change');

    expect(verifySchema(db).differences).toEqual(['index flow_token_change on flow_token is missing']);
  });

  it('OP-1: finds an added column', () => {
    const db = migratedDatabase();
    db.exec('ALTER TABLE station ADD COLUMN nickname TEXT');

    expect(verifySchema(db).differences).toEqual([
      'table station: column nickname TEXT is extra (not in the migrations)',
    ]);
  });

  it('OP-1: finds a changed column type', () => {
    const db = migratedDatabase();
    db.exec(`
      CREATE TABLE site_counter_new (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO site_counter_new SELECT name, value FROM site_counter;
      DROP TABLE site_counter;
      ALTER TABLE site_counter_new RENAME TO site_counter;
    `);

    expect(verifySchema(db).differences).toEqual([
      'table site_counter: column value has type TEXT but should be INTEGER',
    ]);
  });

  it('OP-1: finds a changed CHECK constraint, foreign key and partial index', () => {
    const db = migratedDatabase();
    db.pragma('foreign_keys = OFF');
    db.exec(`
      CREATE TABLE app_user_new (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT INTO app_user_new SELECT * FROM app_user;
      DROP TABLE app_user;
      ALTER TABLE app_user_new RENAME TO app_user;
      CREATE TABLE user_session_new (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        via TEXT NOT NULL DEFAULT 'bearer' CHECK (via IN ('bearer', 'cookie'))
      );
      DROP TABLE user_session;
      ALTER TABLE user_session_new RENAME TO user_session;
      CREATE INDEX user_session_user ON user_session (user_id);
      DROP INDEX flow_token_root_code;
      CREATE UNIQUE INDEX flow_token_root_code ON flow_token (code);
    `);
    db.pragma('foreign_keys = ON');

    const differences = verifySchema(db).differences;

    expect(differences).toHaveLength(4);
    expect(differences[0]).toMatch(/^table app_user: definition differs .*CHECK/);
    expect(differences.slice(1)).toEqual([
      'table user_session: foreign key (user_id) -> app_user(id) ON UPDATE NO ACTION ON DELETE NO ACTION is missing',
      'table user_session: foreign key (user_id) -> app_user(id) ON UPDATE NO ACTION ON DELETE CASCADE is extra (not in the migrations)',
      'index flow_token_root_code has no WHERE clause but should have WHERE parent_token_id IS NULL',
    ]);
  });

  it('OP-1: reports a foreign key violation naming the table', () => {
    const db = migratedDatabase();
    db.pragma('foreign_keys = OFF');
    db.prepare(
      `INSERT INTO component_binding (id, token_id, component_serial, event_row_id, bound_at)
       VALUES (7, 999, 'C-1', 999, '2024-01-01T00:00:00.000Z')`,
    ).run();
    db.pragma('foreign_keys = ON');

    const report = verifySchema(db);

    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        'foreign key violation: table component_binding rowid 7 references a missing row in flow_token',
        'foreign key violation: table component_binding rowid 7 references a missing row in token_event',
      ]),
    );
    expect(report.differences).toHaveLength(2);
  });

  it('OP-1: reports schema_migration rows that do not match the files', () => {
    const db = migratedDatabase();
    db.prepare("UPDATE schema_migration SET checksum = 'deadbeef' || checksum WHERE version = 1").run();

    expect(verifySchema(db).differences).toEqual([
      expect.stringMatching(/^migration 0001_initial is recorded with checksum deadbeef/),
    ]);
  });
});

describe('loadMigrations', () => {
  function dirWith(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'm-'));
    for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
    return dir;
  }

  it('OP-1, OP-6: loads the real migrations in order with sha256 checksums', () => {
    const migrations = loadMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: '0001_initial' });
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('OP-6: refuses two files with the same version', () => {
    const dir = dirWith({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' });
    expect(() => loadMigrations(dir)).toThrow(MigrationError);
    expect(() => loadMigrations(dir)).toThrow(
      /two migrations share version 0001: 0001_a\.sql and 0001_b\.sql/,
    );
  });

  it('OP-6: refuses a gap in the versions', () => {
    const dir = dirWith({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 3;' });
    expect(() => loadMigrations(dir)).toThrow(/expected version 0002 but found 0003_c\.sql/);
  });

  it('OP-6: refuses versions that do not start at 1', () => {
    const dir = dirWith({ '0002_b.sql': 'SELECT 2;' });
    expect(() => loadMigrations(dir)).toThrow(/expected version 0001 but found 0002_b\.sql/);
  });

  it('OP-6: refuses a file name that does not follow NNNN_name.sql', () => {
    const dir = dirWith({ '0001_a.sql': 'SELECT 1;', '2_b.sql': 'SELECT 2;' });
    expect(() => loadMigrations(dir)).toThrow(/2_b\.sql is not a migration file name/);
  });
});
