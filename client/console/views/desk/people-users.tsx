/** @module The people page's console users (SPEC DK-37): add one with a role and a password; the list. */
import { useState } from 'preact/hooks';
import type { UserRole } from '../../../../shared/people-desk-api';
import { USER_ROLES } from '../../../../shared/people-desk-api';
import { formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { UserForm, UsersDeskState } from '../../models/people-model';
import { UsersDeskModel } from '../../models/people-model';
import type { PageProps } from '../../page';
import { usePageModel } from '../../use-page-model';
import { Field, FormProblem, Row, controlOf } from './people-fields';

const EMPTY_FORM: UserForm = { username: '', role: 'supervisor', password: '' };

function AddUser(props: { state: UsersDeskState; model: UsersDeskModel }) {
  const { t } = useConsoleText();
  const [form, setForm] = useState(EMPTY_FORM);
  const { fields } = props.state.form;
  const set = (changes: Partial<UserForm>) => setForm({ ...form, ...changes });
  return (
    <form
      class="form-panel people-form"
      aria-labelledby="add-user-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.add(form).then((ok) => ok && setForm(EMPTY_FORM));
      }}
    >
      <h4 id="add-user-heading">{t.people.addUserHeading}</h4>
      <Field id="user-name" label={t.people.username} hint={t.people.usernameHint} problem={fields.username}>
        <input
          {...controlOf('user-name', true, fields.username)}
          value={form.username}
          maxLength={64}
          autoComplete="off"
          onInput={(e) => set({ username: e.currentTarget.value })}
        />
      </Field>
      <Field id="user-role" label={t.people.role} problem={fields.role}>
        <select
          {...controlOf('user-role', false, fields.role)}
          value={form.role}
          onChange={(e) => set({ role: e.currentTarget.value as UserRole })}
        >
          {USER_ROLES.map((role) => (
            <option key={role} value={role}>
              {t.people.roleName[role]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="user-password"
        label={t.people.password}
        hint={t.people.passwordHint}
        problem={fields.password}
      >
        <input
          {...controlOf('user-password', true, fields.password)}
          type="password"
          autoComplete="new-password"
          value={form.password}
          maxLength={200}
          onInput={(e) => set({ password: e.currentTarget.value })}
        />
      </Field>
      <div class="people-submit">
        <button type="submit" class="primary" disabled={props.state.busy}>
          {props.state.busy ? t.people.adding : t.people.addUser}
        </button>
      </div>
      <FormProblem problem={props.state.form.general} />
    </form>
  );
}

export function UsersSection(props: PageProps) {
  const { t, language } = useConsoleText();
  const model = usePageModel(props, (p) => new UsersDeskModel(p.fetcher, p.signedOut));
  const state = useModel(model);
  const now = props.clock.now();
  return (
    <section class="people-section" aria-labelledby="people-users">
      <h3 id="people-users">{t.people.usersHeading}</h3>
      <AddUser state={state} model={model} />
      {state.added && (
        <p class="people-saved" role="status">
          {t.people.userAdded({ username: state.added })}
        </p>
      )}
      {state.loadFailed && (
        <p class="people-problem" role="status">
          {t.people.loadFailed}
        </p>
      )}
      {state.users === null ? (
        !state.loadFailed && <p role="status">{t.people.loading}</p>
      ) : state.users.length === 0 ? (
        <p>{t.people.noUsers}</p>
      ) : (
        <ul class="card-list people-list">
          {state.users.map((u) => (
            <li key={u.username} class="card people-card" data-user={u.username}>
              <h4>{u.username}</h4>
              <dl class="card-facts">
                <Row term={t.people.colRole} data="role">
                  {t.people.roleShort[u.role]}
                </Row>
                <Row term={t.people.colCreated}>{formatWhen(language, u.createdAt, now)}</Row>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
