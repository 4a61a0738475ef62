/**
 * @module The supervisor console's live stream (GET /api/v1/supervisor/stream, Server-Sent
 * Events), as schemas in zod's mini build (the console parses every message with them; the mini
 * build keeps its bundle small).
 *
 * Each SSE message has an `event` name and an `id`, the change cursor: the id of the last change
 * it carries (or, for `ready` and `resync`, the cursor the stream stands at). A reconnect sends it
 * back (EventSource does so by itself as `Last-Event-ID`; `?after=<cursor>` on the first connect)
 * and the stream resumes after it, without a gap and without repeats.
 *
 *   changes  {cursor, changes: [LiveChange, ...]}  committed changes, in commit order
 *   ready    {cursor, heartbeatMs}                   replay done: from here on the stream is live
 *   resync   {cursor}                                the changes after the cursor sent are no longer
 *                                                    kept (or too many): reload the state, then go on
 *   `: heartbeat` comments keep the connection open (every heartbeatMs, 15 s by default).
 */
import * as z from 'zod/mini';

export const LIVE_STREAM_PATH = '/api/v1/supervisor/stream';

export const LIVE_EVENTS = { changes: 'changes', ready: 'ready', resync: 'resync' } as const;

export const LIVE_CHANGE_KINDS = ['token', 'conflict', 'parked', 'station', 'problem'] as const;
export type LiveChangeKind = (typeof LIVE_CHANGE_KINDS)[number];

/** A change cursor: a whole number, 0 before the first change. */
const cursorSchema = z.int().check(z.minimum(0));

/**
 * One committed change, small: what changed, not the whole object (the console asks the REST
 * routes for more when it needs it).
 *   token:    ref = token id, code = its code, node/status after the change, graph = its routing's id
 *   conflict: ref = conflict id, code/node of its event, status 'open', 'applied' or 'discarded'
 *   parked:   ref = the event's row id, code/node of the event, status 'parked' or 'released'
 *   station:  ref = station id, code = its name: it made contact (a push or a heartbeat)
 *   problem:  ref = the problem's id in the exceptions inbox (shared/exceptions-api.ts), code = its
 *             kind (conflict, parked, dead_letter, refused), status = its state after the change
 *             (open, acknowledged, resolved): someone took it up or resolved it, or a dead letter
 *             or a refused event appeared (conflicts and parked events also say so as their own kind)
 */
export const liveChangeSchema = z.object({
  cursor: cursorSchema,
  kind: z.enum(LIVE_CHANGE_KINDS),
  ref: z.int(),
  code: z.nullable(z.string()),
  node: z.nullable(z.string()),
  status: z.nullable(z.string()),
  graph: z.nullable(z.int()),
});
export type LiveChange = z.infer<typeof liveChangeSchema>;

export const liveChangesMessageSchema = z.object({
  cursor: cursorSchema,
  changes: z.array(liveChangeSchema),
});
export type LiveChangesMessage = z.infer<typeof liveChangesMessageSchema>;

export const liveReadyMessageSchema = z.object({ cursor: cursorSchema, heartbeatMs: z.int() });
export type LiveReadyMessage = z.infer<typeof liveReadyMessageSchema>;

export const liveResyncMessageSchema = z.object({ cursor: cursorSchema });
export type LiveResyncMessage = z.infer<typeof liveResyncMessageSchema>;
