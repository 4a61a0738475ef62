/**
 * @module The planning desk's page for job tickets (admin, SPEC DK-28, DK-29): release a ticket on a
 * published routing (piece mode: serials generated from a prefix, or pasted one per line with
 * their count against the quantity; batch mode: a quantity and an optional batch code), each
 * refusal said in words beside the field it names, the released serials shown once; then the
 * tickets newest first with how many of their tokens are done, and links to their labels and
 * traveler (`#/labels/<code>`) and to the floor board.
 */
import type { ComponentChildren } from 'preact';
import type { TicketSummary } from '../../../../shared/ticket-desk-api';
import { formatNumber, formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { FormField, ReleaseForm, Released, TicketsState } from '../../models/tickets-model';
import { TicketsModel, exampleSerial, pastedSerials } from '../../models/tickets-model';
import type { PageProps } from '../../page';
import { usePageModel } from '../../use-page-model';
import { routeHash } from '../../router';
import './tickets.css';

interface Control {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
}

/** A labelled control with its hint and, when the answer named it, the problem in words below. */
function Field(props: {
  id: string;
  field: FormField;
  label: string;
  hint?: string | null | undefined;
  state: TicketsState;
  wide?: boolean;
  children: (control: Control) => ComponentChildren;
}) {
  const { t } = useConsoleText();
  const problem = props.state.problems[props.field];
  const hintId = props.hint ? `${props.id}-hint` : null;
  const problemId = problem ? `${props.id}-problem` : null;
  const describedBy = [problemId, hintId].filter((x) => x !== null).join(' ') || undefined;
  return (
    <div class={`ticket-field${props.wide ? ' ticket-field-wide' : ''}`} data-field={props.field}>
      <label for={props.id}>{props.label}</label>
      {props.children({ id: props.id, describedBy, invalid: problem !== undefined })}
      {props.hint && (
        <p id={hintId ?? undefined} class="ticket-hint">
          {props.hint}
        </p>
      )}
      {problem && (
        <p id={problemId ?? undefined} class="ticket-problem" role="alert" data-problem={props.field}>
          {problem(t)}
        </p>
      )}
    </div>
  );
}

/** A one-line text input inside a Field: named, marked and described by it. */
function TextInput(props: {
  control: Control;
  name: string;
  value: string;
  maxLength?: number;
  inputMode?: 'numeric';
  placeholder?: string;
  onValue: (value: string) => void;
}) {
  const { control } = props;
  return (
    <input
      id={control.id}
      name={props.name}
      value={props.value}
      placeholder={props.placeholder}
      maxLength={props.maxLength}
      inputMode={props.inputMode}
      autoComplete="off"
      aria-invalid={control.invalid}
      aria-describedby={control.describedBy}
      onInput={(e) => props.onValue(e.currentTarget.value)}
    />
  );
}

/** Two choices as big radio buttons (≥ 44 px each). */
function Choice<V extends string>(props: {
  name: string;
  legend: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (value: V) => void;
}) {
  return (
    <fieldset class="ticket-choice ticket-field-wide">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value}>
          <input
            type="radio"
            name={props.name}
            value={o.value}
            checked={props.value === o.value}
            onChange={() => props.onChange(o.value)}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

function RoutingFields(props: { state: TicketsState; edit: (c: Partial<ReleaseForm>) => void }) {
  const { t } = useConsoleText();
  const { state, edit } = props;
  const { form, routings } = state;
  const chosen = routings?.find((r) => r.code === form.routing);
  const latest = chosen?.versions[0];
  return (
    <>
      <Field id="ticket-routing" field="routing" label={t.tickets.routing} state={state}>
        {(c) => (
          <select
            id={c.id}
            name="routing"
            value={form.routing}
            aria-invalid={c.invalid}
            aria-describedby={c.describedBy}
            disabled={routings === null || routings.length === 0}
            onChange={(e) => edit({ routing: e.currentTarget.value })}
          >
            <option value="">
              {routings === null ? t.tickets.routingsLoading : t.tickets.routingChoose}
            </option>
            {routings?.map((r) => (
              <option key={r.code} value={r.code}>
                {`${r.name} (${r.code})`}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="ticket-version" field="routingVersion" label={t.tickets.version} state={state}>
        {(c) => (
          <select
            id={c.id}
            name="version"
            value={form.version}
            aria-invalid={c.invalid}
            aria-describedby={c.describedBy}
            disabled={!chosen}
            onChange={(e) => edit({ version: e.currentTarget.value })}
          >
            <option value="">{latest === undefined ? '—' : t.tickets.latest({ version: latest })}</option>
            {chosen?.versions.slice(1).map((v) => (
              <option key={v} value={String(v)}>
                {t.tickets.versionN({ version: v })}
              </option>
            ))}
          </select>
        )}
      </Field>
      {state.routingsFailed && <p class="ticket-problem ticket-field-wide">{t.tickets.routingsFailed}</p>}
      {routings?.length === 0 && <p class="ticket-problem ticket-field-wide">{t.tickets.noRoutings}</p>}
    </>
  );
}

function SerialFields(props: { state: TicketsState; edit: (c: Partial<ReleaseForm>) => void }) {
  const { t } = useConsoleText();
  const { state, edit } = props;
  const { form } = state;
  if (form.mode === 'batch') {
    return (
      <Field
        id="ticket-batch-code"
        field="batchCode"
        label={t.tickets.batchCode}
        hint={t.tickets.batchCodeHint}
        state={state}
      >
        {(c) => (
          <TextInput
            control={c}
            name="batchCode"
            value={form.batchCode}
            maxLength={128}
            onValue={(batchCode) => edit({ batchCode })}
          />
        )}
      </Field>
    );
  }
  const pasted = pastedSerials(form);
  const qty = Number(form.qty);
  return (
    <>
      <Choice
        name="source"
        legend={t.tickets.serialsFrom}
        value={form.source}
        options={[
          { value: 'generate', label: t.tickets.generate },
          { value: 'paste', label: t.tickets.paste },
        ]}
        onChange={(source) => edit({ source })}
      />
      {form.source === 'generate' ? (
        <Field
          id="ticket-prefix"
          field="serialPrefix"
          label={t.tickets.prefix}
          hint={
            state.preview
              ? t.tickets.previewHint({
                  n: state.preview.qty,
                  first: state.preview.first,
                  last: state.preview.last,
                })
              : t.tickets.prefixHint({ example: exampleSerial(form) })
          }
          state={state}
          wide
        >
          {(c) => (
            <TextInput
              control={c}
              name="serialPrefix"
              value={form.prefix}
              placeholder={form.code.trim() === '' ? '' : `${form.code.trim()}-`}
              maxLength={100}
              onValue={(prefix) => edit({ prefix })}
            />
          )}
        </Field>
      ) : (
        <Field
          id="ticket-serials"
          field="serials"
          label={t.tickets.pasted}
          hint={t.tickets.pastedCount({ n: pasted.length, qty: Number.isFinite(qty) ? qty : 0 })}
          state={state}
          wide
        >
          {(c) => (
            <textarea
              id={c.id}
              name="serials"
              value={form.pasted}
              rows={6}
              spellcheck={false}
              autoComplete="off"
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
              onInput={(e) => edit({ pasted: e.currentTarget.value })}
            />
          )}
        </Field>
      )}
      {/* A problem the server names on serials while generating: shown here too. */}
      {form.source === 'generate' && state.problems.serials && (
        <p class="ticket-problem ticket-field-wide" role="alert" data-problem="serials">
          {state.problems.serials(t)}
        </p>
      )}
    </>
  );
}

function ReleaseFormView(props: { state: TicketsState; model: TicketsModel }) {
  const { t } = useConsoleText();
  const { state, model } = props;
  const { form } = state;
  const edit = (changes: Partial<ReleaseForm>) => model.edit(changes);
  const routingName = state.routings?.find((r) => r.code === form.routing)?.name;
  return (
    <form
      class="ticket-form"
      aria-labelledby="ticket-release-heading"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void model.release();
      }}
    >
      <h3 id="ticket-release-heading" class="ticket-field-wide">
        {t.tickets.releaseHeading}
      </h3>
      <Field id="ticket-code" field="code" label={t.tickets.code} hint={t.tickets.codeHint} state={state}>
        {(c) => (
          <TextInput
            control={c}
            name="code"
            value={form.code}
            maxLength={64}
            onValue={(code) => edit({ code })}
          />
        )}
      </Field>
      <RoutingFields state={state} edit={edit} />
      <Choice
        name="mode"
        legend={t.tickets.mode}
        value={form.mode}
        options={[
          { value: 'piece', label: t.tickets.piece },
          { value: 'batch', label: t.tickets.batch },
        ]}
        onChange={(mode) => edit({ mode })}
      />
      <Field id="ticket-qty" field="qty" label={t.tickets.qty} state={state}>
        {(c) => (
          <TextInput
            control={c}
            name="qty"
            value={form.qty}
            inputMode="numeric"
            onValue={(qty) => edit({ qty })}
          />
        )}
      </Field>
      <Field
        id="ticket-product"
        field="product"
        label={t.tickets.product}
        hint={routingName ? t.tickets.productHint({ name: routingName }) : null}
        state={state}
      >
        {(c) => (
          <TextInput
            control={c}
            name="product"
            value={form.product}
            maxLength={200}
            onValue={(product) => edit({ product })}
          />
        )}
      </Field>
      <SerialFields state={state} edit={edit} />
      {state.problems.form && (
        <p class="ticket-problem ticket-field-wide" role="alert" data-problem="form">
          {state.problems.form(t)}
        </p>
      )}
      <div class="ticket-field-wide">
        <button type="submit" class="primary" disabled={state.busy}>
          {state.busy ? t.tickets.releasing : t.tickets.release}
        </button>
      </div>
    </form>
  );
}

function TicketLinks(props: { code: string }) {
  const { t } = useConsoleText();
  return (
    <div class="ticket-links">
      <a
        class="ticket-link"
        href={routeHash('labels', props.code)}
        aria-label={t.tickets.labelsFor({ code: props.code })}
      >
        {t.tickets.labels}
      </a>
      <a class="ticket-link" href={routeHash('board')}>
        {t.tickets.board}
      </a>
    </div>
  );
}

function ReleasedPanel(props: { released: Released; onDone: () => void }) {
  const { t } = useConsoleText();
  const { released } = props;
  const tokens = released.tokens;
  const summary =
    released.processMode === 'batch'
      ? t.tickets.releasedBatch({ code: tokens[0] ?? '', qty: released.qty })
      : t.tickets.releasedSerials({ n: tokens.length, first: tokens[0] ?? '', last: tokens.at(-1) ?? '' });
  return (
    <section
      class="shown-once ticket-released"
      aria-labelledby="ticket-released-heading"
      data-released={released.code}
    >
      <h3 id="ticket-released-heading">{t.tickets.releasedHeading({ code: released.code })}</h3>
      <p role="status">{summary}</p>
      {released.processMode === 'piece' && (
        <details open={tokens.length <= 40}>
          <summary>{t.tickets.allSerials}</summary>
          <ol class="ticket-serials" data-serials>
            {tokens.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </details>
      )}
      <div class="ticket-links">
        <TicketLinks code={released.code} />
        <button type="button" onClick={props.onDone}>
          {t.tickets.done}
        </button>
      </div>
    </section>
  );
}

function TicketItem(props: { ticket: TicketSummary; now: number }) {
  const { t, language } = useConsoleText();
  const { ticket: k } = props;
  return (
    <li class="card ticket-item" data-ticket={k.code}>
      <h4>{k.code}</h4>
      <dl class="card-facts">
        <div>
          <dt>{t.tickets.colRouting}</dt>
          <dd>{t.tickets.routingVersion({ name: k.routingName, version: k.routingVersion })}</dd>
        </div>
        <div>
          <dt>{t.tickets.colMode}</dt>
          <dd>{k.processMode === 'batch' ? t.tickets.modeBatch : t.tickets.modePiece}</dd>
        </div>
        <div>
          <dt>{t.tickets.colQty}</dt>
          <dd>{formatNumber(language, k.qty)}</dd>
        </div>
        <div>
          <dt>{t.tickets.colDone}</dt>
          <dd data-done>{t.tickets.doneOf({ done: k.done, tokens: k.tokens })}</dd>
        </div>
        <div>
          <dt>{t.tickets.colReleased}</dt>
          <dd>{formatWhen(language, k.createdAt, props.now)}</dd>
        </div>
      </dl>
      <TicketLinks code={k.code} />
    </li>
  );
}

export function TicketsPage(props: PageProps) {
  const { t } = useConsoleText();
  const model = usePageModel(props, (p) => new TicketsModel(p.fetcher, p.signedOut, p.clock), {
    kinds: ['token'],
    changed: (m) => m.changed(),
  });
  const state = useModel(model);
  const now = props.clock.now();
  return (
    <main class="page tickets">
      <h2>{t.tickets.heading}</h2>
      <p class="ticket-intro">{t.tickets.intro}</p>
      <ReleaseFormView state={state} model={model} />
      {state.released && <ReleasedPanel released={state.released} onDone={() => model.dismissReleased()} />}
      <h3>{t.tickets.listHeading}</h3>
      {state.loadFailed && (
        <p class="ticket-problem" role="status">
          {t.tickets.loadFailed}
        </p>
      )}
      {state.tickets === null ? (
        !state.loadFailed && <p role="status">{t.tickets.loading}</p>
      ) : state.tickets.length === 0 ? (
        <p>{t.tickets.none}</p>
      ) : (
        <ul class="card-list">
          {state.tickets.map((k) => (
            <TicketItem key={k.code} ticket={k} now={now} />
          ))}
        </ul>
      )}
      {state.next !== null && (
        <button type="button" class="ticket-more" onClick={() => void model.more()}>
          {t.tickets.more}
        </button>
      )}
    </main>
  );
}
