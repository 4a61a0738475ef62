/**
 * @module Whether the site can write to its disk. SQLite's "database or disk is full" (and I/O
 * errors) are the machine's condition, not a bug: requests that meet one answer 507/503 with a
 * clear code and write nothing (the transaction rolls back, so nothing acknowledged is lost), the
 * health endpoint and the forwarder's status say why, and the next write that succeeds (space
 * freed) clears it by itself. Free space is read from the file system for the health endpoint.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';

export type StorageProblem = 'full' | 'io';

/** Who met the problem: requests (stations, supervisors) or the forwarder. */
export type StorageWriter = 'requests' | 'forwarder';

/** What kind of storage problem an error is, or null when it is something else. */
export function storageProblem(error: unknown): StorageProblem | null {
  if (!(error instanceof Database.SqliteError)) return null;
  if (error.code === 'SQLITE_FULL') return 'full';
  if (error.code.startsWith('SQLITE_IOERR')) return 'io';
  return null;
}

export interface StorageStatus {
  writable: boolean;
  /** When writes began to fail (null while they succeed). */
  failingSince: string | null;
  problem: StorageProblem | null;
  message: string | null;
}

export const STORAGE_MESSAGES: Record<StorageProblem, string> = {
  full: "The edge server's disk (or its database size limit) is full: nothing more can be stored until space is freed",
  io: 'The edge server could not write to its disk (an I/O error): check the disk',
};

/** The last thing writes said about the disk. */
export class StorageState {
  private failing: { since: string; problem: StorageProblem; by: StorageWriter } | null = null;

  failed(problem: StorageProblem, now: Date, by: StorageWriter = 'requests'): void {
    this.failing ??= { since: now.toISOString(), problem, by };
  }

  /**
   * A write went through: whatever failed before has been fixed. The forwarder's writes move a
   * cursor in place and need no new space, so they clear only a failure the forwarder met.
   */
  succeeded(by: StorageWriter = 'requests'): void {
    if (by === 'forwarder' && this.failing?.by !== 'forwarder') return;
    this.failing = null;
  }

  status(): StorageStatus {
    return {
      writable: this.failing === null,
      failingSince: this.failing?.since ?? null,
      problem: this.failing?.problem ?? null,
      message: this.failing ? STORAGE_MESSAGES[this.failing.problem] : null,
    };
  }
}

export interface DiskSpace {
  path: string;
  freeBytes: number;
  totalBytes: number;
}

/** Free and total bytes of the file system holding `dir` (null if it cannot be read). */
export function diskSpace(dir: string): DiskSpace | null {
  try {
    const stats = fs.statfsSync(dir);
    return { path: dir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return null;
  }
}
