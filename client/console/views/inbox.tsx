/**
 * @module The exceptions inbox (SPEC SV-27, SV-28): problems in plain words from their codes, each
 * with its scan (what, where, which station and operator, the device's time), its item as it is now
 * (and its live parts), how long it has been open and who took it up; the actions it allows, a
 * reason asked before sending (and a confirmation for the ones that change the floor); what came
 * of an action on its row, a 409 said in words. The audit log on its own tab. Refetched on the live
 * stream's conflict, parked and problem changes (SV-29).
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, Problem, ProblemKind, ResolveAction } from '../../../shared/exceptions-api';
import { PROBLEM_KINDS, REASON_MAX, REASON_MIN } from '../../../shared/exceptions-api';
import type { OperatorEventType, SystemEventType, TokenStatus } from '../../../shared/domain';
import { formatDateTime, formatTime } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import type { InboxStateFilter } from '../api/inbox';
import { INBOX_STATES, createInboxApi } from '../api/inbox';
import type { ConsoleCatalogue } from '../i18n/en';
import { useConsoleText } from '../i18n/language';
import type { InboxState, Notice } from '../models/inbox-model';
import { InboxModel, problemKey, reasonProblem, rowsJustNow } from '../models/inbox-model';
import type { PageProps } from '../page';
import { usePageModel } from '../use-page-model';
import { formatDuration } from './board';
import './inbox.css';

type Text = ConsoleCatalogue;
type Language = ReturnType<typeof useConsoleText>['language'];

/** "Ready at CUT" in the catalogue's words. */
export function whereText(t: Text, status: TokenStatus, node: string): string {
  return t.words.statusAt({ status: t.words.status[status], node });
}

function eventType(t: Text, type: string): string {
  if (Object.hasOwn(t.words.action, type)) return t.words.action[type as OperatorEventType];
  if (Object.hasOwn(t.inbox.systemEvents, type)) return t.inbox.systemEvents[type as SystemEventType];
  return type;
}

function outcomeText(t: Text, outcome: string | null): string {
  if (outcome === null) return '';
  return Object.hasOwn(t.inbox.outcomes, outcome) ? (t.inbox.outcomes[outcome] ?? outcome) : outcome;
}

/** The headline: the problem's code in words. */
export function headline(t: Text, problem: Problem, parkedAlertMinutes: number | null): string {
  switch (problem.code) {
    case 'EVENT_CONFLICT':
    case 'UPSTREAM_DEAD_LETTER':
    case 'EVENT_REFUSED':
      return t.inbox.codes[problem.code];
    case 'EVENT_PARKED_LONG':
      return t.inbox.codes.EVENT_PARKED_LONG({ minutes: parkedAlertMinutes ?? 30 });
    default:
      return t.inbox.codes.unknown({ code: problem.code });
  }
}

/** Why it did not apply, from the reason's code; the server's words only for an unknown code. */
export function reasonText(t: Text, problem: Problem): string | null {
  const reason = problem.reason;
  if (reason === null) return null;
  if (Object.hasOwn(t.inbox.reasons, reason.code))
    return t.inbox.reasons[reason.code as keyof Text['inbox']['reasons']];
  return t.inbox.reasonUnknown({ message: reason.message });
}

function helpText(t: Text, language: Language, problem: Problem): string | null {
  switch (problem.code) {
    case 'EVENT_CONFLICT':
    case 'EVENT_REFUSED':
      return t.inbox.help[problem.code];
    case 'EVENT_PARKED_LONG':
      return problem.expiresAt
        ? t.inbox.help.EVENT_PARKED_LONG({ until: formatDateTime(language, problem.expiresAt) })
        : t.inbox.help.EVENT_PARKED_LONG_NO_END;
    case 'UPSTREAM_DEAD_LETTER':
      return t.inbox.help.UPSTREAM_DEAD_LETTER({ attempts: problem.attempts ?? 0 });
    default:
      return null;
  }
}

/** Who has it: open, acknowledged by someone at a time, resolved by someone with its outcome. */
export function stateText(t: Text, language: Language, problem: Problem): string {
  const who = problem.stateBy ?? t.inbox.state.system;
  const time = problem.stateAt ? formatTime(language, problem.stateAt) : '';
  if (problem.state === 'acknowledged') return t.inbox.state.acknowledged({ who, time });
  if (problem.state === 'resolved')
    return t.inbox.state.resolved({ who, time, outcome: outcomeText(t, problem.outcome) });
  return t.inbox.state.open;
}

/** What came of this supervisor's action on it, in words. */
export function noticeText(t: Text, language: Language, notice: Notice): string {
  if (notice.kind === 'done') {
    const { problem } = notice;
    switch (notice.action) {
      case 'acknowledge':
        return t.inbox.notice.acknowledged;
      case 'apply':
        return problem.token
          ? t.inbox.notice.applied({ where: whereText(t, problem.token.status, problem.token.nodeCode) })
          : t.inbox.notice.appliedNoToken;
      case 'discard':
        return t.inbox.notice.discarded;
      case 'resend':
        return t.inbox.notice.resent;
    }
  }
  if (notice.kind === 'taken') {
    const { refusal } = notice;
    const who = refusal.by ?? t.inbox.state.system;
    const time = refusal.at ? formatTime(language, refusal.at) : '';
    if (refusal.state === 'resolved')
      return t.inbox.notice.takenResolved({ who, time, outcome: outcomeText(t, refusal.outcome) });
    if (refusal.state === 'acknowledged') return t.inbox.notice.takenAcknowledged({ who, time });
    return t.inbox.notice.taken;
  }
  if (notice.status === 0) return t.inbox.notice.unreachable;
  if (notice.status === 403) return t.inbox.notice.forbidden;
  if (notice.status === 404) return t.inbox.notice.gone;
  return t.inbox.notice.refused({ message: notice.message ?? String(notice.status) });
}

function EventLine(props: { problem: Problem }) {
  const { t, language } = useConsoleText();
  const event = props.problem.event;
  if (event === null) return <p class="problem-event">{t.inbox.event.none}</p>;
  const parts = [
    t.inbox.event.what({ type: eventType(t, event.type), serial: event.code }),
    event.nodeCode ? t.inbox.event.at({ node: event.nodeCode }) : null,
    event.station ? t.inbox.event.station({ station: event.station }) : null,
    event.operatorBadge ? t.inbox.event.operator({ badge: event.operatorBadge }) : null,
    event.occurredAt ? t.inbox.event.deviceTime({ time: formatDateTime(language, event.occurredAt) }) : null,
  ].filter((p): p is string => p !== null);
  // Each part kept whole where it fits (a serial or a badge is not broken at its hyphen).
  return (
    <p class="problem-event" data-event>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          <span class="part">{part}</span>
        </Fragment>
      ))}
    </p>
  );
}

function TokenNow(props: { problem: Problem }) {
  const { t } = useConsoleText();
  const token = props.problem.token;
  if (token === null) return <p class="problem-token">{t.inbox.token.none}</p>;
  const where = [
    t.inbox.token.now({ where: whereText(t, token.status, token.nodeCode) }),
    token.operator ? t.inbox.token.by({ operator: token.operator }) : null,
    t.inbox.token.ticket({ ticket: token.ticket }),
  ].filter((p): p is string => p !== null);
  return (
    <div class="problem-token" data-token={token.status}>
      <p>
        <strong class="part">{token.code}</strong>
        {where.map((part, i) => (
          <Fragment key={i}>
            {' · '}
            <span class="part">{part}</span>
          </Fragment>
        ))}
      </p>
      {token.branches.length > 0 && (
        <ul class="problem-branches">
          {token.branches.map((b, i) => (
            <li key={`${b.branch ?? i}`}>
              {t.inbox.token.branch({ branch: b.branch ?? '?', where: whereText(t, b.status, b.nodeCode) })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const DESTRUCTIVE: readonly ResolveAction[] = ['apply', 'discard'];

/** The reason asked before sending (SV-23), then, for apply and discard, "are you sure?". */
function ResolveForm(props: {
  problem: Problem;
  action: ResolveAction;
  busy: boolean;
  onSend: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useConsoleText();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const problem = reasonProblem(reason);
  const id = `reason-${problemKey(props.problem).replace(':', '-')}`;
  const serial = props.problem.event?.code ?? props.problem.token?.code ?? '';
  const { action } = props;
  if (confirming && action !== 'resend')
    return (
      <div class="resolve-form resolve-confirm" role="group" aria-labelledby={`${id}-confirm`}>
        <p id={`${id}-confirm`} class="resolve-question">
          {t.inbox.form.confirm[action]({ serial })}
        </p>
        <div class="resolve-buttons">
          <button
            type="button"
            class={action === 'discard' ? 'danger' : 'primary'}
            disabled={props.busy}
            onClick={() => props.onSend(reason)}
          >
            {props.busy ? t.inbox.form.sending : t.inbox.form.yes[action]}
          </button>
          <button type="button" disabled={props.busy} onClick={() => setConfirming(false)}>
            {t.inbox.form.back}
          </button>
        </div>
      </div>
    );
  return (
    <form
      class="resolve-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (problem !== null) return;
        if (DESTRUCTIVE.includes(action)) setConfirming(true);
        else props.onSend(reason);
      }}
    >
      <label for={id}>{t.inbox.form.reason}</label>
      <textarea
        id={id}
        rows={2}
        maxLength={REASON_MAX + 50}
        value={reason}
        aria-describedby={`${id}-hint`}
        aria-invalid={tried && problem !== null}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <p
        id={`${id}-hint`}
        class={tried && problem !== null ? 'resolve-error' : 'resolve-hint'}
        role={tried && problem !== null ? 'alert' : undefined}
      >
        {tried && problem === 'short'
          ? t.inbox.form.short({ min: REASON_MIN })
          : tried && problem === 'long'
            ? t.inbox.form.long({ max: REASON_MAX })
            : t.inbox.form.hint({ min: REASON_MIN })}
      </p>
      <div class="resolve-buttons">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.busy
            ? t.inbox.form.sending
            : action === 'resend'
              ? t.inbox.form.send.resend
              : t.inbox.form.next}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t.inbox.form.cancel}
        </button>
      </div>
    </form>
  );
}

function ProblemRow(props: { problem: Problem; state: InboxState; model: InboxModel }) {
  const { t, language } = useConsoleText();
  const { problem, state, model } = props;
  const [action, setChosen] = useState<ResolveAction | null>(null);
  const setAction = (next: ResolveAction | null) => {
    if (next === null) model.release(problem);
    else model.hold(problem);
    setChosen(next);
  };
  // Unmounted with a form open (another filter): the row need not be kept any more.
  const { kind, id } = problem;
  useEffect(() => () => model.release({ kind, id }), [model, kind, id]);
  const key = problemKey(problem);
  const notice = state.notices.get(key);
  const busy = state.busy.has(key);
  const reason = reasonText(t, problem);
  const help = problem.state === 'resolved' ? null : helpText(t, language, problem);
  const openSeconds = (state.now - Date.parse(problem.openedAt)) / 1000;
  const resolves = problem.actions.filter((a): a is ResolveAction => a !== 'acknowledge');
  return (
    <li class={`problem problem-${problem.state}`} data-problem={key} data-state={problem.state}>
      <article aria-labelledby={`${key}-title`}>
        <p class="problem-kind">{t.inbox.kind[problem.kind]}</p>
        <h3 id={`${key}-title`}>{headline(t, problem, state.parkedAlertMinutes)}</h3>
        <EventLine problem={problem} />
        {reason && <p class="problem-reason">{reason}</p>}
        {problem.kind === 'dead_letter' && problem.reason && (
          <p class="problem-upstream">{t.inbox.upstreamSaid({ message: problem.reason.message })}</p>
        )}
        <TokenNow problem={problem} />
        {help && <p class="problem-help">{help}</p>}
        <p class="problem-state" data-state-text>
          <span class={`state-badge state-${problem.state}`}>{stateText(t, language, problem)}</span>
          {problem.state !== 'resolved' && (
            <span class="problem-age">{t.inbox.openFor({ duration: formatDuration(t, openSeconds) })}</span>
          )}
        </p>
        {problem.stateReason && (
          <p class="problem-state-reason">{t.inbox.state.reason({ reason: problem.stateReason })}</p>
        )}
        {notice && (
          <p class={`problem-notice notice-${notice.kind}`} role="status" data-notice={notice.kind}>
            {noticeText(t, language, notice)}
          </p>
        )}
        {action === null ? (
          <div class="problem-actions">
            {problem.actions.includes('acknowledge') && (
              <button
                type="button"
                class="primary"
                disabled={busy}
                onClick={() => void model.acknowledge(problem)}
              >
                {t.inbox.actions.acknowledge}
              </button>
            )}
            {resolves.map((a) => (
              <button
                key={a}
                type="button"
                class={a === 'discard' ? 'danger-outline' : ''}
                disabled={busy}
                onClick={() => setAction(a)}
              >
                {t.inbox.actions[a]}
              </button>
            ))}
            {notice && problem.state === 'resolved' && (
              <button type="button" onClick={() => model.dismiss(problem)}>
                {t.inbox.notice.dismiss}
              </button>
            )}
          </div>
        ) : (
          <ResolveForm
            problem={problem}
            action={action}
            busy={busy}
            onCancel={() => setAction(null)}
            onSend={(text) => void model.resolve(problem, action, text).then(() => setAction(null))}
          />
        )}
      </article>
    </li>
  );
}

function Filters(props: { state: InboxState; model: InboxModel }) {
  const { t } = useConsoleText();
  const { filters } = props.state;
  return (
    <form
      class="filters inbox-filters"
      aria-label={t.inbox.filters.heading}
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        {t.inbox.filters.state}
        <select
          value={filters.state}
          onChange={(e) =>
            void props.model.setFilters({ ...filters, state: e.currentTarget.value as InboxStateFilter })
          }
        >
          {INBOX_STATES.map((s) => (
            <option key={s} value={s}>
              {t.inbox.filters.states[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.inbox.filters.kind}
        <select
          value={filters.kind ?? ''}
          onChange={(e) =>
            void props.model.setFilters({
              ...filters,
              kind: (e.currentTarget.value || null) as ProblemKind | null,
            })
          }
        >
          <option value="">{t.inbox.filters.allKinds}</option>
          {PROBLEM_KINDS.map((k) => (
            <option key={k} value={k}>
              {t.inbox.kinds[k]}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

function ProblemList(props: { state: InboxState; model: InboxModel }) {
  const { t } = useConsoleText();
  const { state, model } = props;
  const justNow = rowsJustNow(state);
  return (
    <section class="inbox-problems" aria-label={t.inbox.tabs.problems}>
      <Filters state={state} model={model} />
      {state.parkedAlertMinutes !== null && (
        <p class="inbox-note">{t.inbox.parkedNote({ minutes: state.parkedAlertMinutes })}</p>
      )}
      {state.failed && (
        <p class="inbox-failed" role="alert">
          {t.inbox.failed}
        </p>
      )}
      {justNow.length > 0 && (
        <section class="inbox-just-now" aria-labelledby="inbox-just-now">
          <h3 id="inbox-just-now">{t.inbox.justNow}</h3>
          <ul class="problem-list">
            {justNow.map((p) => (
              <ProblemRow key={problemKey(p)} problem={p} state={state} model={model} />
            ))}
          </ul>
        </section>
      )}
      {state.problems === null ? (
        <p class="inbox-loading">{t.inbox.loading}</p>
      ) : state.problems.length === 0 ? (
        <p class="inbox-empty">{t.inbox.empty[state.filters.state]}</p>
      ) : (
        <>
          <p class="inbox-count">{t.inbox.shown({ n: state.problems.length })}</p>
          <ul class="problem-list">
            {state.problems.map((p) => (
              <ProblemRow key={problemKey(p)} problem={p} state={state} model={model} />
            ))}
          </ul>
        </>
      )}
      {state.next !== null && (
        <button
          type="button"
          class="show-more"
          disabled={state.loadingMore}
          onClick={() => void model.showMore()}
        >
          {state.loadingMore ? t.inbox.loadingMore : t.inbox.showMore}
        </button>
      )}
    </section>
  );
}

function auditWhat(t: Text, entry: AuditEntry): string {
  const what = `${t.inbox.audit.actions[entry.action]}: ${t.inbox.audit.problem[entry.kind]({ id: entry.problemId })}`;
  const token = entry.detail?.['token'] as { status?: TokenStatus; nodeCode?: string } | undefined;
  if (token?.status && token.nodeCode && Object.hasOwn(t.words.status, token.status))
    return `${what} · ${t.inbox.audit.tokenAfter({ where: whereText(t, token.status, token.nodeCode) })}`;
  return what;
}

function AuditLog(props: { state: InboxState; model: InboxModel }) {
  const { t, language } = useConsoleText();
  const { audit } = props.state;
  return (
    <section class="inbox-audit" aria-labelledby="inbox-audit-heading">
      <h3 id="inbox-audit-heading">{t.inbox.audit.heading}</h3>
      {audit.failed && (
        <p class="inbox-failed" role="alert">
          {t.inbox.audit.failed}
        </p>
      )}
      {audit.entries === null ? (
        <p>{t.inbox.audit.loading}</p>
      ) : audit.entries.length === 0 ? (
        <p>{t.inbox.audit.empty}</p>
      ) : (
        <table class="audit-table">
          <thead>
            <tr>
              <th scope="col">{t.inbox.audit.when}</th>
              <th scope="col">{t.inbox.audit.who}</th>
              <th scope="col">{t.inbox.audit.what}</th>
              <th scope="col">{t.inbox.audit.why}</th>
              <th scope="col">{t.inbox.audit.outcome}</th>
            </tr>
          </thead>
          <tbody>
            {audit.entries.map((e) => (
              <tr key={e.id} data-audit={e.id}>
                <td data-label={t.inbox.audit.when}>{formatDateTime(language, e.at)}</td>
                <td data-label={t.inbox.audit.who}>{e.by}</td>
                <td data-label={t.inbox.audit.what}>{auditWhat(t, e)}</td>
                <td data-label={t.inbox.audit.why}>{e.reason ?? t.inbox.audit.noReason}</td>
                <td data-label={t.inbox.audit.outcome}>{outcomeText(t, e.outcome)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {audit.next !== null && (
        <button
          type="button"
          class="show-more"
          disabled={audit.loadingMore}
          onClick={() => void props.model.showMoreAudit()}
        >
          {audit.loadingMore ? t.inbox.loadingMore : t.inbox.showMore}
        </button>
      )}
    </section>
  );
}

/** The inbox for a model (the page builds one; tests pass their own). */
export function InboxView(props: { model: InboxModel }) {
  const { t } = useConsoleText();
  const state = useModel(props.model);
  return (
    <main class="page inbox">
      <div class="inbox-bar spread-row">
        <h2>{t.inbox.heading}</h2>
        <div class="inbox-tabs" role="group" aria-label={t.inbox.tabs.label}>
          {(['problems', 'audit'] as const).map((tab) => (
            <button
              key={tab}
              type="button"
              aria-pressed={state.tab === tab}
              onClick={() => void props.model.showTab(tab)}
            >
              {t.inbox.tabs[tab]}
            </button>
          ))}
        </div>
      </div>
      {state.tab === 'problems' ? (
        <ProblemList state={state} model={props.model} />
      ) : (
        <AuditLog state={state} model={props.model} />
      )}
    </main>
  );
}

export function InboxPage(props: PageProps) {
  const model = usePageModel(props, (p) => new InboxModel(createInboxApi(p.fetcher), p.signedOut, p.clock), {
    kinds: ['conflict', 'parked', 'problem'],
    changed: (m) => m.refresh(),
  });
  return <InboxView model={model} />;
}
