/**
 * @module The floor's network between tablets and the edge server, as a TCP relay on a random
 * loopback port that a test can cut. Cut, every open connection is dropped and new ones are reset,
 * as when the Wi-Fi or the LAN goes: nothing a browser sends reaches the server. Chromium's offline
 * emulation (BrowserContext.setOffline) sets navigator.onLine, but it is not watertight where a
 * service worker is involved (playwright#2311): the worker's update checks (GET /sw.js) reached
 * this link while cut, and in CI two events reached the server during a cut. Tests cut both: the
 * emulation for what the screen shows, this link for what the server receives.
 */
import net from 'node:net';
import type { BrowserContext } from 'playwright-core';

export interface NetworkLink {
  /** Base URL through the link (same host and port for its whole life). */
  readonly url: string;
  /** `url` (on the server's own origin) as the tablets reach it, through the link. */
  through(url: string): string;
  /** Drops open connections and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a link to `target` (an http://host:port base URL). */
export async function startNetworkLink(target: string): Promise<NetworkLink> {
  const { hostname, port } = new URL(target);
  let isCut = false;
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A dropped connection errors on both sides; the other side is destroyed by its 'close'.
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    if (isCut) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  // A reset, not a close: bytes still queued on a connection are dropped, not delivered.
  const dropAll = () => {
    for (const socket of open) {
      if (socket.destroyed) continue;
      if (socket.pending) socket.destroy();
      else socket.resetAndDestroy();
    }
  };
  return {
    url,
    through: (serverUrl) => {
      const origin = new URL(target).origin;
      if (new URL(serverUrl).origin !== origin) throw new Error(`${serverUrl} is not on ${origin}`);
      return url + serverUrl.slice(origin.length);
    },
    cut: () => {
      isCut = true;
      dropAll();
    },
    restore: () => {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        isCut = true;
        dropAll();
        server.close(() => resolve());
      }),
  };
}

/** The floor's network goes (or comes back): nothing reaches the server, and the browsers know it. */
export async function setFloorOffline(
  link: NetworkLink,
  contexts: readonly BrowserContext[],
  offline: boolean,
): Promise<void> {
  if (offline) link.cut();
  else link.restore();
  for (const context of contexts) await context.setOffline(offline);
}
