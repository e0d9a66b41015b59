// The storage the services run on: embedded SQLite in DATA_DIR by default, PostgreSQL when DATABASE_URL is
// set. Both behind one asynchronous contract, so one service body serves either engine:
// - services build their queries with drizzle's SQLite API (the type `Db`), take every table from
//   `tables` (the PostgreSQL twins at run time on PostgreSQL), and only await builders: never .get(),
//   .all() or .run(), and counts of changed rows come from .returning();
// - every write runs inside transaction(), whose body may run again on PostgreSQL (a serialization
//   failure is retried), so it does database work only: blobs are written before and published after;
// - `read` sees committed state only, never the writes of a transaction still open.
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema.ts';

export type Tables = typeof schema;

/** A drizzle database, as the services type it; `tables` are the engine's own. */
export type Db = BetterSQLite3Database<typeof schema> & { readonly tables: Tables };
/** What a transaction() body receives: the same API, on the transaction's connection. */
export type Tx = Db;

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  readonly engine: Engine;
  /** Where the blobs and the server secret live (DATA_DIR), whatever the database. */
  readonly dataDir: string;
  readonly tables: Tables;
  /** Reads outside a transaction: committed state only. */
  readonly read: Db;
  /** Runs `body` in one serializable transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(body: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** SQLite: copies the WAL into the database and empties it, so deleted rows do not linger in old WAL frames. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Transactions with the same key run one after the other, across every server process: for a hot row
   * many requests append after (a vault's access history), where optimistic retries would pile up. SQLite
   * runs every transaction one after the other anyway.
   */
  serializeOn?: string;
}

export interface StorageOptions {
  dataDir: string;
  /** PostgreSQL instead of DATA_DIR/vault.sqlite3. */
  databaseUrl?: string;
}

/** Opens (creating and migrating if needed) the database the options name. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.databaseUrl !== undefined) {
    const { openPgStorage } = await import('./pg-database.ts');
    return openPgStorage(options.databaseUrl, options.dataDir);
  }
  const { openSqliteStorage } = await import('./sqlite-database.ts');
  return openSqliteStorage(options.dataDir);
}

/** The first row of a query's result, as .get() gave. */
export function first<Row>(rows: readonly Row[]): Row | undefined {
  return rows[0];
}
