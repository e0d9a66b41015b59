// Deleting an account: everything goes. One transaction queues every blob of its vaults (committed
// versions and uploads in progress) for deletion and deletes the account row, which cascades to its
// sessions, vaults, documents, versions, envelopes, uploads and access history. The blobs are removed
// after the commit; a crash in between leaves them queued, and the start-up sweep finishes the job. Then a
// WAL checkpoint: secure_delete zeroes the freed pages of the database file, and the old images of those
// pages (the account id, its keys) must not stay behind in the WAL either.
import { eq, inArray } from 'drizzle-orm';
import { drainPendingDeletions } from '../storage/recovery.ts';
import { accounts, documentVersions, pendingBlobDeletions, uploads, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export async function deleteAccount(deps: Deps, accountId: string): Promise<void> {
  const blobIds = deps.storage.db.transaction((tx) => {
    const owned = tx.select({ id: vaults.id }).from(vaults).where(eq(vaults.ownerAccountId, accountId)).all().map((row) => row.id);
    const ids = owned.length === 0 ? [] : [
      ...tx.select({ blobId: documentVersions.blobId }).from(documentVersions).where(inArray(documentVersions.vaultId, owned)).all(),
      ...tx.select({ blobId: uploads.blobId }).from(uploads).where(inArray(uploads.vaultId, owned)).all(),
    ].map((row) => row.blobId);
    for (const blobId of ids) tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: deps.clock() }).run();
    tx.delete(accounts).where(eq(accounts.id, accountId)).run();
    return ids;
  });
  await drainPendingDeletions(deps.storage.db, deps.blobs, blobIds);
  deps.storage.checkpoint();
}
