/**
 * @module Backups and restores. A backup is SQLite's online backup of the live database (consistent
 * while stations push; it copies in small steps, so the server keeps serving), written under a
 * temporary name and renamed when complete, plus a copy of each archive file that changed; the
 * newest BACKUP_KEEP are kept. A restore checks what it is given (integrity, foreign keys,
 * migrations, the schema) before it replaces anything, and keeps the database it replaces.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../db/migrate';
import { applyPragmas } from '../db/open';
import { formatSchemaReport, verifySchema } from '../db/verify-schema';

const BACKUP_FILE = /^edge-(\d{8}-\d{6}-\d{3})Z\.sqlite$/;

export interface BackupSettings {
  dir: string;
  keep: number;
  /** Archive files (copied beside the database when they changed). */
  archiveDir: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  archiveFilesCopied: number;
  removed: string[];
}

/** `edge-20261130-081502-123Z.sqlite` (UTC, to the millisecond): sorts by time. */
export function backupName(now: Date): string {
  const iso = now.toISOString(); // 2026-11-30T08:15:02.123Z
  return `edge-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}Z.sqlite`;
}

/** The time in a backup's name, or null if it is not one. */
export function backupTime(file: string): number | null {
  const m = /edge-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})Z\.sqlite$/.exec(file);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, ms] = m.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, se ?? 0, ms ?? 0);
}

/** The backups in a folder, newest first. */
export function listBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => BACKUP_FILE.test(f))
    .sort()
    .reverse()
    .map((f) => path.join(dir, f));
}

/** Takes one online backup into `settings.dir` and prunes the oldest beyond `keep`. */
export async function backupNow(
  db: Database.Database,
  settings: BackupSettings,
  now: Date,
): Promise<BackupResult> {
  fs.mkdirSync(settings.dir, { recursive: true });
  const file = path.join(settings.dir, backupName(now));
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  await db.backup(partial);
  fs.renameSync(partial, file);
  const archiveFilesCopied = copyChangedArchives(settings.archiveDir, path.join(settings.dir, 'archive'));
  const removed = listBackups(settings.dir).slice(settings.keep);
  for (const old of removed) fs.rmSync(old, { force: true });
  return { file, bytes: fs.statSync(file).size, archiveFilesCopied, removed };
}

function copyChangedArchives(from: string, to: string): number {
  if (!fs.existsSync(from)) return 0;
  let copied = 0;
  for (const name of fs.readdirSync(from).filter((f) => f.endsWith('.sqlite'))) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const stat = fs.statSync(source);
    const existing = fs.existsSync(target) ? fs.statSync(target) : null;
    if (existing && existing.size === stat.size && existing.mtimeMs >= stat.mtimeMs) continue;
    fs.mkdirSync(to, { recursive: true });
    fs.copyFileSync(source, `${target}.partial`);
    fs.renameSync(`${target}.partial`, target);
    copied++;
  }
  return copied;
}

export class RestoreError extends Error {}

export interface RestoreResult {
  restoredFrom: string;
  database: string;
  /** Where the database that was replaced now is (null if there was none). */
  previous: string | null;
  migrationsApplied: string[];
  archiveFilesRestored: number;
}

/**
 * Replaces `databaseFile` with the backup `source`, after checking it: `PRAGMA integrity_check`,
 * `foreign_key_check`, pending migrations applied, and the schema verified. The server must be
 * stopped (the caller checks). Archive files the backup folder holds and DATA_DIR lacks come back.
 */
export function restoreBackup(
  source: string,
  databaseFile: string,
  archiveDir: string,
  now: Date,
): RestoreResult {
  if (!fs.existsSync(source)) throw new RestoreError(`no backup at ${source}`);
  const staged = `${databaseFile}.restoring`;
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${staged}${suffix}`, { force: true });
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  fs.copyFileSync(source, staged);
  let migrationsApplied: string[] = [];
  const db = new Database(staged);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new RestoreError(`${source} is damaged: integrity_check says ${String(integrity)}`);
    const orphans = db.pragma('foreign_key_check') as unknown[];
    if (orphans.length > 0) {
      throw new RestoreError(`${source} has ${orphans.length} rows whose foreign keys point nowhere`);
    }
    applyPragmas(db);
    migrationsApplied = migrate(db).applied.map((m) => m.name);
    const report = verifySchema(db);
    if (!report.ok)
      throw new RestoreError(`${source} does not have this release's schema:\n${formatSchemaReport(report)}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${staged}${suffix}`, { force: true });
    throw error;
  }
  db.close();

  let previous: string | null = null;
  if (fs.existsSync(databaseFile)) {
    // Fold the old WAL into its file first, so that what is kept aside is whole.
    const old = new Database(databaseFile);
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    previous = `${databaseFile}.before-restore-${backupName(now).slice(5, -8)}`;
    fs.renameSync(databaseFile, previous);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${databaseFile}${suffix}`, { force: true });
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${staged}${suffix}`, { force: true });
  fs.renameSync(staged, databaseFile);

  let archiveFilesRestored = 0;
  const savedArchives = path.join(path.dirname(source), 'archive');
  if (fs.existsSync(savedArchives)) {
    fs.mkdirSync(archiveDir, { recursive: true });
    for (const name of fs.readdirSync(savedArchives).filter((f) => f.endsWith('.sqlite'))) {
      const target = path.join(archiveDir, name);
      if (fs.existsSync(target)) continue;
      fs.copyFileSync(path.join(savedArchives, name), target);
      archiveFilesRestored++;
    }
  }
  return { restoredFrom: source, database: databaseFile, previous, migrationsApplied, archiveFilesRestored };
}
