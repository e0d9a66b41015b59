// Deleting an account: everything goes. One transaction queues every blob of its vaults (committed
// versions and uploads in progress) for deletion and deletes the account row, which cascades to its
// sessions, vaults, documents, versions, envelopes, uploads and access history. Records it co-manages
// stay with their other managers (owner_account_id moves to one of them first); one it managed alone goes. The blobs are removed
// after the commit; a crash in between leaves them queued, and the start-up sweep finishes the job. Then a
// WAL checkpoint: secure_delete zeroes the freed pages of the database file, and the old images of those
// pages (the account id, its keys) must not stay behind in the WAL either.
import { eq, inArray, or } from 'drizzle-orm';
import { drainPendingDeletions } from '../storage/recovery.ts';
import type { Deps } from './deps.ts';
import { deleteVaultRows, releaseManager } from './managed-vaults.ts';
import { isManagedVault } from './vaults.ts';

export async function deleteAccount(deps: Deps, accountId: string): Promise<void> {
  const now = deps.clock();
  const blobIds = await deps.storage.transaction(async (tx) => {
    const { accounts, pendingBlobDeletions, uploads, vaultManagers, vaults } = tx.tables;
    // A subquery rather than a list of ids: no IN list to keep within the engines' parameter limits.
    const managed = tx.select({ vaultId: vaultManagers.vaultId }).from(vaultManagers).where(eq(vaultManagers.accountId, accountId));
    const touched = await tx.select().from(vaults).where(or(eq(vaults.ownerAccountId, accountId), inArray(vaults.id, managed))).orderBy(vaults.id);
    const ids: string[] = [];
    for (const vault of touched) {
      // A managed record stays with its other managers; a personal vault (and a record left alone) goes.
      ids.push(...(isManagedVault(vault) ? await releaseManager(tx, vault, accountId, now) : await deleteVaultRows(tx, vault.id, now)));
    }
    // Its contributions in progress on others' vaults (their pending contributions stay for the patients).
    const ownUploads = (await tx.select({ blobId: uploads.blobId }).from(uploads).where(eq(uploads.accountId, accountId))).map((row) => row.blobId);
    for (const blobId of ownUploads) await tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: now });
    await tx.delete(uploads).where(eq(uploads.accountId, accountId));
    await tx.delete(accounts).where(eq(accounts.id, accountId));
    return [...ids, ...ownUploads];
  });
  await drainPendingDeletions(deps.storage, deps.blobs, blobIds);
  await deps.storage.checkpoint();
}
