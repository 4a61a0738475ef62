/**
 * @module The people page's form parts: a labelled field with its hint and, when the last answer
 * named it, what is wrong with it in words (announced, and tied to the control by aria-describedby).
 */
import type { ComponentChildren } from 'preact';
import { useConsoleText } from '../../i18n/language';
import type { ConsoleText } from '../../i18n/en';

/** The attributes a field's control takes: its id, whether it is wrong, what describes it. */
export function controlOf(id: string, hint: boolean, problem: ConsoleText | undefined) {
  const describedBy = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': problem ? ('true' as const) : undefined,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
  };
}

export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  problem: ConsoleText | undefined;
  children: ComponentChildren;
}) {
  const { t } = useConsoleText();
  return (
    <div class={`people-field${props.problem ? ' people-field-wrong' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p id={`${props.id}-hint`} class="people-hint">
          {props.hint}
        </p>
      )}
      {props.problem && (
        <p id={`${props.id}-problem`} class="people-field-problem" role="alert" data-problem-for={props.id}>
          {props.problem(t)}
        </p>
      )}
    </div>
  );
}

/** A form's refusal that names no field. */
export function FormProblem(props: { problem: ConsoleText | null }) {
  const { t } = useConsoleText();
  return props.problem ? (
    <p class="people-problem" role="alert">
      {props.problem(t)}
    </p>
  ) : null;
}

/** A term and its value in a card's list. */
export function Row(props: { term: string; children: ComponentChildren; data?: string }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd data-field={props.data}>{props.children}</dd>
    </div>
  );
}
