// Opens the embedded SQLite database in DATA_DIR and brings it to the current schema with the committed
// drizzle-kit migrations. WAL for concurrent readers, foreign keys ON (the cascades are the delete
// contract), synchronous FULL so a committed transaction survives a power cut before its blob is renamed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

export const MIGRATIONS_FOLDER = resolve(fileURLToPath(import.meta.url), '../migrations/sqlite');

export type Db = BetterSQLite3Database<typeof schema>;
/** The handle a db.transaction() callback receives. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Storage {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly dataDir: string;
  /** Copies the WAL into the database and empties it, so deleted rows do not linger in old WAL frames. */
  checkpoint(): void;
  close(): void;
}

/** Opens (creating if needed) DATA_DIR/vault.sqlite3 and applies pending migrations. */
export function openStorage(dataDir: string): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(join(dataDir, 'vault.sqlite3'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows (account ids, keys of a deleted account) are overwritten, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  const db = drizzle(sqlite, { schema });
  // Every transaction takes the write lock as it begins (BEGIN IMMEDIATE), waiting up to busy_timeout for
  // it. A deferred one that read before another server process on this file committed could not write
  // after it: SQLITE_BUSY_SNAPSHOT at once, an error 500 instead of a short wait.
  const deferred = db.transaction.bind(db);
  db.transaction = (run, config) => deferred(run, { behavior: 'immediate', ...config });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    sqlite,
    dataDir,
    checkpoint: () => { sqlite.pragma('wal_checkpoint(TRUNCATE)'); },
    close: () => sqlite.close(),
  };
}
