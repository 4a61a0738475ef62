/**
 * @module The routing check (checkRouting) on a worker thread: a large routing's parse,
 * validation and hash take hundreds of milliseconds that the server's one thread must spend on
 * stations' pushes instead. Receives the body's text, answers a RoutingCheck.
 */
import { parentPort } from 'node:worker_threads';
import type { CheckedRouting, RoutingCheck } from './routings';
import { checkRouting } from './routings';

export interface CheckRequest {
  id: number;
  text: string;
}

/** A check as it crosses threads: the graph as JSON text, which is cheaper to hand over than 30,000 objects. */
export type WireCheck =
  | { ok: true; routing: Omit<CheckedRouting, 'graph'>; graphJson: string }
  | Extract<RoutingCheck, { ok: false }>;

export interface CheckReply {
  id: number;
  check: WireCheck;
}

parentPort?.on('message', ({ id, text }: CheckRequest) => {
  let check: RoutingCheck;
  try {
    check = checkRouting(JSON.parse(text) as unknown);
  } catch (error) {
    check = {
      ok: false,
      error: {
        message: `The body is not valid JSON: ${(error as Error).message}`,
        details: [],
      },
    };
  }
  let wire: WireCheck;
  if (check.ok) {
    const { graph, ...routing } = check.routing;
    wire = { ok: true, routing, graphJson: JSON.stringify(graph) };
  } else wire = check;
  parentPort?.postMessage({ id, check: wire } satisfies CheckReply);
});
