/**
 * @module GET /api/v1/health: what a monitor (or an integrator with curl) needs to know about an
 * edge box. `ok`; `warning` (it works, but act soon: the disk is getting full); `failing` (it
 * cannot store what stations send: answered with 503).
 */
import { z } from 'zod';
import { currentSchemaVersion } from '../db/migrate';
import type { EdgeCore } from '../edge';
import { storageStatusSchema } from '../forwarder/status';
import { diskSpace } from '../ops/storage-health';

export const siteHealthSchema = z.object({
  status: z.enum(['ok', 'warning', 'failing']),
  site: z.string(),
  schemaVersion: z.int(),
  serverTime: z.string(),
  disk: z
    .object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number(), warnBelowBytes: z.number() })
    .nullable()
    .describe('The file system holding DATA_DIR (null if it cannot be read)'),
  storage: storageStatusSchema,
  warnings: z.array(z.string()),
});
export type SiteHealth = z.infer<typeof siteHealthSchema>;

export function siteHealth(core: EdgeCore): SiteHealth {
  const storage = core.storage.status();
  const disk = diskSpace(core.config.dataDir);
  const warnings: string[] = [];
  if (disk && disk.freeBytes < core.config.diskWarnFreeBytes) {
    warnings.push(
      `Only ${Math.floor(disk.freeBytes / 1024 / 1024)} MB free on the disk holding ${disk.path} (warning below ${Math.floor(core.config.diskWarnFreeBytes / 1024 / 1024)} MB): free space or archive old events`,
    );
  }
  if (storage.message) warnings.push(storage.message);
  return {
    status: !storage.writable ? 'failing' : warnings.length > 0 ? 'warning' : 'ok',
    site: core.config.siteCode,
    schemaVersion: currentSchemaVersion(core.db),
    serverTime: core.clock().toISOString(),
    disk: disk && { ...disk, warnBelowBytes: core.config.diskWarnFreeBytes },
    storage,
    warnings,
  };
}
