/**
 * @module test/support/empty-site
 * A new site as it is first started: a real edge server on an empty data folder with no demo data
 * (DEMO=0), so the first admin must be made with the setup code (SPEC DK-2).
 */
import fs from 'node:fs';
import { pino } from 'pino';
import type { EdgeCore } from '../../edge-server/edge';
import { openEdgeCore } from '../../edge-server/edge';
import type { RunningServer } from '../../edge-server/http/server';
import { startServer } from '../../edge-server/http/server';
import { tempDir, testConfig } from './edge';

export interface EmptySite {
  core: EdgeCore;
  server: RunningServer;
  url: string;
  dataDir: string;
  /** Stops the server, closes the core and removes the data folder. */
  close: () => Promise<void>;
}

export async function startEmptySite(): Promise<EmptySite> {
  const dataDir = tempDir();
  const core = openEdgeCore(testConfig(dataDir, { DEMO: '0' }), {
    log: pino({ level: 'silent' }),
    defaultMetrics: false,
  });
  const server = await startServer(core, 0, '127.0.0.1', null);
  return {
    core,
    server,
    url: `http://127.0.0.1:${server.port}`,
    dataDir,
    close: async () => {
      await server.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
