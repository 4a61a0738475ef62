/**
 * @module The server's own upkeep, beside the listeners: the parking-window sweep (every minute),
 * moving due events to the archive (every ARCHIVE_INTERVAL_HOURS) and scheduled backups (every
 * BACKUP_INTERVAL_HOURS, the first as soon as none is recent enough). One job of each kind at a
 * time; a failing job is logged (a full disk also shows on the health endpoint) and tried again
 * at its next turn. `stop` waits for a job in progress, so a stop never cuts a backup short.
 */
import { expireParkedEvents } from '../ingest/conflicts';
import type { Config } from '../config';
import type { ConflictDeps } from '../ingest/conflicts';
import type { Logger } from '../logger';
import type { EventArchive } from './archive';
import type { StorageState } from './storage-health';
import { storageProblem } from './storage-health';
import { backupNow, backupTime, listBackups } from './backup';

/** How often parked events are checked against their window; a minute is fine for a 24 h window. */
const SWEEP_INTERVAL_MS = 60_000;
/** The first archive run waits a little after start, so that start-up stays quick. */
const FIRST_ARCHIVE_AFTER_MS = 30_000;

export interface Maintenance {
  stop(): Promise<void>;
}

/** What the upkeep jobs need of a site's core. */
export interface MaintenanceDeps extends ConflictDeps {
  config: Pick<Config, 'parkingWindowMs' | 'archiveIntervalMs' | 'archiveDir' | 'backup'>;
  archive: EventArchive;
  storage: StorageState;
  log: Logger;
  clock: () => Date;
}

export function startMaintenance(core: MaintenanceDeps): Maintenance {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  /** Runs `job` now and then every `everyMs` (after `firstMs`), never two at once. */
  const every = (name: string, everyMs: number, firstMs: number, job: () => unknown): void => {
    const tick = (): void => {
      if (stopped) return;
      const run = (async () => {
        try {
          await job();
        } catch (error) {
          const problem = storageProblem(error);
          if (problem) core.storage.failed(problem, core.clock());
          core.log.error({ err: error, job: name }, `${name} failed; it runs again at its next turn`);
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        schedule(everyMs);
      });
    };
    const schedule = (ms: number): void => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        tick();
      }, ms);
      timer.unref();
      timers.add(timer);
    };
    schedule(firstMs);
  };

  every('parking sweep', Math.min(SWEEP_INTERVAL_MS, core.config.parkingWindowMs), 0, () => {
    const n = expireParkedEvents(core, core.clock());
    if (n > 0) core.log.warn({ conflicts: n }, 'parked events outlived their window and became conflicts');
  });

  every(
    'archive',
    core.config.archiveIntervalMs,
    Math.min(FIRST_ARCHIVE_AFTER_MS, core.config.archiveIntervalMs),
    async () => {
      const moved = await core.archive.runInSteps(core.clock());
      if (moved.events > 0) core.log.info(moved, 'moved old events to the archive');
    },
  );

  const backup = core.config.backup;
  if (backup) {
    const newest = listBackups(backup.dir)[0];
    const takenAt = newest ? backupTime(newest) : null;
    const dueIn = takenAt === null ? 0 : Math.max(0, takenAt + backup.intervalMs - core.clock().getTime());
    every('backup', backup.intervalMs, dueIn, async () => {
      const result = await backupNow(
        core.db,
        { ...backup, archiveDir: core.config.archiveDir },
        core.clock(),
      );
      core.log.info(result, 'backed up the database');
    });
  }

  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
