// The one error type of backup and restore: a stable code that the CLI maps to a French + English message
// and an exit code (server/cli/messages.ts). Codes never carry paths, blob ids or secrets.
export type BackupErrorCode =
  /** backup: the output folder exists and is not empty. */
  | 'OUTPUT_NOT_EMPTY'
  /** backup: DATA_DIR holds no vault.sqlite3. */
  | 'NO_DATABASE'
  /** backup: a blob named by the database is missing from DATA_DIR (not deleted meanwhile: lost). */
  | 'SOURCE_INCOMPLETE'
  /** restore: the target exists and is not empty, and --force was not given. */
  | 'TARGET_NOT_EMPTY'
  /** restore: manifest.json is missing or malformed. */
  | 'MANIFEST_INVALID'
  /** restore: the manifest's format or version is not one this code reads. */
  | 'FORMAT_UNSUPPORTED'
  /** restore: a file is missing, extra, or its size or SHA-256 differs from the manifest. */
  | 'INTEGRITY'
  /** restore: the database copy is damaged or names a blob the backup does not hold. */
  | 'DATABASE_INVALID'
  /** restore: the backup's engine (SQLite or PostgreSQL) is not the target's (--data or --database-url). */
  | 'ENGINE_MISMATCH'
  /** PostgreSQL cannot be reached, or refused the operation (its tool's masked output is the cause). */
  | 'DATABASE_UNAVAILABLE';

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(readonly code: BackupErrorCode, options?: ErrorOptions) {
    super(code, options);
  }
}
