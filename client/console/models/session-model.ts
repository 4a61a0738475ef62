/**
 * @module Who is signed in to the console: checked on start (GET /auth/session), signed in with a
 * username and password (the cookie is set by the server), signed out. A failed sign-in says why
 * in words: wrong password, throttled (with the wait from Retry-After), not allowed, no answer.
 */
import { Model } from '../../state/model';
import type { ConsoleApi, ConsoleSession, Failure } from '../api';
import type { ConsoleText } from '../i18n/en';

export type SessionState =
  | { kind: 'checking' }
  | { kind: 'signed-out'; problem: ConsoleText | null; busy: boolean }
  | { kind: 'signed-in'; session: ConsoleSession };

/** The words for a failed sign-in (pure, tested). */
export function signInProblem(failure: Failure): ConsoleText {
  if (failure.status === 401) return (t) => t.signIn.wrongPassword;
  if (failure.status === 429) {
    const seconds = failure.retryAfterSeconds ?? 60;
    return (t) => t.signIn.throttled({ seconds });
  }
  if (failure.status === 403) return (t) => t.signIn.notAllowed;
  return (t) => t.signIn.unreachable;
}

const CONSOLE_ROLES = new Set(['supervisor', 'admin']);

export class SessionModel extends Model<SessionState> {
  constructor(private readonly api: ConsoleApi) {
    super({ kind: 'checking' });
  }

  async check(): Promise<void> {
    const answer = await this.api.session();
    if (answer.ok && CONSOLE_ROLES.has(answer.value.role))
      this.set({ kind: 'signed-in', session: answer.value });
    else this.set({ kind: 'signed-out', problem: null, busy: false });
  }

  async signIn(username: string, password: string): Promise<void> {
    this.set({ kind: 'signed-out', problem: null, busy: true });
    const answer = await this.api.signIn(username, password);
    if (answer.ok && CONSOLE_ROLES.has(answer.value.role)) {
      this.set({ kind: 'signed-in', session: answer.value });
    } else {
      const failure = answer.ok ? { status: 403, retryAfterSeconds: null } : answer.failure;
      this.set({ kind: 'signed-out', problem: signInProblem(failure), busy: false });
    }
  }

  async signOut(): Promise<void> {
    await this.api.signOut();
    this.set({ kind: 'signed-out', problem: null, busy: false });
  }

  /** The server said 401 to a later request: the session ended (expired, or signed out elsewhere). */
  ended(): void {
    this.set({ kind: 'signed-out', problem: (t) => t.signIn.ended, busy: false });
  }
}
