/**
 * @module The planning desk's stations, operators and users page (admin, SPEC DK-30 … DK-37), as
 * three models: stations (the list refetched every 30 s for "last seen"; enroll one and show its
 * link once; a new link on demand; revoke after a confirmation), operators (add; change name, PIN,
 * language, active) and users (add with a role). A refused request is said in words beside the
 * field the answer names; a 401 hands back to sign-in.
 */
import type { Board } from '../../../shared/supervisor-api';
import type {
  DeskLanguage,
  DeskOperator,
  DeskStation,
  DeskUser,
  OperatorChange,
  UserRole,
} from '../../../shared/people-desk-api';
import { fieldErrors } from '../../../shared/people-desk-api';
import { Model } from '../../state/model';
import type { Answer, Failure } from '../api';
import {
  addOperator,
  addUser,
  changeOperator,
  enrollStation,
  fetchOperators,
  fetchRoutings,
  fetchStations,
  fetchUsers,
  newStationLink,
  revokeStation,
} from '../api/people';
import type { ConsoleText } from '../i18n/en';
import type { LiveClock } from './live-model';
import { Poll } from './poll';
import { RevocableListModel } from './revocable-list';

export const STATIONS_REFRESH_MS = 30_000;

/** What a form's last refusal said: a sentence per field it named, else one for the form. */
export interface FormProblems {
  fields: Partial<Record<string, ConsoleText>>;
  general: ConsoleText | null;
}
export const NO_PROBLEMS: FormProblems = { fields: {}, general: null };

/** The words for a failure no field explains (pure). */
export function generalProblem(failure: Failure): ConsoleText {
  if (failure.status === 403) return (t) => t.people.adminOnly;
  if (failure.status === 0 || failure.status >= 500) return (t) => t.people.unreachable;
  return (t) => t.people.refused;
}

/**
 * A 400's fields in the form's words (pure): each field the answer names that the form has a
 * sentence for; when it names none of them, the refusal is the form's.
 */
export function formProblems(failure: Failure, words: Record<string, ConsoleText>): FormProblems {
  const named = failure.status === 400 ? fieldErrors(failure.body) : {};
  const fields: FormProblems['fields'] = {};
  for (const field of Object.keys(named)) if (words[field]) fields[field] = words[field];
  return Object.keys(fields).length > 0
    ? { fields, general: null }
    : { fields, general: generalProblem(failure) };
}

/** A work center a station may serve: its code and its operation nodes on the published routings. */
export interface WorkCenterOption {
  code: string;
  nodes: string[];
}

/** The work centers of the board's routings, by code, each with its operation nodes (pure). */
export function workCentersOf(board: Board): WorkCenterOption[] {
  const nodes = new Map<string, Set<string>>();
  for (const routing of board.routings)
    for (const node of routing.nodes)
      if (node.type === 'operation' && node.workCenter !== null)
        nodes.set(node.workCenter, (nodes.get(node.workCenter) ?? new Set()).add(node.code));
  return [...nodes.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, set]) => ({ code, nodes: [...set].sort() }));
}

/** Node codes as typed: separated by commas or spaces (pure). */
export function nodeCodesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((c) => c !== ''))];
}

/** '' in a form's language select: no language of its own. */
export type LanguageChoice = DeskLanguage | '';

/** The link just made, shown once: on enrolling or on "New link". */
export interface ShownLink {
  name: string;
  enrollUrl: string;
  expiresAt: string;
  kind: 'enrolled' | 'relinked';
}

export interface StationForm {
  name: string;
  workCenter: string;
  nodeCodes: string;
  language: LanguageChoice;
}

export interface StationsDeskState {
  stations: readonly DeskStation[] | null;
  workCenters: readonly WorkCenterOption[] | null;
  loadFailed: boolean;
  busy: boolean;
  link: ShownLink | null;
  confirming: string | null;
  form: FormProblems;
  /** Why a new link or a revocation did not happen. */
  problem: ConsoleText | null;
}

/** A failed enrollment in the form's words (pure). */
export function enrollProblems(form: StationForm, failure: Failure): FormProblems {
  const name = form.name.trim();
  if (failure.status === 409)
    return { fields: { name: (t) => t.people.stationNameInUse({ name }) }, general: null };
  if (failure.status === 404) {
    const details = (failure.body as { error?: { details?: unknown[] } } | undefined)?.error?.details ?? [];
    const codes = details.filter((d): d is string => typeof d === 'string');
    return codes.length > 0
      ? { fields: { nodeCodes: (t) => t.people.nodesUnknown({ codes: codes.join(', ') }) }, general: null }
      : { fields: { workCenter: (t) => t.people.workCenterUnknown }, general: null };
  }
  const problems = formProblems(failure, {
    name: (t) => t.people.stationNameBad,
    workCenter: (t) => t.people.workCenterUnknown,
    nodeCodes: (t) => t.people.nodesBad,
    language: (t) => t.people.languageBad,
  });
  // A 400 naming no field: the nodes are not operation nodes, or the work center has none.
  if (failure.status === 400 && problems.general !== null)
    return { fields: { nodeCodes: (t) => t.people.nodesNotOperations }, general: null };
  return problems;
}

/** A form's language as a request sends it: left out when the form follows the site's (pure). */
export function languageField(choice: LanguageChoice): { language?: DeskLanguage } {
  return choice === '' ? {} : { language: choice };
}

/** Runs a request; a 401 hands back to sign-in (and answers null). */
async function asked<T>(answer: Promise<Answer<T>>, unauthorized: () => void): Promise<Answer<T> | null> {
  const a = await answer;
  if (!a.ok && a.failure.status === 401) {
    unauthorized();
    return null;
  }
  return a;
}

export class StationsDeskModel extends RevocableListModel<StationsDeskState> {
  private readonly poll: Poll;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
    clock: LiveClock,
  ) {
    super({
      stations: null,
      workCenters: null,
      loadFailed: false,
      busy: false,
      link: null,
      confirming: null,
      form: NO_PROBLEMS,
      problem: null,
    });
    this.poll = new Poll(clock, () => this.load());
  }

  async load(): Promise<void> {
    this.poll.starting();
    const [stations, board] = await Promise.all([
      asked(fetchStations(this.fetcher), this.unauthorized),
      this.get().workCenters === null ? asked(fetchRoutings(this.fetcher), this.unauthorized) : null,
    ]);
    if (this.poll.stopped || stations === null) return;
    this.patch({
      ...(stations.ok ? { stations: stations.value.stations, loadFailed: false } : { loadFailed: true }),
      ...(board?.ok ? { workCenters: workCentersOf(board.value) } : {}),
    });
    this.poll.again(STATIONS_REFRESH_MS);
  }

  stop(): void {
    this.poll.stop();
  }

  /** Enrolls a station; true when it was (its link is then shown). */
  async enroll(form: StationForm): Promise<boolean> {
    const name = form.name.trim();
    const nodeCodes = nodeCodesOf(form.nodeCodes);
    if (name === '') return this.refuse({ name: (t) => t.people.stationNameBad });
    if (form.workCenter === '' && nodeCodes.length === 0)
      return this.refuse({ workCenter: (t) => t.people.needWorkCenter });
    this.patch({ busy: true, form: NO_PROBLEMS, problem: null, link: null, confirming: null });
    const answer = await asked(
      enrollStation(this.fetcher, {
        name,
        ...(form.workCenter === '' ? {} : { workCenter: form.workCenter }),
        ...(nodeCodes.length === 0 ? {} : { nodeCodes }),
        ...languageField(form.language),
      }),
      this.unauthorized,
    );
    if (answer === null) return false;
    this.patch(
      answer.ok
        ? {
            busy: false,
            link: {
              name: answer.value.name,
              enrollUrl: answer.value.enrollUrl,
              expiresAt: answer.value.enrollExpiresAt,
              kind: 'enrolled',
            },
          }
        : { busy: false, form: enrollProblems(form, answer.failure) },
    );
    await this.load();
    return answer.ok;
  }

  private refuse(fields: FormProblems['fields']): false {
    this.patch({ form: { fields, general: null } });
    return false;
  }

  async newLink(name: string): Promise<void> {
    this.patch({ busy: true, problem: null, link: null, confirming: null });
    const answer = await asked(newStationLink(this.fetcher, name), this.unauthorized);
    if (answer === null) return;
    this.patch(
      answer.ok
        ? {
            busy: false,
            link: {
              name,
              enrollUrl: answer.value.enrollUrl,
              expiresAt: answer.value.enrollExpiresAt,
              kind: 'relinked',
            },
          }
        : { busy: false, problem: (t) => t.people.linkFailed({ name }) },
    );
    await this.load();
  }

  async revoke(name: string): Promise<void> {
    this.patch({ busy: true, problem: null });
    const answer = await asked(revokeStation(this.fetcher, name), this.unauthorized);
    if (answer === null) return;
    const link = this.get().link;
    this.patch({
      busy: false,
      confirming: null,
      // A link shown for the station just revoked no longer works.
      link: link?.name === name ? null : link,
      problem: answer.ok ? null : (t) => t.people.revokeFailed({ name }),
    });
    await this.load();
  }

  dismissLink(): void {
    this.patch({ link: null });
  }
}

export interface OperatorForm {
  badge: string;
  name: string;
  pin: string;
  language: LanguageChoice;
}

export interface OperatorsDeskState {
  operators: readonly DeskOperator[] | null;
  loadFailed: boolean;
  busy: boolean;
  form: FormProblems;
  /** The badge just added or changed (said once, as a status). */
  saved: { badge: string; kind: 'added' | 'changed' } | null;
  /** The operator whose change form is open, and what its last refusal said. */
  editing: string | null;
  edit: FormProblems;
}

const operatorWords: Record<string, ConsoleText> = {
  badge: (t) => t.people.badgeBad,
  name: (t) => t.people.operatorNameBad,
  pin: (t) => t.people.pinBad,
  language: (t) => t.people.languageBad,
  active: (t) => t.people.refused,
};

export class OperatorsDeskModel extends Model<OperatorsDeskState> {
  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
  ) {
    super({
      operators: null,
      loadFailed: false,
      busy: false,
      form: NO_PROBLEMS,
      saved: null,
      editing: null,
      edit: NO_PROBLEMS,
    });
  }

  async load(): Promise<void> {
    const answer = await asked(fetchOperators(this.fetcher), this.unauthorized);
    if (answer === null) return;
    this.patch(answer.ok ? { operators: answer.value.operators, loadFailed: false } : { loadFailed: true });
  }

  async add(form: OperatorForm): Promise<boolean> {
    const badge = form.badge.trim();
    if (badge === '') {
      this.patch({ form: { fields: { badge: (t) => t.people.badgeBad }, general: null } });
      return false;
    }
    this.patch({ busy: true, form: NO_PROBLEMS, saved: null });
    const answer = await asked(
      addOperator(this.fetcher, {
        badge,
        ...(form.name.trim() === '' ? {} : { name: form.name.trim() }),
        ...(form.pin === '' ? {} : { pin: form.pin }),
        ...languageField(form.language),
      }),
      this.unauthorized,
    );
    if (answer === null) return false;
    this.patch(
      answer.ok
        ? { busy: false, saved: { badge, kind: 'added' } }
        : {
            busy: false,
            form:
              answer.failure.status === 409
                ? { fields: { badge: (t) => t.people.badgeInUse({ badge }) }, general: null }
                : formProblems(answer.failure, operatorWords),
          },
    );
    await this.load();
    return answer.ok;
  }

  startEdit(badge: string): void {
    this.patch({ editing: badge, edit: NO_PROBLEMS, saved: null });
  }

  cancelEdit(): void {
    this.patch({ editing: null, edit: NO_PROBLEMS });
  }

  /** Sends the fields that changed; true when it was saved (the form closes). */
  async save(badge: string, change: OperatorChange): Promise<boolean> {
    if (Object.keys(change).length === 0) {
      this.patch({ editing: null, edit: NO_PROBLEMS });
      return true;
    }
    this.patch({ busy: true, edit: NO_PROBLEMS });
    const answer = await asked(changeOperator(this.fetcher, badge, change), this.unauthorized);
    if (answer === null) return false;
    this.patch(
      answer.ok
        ? { busy: false, editing: null, saved: { badge, kind: 'changed' } }
        : {
            busy: false,
            edit:
              answer.failure.status === 404
                ? { fields: {}, general: (t) => t.people.operatorGone({ badge }) }
                : formProblems(answer.failure, operatorWords),
          },
    );
    await this.load();
    return answer.ok;
  }
}

export interface UserForm {
  username: string;
  role: UserRole;
  password: string;
}

export interface UsersDeskState {
  users: readonly DeskUser[] | null;
  loadFailed: boolean;
  busy: boolean;
  form: FormProblems;
  added: string | null;
}

export class UsersDeskModel extends Model<UsersDeskState> {
  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
  ) {
    super({ users: null, loadFailed: false, busy: false, form: NO_PROBLEMS, added: null });
  }

  async load(): Promise<void> {
    const answer = await asked(fetchUsers(this.fetcher), this.unauthorized);
    if (answer === null) return;
    this.patch(answer.ok ? { users: answer.value.users, loadFailed: false } : { loadFailed: true });
  }

  async add(form: UserForm): Promise<boolean> {
    const username = form.username.trim();
    this.patch({ busy: true, form: NO_PROBLEMS, added: null });
    const answer = await asked(addUser(this.fetcher, { ...form, username }), this.unauthorized);
    if (answer === null) return false;
    this.patch(
      answer.ok
        ? { busy: false, added: username }
        : {
            busy: false,
            form:
              answer.failure.status === 409
                ? { fields: { username: (t) => t.people.usernameInUse({ username }) }, general: null }
                : formProblems(answer.failure, {
                    username: (t) => t.people.usernameBad,
                    role: (t) => t.people.roleBad,
                    password: (t) => t.people.passwordBad,
                  }),
          },
    );
    await this.load();
    return answer.ok;
  }
}
