// "Créer un compte": identifier and password twice, then the recovery words shown once.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { RecoveryWords } from '../components/recovery-words.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { MIN_PASSWORD_LENGTH, passwordStrength } from '../lib/password-strength.ts';
import { vaultClient } from '../lib/vault-client.ts';
import type { Messages } from '../locales/fr.ts';

const STRENGTH_TEXT = { weak: 'strengthWeak', fair: 'strengthFair', good: 'strengthGood' } as const satisfies Record<string, keyof Messages>;

export function SignUp() {
  const { messages, locale } = useApp();
  const { route } = useLocation();
  const [accountId, setAccountId] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [words, setWords] = useState<string[] | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) { setError(messages.passwordTooShort); return; }
    if (password !== again) { setError(messages.passwordMismatch); return; }
    setError(null);
    setBusy(true);
    try {
      const result = await vaultClient().call('signUp', { accountId: accountId.trim(), password, language: locale });
      setPassword('');
      setAgain('');
      setWords(result.recoveryWords);
    } catch (failure) {
      setError(errorMessage(failure, messages));
    } finally {
      setBusy(false);
    }
  };

  if (words !== null) {
    return (
      <>
        <PageTitle>{messages.signUpTitle}</PageTitle>
        <RecoveryWords accountId={accountId.trim()} words={words} onConfirm={() => { setWords(null); route('/connexion?inscrit=1'); }} />
      </>
    );
  }
  const strength = password.length > 0 ? messages[STRENGTH_TEXT[passwordStrength(password)]] : '';
  return (
    <>
      <PageTitle>{messages.signUpTitle}</PageTitle>
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <label for="signup-id">{messages.accountIdLabel}</label>
        <input id="signup-id" name="username" autoComplete="username" required value={accountId} aria-describedby="signup-id-hint"
          onInput={(event) => { setAccountId(event.currentTarget.value); }} />
        <p id="signup-id-hint" class="hint">{messages.accountIdHint}</p>
        <label for="signup-password">{messages.passwordLabel}</label>
        <input id="signup-password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={password}
          aria-describedby="signup-password-hint signup-strength" onInput={(event) => { setPassword(event.currentTarget.value); }} />
        <p id="signup-password-hint" class="hint">{messages.passwordHint}</p>
        <p id="signup-strength" class="hint" aria-live="polite">{strength}</p>
        <label for="signup-again">{messages.passwordAgainLabel}</label>
        <input id="signup-again" type="password" autoComplete="new-password" required value={again}
          onInput={(event) => { setAgain(event.currentTarget.value); }} />
        <Alert text={error} />
        {busy && <p role="status">{messages.signUpWorking}</p>}
        <button type="submit" disabled={busy}>{messages.signUpSubmit}</button>
      </form>
    </>
  );
}
