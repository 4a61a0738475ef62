/**
 * @module Wall displays (SPEC SV-60 … SV-69): what the admin API answers about them and what the
 * wall's screen sends and reads, as zod/mini schemas (the console parses each answer with them; the
 * edge server declares its routes with the same ones).
 *
 * A display is a read-only credential for a TV: an admin issues it by name and gets its link once,
 * `/supervisor/wall#display=<secret>` (the secret is in the fragment, so it never reaches a server
 * log); the wall's page exchanges the secret for an HttpOnly cookie (POST WALL_SESSION_PATH) and
 * drops it from its address. With it the wall reads the board and the live stream, nothing else.
 */
import * as z from 'zod/mini';

/** Display secrets begin so (the server tells them from other bearer tokens by it). */
export const DISPLAY_SECRET_PREFIX = 'dsp_';
/** The wall's page, and the fragment key its link carries the secret in. */
export const WALL_PAGE_PATH = '/supervisor/wall';
export const WALL_LINK_KEY = 'display';
export const WALL_SESSION_PATH = '/api/v1/wall/session';
export const WALL_BOARD_PATH = '/api/v1/wall/board';
export const WALL_STREAM_PATH = '/api/v1/wall/stream';

export const DISPLAY_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** The link a display opens (a path: the console puts its own origin before it). */
export function wallLinkPath(secret: string): string {
  return `${WALL_PAGE_PATH}#${WALL_LINK_KEY}=${secret}`;
}

/** The secret in a wall page's fragment (`#display=<secret>`), or null. */
export function secretOfFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const secret = params.get(WALL_LINK_KEY);
  return secret !== null && /^[A-Za-z0-9_-]{16,200}$/.test(secret) ? secret : null;
}

/** A display as the admin list shows it (never its secret). */
export const displaySchema = z.object({
  name: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  revokedAt: z.nullable(z.string()),
  lastSeenAt: z.nullable(z.string()),
});
export type Display = z.infer<typeof displaySchema>;

export const displayListSchema = z.object({ displays: z.array(displaySchema) });

/** A new display and its link, shown once: only the secret's hash is kept. */
export const displayIssuedSchema = z.object({
  display: displaySchema,
  secret: z.string(),
  /** `/supervisor/wall#display=<secret>` */
  linkPath: z.string(),
  /** The same on the origin the admin's request came to. */
  link: z.string(),
});
export type DisplayIssued = z.infer<typeof displayIssuedSchema>;

/** The signed-in wall: which display it is. */
export const wallSessionSchema = z.object({ display: z.string() });
export type WallSession = z.infer<typeof wallSessionSchema>;

/** A 401 whose details say the display was revoked (the wall says so in words). */
export const displayRefusalSchema = z.object({
  error: z.object({
    code: z.string(),
    details: z.array(z.object({ path: z.optional(z.string()), message: z.optional(z.string()) })),
  }),
});

/** Whether an error body says the display was revoked (rather than unknown). */
export function saysRevoked(body: unknown): boolean {
  const parsed = displayRefusalSchema.safeParse(body);
  return (
    parsed.success && parsed.data.error.details.some((d) => d.path === 'display' && d.message === 'revoked')
  );
}
