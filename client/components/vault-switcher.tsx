// "Dossier affiché": which record the vault pages act on — one's own ("Mon dossier") or a relative's
// ("Léa"). Shown only to someone who manages more than their own record. Choosing in the list changes
// nothing until "Afficher" (WCAG 3.2.2: the page does not change under a keyboard user's arrow keys).
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import type { Messages } from '../locales/fr.ts';
import type { VaultChoiceView } from '../lib/vault-client.ts';

export function vaultName(vault: VaultChoiceView, messages: Messages): string {
  return vault.role === 'owner' ? messages.vaultOwn : vault.name ?? messages.vaultUnnamed;
}

export function VaultSwitcher() {
  const { messages, vaults, vaultId, selectVault } = useApp();
  const [chosen, setChosen] = useState(vaultId ?? '');
  const [failed, setFailed] = useState(false);
  useEffect(() => { setChosen(vaultId ?? ''); }, [vaultId]);
  if (vaults.length < 2 || vaultId === null) return null;
  const submit = (event: Event) => {
    event.preventDefault();
    setFailed(false);
    if (chosen !== vaultId) selectVault(chosen).catch(() => { setFailed(true); });
  };
  return (
    <form class="vault-switcher" onSubmit={submit}>
      <label for="vault-switch">{messages.vaultSwitchLabel}</label>
      <select id="vault-switch" value={chosen} onChange={(event) => { setChosen(event.currentTarget.value); }}>
        {vaults.map((vault) => <option key={vault.vaultId} value={vault.vaultId}>{vaultName(vault, messages)}</option>)}
      </select>
      <button type="submit" class="secondary">{messages.vaultSwitchSubmit}</button>
      {failed && <span role="alert" class="alert alert-error">{messages.vaultSwitchFailed}</span>}
    </form>
  );
}
