// The one seam between backup/restore and the database engine: SQLite (sqlite-backend.ts, online backup
// API) and PostgreSQL (pg-backend.ts, pg_dump in one exported snapshot). Where the live blobs are is chosen
// in snapshot.ts (openSource), and how a checked copy is installed in restore.ts (targetOf).
import type { DatabaseEngine } from './manifest.ts';

export interface SnapshotResult {
  /** Blob ids that the snapshot's document_versions rows name: the blobs the backup must hold. */
  blobIds: string[];
}

export interface DatabaseBackend {
  readonly engine: DatabaseEngine;
  /** The snapshot's file name in a backup (and, for SQLite, in DATA_DIR). */
  readonly fileName: string;
  /**
   * Writes a transactionally consistent copy of the live database to `destination` (overwriting it),
   * while the server keeps running; returns the blob ids that copy names.
   */
  snapshot(destination: string): Promise<SnapshotResult>;
  /** Checks a backup's database copy (throws DATABASE_INVALID when damaged) and returns the blob ids it names. */
  check(copy: string): Promise<string[]>;
  close(): void;
}
