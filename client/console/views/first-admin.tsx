/**
 * @module What a signed-out console shows: the setup form while the site has no admin (DK-2; the
 * code may come in the address from the server's log, `#setup=<code>`, and is then dropped from
 * it), else the sign-in form.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { setupCodeOfFragment } from '../../../shared/first-admin-api';
import { useModel } from '../../state/use-model';
import { useConsoleText } from '../i18n/language';
import { FirstAdminModel } from '../models/first-admin-model';
import type { SessionState } from '../models/session-model';
import type { HashWindow } from '../router';
import { SignIn } from './sign-in';
import { AccountForm } from './account-form';
import { TextField } from './text-field';

function SetupForm(props: { model: FirstAdminModel; code: string; busy: boolean; problem: string }) {
  const { t } = useConsoleText();
  const [code, setCode] = useState(props.code);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AccountForm busy={props.busy} onSubmit={() => void props.model.create({ code, username, password })}>
      <h2>{t.firstAdmin.heading}</h2>
      <p>{t.firstAdmin.intro}</p>
      <TextField
        label={t.firstAdmin.code}
        hint={t.firstAdmin.codeHint}
        name="setup-code"
        autoComplete="off"
        value={code}
        onInput={setCode}
      />
      <TextField
        label={t.firstAdmin.username}
        hint={t.firstAdmin.usernameHint}
        name="username"
        autoComplete="username"
        value={username}
        onInput={setUsername}
      />
      <TextField
        label={t.firstAdmin.password}
        hint={t.firstAdmin.passwordHint}
        name="password"
        secret
        autoComplete="new-password"
        value={password}
        onInput={setPassword}
      />
      <p class="sign-in-problem" role="alert">
        {props.problem}
      </p>
      <button type="submit" class="primary" disabled={props.busy}>
        {props.busy ? t.firstAdmin.creating : t.firstAdmin.submit}
      </button>
    </AccountForm>
  );
}

export function SignedOut(props: {
  fetcher: typeof fetch;
  window: HashWindow;
  state: Extract<SessionState, { kind: 'signed-out' }>;
  onSignIn: (username: string, password: string) => void;
}) {
  const { t } = useConsoleText();
  // Read once: the code leaves the address at once, so it is not left in the history or a bookmark.
  const [code] = useState(() => setupCodeOfFragment(props.window.location.hash) ?? '');
  const model = useMemo(
    () => new FirstAdminModel(props.fetcher, props.onSignIn),
    [props.fetcher, props.onSignIn],
  );
  useEffect(() => {
    if (code !== '') props.window.location.hash = '';
    void model.check();
  }, [model, code, props.window]);
  const state = useModel(model);
  if (state.kind === 'checking') return null;
  if (state.kind === 'needed')
    return (
      <SetupForm
        model={model}
        code={code}
        busy={state.busy}
        problem={state.problem ? state.problem(t) : ''}
      />
    );
  return <SignIn state={props.state} onSignIn={props.onSignIn} />;
}
