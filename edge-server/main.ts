/** @module `npm start`: the edge server on its embedded default (SQLite in DATA_DIR, demo data on first start). */
import path from 'node:path';
import { loadConfig } from './config';
import { isEmptySite, loadDemo } from './ops/demo';
import { createLogger } from './logger';
import { startServer } from './http/server';
import { CLIENT_DIST, clientBuilt } from './http/static-app';
import { openEdgeCore } from './edge';
import { lanAddresses, loadTls, originOf } from './ops/tls';
import { claimServerLock } from './ops/server-lock';

/** The Node this project runs and is tested on (.node-version; scripts/node24 fetches it). */
const NODE_MAJOR = 24;

async function main(): Promise<void> {
  if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR) {
    throw new Error(
      `the edge server runs on Node ${NODE_MAJOR} (this is ${process.version}): start it with scripts/node24 npm start`,
    );
  }
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
  const log = createLogger(config.logLevel, config.logFormat);
  const lock = claimServerLock(config.dataDir);
  // Before the database: a TLS_CERT_FILE that cannot be read stops the start with its own message.
  const tls = config.https ? await loadTls(config, { log }) : null;
  const core = openEdgeCore(config, { log });
  core.log.info({ node: process.version, pid: process.pid }, 'starting');
  const demo = config.demo && isEmptySite(core) ? loadDemo(core) : null;
  if (demo) {
    core.log.info(
      { file: path.join(config.dataDir, 'demo.json'), stations: demo.stations.map((s) => s.name) },
      'loaded the demo site: station tokens and the supervisor password are in demo.json',
    );
  }
  const server = await startServer(
    core,
    config.port,
    config.host,
    config.https && tls ? { port: config.https.port, tls } : null,
  );
  core.log.info(
    { url: server.url, httpsUrl: server.httpsUrl, database: config.databaseFile, site: config.siteCode },
    'edge server listening',
  );
  if (server.httpsPort !== null) {
    for (const address of lanAddresses(config.host)) {
      core.log.info(
        {
          open: `${originOf('https', address, server.httpsPort)}/`,
          ca: tls?.ca ? `${originOf('http', address, server.port)}/ca` : undefined,
        },
        tls?.ca ? 'tablets: install the CA from the ca page once, then open' : 'tablets: open',
      );
    }
  }
  // A site without an admin (DEMO=0): its first admin is made in the browser with this code (DK-2).
  const setupCode = core.firstAdmin.pendingCode();
  if (setupCode !== null) {
    core.log.warn(
      { open: `${server.url}/supervisor#setup=${setupCode}`, code: setupCode },
      'this site has no admin yet: open the link (or enter the code on the console) to create the first one',
    );
  }
  // One line per demo station: the link a tablet opens (or scans as a QR code) to become that station.
  for (const station of demo?.stations ?? []) {
    core.log.info(
      { station: station.name, url: station.lanEnrollUrls[0] ?? station.enrollUrl },
      'demo station enrollment link',
    );
  }
  // SIGTERM (systemd's stop) and Ctrl-C: requests in progress finish (a push is committed and
  // answered), the forwarder and the upkeep jobs stop, the database closes, exit 0. A second
  // signal stops at once: SQLite's journal keeps the database whole either way.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      core.log.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    stopping = true;
    core.log.info({ signal }, 'stopping: finishing requests in progress');
    void server
      .close()
      .then(() => {
        core.close();
        lock.release();
        core.log.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        core.log.error({ err: error }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
