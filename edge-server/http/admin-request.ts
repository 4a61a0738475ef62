/**
 * @module What an admin request is: the admin's account (not a site credential), the JSON body, and
 * the audit line (DK-1) written with each change.
 */
import type { Context } from 'hono';
import type { AdminChangeInput } from '../admin/admin-changes';
import { recordAdminChange } from '../admin/admin-changes';
import type { EdgeCore } from '../edge';
import type { Result } from '../errors';
import type { AuthEnv } from './authenticate';
import { readJsonBody } from './body';
import { ApiError, unwrap } from './errors';

/** Who the admin is (an account, not a site credential). */
export function adminName(c: Context<AuthEnv>): string {
  const principal = c.get('principal');
  if (principal.kind !== 'user') throw new ApiError('FORBIDDEN', 'This endpoint needs an admin account');
  return principal.username;
}

/** Who the admin is and the JSON body they sent. */
export async function adminRequest(c: Context<AuthEnv>): Promise<{ username: string; input: unknown }> {
  return { username: adminName(c), input: await readJsonBody(c.req.raw) };
}

/**
 * Runs an admin change and writes its line in the audit trail (DK-1) in one transaction: a refused
 * change leaves no line, and no change is made without one.
 */
export function audited<T>(
  core: EdgeCore,
  c: Context<AuthEnv>,
  describe: (value: T) => Omit<AdminChangeInput, 'at' | 'by'>,
  run: () => Result<T>,
): T {
  const by = adminName(c);
  return core.db
    .transaction(() => {
      const value = unwrap(run());
      recordAdminChange(core.db, { at: core.clock().toISOString(), by, ...describe(value) });
      return value;
    })
    .immediate();
}

/** A change to the thing the path names (`/:name`), with its audit line naming it (DK-1). */
export function changeNamed<T>(
  core: EdgeCore,
  c: Context<AuthEnv>,
  action: AdminChangeInput['action'],
  run: (name: string) => Result<T>,
): T {
  const name = c.req.param('name') ?? '';
  return audited(
    core,
    c,
    () => ({ action, subject: name }),
    () => run(name),
  );
}
