/**
 * @module The forwarding bench's hub, in a process of its own (a hub is another machine): an edge
 * server on loopback (openEdgeCore + startServer, DEMO=0, no upstream of its own) with one site enrolled.
 * Started by bench/upstreams.ts with `<dataDir> <siteCode>`; says `ready` with its URL and the site
 * credential over IPC, answers `count` with what it stored, and closes on `stop` (or when the parent
 * goes away).
 */
import { loadConfig } from '../edge-server/config';
import { valueOf } from '../edge-server/errors';
import { enrollSite } from '../edge-server/hub/intake';
import type { RunningServer } from '../edge-server/http/server';
import { startServer } from '../edge-server/http/server';
import type { EdgeCore } from '../edge-server/edge';
import { openEdgeCore } from '../edge-server/edge';

export type HubRequest = { kind: 'count' } | { kind: 'stop' };

export type HubMessage =
  | { kind: 'ready'; url: string; credential: string }
  | { kind: 'count'; hubRecords: number; outbox: number }
  | { kind: 'error'; message: string };

function send(message: HubMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [dataDir, siteCode] = process.argv.slice(2);
  if (!dataDir || !siteCode || !process.send) {
    throw new Error('usage: forked by bench/upstreams.ts with <dataDir> <siteCode>');
  }
  const core: EdgeCore = openEdgeCore(
    loadConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SITE_CODE: 'HUB' }),
    { defaultMetrics: false },
  );
  let server: RunningServer | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await server?.close();
      core.close();
    })());
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  process.on('message', (request: HubRequest) => {
    if (request.kind === 'count') {
      const row = core.db
        .prepare(
          'SELECT (SELECT count(*) FROM hub_record) AS hubRecords, (SELECT count(*) FROM upstream_record) AS outbox',
        )
        .get() as { hubRecords: number; outbox: number };
      send({ kind: 'count', ...row });
    } else {
      void close().then(() => process.disconnect());
    }
  });
  server = await startServer(core, 0, '127.0.0.1');
  const { credential } = valueOf(enrollSite(core.db, { code: siteCode }, new Date().toISOString()));
  send({ kind: 'ready', url: server.url, credential });
}

main().catch((error: unknown) => {
  send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
