/**
 * @module Test harness: a real `nats-server -js` on a free loopback port with its store in a temp
 * dir, that tests can stop and start again on the same store and port (an outage), and helpers to
 * read a stream's messages in order. Every server started here is killed and its dir removed by
 * `stopAllNats` (and killed on exit whatever happens).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { waitFor } from './wait';

/** One stored message as an upstream consumer sees it. */
export interface StreamMessage {
  seq: number;
  subject: string;
  /** The Nats-Msg-Id header (null when absent). */
  msgId: string | null;
  /** The body parsed as JSON. */
  record: any;
}

export interface NatsServer {
  port: number;
  /** host:port, as NATS_URL takes it. */
  url: string;
  storeDir: string;
  readonly running: boolean;
  /** The last lines the server logged, for failure messages. */
  logs: string[];
  /** SIGTERM (a graceful shutdown that flushes the store), SIGKILL after 5 s. */
  stop: () => Promise<void>;
  /** Starts it again on the same store and port (after `stop`). */
  start: () => Promise<void>;
  restart: () => Promise<void>;
  /** Runs `fn` on a fresh connection and JetStream manager, closed afterwards. */
  withJsm: <T>(fn: (jsm: JetStreamManager, nc: NatsConnection) => Promise<T>) => Promise<T>;
  streamInfo: (stream: string) => Promise<StreamInfo | null>;
  /** Every message of the stream in sequence order (optionally only those on `subject`). */
  messages: (stream: string, subject?: string) => Promise<StreamMessage[]>;
  /** Stops the server and removes its store. */
  close: () => Promise<void>;
}

const servers = new Set<NatsServer>();
const children = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The nats-server binary: NATS_SERVER_BIN, then PATH, then where Debian puts it. */
export function natsServerBinary(): string {
  const candidates = [
    process.env['NATS_SERVER_BIN'],
    ...(process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/local/bin/nats-server',
    '/usr/bin/nats-server',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not there: try the next one
    }
  }
  throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
}

/** A port nothing listens on right now (the kernel picks it for a listener on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Starts `nats-server -js` on a free port with its store in a new temp dir. */
export async function startNats(): Promise<NatsServer> {
  const binary = natsServerBinary();
  const port = await freePort();
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-station-nats-'));
  const logs: string[] = [];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      logs.push(line);
      if (logs.length > 200) logs.shift();
    }
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error(`nats-server on port ${port} is already running`);
    const proc = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    children.add(proc);
    let gone = false;
    exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        gone = true;
        children.delete(proc);
        if (child === proc) child = null;
        resolve();
      }),
    );
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const exitedEarly = (): never => {
      throw new Error('nats-server exited before it answered');
    };
    const last = { error: '' }; // the JetStream API's last refusal, for the failure message
    try {
      await waitFor(async () => (gone ? exitedEarly() : accepts(port)), {
        everyMs: 25,
        what: `nats-server to accept connections on port ${port}`,
      });
      // Accepting connections is not yet answering the JetStream API: ask it until it does.
      await waitFor(
        async () => {
          if (gone) exitedEarly();
          try {
            await withJsm((jsm) => jsm.getAccountInfo());
            return true;
          } catch (error) {
            last.error = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
        { everyMs: 50, what: 'JetStream to answer' },
      );
    } catch (error) {
      proc.kill('SIGKILL');
      const refusal = last.error === '' ? '' : ` (last: ${last.error})`;
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}${refusal}:\n${logs.join('\n')}`,
      );
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const withJsm = async <T>(fn: (jsm: JetStreamManager, nc: NatsConnection) => Promise<T>): Promise<T> => {
    // Generous bounds: a loaded machine answers slowly, and a broken one fails the test anyway.
    const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 10_000 });
    try {
      return await fn(await jetstreamManager(nc, { timeout: 10_000 }), nc);
    } finally {
      await nc.close();
    }
  };

  const server: NatsServer = {
    port,
    url: `127.0.0.1:${port}`,
    storeDir,
    get running() {
      return child !== null;
    },
    logs,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    withJsm,
    streamInfo: (stream) =>
      withJsm(async (jsm) => {
        try {
          return await jsm.streams.info(stream);
        } catch (error) {
          if (/stream not found/i.test(String(error))) return null;
          throw error;
        }
      }),
    messages: (stream, subject) =>
      withJsm(async (jsm) => {
        const info = await jsm.streams.info(stream);
        const found: StreamMessage[] = [];
        if (info.state.messages === 0) return found;
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const message = await jsm.streams.getMessage(stream, { seq });
          if (!message) continue; // deleted
          if (subject !== undefined && message.subject !== subject) continue;
          found.push({
            seq: message.seq,
            subject: message.subject,
            msgId: message.header?.get('Nats-Msg-Id') || null,
            record: message.json(),
          });
        }
        return found;
      }),
    close: async () => {
      await stop();
      servers.delete(server);
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
  servers.add(server);
  try {
    await start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

/** Stops every server started here and removes their stores (for afterAll). */
export async function stopAllNats(): Promise<void> {
  await Promise.all([...servers].map((server) => server.close()));
}
