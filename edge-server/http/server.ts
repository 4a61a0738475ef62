/**
 * @module Starts and stops a site's listeners (plain HTTP, and HTTPS for tablets when given a
 * certificate), with the forwarder and the upkeep jobs (ops/maintenance.ts) beside them.
 *
 *   HTTP  HOST:PORT        loopback: everything, as always (the app, the API, /metrics)
 *                          LAN: the API (hubs and ERP adapters call it machine to machine), the CA
 *                          page; a browser navigation is sent to HTTPS (308)
 *   HTTPS HOST:HTTPS_PORT  everything: what tablets open
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { startMaintenance } from '../ops/maintenance';
import type { EdgeCore } from '../edge';
import type { TlsMaterial } from '../ops/tls';
import { isLoopback } from '../ops/tls';

export interface RunningServer {
  port: number;
  url: string;
  /** null when HTTPS is off. */
  httpsPort: number | null;
  httpsUrl: string | null;
  close: () => Promise<void>;
}

export interface HttpsListener {
  /** 0 takes a free port. */
  port: number;
  tls: TlsMaterial;
}

/** Paths plain HTTP answers to every client: the API, the metrics, and the CA page itself. */
const ALWAYS_OVER_HTTP = /^\/(api\/|metrics$|ca(\.|$|\/))/;

/**
 * A browser on another machine navigating over plain HTTP goes to the same path over HTTPS (its
 * fragment, such as an enrollment code, is kept by the browser). Null: answer the request as it is.
 */
export function httpsRedirect(
  request: Request,
  remoteAddress: string | undefined,
  httpsPort: number,
): Response | null {
  if (remoteAddress === undefined || isLoopback(remoteAddress)) return null;
  if (request.method !== 'GET' || !(request.headers.get('accept') ?? '').includes('text/html')) return null;
  const url = new URL(request.url);
  if (ALWAYS_OVER_HTTP.test(url.pathname)) return null;
  url.protocol = 'https:';
  url.port = String(httpsPort);
  return new Response(`Moved to ${url.toString()}\n`, {
    status: 308,
    // Not cached: a redirect remembered by the browser would outlive HTTPS=off.
    headers: { Location: url.toString(), 'Cache-Control': 'no-store', 'Content-Type': 'text/plain' },
  });
}

/** Requests Node's HTTP parser refuses (an unknown method, oversized headers) never reach Hono; answer them with the contract's error body too. */
function answerMalformedRequests(server: ServerType): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({
      error: {
        code: 'BAD_REQUEST',
        message: tooLarge ? 'The request headers (or URL) are too large' : 'Malformed HTTP request',
        details: [],
      },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

function listen(options: Parameters<typeof serve>[0]): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve(options, (info: AddressInfo) => resolve({ server, port: info.port }));
    server.once('error', reject);
    answerMalformedRequests(server);
  });
}

/** How long a stop waits for requests in progress (a push being committed) before cutting them. */
const STOP_GRACE_MS = 10_000;

/** Stops accepting connections, lets requests in progress finish (up to the grace), then closes. */
function closeServer(server: ServerType, graceMs = STOP_GRACE_MS): Promise<void> {
  return new Promise((done) => {
    const force = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      done();
    });
    // Keep-alive connections with no request in progress would hold close() open for nothing.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

export async function startServer(
  core: EdgeCore,
  port = core.config.port,
  host = core.config.host,
  httpsListener: HttpsListener | null = null,
): Promise<RunningServer> {
  const forwarder = core.forwarder;
  forwarder?.start();
  if (forwarder)
    core.log.info(
      { sink: forwarder.sinkKind, target: forwarder.sinkTarget },
      'forwarding applied events upstream',
    );
  else core.log.info('no upstream configured: applied events stay in the local outbox');
  let httpsPort: number | null = null;
  const app = createApp(core, {
    https: httpsListener ? { tls: httpsListener.tls, httpsPort: () => httpsPort } : null,
  });
  const maintenance = startMaintenance(core);
  core.printing.start();
  const stopBeside = async (): Promise<void> => {
    const stopped = forwarder ? forwarder.stop() : Promise.resolve();
    await Promise.all([stopped, maintenance.stop(), core.printing.stop()]);
  };

  const listening = await Promise.allSettled([
    listen({
      fetch: (request, env) => {
        const redirect =
          httpsPort === null ? null : httpsRedirect(request, env.incoming.socket.remoteAddress, httpsPort);
        return redirect ?? app.fetch(request, env);
      },
      port,
      hostname: host,
    }),
    ...(httpsListener
      ? [
          listen({
            fetch: app.fetch,
            port: httpsListener.port,
            hostname: host,
            createServer: https.createServer,
            serverOptions: { cert: httpsListener.tls.cert, key: httpsListener.tls.key },
          }),
        ]
      : []),
  ]);
  const servers = listening.flatMap((l) => (l.status === 'fulfilled' ? [l.value.server] : []));
  const failed = listening.find((l) => l.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map(closeServer));
    await stopBeside();
    throw failed.reason;
  }
  const [plain, secure] = listening.map((l) => (l.status === 'fulfilled' ? l.value.port : 0));
  httpsPort = secure ?? null;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    port: plain ?? 0,
    url: `http://${shown}:${plain}`,
    httpsPort,
    httpsUrl: httpsPort === null ? null : `https://${shown}:${httpsPort}`,
    close: async () => {
      // Requests in progress finish first (a push is committed and answered), then the forwarder
      // and the upkeep jobs stop; the caller closes the database after that. Open console streams
      // never finish by themselves: they end first, so they do not hold the stop for its grace.
      core.live.close();
      await Promise.all(servers.map((server) => closeServer(server)));
      await stopBeside();
    },
  };
}
