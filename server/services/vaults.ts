// Vault rules: who may touch a vault (its owner, for now; anyone else gets NOT_FOUND, never FORBIDDEN, so
// ids of others' vaults reveal nothing), and the manifest sequence: a new owner-signed manifest is stored
// only at exactly the current sequence + 1, inside the transaction of the change it describes.
import { and, eq } from 'drizzle-orm';
import type { VaultManifestResponse, VaultManifestUpdate, VaultSummary } from '../../shared/vaults.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import type { Db, Tx } from '../storage/database.ts';
import { vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export type VaultRow = typeof vaults.$inferSelect;

export function listVaults(deps: Deps, accountId: string): VaultSummary[] {
  return deps.storage.db
    .select({ vaultId: vaults.id, manifestSequence: vaults.manifestSequence })
    .from(vaults)
    .where(eq(vaults.ownerAccountId, accountId))
    .orderBy(vaults.createdAt, vaults.id)
    .all()
    .map((row) => ({ ...row, role: 'owner' as const }));
}

/** The vault if `accountId` manages it; NOT_FOUND otherwise (unknown or someone else's alike). */
export function requireManagedVault(db: Db | Tx, accountId: string, vaultId: string): VaultRow {
  const row = db.select().from(vaults).where(and(eq(vaults.id, vaultId), eq(vaults.ownerAccountId, accountId))).get();
  if (row === undefined) throw new ApiError('NOT_FOUND');
  return row;
}

export function vaultManifest(deps: Deps, accountId: string, vaultId: string): VaultManifestResponse {
  const row = requireManagedVault(deps.storage.db, accountId, vaultId);
  return { vaultId, sequence: row.manifestSequence, manifest: row.manifest === null ? null : toBase64url(row.manifest) };
}

/** Inside a transaction: CONFLICT unless update.sequence = current + 1; then stores the manifest. */
export function advanceManifest(tx: Tx, vault: VaultRow, update: VaultManifestUpdate): void {
  if (update.sequence !== vault.manifestSequence + 1) throw new ApiError('CONFLICT');
  const changed = tx
    .update(vaults)
    .set({ manifestSequence: update.sequence, manifest: Buffer.from(fromBase64url(update.manifest)) })
    .where(and(eq(vaults.id, vault.id), eq(vaults.manifestSequence, vault.manifestSequence)))
    .run().changes;
  if (changed !== 1) throw new ApiError('CONFLICT');
}

/** A manifest change with no record change (the first manifest, a share list change later). */
export function putManifest(deps: Deps, accountId: string, vaultId: string, update: VaultManifestUpdate): void {
  deps.storage.db.transaction((tx) => {
    advanceManifest(tx, requireManagedVault(tx, accountId, vaultId), update);
  });
}
