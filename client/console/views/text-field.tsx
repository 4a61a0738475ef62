/** @module A labelled text or password field of the console's forms, with an optional hint read with it. */

export function TextField(props: {
  label: string;
  /** Said under the field and read with it. */
  hint?: string;
  name: string;
  secret?: boolean;
  autoComplete: string;
  value: string;
  onInput: (value: string) => void;
}) {
  const hintId = props.hint === undefined ? undefined : `${props.name}-hint`;
  const input = {
    name: props.name,
    autoComplete: props.autoComplete,
    required: true,
    'aria-describedby': hintId,
    value: props.value,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onInput(e.currentTarget.value),
  };
  // The hint is outside the label: the field is named by its label alone, and described by the hint.
  return (
    <>
      <label>
        {props.label}
        {props.secret ? <input type="password" {...input} /> : <input type="text" {...input} />}
      </label>
      {props.hint !== undefined && (
        <small id={hintId} class="field-hint">
          {props.hint}
        </small>
      )}
    </>
  );
}
