// Contributions (shared/contributions.ts): an active contributor turns one of its own uploads into a pending
// document (version 1), outside the vault manifest, invisible to listings and to grant recipients; the
// vault's managers list them, accept one into the listing with the next vault manifest, or delete it.
// Crash contract as commitUpload: the blob is sealed before the transaction and published after it.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { toBase64url } from '../../shared/binary.ts';
import type { ContributeRequest, Contribution } from '../../shared/contributions.ts';
import type { VaultManifestUpdate } from '../../shared/vaults.ts';
import { ApiError } from '../http-error.ts';
import type { Tx } from '../storage/database.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';
import { documents, documentVersions, envelopes, pendingBlobDeletions, uploads } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { insertVersion } from './documents.ts';
import { requireUpload, withUploadLock } from './uploads.ts';
import { advanceManifest, requireContributorGrant, requireManagedVault } from './vaults.ts';

/** Pending contributions one contributor may have waiting in one vault. */
export const MAX_PENDING_CONTRIBUTIONS = 50;

/**
 * NOT_FOUND unless the caller holds an active contributor grant and the upload is theirs; CONFLICT when the
 * document id is taken in the vault or the contributor already has MAX_PENDING_CONTRIBUTIONS waiting.
 */
export async function contribute(deps: Deps, accountId: string, vaultId: string, uploadId: string, request: ContributeRequest): Promise<void> {
  requireContributorGrant(deps.storage.db, accountId, vaultId, deps.clock());
  await withUploadLock(deps, requireUpload(deps.storage.db, deps, accountId, vaultId, uploadId).id, async (upload) => {
    if (upload.received !== upload.size || (await deps.blobs.tempSize(upload.blobId)) !== upload.size) throw new ApiError('UPLOAD_INCOMPLETE');
    await deps.blobs.sealTemp(upload.blobId);
    const now = deps.clock();
    deps.storage.db.transaction((tx) => {
      requireContributorGrant(tx, accountId, vaultId, now);
      const live = requireUpload(tx, deps, accountId, vaultId, upload.id);
      const taken = tx.select({ id: documents.id }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, request.documentId))).get();
      if (taken !== undefined || pendingCount(tx, vaultId, accountId) >= MAX_PENDING_CONTRIBUTIONS) throw new ApiError('CONFLICT');
      tx.insert(documents).values({ vaultId, id: request.documentId, currentVersion: 1, createdAt: now, updatedAt: now, pending: 1 }).run();
      insertVersion(tx, { vaultId, accountId, upload: live, request: { ...request, version: 1 }, now });
      tx.delete(uploads).where(eq(uploads.id, live.id)).run();
    });
    await deps.blobs.publish(upload.blobId);
  });
}

function pendingCount(tx: Tx, vaultId: string, authorAccountId: string): number {
  const row = tx.select({ n: count() }).from(documents)
    .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, 1)))
    .where(and(eq(documents.vaultId, vaultId), eq(documents.pending, 1), eq(documentVersions.authorAccountId, authorAccountId)))
    .get();
  return row?.n ?? 0;
}

/** Every pending contribution of the vault, oldest first, for its managers (nothing appended to the history). */
export function listContributions(deps: Deps, accountId: string, vaultId: string): Contribution[] {
  return deps.storage.db.transaction((tx) => {
    requireManagedVault(tx, accountId, vaultId, deps.clock());
    const rows = tx.select({ version: documentVersions }).from(documents)
      .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, 1)))
      .where(and(eq(documents.vaultId, vaultId), eq(documents.pending, 1)))
      .orderBy(asc(documents.createdAt), asc(documents.id))
      .all();
    const ids = rows.map((row) => row.version.documentId);
    const sealed = new Map<string, string[]>();
    for (let start = 0; start < ids.length; start += 500) {
      const slice = tx.select().from(envelopes)
        .where(and(eq(envelopes.vaultId, vaultId), eq(envelopes.version, 1), inArray(envelopes.documentId, ids.slice(start, start + 500))))
        .orderBy(asc(envelopes.documentId), asc(envelopes.position))
        .all();
      for (const entry of slice) sealed.set(entry.documentId, [...(sealed.get(entry.documentId) ?? []), toBase64url(entry.envelope)]);
    }
    return rows.map(({ version }) => ({
      documentId: version.documentId,
      authorAccountId: version.authorAccountId,
      payloadSize: version.payloadSize,
      createdAt: version.createdAt,
      metadata: toBase64url(version.metadata),
      manifest: toBase64url(version.manifest),
      envelopes: sealed.get(version.documentId) ?? [],
    }));
  });
}

/** The pending document joins the listing with the manifest that lists it (the clients check that it does). */
export function acceptContribution(deps: Deps, accountId: string, vaultId: string, documentId: string, update: VaultManifestUpdate): void {
  deps.storage.db.transaction((tx) => {
    const vault = requireManagedVault(tx, accountId, vaultId, deps.clock());
    requirePending(tx, vaultId, documentId);
    advanceManifest(tx, vault, update);
    tx.update(documents).set({ pending: 0, updatedAt: deps.clock() }).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).run();
  });
}

/** The pending document, its version and envelopes go; its blob is queued and then removed, as for a document delete. */
export async function deleteContribution(deps: Deps, accountId: string, vaultId: string, documentId: string): Promise<void> {
  const blobIds = deps.storage.db.transaction((tx) => {
    requireManagedVault(tx, accountId, vaultId, deps.clock());
    requirePending(tx, vaultId, documentId);
    const ids = tx.select({ blobId: documentVersions.blobId }).from(documentVersions)
      .where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId))).all().map((row) => row.blobId);
    for (const blobId of ids) tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: deps.clock() }).run();
    tx.delete(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).run();
    return ids;
  });
  await drainPendingDeletions(deps.storage.db, deps.blobs, blobIds);
}

function requirePending(tx: Tx, vaultId: string, documentId: string): void {
  const row = tx.select({ pending: documents.pending }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).get();
  if (row?.pending !== 1) throw new ApiError('NOT_FOUND');
}
