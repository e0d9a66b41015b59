// "Mot de passe oublié ?": the identifier, the 24 recovery words in one field and a new password twice.
// The words go to the Worker, which rebuilds the keys, checks them against the account and forgets them.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { newPasswordProblem } from '../lib/new-password.ts';
import { MIN_PASSWORD_LENGTH } from '../lib/password-strength.ts';
import { vaultClient } from '../lib/vault-client.ts';

export function Recover() {
  const { messages, setAccountId } = useApp();
  const { route } = useLocation();
  const [accountId, setId] = useState('');
  const [words, setWords] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = newPasswordProblem(password, again, messages);
    setError(problem);
    if (problem !== null) return;
    setBusy(true);
    try {
      await vaultClient().call('recoverAccount', { accountId: accountId.trim(), words, newPassword: password });
      setWords('');
      setPassword('');
      setAgain('');
      setAccountId(null);
      route('/connexion?recupere=1');
    } catch (failure) {
      setError(errorMessage(failure, messages, 'recovery'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{messages.recoverTitle}</PageTitle>
      <p>{messages.recoverIntro}</p>
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <label for="recover-id">{messages.accountIdLabel}</label>
        <input id="recover-id" name="username" autoComplete="username" required value={accountId}
          onInput={(event) => { setId(event.currentTarget.value); }} />
        <label for="recover-words">{messages.recoverWordsLabel}</label>
        <textarea id="recover-words" rows={6} required autoComplete="off" autoCapitalize="none" spellcheck={false}
          aria-describedby="recover-words-hint" value={words} onInput={(event) => { setWords(event.currentTarget.value); }} />
        <p id="recover-words-hint" class="hint">{messages.recoverWordsHint}</p>
        <label for="recover-password">{messages.newPasswordLabel}</label>
        <input id="recover-password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={password}
          aria-describedby="recover-password-hint" onInput={(event) => { setPassword(event.currentTarget.value); }} />
        <p id="recover-password-hint" class="hint">{messages.passwordHint}</p>
        <label for="recover-again">{messages.newPasswordAgainLabel}</label>
        <input id="recover-again" type="password" autoComplete="new-password" required value={again}
          onInput={(event) => { setAgain(event.currentTarget.value); }} />
        <Alert text={error} />
        {busy && <p role="status">{messages.recoverWorking}</p>}
        <button type="submit" disabled={busy}>{messages.recoverSubmit}</button>
      </form>
    </>
  );
}
