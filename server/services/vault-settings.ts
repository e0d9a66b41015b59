// Vault settings (shared/vault-settings.ts): one sealed blob per vault, opaque here, replaced only by the
// next sequence so that two managers' clients cannot silently overwrite each other (the loser re-reads).
import { and, eq } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { PutVaultSettingsRequest, VaultSettingsResponse } from '../../shared/vault-settings.ts';
import { ApiError } from '../http-error.ts';
import type { Deps } from './deps.ts';
import { requireManagedVault } from './vaults.ts';

export async function vaultSettings(deps: Deps, accountId: string, vaultId: string): Promise<VaultSettingsResponse> {
  const vault = await requireManagedVault(deps.storage.read, accountId, vaultId, deps.clock());
  return { sequence: vault.settingsSequence, settings: vault.settings === null ? null : toBase64url(vault.settings) };
}

/** CONFLICT unless request.sequence is the stored one + 1 (checked again in the UPDATE). */
export async function putVaultSettings(deps: Deps, accountId: string, vaultId: string, request: PutVaultSettingsRequest): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { vaults } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    if (request.sequence !== vault.settingsSequence + 1) throw new ApiError('CONFLICT');
    const changed = (await tx.update(vaults)
      .set({ settings: Buffer.from(fromBase64url(request.settings)), settingsSequence: request.sequence })
      .where(and(eq(vaults.id, vaultId), eq(vaults.settingsSequence, vault.settingsSequence)))
      .returning({ id: vaults.id })).length;
    if (changed !== 1) throw new ApiError('CONFLICT');
  });
}
