/**
 * @module Checks routings off the event loop: one worker thread, started on first use and kept
 * (imports come in bursts), that runs checkRouting on the body's text. The server's thread only
 * stores the result, so a 10,000-node routing never holds up a station's push.
 */
import { Worker } from 'node:worker_threads';
import type { CheckReply } from './routing-check.worker';
import type { RoutingGraph } from '../../shared/routing';
import type { RoutingCheck } from './routings';

const WORKER_URL = new URL(
  `./routing-check.worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/** A routing of 10,000 nodes with names fits; publish and check take the same. */
export const MAX_ROUTING_BYTES = 4 * 1024 * 1024;

export class RoutingChecker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (c: RoutingCheck) => void; reject: (e: Error) => void }
  >();

  /** The check of a routing given as JSON text. */
  check(text: string): Promise<RoutingCheck> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, text });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // TypeScript sources (tsx, vitest) need the loader in the worker too; built JavaScript does not.
    const execArgv = WORKER_URL.pathname.endsWith('.ts') ? [...process.execArgv, '--import', 'tsx'] : [];
    const worker = new Worker(WORKER_URL, { execArgv });
    worker.unref();
    worker.on('message', ({ id, check }: CheckReply) => {
      this.waiting
        .get(id)
        ?.resolve(
          check.ok
            ? { ok: true, routing: { ...check.routing, graph: JSON.parse(check.graphJson) as RoutingGraph } }
            : check,
        );
      this.waiting.delete(id);
    });
    const fail = (error: Error): void => {
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the routing check worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
