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
import type { Tx } from '../storage/database.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';
import { documents, documentVersions, envelopes, grantWraps, pendingBlobDeletions, uploads } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { addCommittedWraps } from './grant-wraps.ts';
import { appendAccess } from './history.ts';
import { requireUpload, withUploadLock, type UploadRow } from './uploads.ts';
import { advanceManifest, requireManagedVault, requireReadableVault } from './vaults.ts';

type VersionRow = typeof documentVersions.$inferSelect;

/** One commit per upload at a time (withUploadLock): a second one waits for nothing and gets CONFLICT. */
export async function commitUpload(deps: Deps, accountId: string, vaultId: string, uploadId: string, request: CommitUploadRequest): Promise<void> {
  // Before sealing anything: a contributor's upload exists, but only contributions.ts may commit it.
  requireManagedVault(deps.storage.db, accountId, vaultId, deps.clock());
  const upload = requireUpload(deps.storage.db, deps, accountId, vaultId, uploadId);
  await withUploadLock(deps, upload.id, (held) => commitLocked(deps, accountId, vaultId, held, request));
}

async function commitLocked(deps: Deps, accountId: string, vaultId: string, upload: UploadRow, request: CommitUploadRequest): Promise<void> {
  if (upload.received !== upload.size || (await deps.blobs.tempSize(upload.blobId)) !== upload.size) throw new ApiError('UPLOAD_INCOMPLETE');
  await deps.blobs.sealTemp(upload.blobId);
  const now = deps.clock();
  deps.storage.db.transaction((tx) => {
    const live = requireUpload(tx, deps, accountId, vaultId, upload.id);
    advanceManifest(tx, requireManagedVault(tx, accountId, vaultId, deps.clock()), request.vaultManifest);
    advanceDocument(tx, vaultId, request, now);
    insertVersion(tx, { vaultId, accountId, upload: live, request, now });
    addCommittedWraps(tx, deps.storage.sqlite, vaultId, request.documentId, request.version, request.grants ?? []);
    tx.delete(uploads).where(eq(uploads.id, live.id)).run();
  });
  await deps.blobs.publish(upload.blobId);
}

/**
 * CONFLICT unless request.version is the document's current version + 1 (1 for a new document), and for a
 * pending contribution (accepted or deleted first, never half-listed).
 */
function advanceDocument(tx: Tx, vaultId: string, request: CommitUploadRequest, now: number): void {
  const where = and(eq(documents.vaultId, vaultId), eq(documents.id, request.documentId));
  const existing = tx.select().from(documents).where(where).get();
  if (existing !== undefined && existing.pending !== 0) throw new ApiError('CONFLICT');
  if (request.version !== (existing?.currentVersion ?? 0) + 1) throw new ApiError('CONFLICT');
  if (existing === undefined) tx.insert(documents).values({ vaultId, id: request.documentId, currentVersion: 1, createdAt: now, updatedAt: now }).run();
  else tx.update(documents).set({ currentVersion: request.version, updatedAt: now }).where(where).run();
}

/** The fields of a version row: a commit's, or a contribution's (always version 1). */
type VersionFields = Pick<CommitUploadRequest, 'documentId' | 'version' | 'metadata' | 'manifest' | 'envelopes'>;

export function insertVersion(tx: Tx, input: { vaultId: string; accountId: string; upload: UploadRow; request: VersionFields; now: number }): void {
  const { request, upload } = input;
  const key = { vaultId: input.vaultId, documentId: request.documentId, version: request.version };
  tx.insert(documentVersions).values({
    ...key,
    blobId: upload.blobId,
    payloadSize: upload.size,
    authorAccountId: input.accountId,
    metadata: Buffer.from(fromBase64url(request.metadata)),
    manifest: Buffer.from(fromBase64url(request.manifest)),
    createdAt: input.now,
  }).run();
  request.envelopes.forEach((envelope, position) => {
    tx.insert(envelopes).values({ ...key, position, envelope: Buffer.from(fromBase64url(envelope)) }).run();
  });
}

/** A page of the vault's documents, ordered by id; the cursor is the last id of the previous page. */
export function listDocuments(deps: Deps, accountId: string, vaultId: string, cursor: string | undefined, limit: number): { documents: DocumentSummary[]; nextCursor: string | null } {
  requireManagedVault(deps.storage.db, accountId, vaultId, deps.clock());
  const listed = and(eq(documents.vaultId, vaultId), eq(documents.pending, 0));
  const where = cursor === undefined ? listed : and(listed, gt(documents.id, cursor));
  const rows = deps.storage.db
    .select({ documentId: documents.id, currentVersion: documents.currentVersion, createdAt: documents.createdAt, updatedAt: documents.updatedAt, payloadSize: documentVersions.payloadSize })
    .from(documents)
    .innerJoin(documentVersions, and(eq(documentVersions.vaultId, documents.vaultId), eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.currentVersion)))
    .where(where)
    .orderBy(asc(documents.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  return { documents: page, nextCursor: rows.length > limit ? (page.at(-1)?.documentId ?? null) : null };
}

/** NOT_FOUND unless the document exists and is listed (not a pending contribution). */
function requireListedDocument(deps: Deps, vaultId: string, documentId: string): void {
  const row = deps.storage.db.select({ pending: documents.pending }).from(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).get();
  if (row === undefined || row.pending !== 0) throw new ApiError('NOT_FOUND');
}

function findVersion(deps: Deps, vaultId: string, documentId: string, version: number | undefined): VersionRow {
  const base = and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId));
  const query = deps.storage.db.select().from(documentVersions);
  const row = version === undefined
    ? query.where(base).orderBy(desc(documentVersions.version)).limit(1).get()
    : query.where(and(base, eq(documentVersions.version, version))).get();
  if (row === undefined) throw new ApiError('NOT_FOUND');
  return row;
}

/**
 * A version its manager may read, or one an active grant of the caller wraps (then with that wrap). A
 * recipient asking for the current version gets it only if that exact version is wrapped for them.
 */
function requireReadableVersion(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number | undefined): { row: VersionRow; grantWrap?: Buffer } {
  const { grant } = requireReadableVault(deps.storage.db, accountId, vaultId, deps.clock());
  // A manager may read a pending contribution (to verify it); a recipient never: it is in no signed list yet.
  if (grant !== null) requireListedDocument(deps, vaultId, documentId);
  const row = findVersion(deps, vaultId, documentId, version);
  if (grant === null) return { row };
  const wrapped = deps.storage.db.select({ wrap: grantWraps.wrap }).from(grantWraps)
    .where(and(eq(grantWraps.vaultId, vaultId), eq(grantWraps.grantId, grant.id), eq(grantWraps.documentId, documentId), eq(grantWraps.version, row.version)))
    .get();
  if (wrapped === undefined) throw new ApiError('NOT_FOUND');
  return { row, grantWrap: wrapped.wrap };
}

/** Envelopes, metadata and manifest of a version (and a recipient's grant wrap); appends an envelope read to the history. */
export function readVersion(deps: Deps, accountId: string, vaultId: string, documentId: string, version?: number): DocumentVersionResponse {
  const { row, grantWrap } = requireReadableVersion(deps, accountId, vaultId, documentId, version);
  const wrapped = deps.storage.db
    .select({ envelope: envelopes.envelope })
    .from(envelopes)
    .where(and(eq(envelopes.vaultId, vaultId), eq(envelopes.documentId, documentId), eq(envelopes.version, row.version)))
    .orderBy(asc(envelopes.position))
    .all();
  appendAccess(deps, { vaultId, actorAccountId: accountId, action: 'envelope-read', documentId, version: row.version });
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

export function listVersions(deps: Deps, accountId: string, vaultId: string, documentId: string): ListVersionsResponse {
  requireManagedVault(deps.storage.db, accountId, vaultId, deps.clock());
  requireListedDocument(deps, vaultId, documentId);
  const versions = deps.storage.db
    .select({ version: documentVersions.version, payloadSize: documentVersions.payloadSize, createdAt: documentVersions.createdAt })
    .from(documentVersions)
    .where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId)))
    .orderBy(asc(documentVersions.version))
    .all();
  return { documentId, versions };
}

/** The payload's size, for HEAD: no byte is read, so nothing is appended to the history. */
export function payloadSize(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number): number {
  return requireReadableVersion(deps, accountId, vaultId, documentId, version).row.payloadSize;
}

/** The payload (or a range of it) as a stream, with its size; appends a payload read to the history. */
export async function openPayload(deps: Deps, accountId: string, vaultId: string, documentId: string, version: number, range: (size: number) => ByteRange | undefined) {
  const { row } = requireReadableVersion(deps, accountId, vaultId, documentId, version);
  const selected = range(row.payloadSize);
  const stream = row.payloadSize === 0 ? new ReadableStream<Uint8Array>({ start: (c) => { c.close(); } }) : await deps.blobs.read(row.blobId, selected);
  if (stream === null) throw new Error('blob of a committed version is missing');
  appendAccess(deps, { vaultId, actorAccountId: accountId, action: 'payload-read', documentId, version: row.version });
  return { stream, size: row.payloadSize, range: selected };
}

/** Deletes every version of a document with the vault manifest that no longer lists it; then its blobs. */
export async function deleteDocument(deps: Deps, accountId: string, vaultId: string, documentId: string, update: VaultManifestUpdate): Promise<void> {
  const blobIds = deps.storage.db.transaction((tx) => {
    const vault = requireManagedVault(tx, accountId, vaultId, deps.clock());
    const ids = tx.select({ blobId: documentVersions.blobId }).from(documentVersions).where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, documentId))).all().map((row) => row.blobId);
    if (ids.length === 0) throw new ApiError('NOT_FOUND');
    advanceManifest(tx, vault, update);
    for (const blobId of ids) tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: deps.clock() }).run();
    tx.delete(documents).where(and(eq(documents.vaultId, vaultId), eq(documents.id, documentId))).run();
    return ids;
  });
  await drainPendingDeletions(deps.storage.db, deps.blobs, blobIds);
}
