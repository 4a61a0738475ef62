/**
 * Migration 0007 (SV-29): live_change is rebuilt to take kind 'problem' without losing its rows, its
 * cursor (even when every row was pruned) or the triggers of other tables that write to it; a
 * problem's state changes and a dead letter opening write a 'problem' change in the same transaction.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../edge-server/db/migrate';
import { openDatabase } from '../../edge-server/db/open';
import { verifySchema } from '../../edge-server/db/verify-schema';

const opened: { dir: string; db: Database.Database }[] = [];

afterEach(() => {
  for (const { dir, db } of opened.splice(0)) {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A database on a real file, migrated up to `version`. */
function openAt(version: number): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'problem-changes-'));
  const db = openDatabase(path.join(dir, 'edge.db'));
  opened.push({ dir, db });
  migrate(
    db,
    loadMigrations().filter((m) => m.version <= version),
  );
  return db;
}

const PROBLEM_CHANGES = 7;

describe('migration 0007_problem_changes', () => {
  it('SV-29: keeps the change log’s rows and cursor (all rows pruned too), and the schema verifies', () => {
    const d = openAt(PROBLEM_CHANGES - 1);
    const station = d.prepare("INSERT INTO live_change (kind, ref_id, code) VALUES ('station', ?, 'S')");
    for (let i = 1; i <= 5; i++) station.run(i);
    d.prepare('DELETE FROM live_change WHERE id <= 3').run();
    migrate(d);
    expect(d.prepare('SELECT id, kind, ref_id FROM live_change ORDER BY id').all()).toEqual([
      { id: 4, kind: 'station', ref_id: 4 },
      { id: 5, kind: 'station', ref_id: 5 },
    ]);
    const next = d
      .prepare("INSERT INTO live_change (kind, ref_id, code) VALUES ('problem', 1, 'conflict')")
      .run();
    expect(next.lastInsertRowid).toBe(6);
    expect(verifySchema(d).ok).toBe(true);

    const empty = openAt(PROBLEM_CHANGES - 1);
    for (let i = 1; i <= 3; i++)
      empty.prepare("INSERT INTO live_change (kind, ref_id) VALUES ('station', 0)").run();
    empty.prepare('DELETE FROM live_change').run();
    migrate(empty);
    const after = empty.prepare("INSERT INTO live_change (kind, ref_id) VALUES ('station', 0)").run();
    expect(after.lastInsertRowid).toBe(4); // the cursor never goes back
  });

  it('SV-29: a dead letter opening and being sent again, and a problem acknowledged, write problem changes', () => {
    const d = openAt(PROBLEM_CHANGES);
    const latest = () =>
      d.prepare("SELECT ref_id, code, status FROM live_change WHERE kind = 'problem' ORDER BY id").all();
    d.prepare(
      `INSERT INTO problem_state (kind, source_id, opened_at) VALUES ('dead_letter', 41, '2026-12-01T08:00:00Z')`,
    ).run();
    d.prepare(
      `INSERT INTO problem_state (kind, source_id, opened_at) VALUES ('conflict', 9, '2026-12-01T08:00:00Z')`,
    ).run();
    // A conflict opening says so as kind 'conflict' (0004), not twice.
    expect(latest()).toEqual([{ ref_id: 41, code: 'dead_letter', status: 'open' }]);
    d.prepare("UPDATE problem_state SET state = 'acknowledged', state_at = 'x' WHERE source_id = 9").run();
    // The same state again by the same person (acknowledging one's own again): nothing new to show.
    d.prepare("UPDATE problem_state SET state = 'acknowledged', state_at = 'y' WHERE source_id = 9").run();
    d.prepare("UPDATE problem_state SET state = 'resolved', outcome = 'resent' WHERE source_id = 41").run();
    expect(latest()).toEqual([
      { ref_id: 41, code: 'dead_letter', status: 'open' },
      { ref_id: 9, code: 'conflict', status: 'acknowledged' },
      { ref_id: 41, code: 'dead_letter', status: 'resolved' },
    ]);
  });
});
