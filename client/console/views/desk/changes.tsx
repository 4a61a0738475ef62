/**
 * @module The planning desk's change log (admin; SPEC DK-1, DK-39): the audit trail newest first,
 * each line when, who, the change in words, its subject, the reason if one was given and its
 * details summarised; "Show older" appends the next page; narrowed by kind of change and subject.
 */
import { useState } from 'preact/hooks';
import type { AdminAction, AdminChange } from '../../../../shared/admin-changes-api';
import { ADMIN_ACTIONS } from '../../../../shared/admin-changes-api';
import type { Language } from '../../../i18n/catalogue';
import { formatDateTime, formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import type { ConsoleCatalogue } from '../../i18n/en';
import { useConsoleText } from '../../i18n/language';
import type { ChangesState } from '../../models/changes-model';
import { ChangesModel } from '../../models/changes-model';
import type { PageProps } from '../../page';
import { usePageModel } from '../../use-page-model';
import './changes.css';

/** One detail in words; a detail the console has no words for is shown as it came (pure). */
function detailText(t: ConsoleCatalogue, language: Language, key: string, value: unknown): string {
  const d = t.changes.detail;
  if (key === 'tokens' && typeof value === 'number') return d.tokens({ n: value });
  if (key === 'language')
    return typeof value === 'string'
      ? d.language({ language: d.languageName[value] ?? value })
      : d.languageNone;
  if (key === 'pin') return value === 'cleared' ? d.pinCleared : d.pinSet;
  if (key === 'active') return value ? d.active : d.inactive;
  if (key === 'name' && typeof value === 'string') return d.name({ name: value });
  if (key === 'role' && typeof value === 'string') return d.role({ role: d.roleName[value] ?? value });
  if (key === 'unitsPerHour' && typeof value === 'number') return d.unitsPerHour({ n: value });
  if (key === 'expiresAt' && typeof value === 'string')
    return d.expiresAt({ time: formatDateTime(language, value) });
  return `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/** A change's details summarised in words, one phrase each (pure). */
export function summariseDetail(
  t: ConsoleCatalogue,
  language: Language,
  detail: AdminChange['detail'],
): string[] {
  return Object.entries(detail ?? {}).map(([key, value]) => detailText(t, language, key, value));
}

function Filters(props: { state: ChangesState; model: ChangesModel }) {
  const { t } = useConsoleText();
  const [subject, setSubject] = useState(props.state.filters.subject);
  const filtered = props.state.filters.action !== null || props.state.filters.subject !== '';
  return (
    <form
      class="changes-filters"
      aria-label={t.changes.filters}
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.filter({ subject: subject.trim() });
      }}
    >
      <label>
        <span>{t.changes.action}</span>
        <select
          name="action"
          value={props.state.filters.action ?? ''}
          onChange={(e) => {
            const value = e.currentTarget.value;
            void props.model.filter({ action: value === '' ? null : (value as AdminAction) });
          }}
        >
          <option value="">{t.changes.allActions}</option>
          {ADMIN_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t.changes.actions[a]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t.changes.subject}</span>
        <input
          name="subject"
          value={subject}
          autoComplete="off"
          aria-describedby="changes-subject-hint"
          onInput={(e) => setSubject(e.currentTarget.value)}
        />
      </label>
      <div class="changes-filter-actions">
        <button type="submit">{t.changes.apply}</button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setSubject('');
              void props.model.filter({ action: null, subject: '' });
            }}
          >
            {t.changes.clear}
          </button>
        )}
      </div>
      <p id="changes-subject-hint" class="changes-hint">
        {t.changes.subjectHint}
      </p>
    </form>
  );
}

function ChangeLine(props: { change: AdminChange; now: number }) {
  const { t, language } = useConsoleText();
  const c = props.change;
  const details = summariseDetail(t, language, c.detail);
  return (
    <li class="change-line" data-change={c.action} data-subject={c.subject}>
      <p class="change-when">
        <time dateTime={c.at}>{formatWhen(language, c.at, props.now)}</time>{' '}
        <span>{c.by === 'cli' ? t.changes.byCli : t.changes.by({ who: c.by })}</span>
      </p>
      <p class="change-what">
        <strong data-action>{t.changes.actions[c.action]}</strong>{' '}
        <span class="change-subject">{c.subject}</span>
      </p>
      {c.reason && <p class="change-reason">{t.changes.reason({ reason: c.reason })}</p>}
      {details.length > 0 && <p class="change-detail">{details.join(' · ')}</p>}
    </li>
  );
}

export function ChangesPage(props: PageProps) {
  const { t } = useConsoleText();
  const model = usePageModel(props, (p) => new ChangesModel(p.fetcher, p.signedOut));
  const state = useModel(model);
  const now = props.clock.now();
  const filtered = state.filters.action !== null || state.filters.subject !== '';
  return (
    <main class="page desk-changes">
      <h2>{t.changes.heading}</h2>
      <p class="changes-intro">{t.changes.intro}</p>
      <Filters state={state} model={model} />
      {state.loadFailed && (
        <div class="changes-problem" role="alert">
          <p>{t.changes.loadFailed}</p>
          <button type="button" onClick={() => void model.load()}>
            {t.changes.retry}
          </button>
        </div>
      )}
      {state.changes === null ? (
        !state.loadFailed && <p role="status">{t.changes.loading}</p>
      ) : state.changes.length === 0 ? (
        <p role="status">{filtered ? t.changes.noneMatching : t.changes.none}</p>
      ) : (
        <>
          <ol class="stack-list" aria-label={t.changes.shown({ n: state.changes.length })}>
            {state.changes.map((c) => (
              <ChangeLine key={c.id} change={c} now={now} />
            ))}
          </ol>
          {state.next !== null ? (
            <button
              type="button"
              class="changes-older"
              disabled={state.loading}
              onClick={() => void model.older()}
            >
              {state.loading ? t.changes.loadingOlder : t.changes.older}
            </button>
          ) : (
            <p class="changes-end">{t.changes.end}</p>
          )}
        </>
      )}
    </main>
  );
}
