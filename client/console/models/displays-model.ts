/**
 * @module The wall displays page (admin, SPEC SV-60, SV-67): the list (refetched after each change
 * and every 30 s, for "last seen"), issuing one (its link shown once, until dismissed), revoking
 * one after a confirmation. Failures are said in words; a 401 hands back to sign-in.
 */
import type { Display, DisplayIssued } from '../../../shared/display-api';
import { DISPLAY_NAME_PATTERN } from '../../../shared/display-api';
import { fetchDisplays, issueDisplay, revokeDisplay } from '../api/displays';
import type { Failure } from '../api';
import type { ConsoleText } from '../i18n/en';
import type { LiveClock } from './live-model';
import { Poll } from './poll';
import { RevocableListModel } from './revocable-list';

export const DISPLAYS_REFRESH_MS = 30_000;

export interface DisplaysState {
  displays: readonly Display[] | null;
  loadFailed: boolean;
  busy: boolean;
  /** The display just issued, with its link (shown once). */
  issued: DisplayIssued | null;
  /** Why the last issue or revoke did not happen. */
  problem: ConsoleText | null;
  /** The display whose revocation waits for a confirmation. */
  confirming: string | null;
}

/** The words for a failed issue (pure). */
export function issueProblem(name: string, failure: Failure): ConsoleText {
  if (failure.status === 409) return (t) => t.displays.nameInUse({ name });
  if (failure.status === 400) return (t) => t.displays.badName;
  if (failure.status === 403) return (t) => t.displays.adminOnly;
  return (t) => t.displays.unreachable;
}

export class DisplaysModel extends RevocableListModel<DisplaysState> {
  private readonly poll: Poll;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    clock: LiveClock,
  ) {
    super({ displays: null, loadFailed: false, busy: false, issued: null, problem: null, confirming: null });
    this.poll = new Poll(clock, () => this.load());
  }

  async load(): Promise<void> {
    this.poll.starting();
    const answer = await fetchDisplays(this.fetcher);
    if (this.poll.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    this.patch(answer.ok ? { displays: answer.value.displays, loadFailed: false } : { loadFailed: true });
    this.poll.again(DISPLAYS_REFRESH_MS);
  }

  stop(): void {
    this.poll.stop();
  }

  async issue(input: string): Promise<boolean> {
    const name = input.trim();
    if (!DISPLAY_NAME_PATTERN.test(name)) {
      this.patch({ problem: (t) => t.displays.badName });
      return false;
    }
    this.patch({ busy: true, problem: null, issued: null, confirming: null });
    const answer = await issueDisplay(this.fetcher, name);
    if (!answer.ok && answer.failure.status === 401) return (this.unauthorized(), false);
    this.patch(
      answer.ok
        ? { busy: false, issued: answer.value }
        : { busy: false, problem: issueProblem(name, answer.failure) },
    );
    await this.load();
    return answer.ok;
  }

  async revoke(name: string): Promise<void> {
    this.patch({ busy: true, problem: null });
    const answer = await revokeDisplay(this.fetcher, name);
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    const issued = this.get().issued;
    this.patch({
      busy: false,
      confirming: null,
      // A link shown for the display just revoked is of no use any more.
      issued: issued?.display.name === name ? null : issued,
      problem: answer.ok ? null : (t) => t.displays.revokeFailed({ name }),
    });
    await this.load();
  }

  dismissIssued(): void {
    this.patch({ issued: null });
  }
}
