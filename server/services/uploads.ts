// Resumable uploads of a document version's payload. create -> PUT ranges in order (each starts at the
// bytes received so far) -> commit (documents.ts). Bytes go straight to a temporary blob; the row keeps
// the count of bytes that were fully written. One PUT, abort or commit per upload at a time, across every
// server process on the database (CONFLICT otherwise). An active contributor uploads too, only to its own
// uploads, which it can only contribute (contributions.ts).
import { and, eq, gt, lte } from 'drizzle-orm';
import type { UploadState } from '../../shared/documents.ts';
import { MAX_CHUNK_BYTES } from '../../shared/documents.ts';
import { ApiError } from '../http-error.ts';
import { BlobWriteError, newBlobId } from '../storage/blob-store.ts';
import type { Db, Tx } from '../storage/database.ts';
import { pendingBlobDeletions, uploads } from '../storage/schema.ts';
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
  const db = deps.storage.db;
  const now = deps.clock();
  let until = now + UPLOAD_WRITER_LEASE_MS;
  const claimed = db.update(uploads).set({ writerUntil: until }).where(and(eq(uploads.id, uploadId), lte(uploads.writerUntil, now))).run().changes;
  if (claimed === 0) throw new ApiError('CONFLICT');
  const renew = setInterval(() => {
    const next = deps.clock() + UPLOAD_WRITER_LEASE_MS;
    try {
      if (db.update(uploads).set({ writerUntil: next }).where(and(eq(uploads.id, uploadId), eq(uploads.writerUntil, until))).run().changes === 1) until = next;
    } catch {
      // A failing disk: the write itself will fail and answer for it; the lease then lapses on its own.
    }
  }, WRITER_RENEW_MS);
  renew.unref();
  try {
    const row = db.select().from(uploads).where(eq(uploads.id, uploadId)).get();
    if (row === undefined) throw new ApiError('NOT_FOUND');
    return await work(row);
  } finally {
    clearInterval(renew);
    // Gone with its row after a commit or an abort; left alone if it lapsed and someone else holds it now.
    db.update(uploads).set({ writerUntil: 0 }).where(and(eq(uploads.id, uploadId), eq(uploads.writerUntil, until))).run();
  }
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
function requireUploader(db: Db | Tx, accountId: string, vaultId: string, now: number): 'manager' | 'contributor' {
  try {
    requireManagedVault(db, accountId, vaultId, now);
    return 'manager';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    requireContributorGrant(db, accountId, vaultId, now);
    return 'contributor';
  }
}

export async function createUpload(deps: Deps, accountId: string, vaultId: string, size: number): Promise<UploadState> {
  const now = deps.clock();
  const role = requireUploader(deps.storage.db, accountId, vaultId, now);
  const row: UploadRow = { id: newRandomId(), vaultId, accountId, blobId: newBlobId(), size, received: 0, createdAt: now, expiresAt: now + deps.policy.uploadTtlMs, writerUntil: 0 };
  // The blob before the row, so that a row always has its blob after a crash (the sweep deletes blobs no row
  // names). Another instance's start-up sweep may still take it in between: writeChunk then answers 404.
  await deps.blobs.createTemp(row.blobId);
  try {
    // Counted and inserted in one transaction, so two server processes cannot both pass the limit.
    deps.storage.db.transaction((tx) => {
      if (role === 'contributor' && liveUploads(tx, accountId, vaultId, now) >= MAX_CONTRIBUTOR_UPLOADS) throw new ApiError('CONFLICT');
      tx.insert(uploads).values(row).run();
    });
  } catch (error) {
    await deps.blobs.delete(row.blobId);
    throw error;
  }
  return stateOf(row);
}

function liveUploads(tx: Tx, accountId: string, vaultId: string, now: number): number {
  return tx.select({ id: uploads.id }).from(uploads).where(and(eq(uploads.vaultId, vaultId), eq(uploads.accountId, accountId), gt(uploads.expiresAt, now))).all().length;
}

/** The live upload of this account in this vault; NOT_FOUND if unknown, someone else's, or expired. */
export function requireUpload(db: Db | Tx, deps: Deps, accountId: string, vaultId: string, uploadId: string): UploadRow {
  requireUploader(db, accountId, vaultId, deps.clock());
  const row = db.select().from(uploads).where(and(eq(uploads.id, uploadId), eq(uploads.vaultId, vaultId), eq(uploads.accountId, accountId))).get();
  if (row === undefined || row.expiresAt <= deps.clock()) throw new ApiError('NOT_FOUND');
  return row;
}

export function uploadState(deps: Deps, accountId: string, vaultId: string, uploadId: string): UploadState {
  return stateOf(requireUpload(deps.storage.db, deps, accountId, vaultId, uploadId));
}

export interface ChunkRange {
  start: number;
  /** Inclusive. */
  end: number;
  total: number;
}

/** Writes one range; CONFLICT unless it starts at `received`; TRUNCATED_BODY if the body is short. */
export async function writeChunk(deps: Deps, accountId: string, vaultId: string, uploadId: string, range: ChunkRange, body: ReadableStream<Uint8Array>): Promise<UploadState> {
  const row = requireUpload(deps.storage.db, deps, accountId, vaultId, uploadId);
  const length = range.end - range.start + 1;
  if (range.total !== row.size || range.end >= row.size) throw new ApiError('RANGE_NOT_SATISFIABLE');
  if (length > MAX_CHUNK_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
  if (range.start !== row.received) throw new ApiError('CONFLICT');
  return withUploadLock(deps, row.id, async (held) => {
    // Again as held: another process may have stored this range meanwhile.
    if (range.start !== held.received) throw new ApiError('CONFLICT');
    // A row whose blob is gone (taken by another instance's start-up sweep) can never complete: start over.
    if ((await deps.blobs.tempSize(row.blobId)) === null) {
      deps.storage.db.delete(uploads).where(eq(uploads.id, row.id)).run();
      throw new ApiError('NOT_FOUND');
    }
    try {
      await deps.blobs.writeTemp(row.blobId, range.start, length, body);
    } catch (error) {
      if (error instanceof BlobWriteError) throw new ApiError(error.reason === 'too-long' ? 'PAYLOAD_TOO_LARGE' : 'TRUNCATED_BODY');
      throw error;
    }
    const received = range.end + 1;
    deps.storage.db.update(uploads).set({ received }).where(eq(uploads.id, row.id)).run();
    return stateOf({ ...row, received });
  });
}

/** Abandons an upload: its row goes, its temporary blob is deleted (queued first, so a crash cannot leak it). */
export async function abortUpload(deps: Deps, accountId: string, vaultId: string, uploadId: string): Promise<void> {
  const row = requireUpload(deps.storage.db, deps, accountId, vaultId, uploadId);
  await withUploadLock(deps, row.id, async () => {
    deps.storage.db.transaction((tx) => {
      tx.insert(pendingBlobDeletions).values({ blobId: row.blobId, queuedAt: deps.clock() }).run();
      tx.delete(uploads).where(eq(uploads.id, row.id)).run();
    });
    await drainPendingDeletions(deps.storage.db, deps.blobs, [row.blobId]);
  });
}
