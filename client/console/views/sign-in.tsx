/** @module The console's sign-in: username and password, the reason in words when it fails. */
import { useState } from 'preact/hooks';
import { useConsoleText } from '../i18n/language';
import type { SessionState } from '../models/session-model';

export function SignIn(props: {
  state: Extract<SessionState, { kind: 'signed-out' }>;
  onSignIn: (username: string, password: string) => void;
}) {
  const { t } = useConsoleText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="sign-in">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!props.state.busy) props.onSignIn(username, password);
        }}
      >
        <h2>{t.signIn.heading}</h2>
        <label>
          {t.signIn.username}
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          {t.signIn.password}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <p class="sign-in-problem" role="alert">
          {props.state.problem ? props.state.problem(t) : ''}
        </p>
        <button type="submit" class="primary" disabled={props.state.busy}>
          {props.state.busy ? t.signIn.signingIn : t.signIn.submit}
        </button>
      </form>
    </main>
  );
}
