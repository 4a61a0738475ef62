/**
 * @module The forwarding bench's upstreams, each a process of its own that the bench starts and ends:
 * a JetStream-enabled nats-server (random free port on loopback, store in a temp dir) and a hub edge
 * server (bench/hub-process.ts). If the bench process exits on an error, both are killed with it.
 */
import type { ChildProcess } from 'node:child_process';
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HubMessage, HubRequest } from './hub-process';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Ends a child: SIGTERM, then SIGKILL if it is still there after STOP_TIMEOUT_MS. */
function terminate(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      return resolve();
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** nats-server: BENCH_NATS_SERVER, else /usr/sbin/nats-server, else the one on PATH (null if none). */
export function natsServerBinary(): string | null {
  const configured = process.env['BENCH_NATS_SERVER'];
  if (configured) return configured;
  for (const candidate of ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  const onPath = (process.env['PATH'] ?? '')
    .split(':')
    .map((dir) => `${dir}/nats-server`)
    .find((file) => fs.existsSync(file));
  return onPath ?? null;
}

export interface NatsServer {
  /** host:port, as NATS_URL takes it. */
  servers: string;
  version: string;
  stop: () => Promise<void>;
}

/** Starts `nats-server -js` on 127.0.0.1 and a random free port (-p -1), storing in `storeDir`. */
export function startNatsServer(binary: string, storeDir: string): Promise<NatsServer> {
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let log = '';
    let port: string | null = null;
    let version = '?';
    const fail = (why: string): void => {
      clearTimeout(timer);
      void terminate(child).then(() => reject(new Error(`nats-server ${why}:\n${log.slice(-2000)}`)));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (error) => fail(`did not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (port !== null) return;
      log += text;
      version = /Version:\s+(\S+)/.exec(log)?.[1] ?? version;
      const listening = /Listening for client connections on [^\s]*:(\d+)/.exec(log);
      if (listening && /Server is ready/.test(log)) {
        port = listening[1] ?? null;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stderr?.resume();
        resolve({ servers: `127.0.0.1:${port}`, version, stop: () => terminate(child) });
      }
    });
  });
}

export interface Hub {
  url: string;
  /** The bench site's credential at the hub. */
  credential: string;
  /** What the hub stored: hub_record rows and its own outbox rows. */
  count: () => Promise<{ hubRecords: number; outbox: number }>;
  stop: () => Promise<void>;
}

/** Forks bench/hub-process.ts (TypeScript through tsx, as this process runs) with its data in `dataDir`. */
export function startHub(dataDir: string, siteCode: string): Promise<Hub> {
  const script = fileURLToPath(new URL('./hub-process.ts', import.meta.url));
  const viaTsx = process.execArgv.some((arg) => arg.includes('tsx'));
  const child = fork(script, [dataDir, siteCode], {
    execArgv: viaTsx ? process.execArgv : ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const stop = async (): Promise<void> => {
    if (child.connected) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ kind: 'stop' } satisfies HubRequest);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
      await Promise.race([exited, timeout]);
    }
    await terminate(child);
  };
  const count = (): Promise<{ hubRecords: number; outbox: number }> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: HubMessage): void => {
        if (message.kind !== 'count') return;
        child.off('message', onMessage);
        resolve({ hubRecords: message.hubRecords, outbox: message.outbox });
      };
      child.on('message', onMessage);
      child.send({ kind: 'count' } satisfies HubRequest, (error) => {
        if (error) reject(error);
      });
    });
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void terminate(child).then(() => reject(new Error(`hub ${why}`)));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (error) => fail(`did not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    child.once('message', (message: HubMessage) => {
      if (message.kind === 'error') return fail(`failed: ${message.message}`);
      if (message.kind !== 'ready') return fail(`said ${message.kind} before ready`);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      resolve({ url: message.url, credential: message.credential, count, stop });
    });
  });
}
