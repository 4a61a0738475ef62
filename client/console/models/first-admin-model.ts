/**
 * @module The setup form of a site without an admin (DK-2): asks the server whether it is needed,
 * sends the code with the first admin's username and password, and says in words why it failed.
 * Once made, the shell signs the new admin in with the same username and password.
 */
import { Model } from '../../state/model';
import type { FirstAdminRequest } from '../../../shared/first-admin-api';
import type { Failure } from '../api';
import { createFirstAdmin, fetchFirstAdminNeeded } from '../api/first-admin';
import type { ConsoleText } from '../i18n/en';

export type FirstAdminState =
  | { kind: 'checking' }
  /** The site has an admin (or the server did not say): the sign-in form. */
  | { kind: 'not-needed' }
  | { kind: 'needed'; busy: boolean; problem: ConsoleText | null };

/** The server's message of a refused request, when its body has one. */
function messageOf(failure: Failure): string {
  const body = failure.body as { error?: { message?: unknown } } | null | undefined;
  return typeof body?.error?.message === 'string' ? body.error.message : '';
}

/** The words for a refused setup (pure, tested). */
export function setupProblem(failure: Failure): ConsoleText {
  if (failure.status === 401) return (t) => t.firstAdmin.wrongCode;
  if (failure.status === 409) return (t) => t.firstAdmin.taken;
  if (failure.status === 400) {
    const detail = messageOf(failure);
    return (t) => t.firstAdmin.invalid({ detail });
  }
  if (failure.status === 429) {
    const seconds = failure.retryAfterSeconds ?? 60;
    return (t) => t.firstAdmin.throttled({ seconds });
  }
  return (t) => t.firstAdmin.unreachable;
}

export class FirstAdminModel extends Model<FirstAdminState> {
  constructor(
    private readonly fetcher: typeof fetch,
    private readonly created: (username: string, password: string) => void,
  ) {
    super({ kind: 'checking' });
  }

  async check(): Promise<void> {
    const answer = await fetchFirstAdminNeeded(this.fetcher);
    this.set(
      answer.ok && answer.value.needed
        ? { kind: 'needed', busy: false, problem: null }
        : { kind: 'not-needed' },
    );
  }

  async create(request: FirstAdminRequest): Promise<void> {
    this.set({ kind: 'needed', busy: true, problem: null });
    const answer = await createFirstAdmin(this.fetcher, request);
    if (answer.ok) {
      this.set({ kind: 'not-needed' });
      this.created(request.username, request.password);
    } else if (answer.failure.status === 409) {
      this.set({ kind: 'not-needed' });
    } else {
      this.set({ kind: 'needed', busy: false, problem: setupProblem(answer.failure) });
    }
  }
}
