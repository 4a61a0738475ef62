/**
 * @module GET /api/v1/supervisor/stream: the console's live stream (Server-Sent Events over
 * hono/streaming), fed by live/feed.ts; the messages are shared/live-api.ts. Supervisors and
 * admins only (bearer session or the console cookie); stations, operators and displays get 403.
 * serveLiveStream() is shared with the wall's stream (routes/wall.ts).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { ApiError } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import type { LiveSession } from '../../live/feed';

const CURSOR = /^\d{1,15}$/;

/** The cursor to resume after: EventSource's Last-Event-ID wins over the URL's ?after (it is newer). */
export function resumeCursor(lastEventId: string | undefined, after: string | undefined): number | null {
  const [name, value] =
    lastEventId !== undefined && lastEventId.trim() !== ''
      ? ['Last-Event-ID', lastEventId.trim()]
      : ['after', after?.trim()];
  if (value === undefined || value === '') return null;
  if (!CURSOR.test(value)) {
    throw new ApiError(
      'BAD_REQUEST',
      `${name} must be a change cursor (a whole number from an earlier message's id), not ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  return Number(value);
}

/** What the live stream's operation says of itself (the wall's stream says the same). */
export const STREAM_DESCRIPTION =
  'Messages (shared/live-api.ts): `changes` {cursor, changes[]}, `ready` {cursor, heartbeatMs} once replay is done, `resync` {cursor} when the changes after the given cursor are no longer kept (reload the state), and a `: heartbeat` comment every 15 s. Each message’s id is the change cursor: a reconnect with Last-Event-ID (EventSource sends it) or ?after= resumes after it, without a gap or a repeat. Not compressed, not buffered (X-Accel-Buffering: no).';

export const streamQuery = z.object({
  after: z
    .string()
    .optional()
    .describe('Resume after this cursor (Last-Event-ID, when sent, wins); none: from now'),
});

export const STREAM_RESPONSES = {
  200: { description: 'The stream', media: { type: 'text/event-stream' } },
} as const;

/**
 * Answers a request with the live stream of committed changes (the console's and the wall's):
 * resumed after the request's cursor, ended with `session` (signed out, revoked) and with the
 * request (cleanup bound to its abort).
 */
export function serveLiveStream(core: EdgeCore, c: Context, session: LiveSession | undefined): Response {
  const after = resumeCursor(c.req.header('last-event-id'), c.req.query('after'));
  const signal = c.req.raw.signal;
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    await new Promise<void>((done) => {
      let unsubscribe = (): void => {};
      const end = (): void => {
        unsubscribe();
        signal.removeEventListener('abort', end);
        done();
      };
      // The feed may end it (slow reader, signed out, revoked, shutdown): the response ends too.
      unsubscribe = core.live.open({ write: (frame) => stream.write(frame), close: end }, after, session);
      stream.onAbort(end);
      signal.addEventListener('abort', end, { once: true });
      if (signal.aborted || stream.aborted) end();
    });
  });
}

export function liveRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] }).use(requireRole('supervisor', 'admin')).get(
    '/',
    {
      operationId: 'streamChanges',
      summary: 'The live stream of committed changes (Server-Sent Events) for the supervisor console',
      description: STREAM_DESCRIPTION,
      query: streamQuery,
      responses: STREAM_RESPONSES,
      errors: [400],
    },
    (c) => {
      const principal = c.get('principal');
      const session: LiveSession | undefined =
        principal.kind === 'user' && principal.session
          ? { tokenHash: principal.session.tokenHash, expiresAt: principal.session.expiresAt }
          : undefined;
      return serveLiveStream(core, c, session);
    },
  );
}
