/** @module The console's header: its name, the language switch (remembered), who is signed in, sign-out. */
import type { Language } from '../../i18n/catalogue';
import { LANGUAGES } from '../../i18n/catalogue';
import type { ConsoleSession } from '../api';
import { consoleLanguage, useConsoleText } from '../i18n/language';

export function Header(props: { session: ConsoleSession | null; onSignOut: () => void }) {
  const { t, language } = useConsoleText();
  return (
    <header class="console-header spread-row">
      <h1>{t.app.name}</h1>
      <div class="console-header-tools">
        <div class="language-switch" role="group" aria-label={t.words.chooseLanguage}>
          {LANGUAGES.map((lang: Language) => (
            <button
              type="button"
              key={lang}
              lang={lang}
              aria-pressed={lang === language}
              onClick={() => consoleLanguage.choose(lang)}
            >
              {t.words.language[lang]}
            </button>
          ))}
        </div>
        {props.session && (
          <>
            <span class="signed-in-as">{t.app.signedInAs({ username: props.session.username })}</span>
            <button type="button" onClick={props.onSignOut}>
              {t.app.signOut}
            </button>
          </>
        )}
      </div>
    </header>
  );
}
