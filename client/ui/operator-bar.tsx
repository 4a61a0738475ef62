/**
 * @module The operators signed in at this station: the active one records, the others are a tap
 * (and their badge, and PIN) away; Lock hands the station back to the badge reader.
 */
import type { OperatorSession } from '../station/operator-session';

export function OperatorBar(props: {
  session: OperatorSession;
  onSignOut: (badge: string) => void;
  onLock: () => void;
}) {
  const { session, onSignOut, onLock } = props;
  if (session.signedIn.length === 0) return null;
  return (
    <section class="operators" aria-label="Operators">
      {session.signedIn.map((o) => (
        <span key={o.badge} class={`operator-chip${o.badge === session.active ? ' active' : ''}`}>
          {o.badge === session.active ? `Operator ${o.badge}` : o.badge} · {o.name}
          <button
            type="button"
            class="small"
            aria-label={`Sign out ${o.badge}`}
            onClick={() => onSignOut(o.badge)}
          >
            Sign out
          </button>
        </span>
      ))}
      {session.active ? (
        <button type="button" class="small" onClick={onLock}>
          Lock
        </button>
      ) : (
        <span class="locked" data-testid="locked">
          Locked: scan your badge
        </span>
      )}
    </section>
  );
}

export function PinPrompt(props: {
  badge: string;
  name: string;
  error: string | null;
  onSubmit: (pin: string) => void;
  onCancel: () => void;
}) {
  return (
    <form
      class="pin"
      data-testid="pin"
      onSubmit={(e) => {
        e.preventDefault();
        const field = e.currentTarget.elements.namedItem('pin') as HTMLInputElement;
        props.onSubmit(field.value);
        field.value = '';
      }}
    >
      <p>
        {props.name} ({props.badge}): type your PIN
      </p>
      {props.error ? (
        <p class="message refused" role="alert">
          {props.error}
        </p>
      ) : null}
      <input
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        aria-label="PIN"
        ref={(el) => el?.focus()}
      />
      <button type="submit">Sign in</button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
