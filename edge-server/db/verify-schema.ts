/** @module Compares a live database with the schema its migrations produce, and checks its data integrity. */
import Database from 'better-sqlite3';
import { loadMigrations, migrate, type Migration } from './migrate';

export interface SchemaReport {
  ok: boolean;
  differences: string[];
}

interface ColumnInfo {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

interface IndexListRow {
  seq: number;
  name: string;
  unique: number;
  origin: string;
  partial: number;
}

interface IndexColumnRow {
  seqno: number;
  cid: number;
  name: string | null;
  desc: number;
  coll: string | null;
  key: number;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
  match: string;
}

interface ForeignKeyViolation {
  table: string;
  rowid: number | bigint | null;
  parent: string;
  fkid: number;
}

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

interface TableSnapshot {
  sql: string;
  columns: ColumnInfo[];
  /** UNIQUE constraints (SQLite's automatic indexes), as column lists like `(code, version)`. */
  uniques: string[];
  /** One sentence-ready description per foreign key, e.g. `(graph_id) -> routing_graph(id) ...`. */
  foreignKeys: string[];
}

interface IndexSnapshot {
  table: string;
  sql: string;
  unique: boolean;
  columns: string;
  where: string | null;
}

interface SchemaSnapshot {
  tables: Map<string, TableSnapshot>;
  indexes: Map<string, IndexSnapshot>;
  /** Views and triggers, compared by their normalised SQL. */
  others: Map<string, { type: string; sql: string }>;
  migrations: Map<number, { name: string; checksum: string }> | null;
}

export function verifySchema(
  db: Database.Database,
  migrations: readonly Migration[] = loadMigrations(),
): SchemaReport {
  const expected = expectedSnapshot(migrations);
  const live = snapshot(db);
  const differences = [
    ...compareTables(expected, live),
    ...compareIndexes(expected, live),
    ...compareOthers(expected, live),
    ...compareMigrations(migrations, live),
    ...foreignKeyViolations(db),
    ...integrityProblems(db),
  ];
  return { ok: differences.length === 0, differences };
}

export function formatSchemaReport(result: SchemaReport): string {
  if (result.ok) {
    return 'schema OK: matches the migrations, no foreign key violations, integrity check passed';
  }
  const count = result.differences.length;
  return [
    `schema check FAILED: ${count} problem${count === 1 ? '' : 's'}`,
    ...result.differences.map((d) => `  - ${d}`),
  ].join('\n');
}

/** The schema the migrations produce, built in a throw-away in-memory database. */
function expectedSnapshot(migrations: readonly Migration[]): SchemaSnapshot {
  const reference = new Database(':memory:');
  try {
    reference.pragma('foreign_keys = ON');
    migrate(reference, migrations);
    return snapshot(reference);
  } finally {
    reference.close();
  }
}

function snapshot(db: Database.Database): SchemaSnapshot {
  // sqlite_* objects (sqlite_sequence, sqlite_stat1, automatic indexes) are SQLite's own; automatic
  // indexes are compared below as the UNIQUE constraints they stand for.
  const rows = db
    .prepare(
      `SELECT type, name, tbl_name, sql FROM sqlite_schema
       WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`,
    )
    .all() as SchemaRow[];
  const tableInfo = db.prepare('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid');
  const indexList = db.prepare('SELECT * FROM pragma_index_list(?)');
  const indexInfo = db.prepare('SELECT * FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno');
  const foreignKeyList = db.prepare('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq');

  const tables = new Map<string, TableSnapshot>();
  const indexes = new Map<string, IndexSnapshot>();
  const others = new Map<string, { type: string; sql: string }>();
  const indexColumns = (name: string): string =>
    `(${(indexInfo.all(name) as IndexColumnRow[]).map(describeIndexColumn).join(', ')})`;

  for (const row of rows) {
    if (row.type === 'table') {
      const uniques = (indexList.all(row.name) as IndexListRow[])
        .filter((index) => index.origin === 'u')
        .map((index) => indexColumns(index.name))
        .sort();
      tables.set(row.name, {
        sql: normaliseSql(row.sql ?? ''),
        columns: tableInfo.all(row.name) as ColumnInfo[],
        uniques,
        foreignKeys: describeForeignKeys(foreignKeyList.all(row.name) as ForeignKeyRow[]),
      });
    } else if (row.type === 'index' && row.sql !== null) {
      const listed = (indexList.all(row.tbl_name) as IndexListRow[]).find((index) => index.name === row.name);
      const sql = normaliseSql(row.sql);
      indexes.set(row.name, {
        table: row.tbl_name,
        sql,
        unique: listed ? listed.unique === 1 : /^CREATE UNIQUE /i.test(sql),
        columns: indexColumns(row.name),
        where: /\bWHERE\s(.*)$/is.exec(sql)?.[1] ?? null,
      });
    } else if (row.sql !== null) {
      others.set(row.name, { type: row.type, sql: normaliseSql(row.sql) });
    }
  }

  let migrations: SchemaSnapshot['migrations'] = null;
  if (tables.has('schema_migration')) {
    try {
      const recorded = db.prepare('SELECT version, name, checksum FROM schema_migration').all() as {
        version: number;
        name: string;
        checksum: string;
      }[];
      migrations = new Map(recorded.map((r) => [r.version, { name: r.name, checksum: r.checksum }]));
    } catch {
      // A schema_migration table with the wrong columns is reported by the column comparison.
    }
  }
  return { tables, indexes, others, migrations };
}

function compareTables(expected: SchemaSnapshot, live: SchemaSnapshot): string[] {
  const differences: string[] = [];
  for (const name of expected.tables.keys()) {
    if (!live.tables.has(name)) differences.push(`table ${name} is missing`);
  }
  for (const name of live.tables.keys()) {
    if (!expected.tables.has(name)) differences.push(`table ${name} is not created by any migration (extra)`);
  }
  for (const [name, want] of expected.tables) {
    const have = live.tables.get(name);
    if (!have) continue;
    const found = [
      ...compareColumns(name, want.columns, have.columns),
      ...compareSets(want.uniques, have.uniques, (cols, state) => `table ${name}: UNIQUE ${cols} ${state}`),
      ...compareSets(
        want.foreignKeys,
        have.foreignKeys,
        (fk, state) => `table ${name}: foreign key ${fk} ${state}`,
      ),
    ];
    differences.push(...found);
    // CHECK constraints, collations, AUTOINCREMENT, WITHOUT ROWID and the like have no pragma; if
    // nothing above explains a different definition, report the definition itself.
    if (found.length === 0 && want.sql !== have.sql) {
      differences.push(
        `table ${name}: definition differs from the migrations (e.g. a CHECK constraint); ` +
          `expected \`${want.sql}\`, found \`${have.sql}\``,
      );
    }
  }
  return differences;
}

function compareColumns(table: string, want: ColumnInfo[], have: ColumnInfo[]): string[] {
  const differences: string[] = [];
  const haveByName = new Map(have.map((c) => [c.name, c]));
  const wantByName = new Map(want.map((c) => [c.name, c]));
  for (const column of want) {
    if (!haveByName.has(column.name)) differences.push(`table ${table}: column ${column.name} is missing`);
  }
  for (const column of have) {
    if (!wantByName.has(column.name)) {
      differences.push(
        `table ${table}: column ${column.name} ${column.type} is extra (not in the migrations)`,
      );
    }
  }
  for (const w of want) {
    const h = haveByName.get(w.name);
    if (!h) continue;
    const prefix = `table ${table}: column ${w.name}`;
    if (normaliseType(w.type) !== normaliseType(h.type)) {
      differences.push(`${prefix} has type ${h.type || '(none)'} but should be ${w.type || '(none)'}`);
    }
    if (w.notnull !== h.notnull) {
      differences.push(
        `${prefix} ${h.notnull ? 'is NOT NULL but should allow NULL' : 'allows NULL but should be NOT NULL'}`,
      );
    }
    if (w.dflt_value !== h.dflt_value) {
      differences.push(
        `${prefix} has default ${h.dflt_value ?? '(none)'} but should have ${w.dflt_value ?? '(none)'}`,
      );
    }
    if (w.pk !== h.pk) {
      differences.push(
        `${prefix} has primary-key position ${h.pk} but should have ${w.pk} (0 = not in the key)`,
      );
    }
    if (w.hidden !== h.hidden) {
      differences.push(`${prefix} has hidden/generated kind ${h.hidden} but should have ${w.hidden}`);
    }
  }
  const commonWant = want.filter((c) => haveByName.has(c.name)).map((c) => c.name);
  const commonHave = have.filter((c) => wantByName.has(c.name)).map((c) => c.name);
  if (commonWant.join(',') !== commonHave.join(',')) {
    differences.push(
      `table ${table}: columns are in a different order (expected ${commonWant.join(', ')}; found ${commonHave.join(', ')})`,
    );
  }
  return differences;
}

function compareIndexes(expected: SchemaSnapshot, live: SchemaSnapshot): string[] {
  const differences: string[] = [];
  for (const [name, want] of expected.indexes) {
    if (!live.indexes.has(name)) differences.push(`index ${name} on ${want.table} is missing`);
  }
  for (const [name, have] of live.indexes) {
    if (!expected.indexes.has(name)) {
      differences.push(`index ${name} on ${have.table} is not created by any migration (extra)`);
    }
  }
  for (const [name, want] of expected.indexes) {
    const have = live.indexes.get(name);
    if (!have) continue;
    const found: string[] = [];
    if (want.table !== have.table) {
      found.push(`index ${name} is on table ${have.table} but should be on ${want.table}`);
    }
    if (want.columns !== have.columns) {
      found.push(`index ${name} covers ${have.columns} but should cover ${want.columns}`);
    }
    if (want.unique !== have.unique) {
      found.push(
        `index ${name} ${have.unique ? 'is UNIQUE but should not be' : 'should be UNIQUE but is not'}`,
      );
    }
    if (want.where !== have.where) {
      found.push(
        `index ${name} has ${have.where === null ? 'no WHERE clause' : `WHERE ${have.where}`} ` +
          `but should have ${want.where === null ? 'none' : `WHERE ${want.where}`}`,
      );
    }
    if (found.length === 0 && want.sql !== have.sql) {
      found.push(`index ${name}: definition differs; expected \`${want.sql}\`, found \`${have.sql}\``);
    }
    differences.push(...found);
  }
  return differences;
}

function compareOthers(expected: SchemaSnapshot, live: SchemaSnapshot): string[] {
  const differences: string[] = [];
  for (const [name, want] of expected.others) {
    const have = live.others.get(name);
    if (!have) differences.push(`${want.type} ${name} is missing`);
    else if (have.type !== want.type || have.sql !== want.sql) {
      differences.push(
        `${want.type} ${name}: definition differs; expected \`${want.sql}\`, found \`${have.sql}\``,
      );
    }
  }
  for (const [name, have] of live.others) {
    if (!expected.others.has(name))
      differences.push(`${have.type} ${name} is not created by any migration (extra)`);
  }
  return differences;
}

function compareMigrations(migrations: readonly Migration[], live: SchemaSnapshot): string[] {
  // A missing schema_migration table is already reported as a missing table.
  if (live.migrations === null) return [];
  const differences: string[] = [];
  const expected = new Map(migrations.map((m) => [m.version, m]));
  for (const migration of migrations) {
    const recorded = live.migrations.get(migration.version);
    if (!recorded) {
      differences.push(`migration ${migration.name} is not recorded in schema_migration (not applied)`);
    } else if (recorded.checksum !== migration.checksum) {
      differences.push(
        `migration ${migration.name} is recorded with checksum ${recorded.checksum.slice(0, 12)} ` +
          `but its file has ${migration.checksum.slice(0, 12)}`,
      );
    } else if (recorded.name !== migration.name) {
      differences.push(
        `migration ${String(migration.version)} is recorded as ${recorded.name} but its file is ${migration.name}`,
      );
    }
  }
  for (const [version, recorded] of live.migrations) {
    if (!expected.has(version)) {
      differences.push(
        `schema_migration records ${recorded.name} (version ${version}) but there is no such migration file`,
      );
    }
  }
  return differences;
}

function foreignKeyViolations(db: Database.Database): string[] {
  try {
    const violations = db.pragma('foreign_key_check') as ForeignKeyViolation[];
    return violations.map(
      (v) =>
        `foreign key violation: table ${v.table} ${v.rowid === null ? 'a row' : `rowid ${String(v.rowid)}`} ` +
        `references a missing row in ${v.parent}`,
    );
  } catch (err) {
    return [`foreign_key_check could not run: ${err instanceof Error ? err.message : String(err)}`];
  }
}

function integrityProblems(db: Database.Database): string[] {
  try {
    const lines = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    return lines
      .filter((l) => l.integrity_check !== 'ok')
      .map((l) => `integrity check: ${l.integrity_check}`);
  } catch (err) {
    return [`integrity_check could not run: ${err instanceof Error ? err.message : String(err)}`];
  }
}

function describeIndexColumn(column: IndexColumnRow): string {
  let text = column.name ?? (column.cid === -1 ? 'rowid' : '<expression>');
  if (column.coll !== null && column.coll.toUpperCase() !== 'BINARY') text += ` COLLATE ${column.coll}`;
  if (column.desc) text += ' DESC';
  return text;
}

function describeForeignKeys(rows: ForeignKeyRow[]): string[] {
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()]
    .map((parts) => {
      const first = parts[0];
      if (!first) return '';
      const from = parts.map((p) => p.from).join(', ');
      // `to` is NULL when the REFERENCES clause names no column (the parent's primary key).
      const to = parts.map((p) => p.to ?? '<primary key>').join(', ');
      return `(${from}) -> ${first.table}(${to}) ON UPDATE ${first.on_update} ON DELETE ${first.on_delete}`;
    })
    .sort();
}

/** Differences listed as "missing" / "extra", keeping duplicates (a foreign key declared twice counts twice). */
function compareSets(
  want: readonly string[],
  have: readonly string[],
  sentence: (item: string, state: 'is missing' | 'is extra (not in the migrations)') => string,
): string[] {
  const remaining = [...have];
  const differences: string[] = [];
  for (const item of want) {
    const at = remaining.indexOf(item);
    if (at === -1) differences.push(sentence(item, 'is missing'));
    else remaining.splice(at, 1);
  }
  for (const item of remaining) differences.push(sentence(item, 'is extra (not in the migrations)'));
  return differences;
}

/**
 * Collapses whitespace (and the quotes ALTER TABLE ... RENAME puts around a table name) so that
 * re-indented but identical SQL compares equal.
 */
function normaliseSql(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ', ')
    .replace(/^CREATE TABLE "([^"]+)"/i, 'CREATE TABLE $1')
    .replace(/;$/, '')
    .trim();
}

function normaliseType(type: string): string {
  return type.replace(/\s+/g, ' ').trim().toUpperCase();
}
