/** @module Starts and stops the HTTP server for a site, with the parking-window sweeper beside it. */
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { expireParkedEvents } from './conflicts';
import { startForwarder } from './forwarder/start';
import type { Site } from './site';

/** How often parked events are checked against their window; a minute is fine for a 24 h window. */
const SWEEP_INTERVAL_MS = 60_000;

export interface RunningServer {
  port: number;
  url: string;
  close: () => Promise<void>;
}

export function startServer(
  site: Site,
  port = site.config.port,
  host = site.config.host,
): Promise<RunningServer> {
  const forwarder = startForwarder(site);
  const app = createApp(site);
  const sweep = (): void => {
    try {
      const n = expireParkedEvents(site, site.clock());
      if (n > 0) site.log.warn({ conflicts: n }, 'parked events outlived their window and became conflicts');
    } catch (error) {
      site.log.error({ err: error }, 'parking sweep failed');
    }
  };
  sweep();
  const timer = setInterval(sweep, Math.min(SWEEP_INTERVAL_MS, site.config.parkingWindowMs));
  timer.unref();
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        port: info.port,
        url: `http://${shown}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            const stopped = forwarder ? forwarder.stop() : Promise.resolve();
            site.forwarder = null;
            server.close(() => void stopped.then(done));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
    // Requests Node's HTTP parser refuses (an unknown method, oversized headers) never reach Hono;
    // answer them with the contract's error body too.
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
  });
}
