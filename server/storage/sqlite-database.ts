// The embedded SQLite database in DATA_DIR, brought to the current schema with the committed drizzle-kit
// migrations. WAL for concurrent readers, foreign keys ON (the cascades are the delete contract),
// synchronous FULL so a committed transaction survives a power cut before its blob is renamed.
//
// Two connections: a writer, on which one transaction at a time runs (an in-process queue, then
// BEGIN IMMEDIATE for the other server processes on this file), and a read-only reader, which sees only
// committed state. better-sqlite3 is synchronous, so an asynchronous transaction body must not share its
// connection with anything else while it waits: the queue guarantees that.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db, Storage, Tx } from './database.ts';
import * as schema from './schema.ts';

export const MIGRATIONS_FOLDER = resolve(fileURLToPath(import.meta.url), '../migrations/sqlite');

export const DATABASE_FILE = 'vault.sqlite3';

/** Opens (creating if needed) DATA_DIR/vault.sqlite3 and applies pending migrations. */
export function openSqliteStorage(dataDir: string): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DATABASE_FILE);
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('foreign_keys = ON');
  writer.pragma('synchronous = FULL');
  // Another server process on this file holds the write lock for at most one transaction.
  writer.pragma('busy_timeout = 5000');
  // Deleted rows (account ids, keys of a deleted account) are overwritten, not left in free pages.
  writer.pragma('secure_delete = ON');
  const writeDb = withTables(drizzle(writer, { schema }));
  migrate(writeDb, { migrationsFolder: MIGRATIONS_FOLDER });
  const reader = new Database(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  const readDb = withTables(drizzle(reader, { schema }));
  const queue = new TransactionQueue();
  return {
    engine: 'sqlite',
    dataDir,
    tables: schema,
    read: readDb,
    // One transaction at a time already: `serializeOn` asks for nothing more.
    transaction: (body) => queue.run(() => inTransaction(writer, writeDb, body)),
    // Through the queue: a checkpoint between two statements of an open transaction would not truncate.
    checkpoint: () => queue.run(() => { writer.pragma('wal_checkpoint(TRUNCATE)'); return Promise.resolve(); }),
    close: async () => {
      await queue.drained();
      reader.close();
      writer.close();
    },
  };
}

function withTables(db: BetterSQLite3Database<typeof schema>): Db {
  return Object.assign(db, { tables: schema });
}

/**
 * BEGIN IMMEDIATE takes the write lock as the transaction begins: a deferred one that read before another
 * server process committed could not write after it (SQLITE_BUSY_SNAPSHOT, an error 500 instead of a wait).
 */
async function inTransaction<T>(connection: Database.Database, db: Tx, body: (tx: Tx) => Promise<T>): Promise<T> {
  connection.exec('BEGIN IMMEDIATE');
  try {
    const result = await body(db);
    connection.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR).
    if (connection.inTransaction) connection.exec('ROLLBACK');
    throw error;
  }
}

/** One transaction at a time on the writer connection, in the order they were asked for. */
class TransactionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();

  run<T>(task: () => Promise<T>): Promise<T> {
    // A transaction opened from inside another would wait for itself forever.
    if (this.inside.getStore() === true) return Promise.reject(new Error('nested storage transaction'));
    const result = this.tail.then(() => this.inside.run(true, task));
    this.tail = result.catch(() => undefined);
    return result;
  }

  drained(): Promise<unknown> {
    return this.tail;
  }
}
