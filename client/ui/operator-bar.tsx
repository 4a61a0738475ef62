/**
 * @module The operators signed in at this station: the active one records, the others are a tap
 * (and their badge, and PIN) away; Lock hands the station back to the badge reader; the active
 * operator picks their language (remembered on this tablet with their badge).
 */
import type { Text } from '../i18n/catalogue';
import { LANGUAGES } from '../i18n/catalogue';
import type { Language } from '../i18n/catalogue';
import { languages } from '../i18n/language';
import { useLanguage, useText } from '../i18n/use-text';
import type { OperatorSession } from '../station/operator-session';

export function OperatorBar(props: {
  session: OperatorSession;
  onSignOut: (badge: string) => void;
  onLock: () => void;
  /** The active operator chose a language; by default remembered with their badge and spoken now. */
  onLanguage?: (badge: string, language: Language) => void;
}) {
  const { session, onSignOut, onLock } = props;
  const t = useText();
  if (session.signedIn.length === 0) return null;
  const active = session.active;
  return (
    <section class="operators" aria-label={t.operator.operators}>
      {session.signedIn.map((o) => (
        <span key={o.badge} class={`operator-chip${o.badge === active ? ' active' : ''}`}>
          <span class="operator-name">{o.badge === active ? t.operator.active(o) : t.operator.other(o)}</span>
          <button
            type="button"
            aria-label={t.operator.signOutWho({ badge: o.badge })}
            onClick={() => onSignOut(o.badge)}
          >
            {t.operator.signOut}
          </button>
        </span>
      ))}
      {active ? (
        <>
          <button type="button" class="lock" onClick={onLock}>
            {t.operator.lock}
          </button>
          <LanguageSwitch
            onChoose={(language) =>
              props.onLanguage ? props.onLanguage(active, language) : void languages.choose(active, language)
            }
          />
        </>
      ) : (
        <span class="locked" data-testid="locked">
          {t.operator.locked}
        </span>
      )}
    </section>
  );
}

/** ไทย / English, each a glove-sized button; the one spoken now is pressed. */
function LanguageSwitch(props: { onChoose: (language: Language) => void }) {
  const { language, catalogue: t } = useLanguage();
  return (
    <div class="language-switch" role="group" aria-label={t.words.chooseLanguage}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === language}
          onClick={() => l !== language && props.onChoose(l)}
        >
          {t.words.language[l]}
        </button>
      ))}
    </div>
  );
}

export function PinPrompt(props: {
  badge: string;
  name: string;
  error: Text | string | null;
  onSubmit: (pin: string) => void;
  onCancel: () => void;
}) {
  const t = useText();
  const error = typeof props.error === 'function' ? props.error(t) : props.error;
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
      <label for="pin-field" class="pin-question">
        {t.operator.pinPrompt({ name: props.name, badge: props.badge })}
      </label>
      {error ? (
        <p class="message refused" role="alert">
          {error}
        </p>
      ) : null}
      <input
        id="pin-field"
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        aria-label={t.operator.pin}
        ref={(el) => el?.focus()}
      />
      <div class="actions">
        <button type="submit" class="action primary">
          {t.operator.signIn}
        </button>
        <button type="button" class="action secondary" onClick={props.onCancel}>
          {t.operator.cancel}
        </button>
      </div>
    </form>
  );
}
