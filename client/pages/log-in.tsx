// "Se connecter": the password opens the keys inside the Worker; the page keeps only the identifier.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { vaultClient } from '../lib/vault-client.ts';
import type { Messages } from '../locales/fr.ts';

/** The notice a page that sent the visitor here asked for (after sign-up, recovery or deletion). */
function noticeOf(query: Record<string, string>, messages: Messages): string | null {
  if (query.inscrit === '1') return messages.signedUpNotice;
  if (query.recupere === '1') return messages.recoveredNotice;
  if (query.supprime === '1') return messages.accountDeletedNotice;
  return null;
}

export function LogIn() {
  const { messages, setAccountId, setRole } = useApp();
  const { route, query } = useLocation();
  const [accountId, setId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const result = await vaultClient().call('logIn', { accountId: accountId.trim(), password });
      setPassword('');
      setRole(result.role);
      setAccountId(result.accountId);
      route(result.role === 'practitioner' ? '/partages-recus' : '/documents');
    } catch (failure) {
      setError(errorMessage(failure, messages, 'login'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{messages.logInTitle}</PageTitle>
      <Alert kind="notice" text={noticeOf(query, messages)} />
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <label for="login-id">{messages.accountIdLabel}</label>
        <input id="login-id" name="username" autoComplete="username" required value={accountId}
          onInput={(event) => { setId(event.currentTarget.value); }} />
        <label for="login-password">{messages.passwordLabel}</label>
        <input id="login-password" type="password" autoComplete="current-password" required value={password}
          onInput={(event) => { setPassword(event.currentTarget.value); }} />
        <Alert text={error} />
        {busy && <p role="status">{messages.logInWorking}</p>}
        <button type="submit" disabled={busy}>{messages.logInSubmit}</button>
      </form>
      <p><a href="/recuperation">{messages.forgotPassword}</a></p>
      <p>{messages.noAccount} <a href="/inscription">{messages.navSignUp}</a></p>
    </>
  );
}
