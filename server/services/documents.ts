// Document versions: commit an upload with its envelopes, metadata, signed manifest and the new vault
// manifest, all in one transaction; read them back (each read appended to the access history); delete.
// Crash contract (DESIGN property 4): the payload is sealed (fsynced) under a temporary name before the
// transaction and published after it; storage/recovery.ts rolls a committed-but-unpublished blob forward
// and deletes an uncommitted one, so a version is either wholly there or not at all.
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { CommitUploadRequest, DocumentSummary, DocumentVersionResponse, ListVersionsResponse } from '../../shared/documents.ts';
import type { VaultManifestUpdate } from '../../shared/vaults.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import type { ByteRange } from '../storage/blob-store.ts';
import { first, type Db, type Tx } from '../storage/database.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';
import type { documentVersions } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { addCommittedWraps } from './grant-wraps.ts';
import { appendAccess } from './history.ts';
import { requireUpload, withUploadLock, type UploadRow } from './uploads.ts';
import { advanceManifest, requireManagedVault, requireReadableVault } from './vaults.ts';

type VersionRow = typeof documentVersions.$inferSelect;

/** One commit per upload at a time (withUploadLock): a second one waits for nothing and gets CONFLICT. */
export async function commitUpload(deps: Deps, accountId: string, vaultId: string, uploadId: string, request: CommitUploadRequest): Promise<void> {
  // Before sealing anything: a contributor's upload exists, but only contributions.ts may commit it.
  await requireManagedVault(deps.storage.read, accountId, vaultId, deps.clock());
  const upload = await requireUpload(deps.storage.read, deps, accountId, vaultId, uploadId);
  await withUploadLock(deps, upload.id, (held) => commitLocked(deps, accountId, vaultId, held, request));
}

async function commitLocked(deps: Deps, accountId: string, vaultId: string, upload: UploadRow, request: CommitUploadRequest): Promise<void> {
  if (upload.received !== upload.size || (await deps.blobs.tempSize(upload.blobId)) !== upload.size) throw new ApiError('UPLOAD_INCOMPLETE');
  await deps.blobs.sealTemp(upload.blobId);
  const now = deps.clock();
  // Database work only in the transaction (it may run again on PostgreSQL): sealed before, published after.
  await deps.storage.transaction(async (tx) => {
    const live = await requireUpload(tx, deps, accountId, vaultId, upload.id);
    await advanceManifest(tx, await requireManagedVault(tx, accountId, vaultId, deps.clock()), request.vaultManifest);
    await advanceDocument(tx, vaultId, request, now);
    await insertVersion(tx, { vaultId, accountId, upload: live, request, now });
    await addCommittedWraps(tx, vaultId, request.documentId, request.version, request.grants ?? []);
    await tx.delete(tx.tables.uploads).where(eq(tx.tables.uploads.id, live.id));
  });
  await deps.blobs.publish(upload.blobId);
}

/**
 * CONFLICT unless request.version is the document's current version + 1 (1 for a new document), and for a
 * pending contribution (accepted or deleted first, never half-listed).
 */
async function advanceDocument(tx: Tx, vaultId: string, request: CommitUploadRequest, now: number): Promise<void> {
  const { documents } = tx.tables;
  const where = and(eq(documents.vaultId, vaultId), eq(documents.id, request.documentId));
  const existing = first(await tx.select().from(documents).where(where).limit(1));
  if (existing !== undefined && existing.pending !== 0) throw new ApiError('CONFLICT');
  if (request.version !== (existing?.currentVersion ?? 0) + 1) throw new ApiError('CONFLICT');
  if (existing === undefined) await tx.insert(documents).values({ vaultId, id: request.documentId, currentVersion: 1, createdAt: now, updatedAt: now });
  else await tx.update(documents).set({ currentVersion: request.version, updatedAt: now }).where(where);
}

/** The fields of a version row: a commit's, or a contribution's (always version 1). */
type VersionFields = Pick<CommitUploadRequest, 'documentId' | 'version' | 'metadata' | 'manifest' | 'envelopes'>;

export async function insertVersion(tx: Tx, input: { vaultId: string; accountId: string; upload: UploadRow; request: VersionFields; now: number }): Promise<void> {
  const { documentVersions, envelopes } = tx.tables;
  const { request, upload } = input;
  const key = { vaultId: input.vaultId, documentId: request.documentId, version: request.version };
  await tx.insert(documentVersions).values({
    ...key,
    blobId: upload.blobId,
    payloadSize: upload.size,
    authorAccountId: input.accountId,
    metadata: Buffer.from(fromBase64url(request.metadata)),
    manifest: Buffer.from(fromBase64url(request.manifest)),
    createdAt: input.now,
  });
  // One insert for every envelope (a bounded few: MAX_ENVELOPES).
  if (request.envelopes.length > 0) {
    await tx.insert(envelopes).values(request.envelopes.map((envelope, position) => ({ ...key, position, envelope: Buffer.from(fromBase64url(envelope)) })));
  }
}

/** A page of the vault's documents, ordered by id; the cursor is the last id of the previous page. */
export async function listDocuments(deps: Deps, accountId: string, vaultId: string, cursor: string | undefined, limit: number): Promise<{ documents: DocumentSummary[]; nextCursor: string | null }> {
  const { documents, documentVersions } = deps.storage.tables;
  await requireManagedVault(deps.storage.read, accountId, vaultId, deps.clock());
  const listed = and(eq(documents.vaultId, vaultId), eq(documents.pending, 0));
  const where = cursor === undefined ? listed : and(listed, gt(documents.id, cursor));
  const rows = await deps.storage.read
    .select({ documentId: documents.id, currentVersion: documents.currentVersion, createdAt: documents.createdAt, updatedAt: documents.updatedAt, payloadSize: documentVersions.payloadSize })
    .from(documents)
    .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.currentVersion)))
    .where(where)
    .orderBy(asc(documents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { documents: page, nextCursor: rows.length > limit ? (page.at(-1)?.documentId ?? null) : null };
}

/** NOT_FOUND unless the document exists and is listed (not a pending contribution). */
async function requireListedDocument(db: Db, vaultId: string, documentId: string): Promise<void> {
  const { documents } = db.tables;
  const row = first(await db.select({ pending: documents.pending }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).limit(1));
  if (row === undefined || row.pending !== 0) throw new ApiError('NOT_FOUND');
}

async function findVersion(db: Db, vaultId: string, documentId: string, version: number | undefined): Promise<VersionRow> {
  const { documentVersions } = db.tables;
  const base = and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId));
  const query = db.select().from(documentVersions);
  const row = first(version === undefined
    ? await query.where(base).orderBy(desc(documentVersions.version)).limit(1)
    : await query.where(and(base, eq(documentVersions.version, version))).limit(1));
  if (row === undefined) throw new ApiError('NOT_FOUND');
  return row;
}

/**
 * A version its manager may read, or one an active grant of the caller wraps (then with that wrap). A
 * recipient asking for the current version gets it only if that exact version is wrapped for them.
 */
async function requireReadableVersion(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number | undefined): Promise<{ row: VersionRow; grantWrap?: Buffer }> {
  const db = deps.storage.read;
  const { grantWraps } = db.tables;
  const { grant } = await requireReadableVault(db, accountId, vaultId, deps.clock());
  // A manager may read a pending contribution (to verify it); a recipient never: it is in no signed list yet.
  if (grant !== null) await requireListedDocument(db, vaultId, documentId);
  const row = await findVersion(db, vaultId, documentId, version);
  if (grant === null) return { row };
  const wrapped = first(await db.select({ wrap: grantWraps.wrap }).from(grantWraps)
    .where(and(eq(grantWraps.vaultId, vaultId), eq(grantWraps.grantId, grant.id), eq(grantWraps.documentId, documentId), eq(grantWraps.version, row.version)))
    .limit(1));
  if (wrapped === undefined) throw new ApiError('NOT_FOUND');
  return { row, grantWrap: wrapped.wrap };
}

/** Envelopes, metadata and manifest of a version (and a recipient's grant wrap); appends an envelope read to the history. */
export async function readVersion(deps: Deps, accountId: string, vaultId: string, documentId: string, version?: number): Promise<DocumentVersionResponse> {
  const { envelopes } = deps.storage.tables;
  const { row, grantWrap } = await requireReadableVersion(deps, accountId, vaultId, documentId, version);
  const wrapped = await deps.storage.read
    .select({ envelope: envelopes.envelope })
    .from(envelopes)
    .where(and(eq(envelopes.vaultId, vaultId), eq(envelopes.documentId, documentId), eq(envelopes.version, row.version)))
    .orderBy(asc(envelopes.position));
  await appendAccess(deps, { vaultId, actorAccountId: accountId, action: 'envelope-read', documentId, version: row.version });
  return {
    documentId,
    version: row.version,
    authorAccountId: row.authorAccountId,
    payloadSize: row.payloadSize,
    createdAt: row.createdAt,
    metadata: toBase64url(row.metadata),
    manifest: toBase64url(row.manifest),
    envelopes: wrapped.map((entry) => toBase64url(entry.envelope)),
    ...(grantWrap === undefined ? {} : { grantWrap: toBase64url(grantWrap) }),
  };
}

export async function listVersions(deps: Deps, accountId: string, vaultId: string, documentId: string): Promise<ListVersionsResponse> {
  const db = deps.storage.read;
  const { documentVersions } = db.tables;
  await requireManagedVault(db, accountId, vaultId, deps.clock());
  await requireListedDocument(db, vaultId, documentId);
  const versions = await db
    .select({ version: documentVersions.version, payloadSize: documentVersions.payloadSize, createdAt: documentVersions.createdAt })
    .from(documentVersions)
    .where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId)))
    .orderBy(asc(documentVersions.version));
  return { documentId, versions };
}

/** The payload's size, for HEAD: no byte is read, so nothing is appended to the history. */
export async function payloadSize(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number): Promise<number> {
  return (await requireReadableVersion(deps, accountId, vaultId, documentId, version)).row.payloadSize;
}

/** The payload (or a range of it) as a stream, with its size; appends a payload read to the history. */
export async function openPayload(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number, range: (size: number) => ByteRange | undefined) {
  const { row } = await requireReadableVersion(deps, accountId, vaultId, documentId, version);
  const selected = range(row.payloadSize);
  const stream = row.payloadSize === 0 ? new ReadableStream<Uint8Array>({ start: (c) => { c.close(); } }) : await readCommittedBlob(deps, row.blobId, selected);
  await appendAccess(deps, { vaultId, actorAccountId: accountId, action: 'payload-read', documentId, version: row.version });
  return { stream, size: row.payloadSize, range: selected };
}

/**
 * A committed version's blob. Still under its temporary name when the server that committed it died before
 * publishing it: the row is the point of truth and the blob was sealed before the commit, so it is
 * published here, as the start-up sweep would do, rather than waiting for some instance's next start.
 */
async function readCommittedBlob(deps: Deps, blobId: string, range: ByteRange | undefined): Promise<ReadableStream<Uint8Array>> {
  const stream = await deps.blobs.read(blobId, range);
  if (stream !== null) return stream;
  if ((await deps.blobs.tempSize(blobId)) !== null) await deps.blobs.publish(blobId);
  const published = await deps.blobs.read(blobId, range);
  if (published === null) throw new Error('blob of a committed version is missing');
  return published;
}

/** Deletes every version of a document with the vault manifest that no longer lists it; then its blobs. */
export async function deleteDocument(deps: Deps, accountId: string, vaultId: string, documentId: string, update: VaultManifestUpdate): Promise<void> {
  // The blobs are queued in the transaction and deleted after it: a crash in between leaves them queued.
  const blobIds = await deps.storage.transaction(async (tx) => {
    const { documents, documentVersions, pendingBlobDeletions } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const rows = await tx.select({ blobId: documentVersions.blobId }).from(documentVersions).where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId)));
    const ids = rows.map((row) => row.blobId);
    if (ids.length === 0) throw new ApiError('NOT_FOUND');
    await advanceManifest(tx, vault, update);
    for (let start = 0; start < ids.length; start += 500) {
      const queuedAt = deps.clock();
      await tx.insert(pendingBlobDeletions).values(ids.slice(start, start + 500).map((blobId) => ({ blobId, queuedAt })));
    }
    await tx.delete(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId)));
    return ids;
  });
  await drainPendingDeletions(deps.storage, deps.blobs, blobIds);
}
