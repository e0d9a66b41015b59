// Resumable uploads of a document version's payload. create -> PUT ranges in order (each starts at the
// bytes received so far) -> commit (documents.ts). Bytes go straight to a temporary blob; the row keeps
// the count of bytes that were fully written. One PUT, abort or commit per upload at a time, across every
// server process on the database (CONFLICT otherwise). An active contributor uploads too, only to its own
// uploads, which it can only contribute (contributions.ts).
import { and, count, eq, gt, lte, type SQL } from 'drizzle-orm';
import type { UploadState } from '../../shared/documents.ts';
import { MAX_CHUNK_BYTES } from '../../shared/documents.ts';
import { ApiError } from '../http-error.ts';
import { BlobWriteError, newBlobId } from '../storage/blob-store.ts';
import { first, type Db, type Tx } from '../storage/database.ts';
import type { uploads } from '../storage/schema.ts';
import { newRandomId } from './accounts.ts';
import type { Deps } from './deps.ts';
import { requireContributorGrant, requireManagedVault } from './vaults.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';

export type UploadRow = typeof uploads.$inferSelect;

/**
 * A writer's hold on an upload is a lease in its row (writer_until), so it holds across processes. It is
 * renewed while the work runs: only a process that died holding it makes the others wait, at most this long.
 */
const UPLOAD_WRITER_LEASE_MS = 60_000;
const WRITER_RENEW_MS = UPLOAD_WRITER_LEASE_MS / 3;

/**
 * Runs `work` holding the upload (one PUT, abort or commit at a time); CONFLICT if another request, in this
 * process or another, holds it. `work` gets the row as read once held: what another process wrote before
 * is in it.
 */
export async function withUploadLock<T>(deps: Deps, uploadId: string, work: (row: UploadRow) => Promise<T>): Promise<T> {
  const now = deps.clock();
  let until = now + UPLOAD_WRITER_LEASE_MS;
  if (!(await setLease(deps, uploadId, lte(deps.storage.tables.uploads.writerUntil, now), until))) throw new ApiError('CONFLICT');
  // One renewal at a time, each after the previous one: `until` is always the lease the row holds.
  let renewing = Promise.resolve();
  const renewOnce = async () => {
    const next = deps.clock() + UPLOAD_WRITER_LEASE_MS;
    try {
      if (await setLease(deps, uploadId, eq(deps.storage.tables.uploads.writerUntil, until), next)) until = next;
    } catch {
      // A failing disk or database: the write itself will fail and answer for it; the lease then lapses on its own.
    }
  };
  const renew = setInterval(() => { renewing = renewing.then(renewOnce); }, WRITER_RENEW_MS);
  renew.unref();
  try {
    const { uploads } = deps.storage.tables;
    const row = first(await deps.storage.read.select().from(uploads).where(eq(uploads.id, uploadId)).limit(1));
    if (row === undefined) throw new ApiError('NOT_FOUND');
    return await work(row);
  } finally {
    clearInterval(renew);
    await renewing;
    // Gone with its row after a commit or an abort; left alone if it lapsed and someone else holds it now.
    await setLease(deps, uploadId, eq(deps.storage.tables.uploads.writerUntil, until), 0);
  }
}

/** Sets the upload's writer_until to `until` if `held` (a condition on it) is true; whether it did. */
async function setLease(deps: Deps, uploadId: string, held: SQL, until: number): Promise<boolean> {
  return deps.storage.transaction(async (tx) => {
    const { uploads } = tx.tables;
    const changed = await tx.update(uploads).set({ writerUntil: until }).where(and(eq(uploads.id, uploadId), held)).returning({ id: uploads.id });
    return changed.length === 1;
  });
}

function stateOf(row: UploadRow): UploadState {
  return { uploadId: row.id, size: row.size, received: row.received, expiresAt: row.expiresAt };
}

/** A contributor's uploads in progress per vault: enough for a batch of results, not a way to fill the patient's disk. */
export const MAX_CONTRIBUTOR_UPLOADS = 10;

/**
 * The vault's managers upload; so does an active contributor (for contributions only: commit stays
 * manager-only). NOT_FOUND for anyone else.
 */
async function requireUploader(db: Db, accountId: string, vaultId: string, now: number): Promise<'manager' | 'contributor'> {
  try {
    await requireManagedVault(db, accountId, vaultId, now);
    return 'manager';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    await requireContributorGrant(db, accountId, vaultId, now);
    return 'contributor';
  }
}

export async function createUpload(deps: Deps, accountId: string, vaultId: string, size: number): Promise<UploadState> {
  const now = deps.clock();
  const role = await requireUploader(deps.storage.read, accountId, vaultId, now);
  const row: UploadRow = { id: newRandomId(), vaultId, accountId, blobId: newBlobId(), size, received: 0, createdAt: now, expiresAt: now + deps.policy.uploadTtlMs, writerUntil: 0 };
  // The blob before the row, so that a row always has its blob after a crash (the sweep deletes blobs no row
  // names). Another instance's start-up sweep may still take it in between: writeChunk then answers 404.
  await deps.blobs.createTemp(row.blobId);
  try {
    // Counted and inserted in one transaction, so two server processes cannot both pass the limit.
    await deps.storage.transaction(async (tx) => {
      if (role === 'contributor' && (await liveUploads(tx, accountId, vaultId, now)) >= MAX_CONTRIBUTOR_UPLOADS) throw new ApiError('CONFLICT');
      await tx.insert(tx.tables.uploads).values(row);
    });
  } catch (error) {
    await deps.blobs.delete(row.blobId);
    throw error;
  }
  return stateOf(row);
}

async function liveUploads(tx: Tx, accountId: string, vaultId: string, now: number): Promise<number> {
  const { uploads } = tx.tables;
  const [row] = await tx.select({ n: count() }).from(uploads).where(and(eq(uploads.vaultId, vaultId), eq(uploads.accountId, accountId), gt(uploads.expiresAt, now)));
  return row?.n ?? 0;
}

/** The live upload of this account in this vault; NOT_FOUND if unknown, someone else's, or expired. */
export async function requireUpload(db: Db, deps: Deps, accountId: string, vaultId: string, uploadId: string): Promise<UploadRow> {
  const { uploads } = db.tables;
  await requireUploader(db, accountId, vaultId, deps.clock());
  const row = first(await db.select().from(uploads).where(and(eq(uploads.id, uploadId), eq(uploads.vaultId, vaultId), eq(uploads.accountId, accountId))).limit(1));
  if (row === undefined || row.expiresAt <= deps.clock()) throw new ApiError('NOT_FOUND');
  return row;
}

export async function uploadState(deps: Deps, accountId: string, vaultId: string, uploadId: string): Promise<UploadState> {
  return stateOf(await requireUpload(deps.storage.read, deps, accountId, vaultId, uploadId));
}

export interface ChunkRange {
  start: number;
  /** Inclusive. */
  end: number;
  total: number;
}

/** Writes one range; CONFLICT unless it starts at `received`; TRUNCATED_BODY if the body is short. */
export async function writeChunk(deps: Deps, accountId: string, vaultId: string, uploadId: string, range: ChunkRange, body: ReadableStream<Uint8Array>): Promise<UploadState> {
  const row = await requireUpload(deps.storage.read, deps, accountId, vaultId, uploadId);
  const length = range.end - range.start + 1;
  if (range.total !== row.size || range.end >= row.size) throw new ApiError('RANGE_NOT_SATISFIABLE');
  if (length > MAX_CHUNK_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
  if (range.start !== row.received) throw new ApiError('CONFLICT');
  return withUploadLock(deps, row.id, async (held) => {
    // Again as held: another process may have stored this range meanwhile.
    if (range.start !== held.received) throw new ApiError('CONFLICT');
    // A row whose blob is gone (taken by another instance's start-up sweep) can never complete: start over.
    if ((await deps.blobs.tempSize(row.blobId)) === null) {
      await deps.storage.transaction((tx) => tx.delete(tx.tables.uploads).where(eq(tx.tables.uploads.id, row.id)));
      throw new ApiError('NOT_FOUND');
    }
    try {
      await deps.blobs.writeTemp(row.blobId, range.start, length, body);
    } catch (error) {
      if (error instanceof BlobWriteError) throw new ApiError(error.reason === 'too-long' ? 'PAYLOAD_TOO_LARGE' : 'TRUNCATED_BODY');
      throw error;
    }
    const received = range.end + 1;
    await deps.storage.transaction((tx) => tx.update(tx.tables.uploads).set({ received }).where(eq(tx.tables.uploads.id, row.id)));
    return stateOf({ ...row, received });
  });
}

/** Abandons an upload: its row goes, its temporary blob is deleted (queued first, so a crash cannot leak it). */
export async function abortUpload(deps: Deps, accountId: string, vaultId: string, uploadId: string): Promise<void> {
  const row = await requireUpload(deps.storage.read, deps, accountId, vaultId, uploadId);
  await withUploadLock(deps, row.id, async () => {
    await deps.storage.transaction(async (tx) => {
      const { pendingBlobDeletions, uploads } = tx.tables;
      await tx.insert(pendingBlobDeletions).values({ blobId: row.blobId, queuedAt: deps.clock() });
      await tx.delete(uploads).where(eq(uploads.id, row.id));
    });
    await drainPendingDeletions(deps.storage, deps.blobs, [row.blobId]);
  });
}
