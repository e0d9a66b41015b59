// "Mot de passe oublié ?": the identifier, the 24 recovery words in one field and a new password twice.
// The words go to the Worker, which rebuilds the keys, checks them against the account and forgets them.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { NewPasswordFields } from '../components/new-password-fields.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { newPasswordProblem } from '../lib/new-password.ts';
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
        <NewPasswordFields idPrefix="recover" label={messages.newPasswordLabel} againLabel={messages.newPasswordAgainLabel}
          hint={messages.passwordHint} password={password} again={again} onPassword={setPassword} onAgain={setAgain} />
        <Alert text={error} />
        {busy && <p role="status">{messages.recoverWorking}</p>}
        <button type="submit" disabled={busy}>{messages.recoverSubmit}</button>
      </form>
    </>
  );
}
