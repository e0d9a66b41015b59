// "Mon compte": the account's key fingerprint (number and QR code: a practitioner shows it to patients at the
// consultation, a caregiver to whoever invited them to co-manage a relative's record),
// change the password, or delete the account for good. Deletion asks for the identifier
// typed again and the password, after saying plainly what goes and what cannot be recalled.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { Fingerprint } from '../components/fingerprint.tsx';
import { NewPasswordFields } from '../components/new-password-fields.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage } from '../lib/error-message.ts';
import { newPasswordProblem } from '../lib/new-password.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { vaultClient, type FingerprintView } from '../lib/vault-client.ts';

export function Account() {
  const loggedIn = useRequireLogin();
  const { messages, accountId } = useApp();
  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.accountTitle}</PageTitle>
      <p>{messages.accountSignedInAs} <strong>{accountId}</strong></p>
      <OwnFingerprint />
      <ChangePassword />
      <DeleteAccount />
    </>
  );
}

function OwnFingerprint() {
  const { messages, role } = useApp();
  const fail = usePageFailure();
  const [fingerprint, setFingerprint] = useState<FingerprintView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    vaultClient().call('ownFingerprint', {}).then(setFingerprint, (failure: unknown) => { setError(fail(failure)); });
  }, []);
  return (
    <section aria-labelledby="own-fingerprint-title">
      <h2 id="own-fingerprint-title">{messages.fingerprintOwnTitle}</h2>
      <p>{role === 'practitioner' ? messages.fingerprintOwnIntro : messages.fingerprintOwnIntroCaregiver}</p>
      <Alert text={error} />
      {fingerprint === null ? error === null && <p role="status">{messages.loading}</p> : <Fingerprint id="own-fingerprint" fingerprint={fingerprint} />}
    </section>
  );
}

function ChangePassword() {
  const { messages } = useApp();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(false);
    const problem = newPasswordProblem(password, again, messages);
    setError(problem);
    if (problem !== null) return;
    setBusy(true);
    try {
      await vaultClient().call('changePassword', { currentPassword: current, newPassword: password });
      setCurrent('');
      setPassword('');
      setAgain('');
      setDone(true);
    } catch (failure) {
      setError(errorMessage(failure, messages, 'password'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="change-password-title">
      <h2 id="change-password-title">{messages.changePasswordTitle}</h2>
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <label for="current-password">{messages.currentPasswordLabel}</label>
        <input id="current-password" type="password" autoComplete="current-password" required value={current}
          onInput={(event) => { setCurrent(event.currentTarget.value); }} />
        <NewPasswordFields idPrefix="new" label={messages.newPasswordLabel} againLabel={messages.newPasswordAgainLabel}
          hint={messages.passwordHint} password={password} again={again} onPassword={setPassword} onAgain={setAgain} />
        <Alert text={error} />
        <Alert kind="notice" text={done ? messages.passwordChanged : null} />
        {busy && <p role="status">{messages.changePasswordWorking}</p>}
        <button type="submit" disabled={busy}>{messages.changePasswordSubmit}</button>
      </form>
    </section>
  );
}

function DeleteAccount() {
  const { messages, accountId, setAccountId } = useApp();
  const { route } = useLocation();
  const [typedId, setTypedId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (typedId.trim() !== accountId) { setError(messages.deleteAccountMismatch); return; }
    setError(null);
    setBusy(true);
    try {
      await vaultClient().call('deleteAccount', { password });
      setPassword('');
      setAccountId(null);
      route('/connexion?supprime=1');
    } catch (failure) {
      setError(errorMessage(failure, messages, 'password'));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="delete-account-title">
      <h2 id="delete-account-title">{messages.deleteAccountTitle}</h2>
      <p id="delete-account-warning"><strong>{messages.deleteAccountWarning}</strong></p>
      <p id="delete-account-recall">{messages.deleteAccountRecall}</p>
      <form onSubmit={(event) => { void submit(event); }} class="stack" aria-describedby="delete-account-warning delete-account-recall">
        <label for="delete-id">{messages.deleteAccountConfirmLabel}</label>
        <input id="delete-id" autoComplete="off" autoCapitalize="none" spellcheck={false} required value={typedId}
          onInput={(event) => { setTypedId(event.currentTarget.value); }} />
        <label for="delete-password">{messages.deleteAccountPasswordLabel}</label>
        <input id="delete-password" type="password" autoComplete="current-password" required value={password}
          onInput={(event) => { setPassword(event.currentTarget.value); }} />
        <Alert text={error} />
        {busy && <p role="status">{messages.deleteAccountWorking}</p>}
        <button type="submit" class="danger" disabled={busy}>{messages.deleteAccountSubmit}</button>
      </form>
    </section>
  );
}
