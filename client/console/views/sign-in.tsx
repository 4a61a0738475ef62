/** @module The console's sign-in: username and password, the reason in words when it fails. */
import { useState } from 'preact/hooks';
import { useConsoleText } from '../i18n/language';
import type { SessionState } from '../models/session-model';
import { AccountForm } from './account-form';
import { TextField } from './text-field';

export function SignIn(props: {
  state: Extract<SessionState, { kind: 'signed-out' }>;
  onSignIn: (username: string, password: string) => void;
}) {
  const { t } = useConsoleText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AccountForm busy={props.state.busy} onSubmit={() => props.onSignIn(username, password)}>
      <h2>{t.signIn.heading}</h2>
      <TextField
        label={t.signIn.username}
        name="username"
        autoComplete="username"
        value={username}
        onInput={setUsername}
      />
      <TextField
        label={t.signIn.password}
        name="password"
        secret
        autoComplete="current-password"
        value={password}
        onInput={setPassword}
      />
      <p class="sign-in-problem" role="alert">
        {props.state.problem ? props.state.problem(t) : ''}
      </p>
      <button type="submit" class="primary" disabled={props.state.busy}>
        {props.state.busy ? t.signIn.signingIn : t.signIn.submit}
      </button>
    </AccountForm>
  );
}
