// "Créer un compte": patient or health professional, identifier and password twice, then the recovery words
// shown once. The role goes into the account's self-signed key bundle (client/core/account.ts).
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { NewPasswordFields } from '../components/new-password-fields.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { RecoveryWords } from '../components/recovery-words.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { newPasswordProblem } from '../lib/new-password.ts';
import { passwordStrength } from '../lib/password-strength.ts';
import { vaultClient, type AccountRole } from '../lib/vault-client.ts';
import type { Locale } from '../lib/use-locale.ts';
import type { Messages } from '../locales/fr.ts';

const STRENGTH_TEXT = { weak: 'strengthWeak', fair: 'strengthFair', good: 'strengthGood' } as const satisfies Record<string, keyof Messages>;

export function SignUp() {
  const { messages, locale } = useApp();
  const { route } = useLocation();
  const [accountId, setAccountId] = useState('');
  const [role, setRole] = useState<AccountRole>('patient');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [words, setWords] = useState<{ list: string[]; locale: Locale } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = newPasswordProblem(password, again, messages);
    if (problem !== null) { setError(problem); return; }
    setError(null);
    setBusy(true);
    try {
      const result = await vaultClient().call('signUp', { accountId: accountId.trim(), password, language: locale, role });
      setPassword('');
      setAgain('');
      setWords({ list: result.recoveryWords, locale });
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
        <RecoveryWords accountId={accountId.trim()} words={words.list} wordsLocale={words.locale} onConfirm={() => { setWords(null); route('/connexion?inscrit=1'); }} />
      </>
    );
  }
  const strength = password.length > 0 ? messages[STRENGTH_TEXT[passwordStrength(password)]] : '';
  return (
    <>
      <PageTitle>{messages.signUpTitle}</PageTitle>
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <fieldset class="choices">
          <legend>{messages.signUpRoleLegend}</legend>
          <label class="choice">
            <input type="radio" name="role" value="patient" checked={role === 'patient'} onChange={() => { setRole('patient'); }} />
            {messages.signUpRolePatient}
          </label>
          <label class="choice">
            <input type="radio" name="role" value="practitioner" checked={role === 'practitioner'} aria-describedby="signup-role-hint"
              onChange={() => { setRole('practitioner'); }} />
            {messages.signUpRolePractitioner}
          </label>
          <p id="signup-role-hint" class="hint">{messages.signUpRolePractitionerHint}</p>
        </fieldset>
        <label for="signup-id">{messages.accountIdLabel}</label>
        <input id="signup-id" name="username" autoComplete="username" required value={accountId} aria-describedby="signup-id-hint"
          onInput={(event) => { setAccountId(event.currentTarget.value); }} />
        <p id="signup-id-hint" class="hint">{messages.accountIdHint}</p>
        <NewPasswordFields idPrefix="signup" label={messages.passwordLabel} againLabel={messages.passwordAgainLabel}
          hint={messages.passwordHint} strength={strength} password={password} again={again} onPassword={setPassword} onAgain={setAgain} />
        <Alert text={error} />
        {busy && <p role="status">{messages.signUpWorking}</p>}
        <button type="submit" disabled={busy}>{messages.signUpSubmit}</button>
      </form>
    </>
  );
}
