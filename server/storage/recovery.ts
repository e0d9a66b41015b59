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
import type { Db } from './database.ts';
import { documentVersions, loginThrottles, pendingBlobDeletions, sessions, uploads } from './schema.ts';

/** Far longer than a throttle window (15 minutes by default): a row this old counts nothing any more. */
const THROTTLE_ROW_MAX_AGE_MS = 24 * 3_600_000;

export interface SweepReport {
  expiredUploads: number;
  rolledForward: number;
  orphansDeleted: number;
  pendingDeleted: number;
}

/** Run before the first request: nothing else may create temporary blobs meanwhile. */
export async function sweepBlobs(db: Db, blobs: BlobStore, now: number, sessionIdleMs: number): Promise<SweepReport> {
  const expiredUploads = (await purgeExpired(db, blobs, now, sessionIdleMs)).uploads;
  let rolledForward = 0;
  let orphansDeleted = 0;
  for (const id of await blobs.listTemp()) {
    const owner = tempBlobOwner(db, id);
    if (owner === 'version') {
      await blobs.publish(id);
      rolledForward += 1;
    } else if (owner === null) {
      await blobs.delete(id);
      orphansDeleted += 1;
    }
  }
  const pendingDeleted = await drainPendingDeletions(db, blobs);
  return { expiredUploads, rolledForward, orphansDeleted, pendingDeleted };
}

/**
 * Removes expired uploads (their blobs queued, then deleted) and expired sessions. Safe while serving:
 * it touches only rows past their expiry, which no request accepts any more.
 */
export async function purgeExpired(db: Db, blobs: BlobStore, now: number, sessionIdleMs: number): Promise<{ uploads: number; sessions: number }> {
  const blobIds = db.transaction((tx) => {
    const ids = tx.select({ blobId: uploads.blobId }).from(uploads).where(lte(uploads.expiresAt, now)).all().map((row) => row.blobId);
    for (const blobId of ids) tx.insert(pendingBlobDeletions).values({ blobId, queuedAt: now }).onConflictDoNothing().run();
    tx.delete(uploads).where(lte(uploads.expiresAt, now)).run();
    return ids;
  });
  const expiredSessions = db.delete(sessions).where(or(lte(sessions.expiresAt, now), lte(sessions.lastUsedAt, now - sessionIdleMs))).run().changes;
  db.delete(loginThrottles).where(and(lte(loginThrottles.windowStart, now - THROTTLE_ROW_MAX_AGE_MS), lte(loginThrottles.lockedUntil, now))).run();
  await drainPendingDeletions(db, blobs, blobIds);
  return { uploads: blobIds.length, sessions: expiredSessions };
}

function tempBlobOwner(db: Db, blobId: string): 'version' | 'upload' | null {
  const version = db.select({ id: documentVersions.blobId }).from(documentVersions).where(eq(documentVersions.blobId, blobId)).get();
  if (version !== undefined) return 'version';
  const upload = db.select({ id: uploads.blobId }).from(uploads).where(eq(uploads.blobId, blobId)).get();
  return upload === undefined ? null : 'upload';
}

/** Deletes every queued blob, then its queue row. Returns how many. */
export async function drainPendingDeletions(db: Db, blobs: BlobStore, only?: readonly string[]): Promise<number> {
  const query = db.select({ blobId: pendingBlobDeletions.blobId }).from(pendingBlobDeletions);
  const rows = only === undefined ? query.all() : only.length === 0 ? [] : query.where(inArray(pendingBlobDeletions.blobId, [...only])).all();
  for (const { blobId } of rows) {
    await blobs.delete(blobId);
    db.delete(pendingBlobDeletions).where(eq(pendingBlobDeletions.blobId, blobId)).run();
  }
  return rows.length;
}
