/** @module `npm start`: the edge server on its embedded default (SQLite in DATA_DIR, demo data on first start). */
import path from 'node:path';
import { loadConfig } from './config';
import { isEmptySite, loadDemo } from './demo';
import { createLogger } from './logger';
import { startServer } from './server';
import { CLIENT_DIST, clientBuilt } from './static-app';
import { openSite } from './site';
import { lanAddresses, loadTls, originOf } from './tls';

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
  const log = createLogger(config.logLevel);
  // Before the database: a TLS_CERT_FILE that cannot be read stops the start with its own message.
  const tls = config.https ? await loadTls(config, { log }) : null;
  const site = openSite(config, { log });
  const demo = config.demo && isEmptySite(site) ? loadDemo(site) : null;
  if (demo) {
    site.log.info(
      { file: path.join(config.dataDir, 'demo.json'), stations: demo.stations.map((s) => s.name) },
      'loaded the demo site: station tokens and the supervisor password are in demo.json',
    );
  }
  const server = await startServer(
    site,
    config.port,
    config.host,
    config.https && tls ? { port: config.https.port, tls } : null,
  );
  site.log.info(
    { url: server.url, httpsUrl: server.httpsUrl, database: config.databaseFile, site: config.siteCode },
    'edge server listening',
  );
  if (server.httpsPort !== null) {
    for (const address of lanAddresses(config.host)) {
      site.log.info(
        {
          open: `${originOf('https', address, server.httpsPort)}/`,
          ca: tls?.ca ? `${originOf('http', address, server.port)}/ca` : undefined,
        },
        tls?.ca ? 'tablets: install the CA from the ca page once, then open' : 'tablets: open',
      );
    }
  }
  // One line per demo station: the link a tablet opens (or scans as a QR code) to become that station.
  for (const station of demo?.stations ?? []) {
    site.log.info(
      { station: station.name, url: station.lanEnrollUrls[0] ?? station.enrollUrl },
      'demo station enrollment link',
    );
  }
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
