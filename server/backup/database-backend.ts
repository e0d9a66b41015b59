// The one seam between backup/restore and the database engine. SQLite is the only engine today
// (sqlite-backend.ts); a PostgreSQL backend would implement the same two calls with pg_dump (in one
// exported snapshot, reading the blob ids in that same snapshot) and pg_restore.
export interface SnapshotResult {
  /** Blob ids that the snapshot's document_versions rows name: the blobs the backup must hold. */
  blobIds: string[];
}

export interface DatabaseBackend {
  readonly engine: 'sqlite';
  /** The database file's name, in DATA_DIR and in a backup. */
  readonly fileName: string;
  /**
   * Writes a transactionally consistent copy of the live database to `destination` (overwriting it),
   * while the server keeps running; returns the blob ids that copy names.
   */
  snapshot(destination: string): Promise<SnapshotResult>;
  /** Checks a restored copy (throws DATABASE_INVALID when damaged) and returns the blob ids it names. */
  check(copy: string): string[];
  close(): void;
}
