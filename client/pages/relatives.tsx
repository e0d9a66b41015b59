// "Mes proches": the records a person keeps for a child or a dependent parent. Create one (its own keys,
// its name sealed: the server never reads it), join one with the code another caregiver gave (the same
// field takes a relative's sharing code: what they share then shows in "Partagés avec moi"), and for
// each record its co-managers and invitations (record-managers.tsx). The vault switcher in the header then
// chooses which record the other pages act on.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { RecordManagers } from '../components/record-managers.tsx';
import { vaultName } from '../components/vault-switcher.tsx';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { VaultError, vaultClient } from '../lib/vault-client.ts';

const INVALID_CODE = new Set(['FORMAT_INVALID', 'VERSION_UNSUPPORTED', 'NOT_FOUND', 'CONFLICT', 'INVALID_INPUT', 'KEY_CHANGED', 'MANIFEST_MISMATCH', 'KEY_BUNDLE_INVALID']);

export function Relatives() {
  const loggedIn = useRequireLogin();
  const { messages, vaults, refreshVaults } = useApp();
  const fail = usePageFailure();
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = async (work: () => Promise<void>, working: string) => {
    setBusy(working);
    setError(null);
    setNotice(null);
    try { await work(); } catch (failure) { setError(fail(failure)); } finally { setBusy(null); }
  };
  // A caregiver added meanwhile sees the record appear here (and in the switcher) without logging in again.
  useEffect(() => { if (loggedIn) void run(refreshVaults, messages.loading); }, [loggedIn]);

  const create = (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') { setError(messages.recordNameMissing); return; }
    void run(async () => {
      await vaultClient().call('createRecord', { name: trimmed });
      setName('');
      await refreshVaults();
      setNotice(messages.recordCreated);
    }, messages.recordCreating);
  };
  const join = (event: Event) => {
    event.preventDefault();
    const trimmed = code.trim();
    if (trimmed === '') { setError(messages.joinCodeMissing); return; }
    void run(async () => {
      let accepted;
      try {
        accepted = await vaultClient().call('acceptInvite', { code: trimmed });
      } catch (failure) {
        // A mistyped, expired or already used code: say so, not "integrity".
        if (failure instanceof VaultError && INVALID_CODE.has(failure.code)) { setError(messages.joinCodeInvalid); return; }
        throw failure;
      }
      setCode('');
      // The same field takes both kinds of code: say which one this was.
      setNotice(accepted.purpose === 'share' ? fill(messages.joinShareDone, { owner: accepted.owner }) : messages.joinDone);
    }, messages.working);
  };

  if (!loggedIn) return null;
  const relatives = vaults.filter((vault) => vault.role === 'manager');
  return (
    <>
      <PageTitle>{messages.relativesTitle}</PageTitle>
      <p>{messages.relativesIntro}</p>
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      {busy !== null && <p role="status" class="hint">{busy}</p>}
      <section aria-labelledby="record-create-title">
        <h2 id="record-create-title">{messages.recordCreateTitle}</h2>
        <form class="stack" onSubmit={create}>
          <label for="record-name">{messages.recordNameLabel}</label>
          <input id="record-name" value={name} autoComplete="off" aria-describedby="record-name-hint" onInput={(event) => { setName(event.currentTarget.value); }} />
          <p id="record-name-hint" class="hint">{messages.recordNameHint}</p>
          <button type="submit" disabled={busy !== null}>{messages.recordCreate}</button>
        </form>
      </section>
      <section aria-labelledby="record-join-title">
        <h2 id="record-join-title">{messages.joinTitle}</h2>
        <form class="stack" onSubmit={join}>
          <label for="join-code">{messages.joinCodeLabel}</label>
          <input id="join-code" value={code} autoComplete="off" spellcheck={false} aria-describedby="join-code-hint" onInput={(event) => { setCode(event.currentTarget.value); setError(null); }} />
          <p id="join-code-hint" class="hint">{messages.joinCodeHint}</p>
          <button type="submit" disabled={busy !== null}>{messages.joinSubmit}</button>
        </form>
      </section>
      {relatives.length === 0 && <p>{messages.relativesEmpty}</p>}
      {relatives.map((vault) => <RecordManagers key={vault.vaultId} vaultId={vault.vaultId} name={vaultName(vault, messages)} />)}
    </>
  );
}
