/**
 * @module /api/v1/wall: what a wall display reads (SPEC SV-61 … SV-64). The wall's page exchanges
 * the secret of its link for the display cookie (POST /session, public, throttled like a sign-in),
 * then reads the floor board and the live stream, the same as the console's (routes/live.ts
 * serveLiveStream), and nothing else: a display gets 403 on every other route. Supervisors and
 * admins may read these two as well (to see what a wall shows). Revoking a display ends its open
 * streams at once (routes/admin.ts) and its next request is a 401.
 */
import { z } from 'zod';
import { describeIssues } from '../../../shared/protocol';
import { wallSessionSchema } from '../../../shared/display-api';
import { displayBySecretHash, touchDisplay } from '../../admin/displays';
import { displayCookie, isDisplaySecret } from '../../auth/display-cookie';
import { LoginThrottle } from '../../auth/login-throttle';
import { hashToken } from '../../auth/secrets';
import { readBoard } from '../../supervisor/board';
import type { LiveSession } from '../../live/feed';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv, Principal } from '../authenticate';
import { DISPLAY_REVOKED_DETAIL, requireWallReader } from '../authenticate';
import { readJsonBody } from '../body';
import { clientAddress, isHttps, refuseSignInFromOtherOrigin } from '../request-info';
import { ApiError, unwrap } from '../errors';
import { TAGS } from '../openapi';
import { FLOOR_BOARD_JSON } from './supervisor';
import { STREAM_DESCRIPTION, STREAM_RESPONSES, serveLiveStream, streamQuery } from './live';
import type { EdgeCore } from '../../edge';

const MAX_SESSION_BYTES = 1024;
/** A display's stream has no end of its own: it ends when the display is revoked. */
const NO_EXPIRY = '9999-12-31T23:59:59.999Z';
/** Failed exchanges share one throttle key: a guess names no display. */
const THROTTLE_KEY = 'wall-display';

const sessionRequestSchema = z.object({
  secret: z.string().min(1).max(200).describe('The secret of the display’s link (after #display=)'),
});

/** POST /api/v1/wall/session: public (the secret is the credential). */
export function wallSessionRoutes(core: EdgeCore): ApiRoutes {
  const throttle = new LoginThrottle();
  return new ApiRoutes({ tags: [TAGS.wall] }).post(
    '/session',
    {
      operationId: 'openWallSession',
      summary: 'A wall display signs in with the secret of its link: the display cookie',
      description:
        'Sets the display cookie (HttpOnly, SameSite=Strict, Path=/api/v1/wall, Secure over HTTPS) that the wall’s board and stream read; the page then drops the secret from its address. Unknown secrets are slowed per client address as failed sign-ins are (429 with Retry-After); a revoked display is 401. A request sent from another origin is refused (403).',
      body: { name: 'WallSessionRequest', schema: sessionRequestSchema, maxBytes: MAX_SESSION_BYTES },
      responses: {
        200: { description: 'Signed in', json: { name: 'WallSession', schema: wallSessionSchema } },
      },
      errors: [401, 403, 429],
    },
    async (c) => {
      refuseSignInFromOtherOrigin(c);
      const parsed = sessionRequestSchema.safeParse(await readJsonBody(c.req.raw, MAX_SESSION_BYTES));
      if (!parsed.success) {
        throw new ApiError('BAD_REQUEST', `Invalid wall session: ${describeIssues(parsed.error)}`);
      }
      const { secret } = parsed.data;
      const address = clientAddress(c);
      const now = core.clock();
      const waitMs = throttle.waitFor(THROTTLE_KEY, address, now.getTime());
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw new ApiError(
          'RATE_LIMITED',
          `Too many unknown display links from this device; try again in ${seconds} s`,
          [],
          {
            'Retry-After': String(seconds),
          },
        );
      }
      const display = isDisplaySecret(secret) ? displayBySecretHash(core.db, hashToken(secret)) : undefined;
      if (!display) {
        throttle.failed(THROTTLE_KEY, address, now.getTime());
        throw new ApiError('UNAUTHORIZED', 'Unknown display link; ask an admin for a new one');
      }
      if (display.revoked) {
        throw new ApiError('UNAUTHORIZED', 'This display was revoked; ask an admin for a new link', [
          DISPLAY_REVOKED_DETAIL,
        ]);
      }
      throttle.succeeded(THROTTLE_KEY, address);
      touchDisplay(core.db, display.id, now);
      c.header('Set-Cookie', displayCookie(secret, { secure: isHttps(c) }));
      c.header('Cache-Control', 'no-store');
      return c.json({ display: display.name });
    },
  );
}

/** GET /api/v1/wall/board and /stream: a display, a supervisor or an admin. */
export function wallRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.wall] })
    .use(requireWallReader)
    .get(
      '/board',
      {
        operationId: 'getWallBoard',
        summary: 'The floor board for a wall display (every routing, no filters)',
        description: 'The same answer as GET /api/v1/supervisor/board without filters.',
        responses: {
          200: {
            description: 'The board',
            json: FLOOR_BOARD_JSON,
          },
        },
      },
      (c) => c.json(unwrap(readBoard(core.db, core.config.floor, {}, core.clock()))),
    )
    .get(
      '/stream',
      {
        operationId: 'streamWallChanges',
        summary: 'The live stream of committed changes for a wall display (Server-Sent Events)',
        description: `The console’s stream (streamChanges), for a wall. It ends when the display is revoked. ${STREAM_DESCRIPTION}`,
        query: streamQuery,
        responses: STREAM_RESPONSES,
        errors: [400],
      },
      (c) => serveLiveStream(core, c, streamSession(core, c.get('principal'))),
    );
}

/** What ends a wall's stream: its display revoked (by the API now, by the CLI at a heartbeat), or the user's session. */
function streamSession(core: EdgeCore, principal: Principal): LiveSession | undefined {
  if (principal.kind === 'display') {
    const { id, secretHash } = principal.display;
    const stillValid = (): boolean => {
      const display = displayBySecretHash(core.db, secretHash);
      if (!display || display.revoked) return false;
      touchDisplay(core.db, id, core.clock());
      return true;
    };
    return { tokenHash: secretHash, expiresAt: NO_EXPIRY, stillValid };
  }
  if (principal.kind === 'user' && principal.session) {
    return { tokenHash: principal.session.tokenHash, expiresAt: principal.session.expiresAt };
  }
  return undefined;
}
