/**
 * @module The first admin of a new site (SPEC DK-2), made from the browser: while the site has no
 * admin, the server holds a setup code for this process (made on first ask, printed in its log with
 * a link to the console) and the console's setup form exchanges it, with a username and a password,
 * for the site's first admin account. Once an admin exists the code is gone and the form with it:
 * more accounts are added by an admin (POST /api/v1/admin/users) or on the command line.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { addUser } from '../admin/people';
import { recordAdminChange } from '../admin/admin-changes';

/** Letters that cannot be read as one another (no I/1, O/0), typed from a log line. */
const CODE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_GROUPS = 3;
const GROUP_LENGTH = 4;

function newSetupCode(): string {
  const groups = Array.from({ length: CODE_GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => CODE_LETTERS[randomInt(CODE_LETTERS.length)]).join(''),
  );
  return groups.join('-');
}

/** A typed code as the form sent it: upper case, spaces and dashes ignored. */
function normalized(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export interface FirstAdminInput {
  code: string;
  username: string;
  password: string;
}

export class FirstAdminSetup {
  private code: string | null = null;

  constructor(private readonly db: Database.Database) {}

  /** True while the site has no admin account. */
  needed(): boolean {
    return this.db.prepare(`SELECT 1 FROM app_user WHERE role = 'admin' LIMIT 1`).get() === undefined;
  }

  /** This process's setup code, null once the site has an admin. */
  pendingCode(): string | null {
    if (!this.needed()) {
      this.code = null;
      return null;
    }
    this.code ??= newSetupCode();
    return this.code;
  }

  /** Makes the first admin; a wrong code is 'unauthorized', a site with an admin 'conflict'. */
  redeem(input: FirstAdminInput, now: string): Result<{ username: string; role: 'admin' }> {
    return attempt(() => {
      const expected = this.pendingCode();
      if (expected === null)
        throw new DomainError('conflict', 'This site already has an admin: ask them to add your account');
      const given = Buffer.from(normalized(input.code));
      const wanted = Buffer.from(normalized(expected));
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
        throw new DomainError('unauthorized', 'code: not this server’s setup code (see its log)');
      return this.db
        .transaction(() => {
          const user = addUser(
            this.db,
            { username: input.username, password: input.password, role: 'admin' },
            now,
          );
          if (!user.ok) throw user.error;
          recordAdminChange(this.db, {
            at: now,
            by: user.value.username,
            action: 'user.add',
            subject: user.value.username,
            detail: { role: 'admin', firstAdmin: true },
          });
          this.code = null;
          return { username: user.value.username, role: 'admin' as const };
        })
        .immediate();
    });
  }
}
