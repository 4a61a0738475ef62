/**
 * @module The people page's operators (SPEC DK-33 … DK-35): add one (badge, name, optional PIN,
 * preferred language); the list with whether a PIN is set, their language and whether they can
 * sign in; change one (name, language, a new PIN or none, active) in a form that sends only what
 * changed.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DeskOperator, OperatorChange } from '../../../../shared/people-desk-api';
import { useModel } from '../../../state/use-model';
import type { ConsoleText } from '../../i18n/en';
import { useConsoleText } from '../../i18n/language';
import type { LanguageChoice, OperatorForm, OperatorsDeskState } from '../../models/people-model';
import { OperatorsDeskModel } from '../../models/people-model';
import type { PageProps } from '../../page';
import { Field, FormProblem, Row, controlOf } from './people-fields';

const EMPTY_FORM: OperatorForm = { badge: '', name: '', pin: '', language: '' };

function LanguageSelect(props: {
  id: string;
  value: LanguageChoice;
  onChange: (v: LanguageChoice) => void;
  hint: boolean;
  problem: ConsoleText | undefined;
}) {
  const { t } = useConsoleText();
  return (
    <select
      {...controlOf(props.id, props.hint, props.problem)}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value as LanguageChoice)}
    >
      <option value="">{t.people.stationsLanguage}</option>
      <option value="th">{t.people.languageName.th}</option>
      <option value="en">{t.people.languageName.en}</option>
    </select>
  );
}

function AddOperator(props: { state: OperatorsDeskState; model: OperatorsDeskModel }) {
  const { t } = useConsoleText();
  const [form, setForm] = useState(EMPTY_FORM);
  const { fields } = props.state.form;
  const set = (changes: Partial<OperatorForm>) => setForm({ ...form, ...changes });
  return (
    <form
      class="form-panel people-form"
      aria-labelledby="add-operator-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.add(form).then((ok) => ok && setForm(EMPTY_FORM));
      }}
    >
      <h4 id="add-operator-heading">{t.people.addOperatorHeading}</h4>
      <Field id="operator-badge" label={t.people.badge} hint={t.people.badgeHint} problem={fields.badge}>
        <input
          {...controlOf('operator-badge', true, fields.badge)}
          value={form.badge}
          maxLength={64}
          autoComplete="off"
          onInput={(e) => set({ badge: e.currentTarget.value })}
        />
      </Field>
      <Field
        id="operator-name"
        label={t.people.operatorName}
        hint={t.people.operatorNameHint}
        problem={fields.name}
      >
        <input
          {...controlOf('operator-name', true, fields.name)}
          value={form.name}
          maxLength={200}
          autoComplete="off"
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </Field>
      <Field id="operator-pin" label={t.people.pin} hint={t.people.pinHint} problem={fields.pin}>
        <input
          {...controlOf('operator-pin', true, fields.pin)}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          value={form.pin}
          maxLength={8}
          onInput={(e) => set({ pin: e.currentTarget.value })}
        />
      </Field>
      <Field
        id="operator-language"
        label={t.people.operatorLanguage}
        hint={t.people.operatorLanguageHint}
        problem={fields.language}
      >
        <LanguageSelect
          id="operator-language"
          value={form.language}
          hint
          problem={fields.language}
          onChange={(language) => set({ language })}
        />
      </Field>
      <div class="people-submit">
        <button type="submit" class="primary" disabled={props.state.busy}>
          {props.state.busy ? t.people.adding : t.people.addOperator}
        </button>
      </div>
      <FormProblem problem={props.state.form.general} />
    </form>
  );
}

/** The fields that differ from the operator as listed (only those are sent). */
export function operatorChange(
  o: DeskOperator,
  form: { name: string; language: LanguageChoice; pin: string; removePin: boolean; active: boolean },
): OperatorChange {
  const change: OperatorChange = {};
  if (form.name.trim() !== '' && form.name.trim() !== o.name) change.name = form.name.trim();
  const language = form.language === '' ? null : form.language;
  if (language !== o.language) change.language = language;
  if (form.pin !== '') change.pin = form.pin;
  else if (form.removePin && o.hasPin) change.pin = null;
  if (form.active !== o.active) change.active = form.active;
  return change;
}

function EditOperator(props: {
  operator: DeskOperator;
  state: OperatorsDeskState;
  model: OperatorsDeskModel;
}) {
  const { t } = useConsoleText();
  const o = props.operator;
  const language: LanguageChoice = o.language ?? '';
  const [form, setForm] = useState({
    name: o.name,
    language,
    pin: '',
    removePin: false,
    active: o.active,
  });
  const set = (changes: Partial<typeof form>) => setForm({ ...form, ...changes });
  const { fields } = props.state.edit;
  const id = (field: string) => `edit-${o.badge}-${field}`;
  return (
    <form
      class="form-panel people-form people-edit"
      aria-label={t.people.changeLabel({ badge: o.badge })}
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.save(o.badge, operatorChange(o, form));
      }}
    >
      <Field id={id('name')} label={t.people.operatorName} problem={fields.name}>
        <input
          {...controlOf(id('name'), false, fields.name)}
          value={form.name}
          maxLength={200}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </Field>
      <Field id={id('language')} label={t.people.operatorLanguage} problem={fields.language}>
        <LanguageSelect
          id={id('language')}
          value={form.language}
          hint={false}
          problem={fields.language}
          onChange={(language) => set({ language })}
        />
      </Field>
      <Field id={id('pin')} label={t.people.newPin} hint={t.people.newPinHint} problem={fields.pin}>
        <input
          {...controlOf(id('pin'), true, fields.pin)}
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={8}
          value={form.pin}
          onInput={(e) => set({ pin: e.currentTarget.value })}
        />
      </Field>
      {o.hasPin && (
        <label class="people-check">
          <input
            type="checkbox"
            checked={form.removePin}
            onChange={(e) => set({ removePin: e.currentTarget.checked })}
          />
          <span>{t.people.removePin}</span>
        </label>
      )}
      <label class="people-check">
        <input
          type="checkbox"
          checked={form.active}
          onChange={(e) => set({ active: e.currentTarget.checked })}
        />
        <span>{t.people.canSignIn}</span>
      </label>
      <div class="people-actions">
        <button type="submit" class="primary" disabled={props.state.busy}>
          {props.state.busy ? t.people.saving : t.people.save}
        </button>
        <button type="button" onClick={() => props.model.cancelEdit()}>
          {t.people.cancel}
        </button>
      </div>
      <FormProblem problem={props.state.edit.general} />
    </form>
  );
}

function OperatorCard(props: {
  operator: DeskOperator;
  state: OperatorsDeskState;
  model: OperatorsDeskModel;
}) {
  const { t } = useConsoleText();
  const { operator: o, state, model } = props;
  const editing = state.editing === o.badge;
  return (
    <li class={`card people-card${o.active ? '' : ' people-card-off'}`} data-operator={o.badge}>
      <h4>
        {o.badge}
        {o.name !== o.badge && <span class="people-card-name"> · {o.name}</span>}
      </h4>
      <dl class="card-facts">
        <Row term={t.people.colPin} data="pin">
          {o.hasPin ? t.people.pinSet : t.people.pinNone}
        </Row>
        <Row term={t.people.operatorLanguage} data="language">
          {o.language ? t.people.languageName[o.language] : t.people.stationsLanguage}
        </Row>
        <Row term={t.people.colState} data="active">
          {o.active ? t.people.active : t.people.inactive}
        </Row>
      </dl>
      {editing ? (
        <EditOperator operator={o} state={state} model={model} />
      ) : (
        <div class="people-actions">
          <button
            type="button"
            aria-label={t.people.changeLabel({ badge: o.badge })}
            onClick={() => model.startEdit(o.badge)}
          >
            {t.people.change}
          </button>
        </div>
      )}
    </li>
  );
}

export function OperatorsSection(props: PageProps) {
  const { t } = useConsoleText();
  const model = useMemo(
    () => new OperatorsDeskModel(props.fetcher, props.signedOut),
    [props.fetcher, props.signedOut],
  );
  useEffect(() => void model.load(), [model]);
  const state = useModel(model);
  const saved = state.saved;
  return (
    <section class="people-section" aria-labelledby="people-operators">
      <h3 id="people-operators">{t.people.operatorsHeading}</h3>
      <AddOperator state={state} model={model} />
      {saved && (
        <p class="people-saved" role="status">
          {saved.kind === 'added' ? t.people.operatorAdded(saved) : t.people.operatorChanged(saved)}
        </p>
      )}
      {state.loadFailed && (
        <p class="people-problem" role="status">
          {t.people.loadFailed}
        </p>
      )}
      {state.operators === null ? (
        !state.loadFailed && <p role="status">{t.people.loading}</p>
      ) : state.operators.length === 0 ? (
        <p>{t.people.noOperators}</p>
      ) : (
        <ul class="card-list people-list">
          {state.operators.map((o) => (
            <OperatorCard key={o.badge} operator={o} state={state} model={model} />
          ))}
        </ul>
      )}
    </section>
  );
}
