// Vault settings (shared/vault-settings.ts): one sealed blob per vault, opaque here, replaced only by the
// next sequence so that two managers' clients cannot silently overwrite each other (the loser re-reads).
import { and, eq } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { PutVaultSettingsRequest, VaultSettingsResponse } from '../../shared/vault-settings.ts';
import { ApiError } from '../http-error.ts';
import { vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { requireManagedVault } from './vaults.ts';

export function vaultSettings(deps: Deps, accountId: string, vaultId: string): VaultSettingsResponse {
  const vault = requireManagedVault(deps.storage.db, accountId, vaultId, deps.clock());
  return { sequence: vault.settingsSequence, settings: vault.settings === null ? null : toBase64url(vault.settings) };
}

/** CONFLICT unless request.sequence is the stored one + 1 (checked again in the UPDATE). */
export function putVaultSettings(deps: Deps, accountId: string, vaultId: string, request: PutVaultSettingsRequest): void {
  deps.storage.db.transaction((tx) => {
    const vault = requireManagedVault(tx, accountId, vaultId, deps.clock());
    if (request.sequence !== vault.settingsSequence + 1) throw new ApiError('CONFLICT');
    const changed = tx.update(vaults)
      .set({ settings: Buffer.from(fromBase64url(request.settings)), settingsSequence: request.sequence })
      .where(and(eq(vaults.id, vaultId), eq(vaults.settingsSequence, vault.settingsSequence)))
      .run().changes;
    if (changed !== 1) throw new ApiError('CONFLICT');
  });
}
