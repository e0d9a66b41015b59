// Vault rules: who may touch a vault (its owner; the recipient of an active grant may read what the grant
// names; anyone else gets NOT_FOUND, never FORBIDDEN, so ids of others' vaults reveal nothing), and the manifest sequence: a new owner-signed manifest is stored
// only at exactly the current sequence + 1, inside the transaction of the change it describes.
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { VaultManifestResponse, VaultManifestUpdate, VaultSummary } from '../../shared/vaults.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import type { Db, Tx } from '../storage/database.ts';
import { grants, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export type VaultRow = typeof vaults.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;

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

/** The caller's grant on the vault if it is active (no end date, or one still ahead of `now`); null otherwise. */
export function activeGrant(db: Db | Tx, accountId: string, vaultId: string, now: number): GrantRow | null {
  return db.select().from(grants)
    .where(and(eq(grants.vaultId, vaultId), eq(grants.recipientAccountId, accountId), or(isNull(grants.endsAt), gt(grants.endsAt, now))))
    .get() ?? null;
}

/**
 * The vault for a read: its manager (grant null), or the recipient of an active grant on it (with that
 * grant). NOT_FOUND otherwise, so an ended share looks like one that never existed.
 */
export function requireReadableVault(db: Db | Tx, accountId: string, vaultId: string, now: number): { vault: VaultRow; grant: GrantRow | null } {
  const vault = db.select().from(vaults).where(eq(vaults.id, vaultId)).get();
  if (vault === undefined) throw new ApiError('NOT_FOUND');
  if (vault.ownerAccountId === accountId) return { vault, grant: null };
  const grant = activeGrant(db, accountId, vaultId, now);
  if (grant === null) throw new ApiError('NOT_FOUND');
  return { vault, grant };
}

/** The current manifest, for the vault's manager or an active grant's recipient (who verifies its share list). */
export function vaultManifest(deps: Deps, accountId: string, vaultId: string): VaultManifestResponse {
  const row = requireReadableVault(deps.storage.db, accountId, vaultId, deps.clock()).vault;
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
