// Start-up sweep: brings the blob store back in line with the committed rows after a crash.
//   - an expired upload: its row goes and its temporary blob is deleted (purgeExpired, also run hourly);
//   - an expired session: its row goes;
//   - a throttle row whose window and lock are over: it goes (it holds nothing a new window needs);
//   - a temporary blob named by a committed version (crash after commit, before publish): published
//     (roll forward: the transaction is the point of truth);
//   - a temporary blob named by a live upload: kept (the upload can resume);
//   - any other temporary blob (crash before commit, or a deleted upload): deleted;
//   - blobs queued for deletion (crash after a delete's commit): deleted, then dequeued.
import { and, eq, inArray, lte, or } from 'drizzle-orm';
import type { BlobStore } from './blob-store.ts';
import { first, type Storage } from './database.ts';

/** Far longer than a throttle window (15 minutes by default): a row this old counts nothing any more. */
const THROTTLE_ROW_MAX_AGE_MS = 24 * 3_600_000;

export interface SweepReport {
  expiredUploads: number;
  rolledForward: number;
  orphansDeleted: number;
  pendingDeleted: number;
}

/** Run before the first request: nothing else may create temporary blobs meanwhile. */
export async function sweepBlobs(storage: Storage, blobs: BlobStore, now: number, sessionIdleMs: number): Promise<SweepReport> {
  const expiredUploads = (await purgeExpired(storage, blobs, now, sessionIdleMs)).uploads;
  let rolledForward = 0;
  let orphansDeleted = 0;
  for (const id of await blobs.listTemp()) {
    const owner = await tempBlobOwner(storage, id);
    if (owner === 'version') {
      await blobs.publish(id);
      rolledForward += 1;
    } else if (owner === null) {
      await blobs.delete(id);
      orphansDeleted += 1;
    }
  }
  const pendingDeleted = await drainPendingDeletions(storage, blobs);
  return { expiredUploads, rolledForward, orphansDeleted, pendingDeleted };
}

/**
 * Removes expired uploads (their blobs queued, then deleted) and expired sessions. Safe while serving:
 * it touches only rows past their expiry, which no request accepts any more.
 */
export async function purgeExpired(storage: Storage, blobs: BlobStore, now: number, sessionIdleMs: number): Promise<{ uploads: number; sessions: number }> {
  const { loginThrottles, pendingBlobDeletions, sessions, uploads } = storage.tables;
  const { blobIds, expiredSessions } = await storage.transaction(async (tx) => {
    const ids = (await tx.select({ blobId: uploads.blobId }).from(uploads).where(lte(uploads.expiresAt, now))).map((row) => row.blobId);
    for (let start = 0; start < ids.length; start += 500) {
      const queued = ids.slice(start, start + 500).map((blobId) => ({ blobId, queuedAt: now }));
      await tx.insert(pendingBlobDeletions).values(queued).onConflictDoNothing();
    }
    await tx.delete(uploads).where(lte(uploads.expiresAt, now));
    const ended = await tx.delete(sessions).where(or(lte(sessions.expiresAt, now), lte(sessions.lastUsedAt, now - sessionIdleMs))).returning({ accountId: sessions.accountId });
    await tx.delete(loginThrottles).where(and(lte(loginThrottles.windowStart, now - THROTTLE_ROW_MAX_AGE_MS), lte(loginThrottles.lockedUntil, now)));
    return { blobIds: ids, expiredSessions: ended.length };
  });
  await drainPendingDeletions(storage, blobs, blobIds);
  return { uploads: blobIds.length, sessions: expiredSessions };
}

async function tempBlobOwner(storage: Storage, blobId: string): Promise<'version' | 'upload' | null> {
  const { documentVersions, uploads } = storage.tables;
  const version = first(await storage.read.select({ id: documentVersions.blobId }).from(documentVersions).where(eq(documentVersions.blobId, blobId)).limit(1));
  if (version !== undefined) return 'version';
  const upload = first(await storage.read.select({ id: uploads.blobId }).from(uploads).where(eq(uploads.blobId, blobId)).limit(1));
  return upload === undefined ? null : 'upload';
}

/** Deletes every queued blob, then its queue row. Returns how many. */
export async function drainPendingDeletions(storage: Storage, blobs: BlobStore, only?: readonly string[]): Promise<number> {
  const { pendingBlobDeletions } = storage.tables;
  const queued = async (slice?: string[]) => {
    const query = storage.read.select({ blobId: pendingBlobDeletions.blobId }).from(pendingBlobDeletions);
    return slice === undefined ? await query : await query.where(inArray(pendingBlobDeletions.blobId, slice));
  };
  const rows = [];
  if (only === undefined) rows.push(...await queued());
  else for (let start = 0; start < only.length; start += 500) rows.push(...await queued(only.slice(start, start + 500)));
  for (const { blobId } of rows) {
    await blobs.delete(blobId);
    await storage.transaction((tx) => tx.delete(pendingBlobDeletions).where(eq(pendingBlobDeletions.blobId, blobId)));
  }
  return rows.length;
}
