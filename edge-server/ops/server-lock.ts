/**
 * @module One server per DATA_DIR: two would both forward the same outbox (JetStream allows one
 * writer per subject) and a restore must not replace a database a server has open. The server
 * writes its pid to DATA_DIR/edge-server.pid; a pid whose process is gone (a crash, a power cut)
 * is stale and taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'edge-server.pid';

export class ServerLockedError extends Error {}

/** The pid of a live server that holds `dataDir`, or null. */
export function runningServer(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Claims `dataDir` for this process; throws if another live server holds it. */
export function claimServerLock(dataDir: string): { release: () => void } {
  const holder = runningServer(dataDir);
  if (holder !== null) {
    throw new ServerLockedError(
      `another edge server (pid ${holder}) is running on ${dataDir}; stop it first (or remove ${path.join(dataDir, LOCK_FILE)} if that process is not an edge server)`,
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  fs.writeFileSync(file, `${process.pid}\n`);
  return {
    release: () => {
      try {
        if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
      } catch {
        // already gone
      }
    },
  };
}
