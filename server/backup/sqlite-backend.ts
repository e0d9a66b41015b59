// SQLite's online backup API from a separate read-only connection: pages are copied while the server
// writes; SQLite restarts the copy if a writer changes the source meanwhile, so the result is one
// committed state, never a mix. A plain file copy of vault.sqlite3 would miss the WAL and could tear.
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError } from './errors.ts';
import type { DatabaseBackend, SnapshotResult } from './database-backend.ts';
import { DATABASE_FILES } from './manifest.ts';

const FILE_NAME = DATABASE_FILES.sqlite;

export function openSqliteBackend(dataDir: string): DatabaseBackend {
  let source: Database.Database | null = null;
  const live = () => {
    if (source !== null) return source;
    const path = join(dataDir, FILE_NAME);
    if (!existsSync(path)) throw new BackupError('NO_DATABASE');
    source = new Database(path, { readonly: true, fileMustExist: true });
    source.pragma('busy_timeout = 5000');
    return source;
  };
  return {
    engine: 'sqlite',
    fileName: FILE_NAME,
    snapshot: async (destination) => {
      await live().backup(destination);
      chmodSync(destination, 0o600);
      return finishCopy(destination);
    },
    check: (copy) => Promise.resolve().then(() => checkSqliteCopy(copy)),
    close: () => { source?.close(); },
  };
}

/**
 * Makes the copy a single self-contained file (rollback journal; the server turns WAL back on when it opens
 * it) and drops uploads in progress: their bytes sit in blobs/tmp, which a backup does not hold, so such an
 * upload could not resume; without its row the client simply starts it again. Returns the named blob ids.
 */
function finishCopy(destination: string): SnapshotResult {
  const copy = new Database(destination, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    copy.pragma('secure_delete = ON');
    copy.prepare('DELETE FROM uploads').run();
    return { blobIds: blobIdsOf(copy) };
  } finally {
    copy.close();
  }
}

/** Runs integrity_check on a copy (DATABASE_INVALID when damaged); returns the blob ids it names. */
export function checkSqliteCopy(path: string): string[] {
  let copy: Database.Database | null = null;
  try {
    copy = new Database(path, { readonly: true, fileMustExist: true });
    const result = copy.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError('DATABASE_INVALID');
    return blobIdsOf(copy);
  } catch (error) {
    throw error instanceof BackupError ? error : new BackupError('DATABASE_INVALID');
  } finally {
    copy?.close();
  }
}

function blobIdsOf(db: Database.Database): string[] {
  return db.prepare('SELECT blob_id FROM document_versions ORDER BY blob_id').pluck().all() as string[];
}
