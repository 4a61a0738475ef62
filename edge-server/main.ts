/** @module `npm start`: the edge server on its embedded default (SQLite in DATA_DIR, demo data on first start). */
import path from 'node:path';
import { loadConfig } from './config';
import { isEmptySite, loadDemo } from './demo';
import { startServer } from './server';
import { CLIENT_DIST, clientBuilt } from './static-app';
import { openSite } from './site';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!clientBuilt()) {
    // First start of a fresh checkout: build the station app the server hands to tablets.
    console.log('building the station app (first start)…');
    const vite = await import('vite');
    await vite.build({
      configFile: path.join(path.dirname(CLIENT_DIST), '..', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: CLIENT_DIST, emptyOutDir: true },
    });
  }
  const site = openSite(config);
  if (config.demo && isEmptySite(site)) {
    const demo = loadDemo(site);
    site.log.info(
      { file: path.join(config.dataDir, 'demo.json'), stations: demo.stations.map((s) => s.name) },
      'loaded the demo site: station tokens and the supervisor password are in demo.json',
    );
  }
  const server = await startServer(site);
  site.log.info(
    { url: server.url, database: config.databaseFile, site: config.siteCode },
    'edge server listening',
  );
  const stop = (signal: string): void => {
    site.log.info({ signal }, 'stopping');
    void server.close().then(() => {
      site.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
