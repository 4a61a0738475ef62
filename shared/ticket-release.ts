/**
 * @module Releasing a job ticket (SPEC DK-20 … DK-29), the pure parts both sides share: how a
 * generated serial is written (prefix + counter, at least four digits), how a pasted list of
 * serials is read (one a line, trimmed, blanks dropped, duplicates named), the order a routing's
 * operation steps are printed in (a walk from the start: each branch of a split whole, in the
 * order its edges were given), the release's answer and what a refusal names (zod/mini).
 */
import * as z from 'zod/mini';
import { indexForward } from './graph-walk';
import type { RoutingGraph, RoutingNode } from './routing';

/** The most units one ticket releases (piece: serials; batch: the batch's quantity). */
export const MAX_TICKET_QTY = 100_000;
/**
 * A piece ticket's serials at most: each is a token and a spawn event written in the release's one
 * transaction, which stations' pushes wait for (2,000 take well under a second; 100,000 took about a
 * minute). A larger lot is several tickets, or a batch.
 */
export const MAX_PIECE_SERIALS = 2_000;
/** A serial is printed as a barcode: at most this long. */
export const MAX_SERIAL_LENGTH = 128;
export const MAX_SERIAL_PREFIX_LENGTH = 100;

/** The n-th serial of a prefix: `BV-` and 21 → `BV-0021` (more digits past 9999). */
export function serialOf(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(4, '0')}`;
}

/** The prefix a ticket's generated serials get unless one is given: its code and a dash. */
export function defaultSerialPrefix(ticketCode: string): string {
  return `${ticketCode.trim()}-`;
}

/** Pasted serials: one a line, trimmed, blank lines dropped. */
export function readSerialLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The serials listed more than once, each named once, in the order they first repeat. */
export function repeatedSerials(serials: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const serial of serials) {
    if (seen.has(serial)) repeated.add(serial);
    seen.add(serial);
  }
  return [...repeated];
}

/**
 * A serial is scanned from a label: no spaces, tabs or control characters inside (a row pasted
 * from a spreadsheet with two columns is a mistake, not one serial).
 */
export function isPrintableSerial(serial: string): boolean {
  return /^[^\s\p{Cc}]+$/u.test(serial);
}

/**
 * The operation nodes of a routing in the order a traveler prints them: a depth-first walk from the
 * start over forward edges (rework edges left out), read in reverse postorder, so every step comes
 * after the steps that lead to it; a split's (or a decision's) branches are listed one whole branch
 * after the other, in the order their edges were given, and the steps after the join follow.
 */
export function operationSteps(graph: RoutingGraph): RoutingNode[] {
  const walk = indexForward(graph.nodes, graph.edges);
  const n = walk.codes.length;
  const seen = new Uint8Array(n);
  const post: number[] = [];
  const starts = walk.codes.map((_, i) => i).filter((i) => walk.pred[i]?.length === 0);
  for (const start of starts) {
    // Iterative: a 10,000-step chain must not overflow the stack. Children are taken last first,
    // so that the reversed postorder lists them first first.
    const stack: { node: number; next: number }[] = [{ node: start, next: 0 }];
    seen[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: number; next: number };
      const children = walk.succ[top.node] ?? [];
      if (top.next < children.length) {
        const child = children[children.length - 1 - top.next] as number;
        top.next += 1;
        if (seen[child] === 0) {
          seen[child] = 1;
          stack.push({ node: child, next: 0 });
        }
      } else {
        post.push(top.node);
        stack.pop();
      }
    }
  }
  const byCode = new Map(graph.nodes.map((node) => [node.code, node]));
  return post
    .reverse()
    .map((i) => byCode.get(walk.codes[i] ?? ''))
    .filter((node): node is RoutingNode => node !== undefined && node.type === 'operation');
}

/** The answer to a release: the ticket and its tokens' codes (every serial, or the batch's one code). */
export const ticketReleasedSchema = z.object({
  ticketId: z.number(),
  code: z.string(),
  routing: z.string(),
  routingVersion: z.number(),
  processMode: z.enum(['piece', 'batch']),
  tokens: z.array(z.string()),
});
export type TicketReleased = z.infer<typeof ticketReleasedSchema>;

export const SERIAL_PREVIEW_PATH = '/api/v1/admin/serials/next';

/**
 * The serials a release from this prefix would give now (nothing is reserved: the release's answer
 * is what counts): the first and the last of `qty`, numbers in use skipped.
 */
export const serialPreviewSchema = z.object({
  prefix: z.string(),
  qty: z.number(),
  first: z.string(),
  last: z.string(),
});
export type SerialPreview = z.infer<typeof serialPreviewSchema>;

/** The fields of a release a refusal may name. */
export const RELEASE_FIELDS = [
  'code',
  'routing',
  'routingVersion',
  'processMode',
  'qty',
  'product',
  'serials',
  'serialPrefix',
  'batchCode',
] as const;
export type ReleaseField = (typeof RELEASE_FIELDS)[number];

/**
 * One entry of a refused release's `details`: the field (`path`), the server's words, and for
 * serials or a batch code the `values` at fault with why (`reason`): already in use on this site,
 * listed twice, or not printable.
 */
export const releaseProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
  reason: z.optional(z.enum(['in-use', 'repeated', 'unprintable', 'count'])),
  values: z.optional(z.array(z.string())),
});
export type ReleaseProblem = z.infer<typeof releaseProblemSchema>;
