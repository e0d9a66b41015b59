// The records a logged-in person manages and the one selected: read from the Worker after log-in, the
// person's own record selected first. Selecting another tells the Worker, which then acts on that record
// for every vault page (documents, add, share, history).
import { useEffect, useState } from 'preact/hooks';
import { vaultClient, type VaultChoiceView } from './vault-client.ts';

export interface Vaults {
  vaults: VaultChoiceView[];
  vaultId: string | null;
  refreshVaults: () => Promise<void>;
  selectVault: (vaultId: string) => Promise<void>;
}

export function useVaults(accountId: string | null): Vaults {
  const [vaults, setVaults] = useState<VaultChoiceView[]>([]);
  const [vaultId, setVaultId] = useState<string | null>(null);

  const refreshVaults = async () => {
    const listed = await vaultClient().call('listVaults', {});
    setVaults(listed);
    // The selected record stays selected while it is still listed; otherwise back to one's own.
    setVaultId((current) => (listed.some((entry) => entry.vaultId === current) ? current : listed.find((entry) => entry.role === 'owner')?.vaultId ?? null));
  };
  const selectVault = async (next: string) => {
    await vaultClient().call('selectVault', { vaultId: next });
    setVaultId(next);
  };
  useEffect(() => {
    if (accountId === null) {
      setVaults([]);
      setVaultId(null);
      return;
    }
    // A failure here leaves only the own record: pages report their own failures.
    refreshVaults().catch(() => undefined);
  }, [accountId]);
  return { vaults, vaultId, refreshVaults, selectVault };
}
