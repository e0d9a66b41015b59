// Contributions (shared/contributions.ts): an active contributor turns one of its own uploads into a pending
// document (version 1), outside the vault manifest, invisible to listings and to grant recipients; the
// vault's managers list them, accept one into the listing with the next vault manifest, or delete it.
// Crash contract as commitUpload: the blob is sealed before the transaction and published after it.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { toBase64url } from '../../shared/binary.ts';
import type { ContributeRequest, Contribution } from '../../shared/contributions.ts';
import type { VaultManifestUpdate } from '../../shared/vaults.ts';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';
import type { Deps } from './deps.ts';
import { insertVersion } from './documents.ts';
import { requireUpload, withUploadLock } from './uploads.ts';
import { advanceManifest, requireContributorGrant, requireManagedVault } from './vaults.ts';

/** Pending contributions one contributor may have waiting in one vault. */
export const MAX_PENDING_CONTRIBUTIONS = 50;

/** Document ids per IN list: within every engine's parameter limit. */
const ID_SLICE = 500;

/**
 * NOT_FOUND unless the caller holds an active contributor grant and the upload is theirs; CONFLICT when the
 * document id is taken in the vault or the contributor already has MAX_PENDING_CONTRIBUTIONS waiting.
 */
export async function contribute(deps: Deps, accountId: string, vaultId: string, uploadId: string, request: ContributeRequest): Promise<void> {
  await requireContributorGrant(deps.storage.read, accountId, vaultId, deps.clock());
  const upload = await requireUpload(deps.storage.read, deps, accountId, vaultId, uploadId);
  await withUploadLock(deps, upload.id, async (held) => {
    if (held.received !== held.size || (await deps.blobs.tempSize(held.blobId)) !== held.size) throw new ApiError('UPLOAD_INCOMPLETE');
    await deps.blobs.sealTemp(held.blobId);
    const now = deps.clock();
    // Database work only in the transaction (it may run again on PostgreSQL): sealed before, published after.
    await deps.storage.transaction(async (tx) => {
      const { documents, uploads } = tx.tables;
      await requireContributorGrant(tx, accountId, vaultId, now);
      const live = await requireUpload(tx, deps, accountId, vaultId, held.id);
      const taken = first(await tx.select({ id: documents.id }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, request.documentId))).limit(1));
      if (taken !== undefined || await pendingCount(tx, vaultId, accountId) >= MAX_PENDING_CONTRIBUTIONS) throw new ApiError('CONFLICT');
      await tx.insert(documents).values({ vaultId, id: request.documentId, currentVersion: 1, createdAt: now, updatedAt: now, pending: 1 });
      await insertVersion(tx, { vaultId, accountId, upload: live, request: { ...request, version: 1 }, now });
      await tx.delete(uploads).where(eq(uploads.id, live.id));
    });
    await deps.blobs.publish(held.blobId);
  });
}

async function pendingCount(tx: Tx, vaultId: string, authorAccountId: string): Promise<number> {
  const { documents, documentVersions } = tx.tables;
  const rows = await tx.select({ n: count() }).from(documents)
    .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, 1)))
    .where(and(eq(documents.vaultId, vaultId), eq(documents.pending, 1), eq(documentVersions.authorAccountId, authorAccountId)));
  return rows[0]?.n ?? 0;
}

/** Every pending contribution of the vault, oldest first, for its managers (nothing appended to the history). */
export async function listContributions(deps: Deps, accountId: string, vaultId: string): Promise<Contribution[]> {
  return deps.storage.transaction(async (tx) => {
    const { documents, documentVersions, envelopes } = tx.tables;
    await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const rows = await tx.select({ version: documentVersions }).from(documents)
      .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, 1)))
      .where(and(eq(documents.vaultId, vaultId), eq(documents.pending, 1)))
      .orderBy(asc(documents.createdAt), asc(documents.id));
    const ids = rows.map((row) => row.version.documentId);
    const sealed = new Map<string, string[]>();
    for (let start = 0; start < ids.length; start += ID_SLICE) {
      const slice = await tx.select().from(envelopes)
        .where(and(eq(envelopes.vaultId, vaultId), eq(envelopes.version, 1), inArray(envelopes.documentId, ids.slice(start, start + ID_SLICE))))
        .orderBy(asc(envelopes.documentId), asc(envelopes.position));
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
export async function acceptContribution(deps: Deps, accountId: string, vaultId: string, documentId: string, update: VaultManifestUpdate): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { documents } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    await requirePending(tx, vaultId, documentId);
    await advanceManifest(tx, vault, update);
    await tx.update(documents).set({ pending: 0, updatedAt: deps.clock() }).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId)));
  });
}

/** The pending document, its version and envelopes go; its blob is queued and then removed, as for a document delete. */
export async function deleteContribution(deps: Deps, accountId: string, vaultId: string, documentId: string): Promise<void> {
  const blobIds = await deps.storage.transaction(async (tx) => {
    const { documents, documentVersions, pendingBlobDeletions } = tx.tables;
    await requireManagedVault(tx, accountId, vaultId, deps.clock());
    await requirePending(tx, vaultId, documentId);
    const ids = (await tx.select({ blobId: documentVersions.blobId }).from(documentVersions)
      .where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId)))).map((row) => row.blobId);
    for (const blobId of ids) await tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: deps.clock() });
    await tx.delete(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId)));
    return ids;
  });
  await drainPendingDeletions(deps.storage, deps.blobs, blobIds);
}

async function requirePending(tx: Tx, vaultId: string, documentId: string): Promise<void> {
  const { documents } = tx.tables;
  const row = first(await tx.select({ pending: documents.pending }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).limit(1));
  if (row?.pending !== 1) throw new ApiError('NOT_FOUND');
}
