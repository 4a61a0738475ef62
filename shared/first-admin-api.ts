/**
 * @module A new site's first admin (SPEC DK-2): whether one is needed, and the setup form's request
 * and answer. The server prints the setup code in its log with a link, `/supervisor#setup=<code>`.
 */
import * as z from 'zod/mini';

export const FIRST_ADMIN_PATH = '/api/v1/auth/first-admin';
/** The console's fragment that carries the code from the log's link. */
export const SETUP_LINK_KEY = 'setup';

export const firstAdminNeededSchema = z.object({ needed: z.boolean() });

export const firstAdminRequestSchema = z.object({
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  username: z.string().check(z.minLength(1), z.maxLength(64)),
  password: z.string().check(z.minLength(1), z.maxLength(200)),
});
export type FirstAdminRequest = z.infer<typeof firstAdminRequestSchema>;

export const firstAdminCreatedSchema = z.object({ username: z.string(), role: z.literal('admin') });

/** The code in a console address's fragment (`#setup=ABCD-…`), or null. */
export function setupCodeOfFragment(hash: string): string | null {
  const match = new RegExp(`^#${SETUP_LINK_KEY}=([A-Za-z0-9-]{1,64})$`).exec(hash);
  return match?.[1] ?? null;
}
