// The fuzzer's own connection to the server's database, beside the server's: it digests every table's rows
// (fingerprint.ts) and puts them back as seeded (restoreWorld). One implementation per engine, chosen by
// the server's: SQLite reads DATA_DIR/vault.sqlite3 and restores from the template's copy of that file
// (world-sqlite.ts); PostgreSQL keeps the seeded rows in memory and restores them in one transaction
// (world-postgres.ts).
import type { TestServer } from '../integration/harness.ts';
import { databaseUrlFor } from '../integration/test-engine.ts';
import { openPostgresWorldDatabase } from './world-postgres.ts';
import { openSqliteWorldDatabase } from './world-sqlite.ts';

export interface WorldDatabase {
  /** A digest of every table's rows, by table name: equal digests, equal rows. */
  digests(): Promise<Map<string, string>>;
  /** Every table back to its rows at open time, in one transaction; no request may be running. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the fuzzer's connection once the world is seeded: what it restores is the database as it is now. */
export async function openWorldDatabase(server: TestServer, template: string): Promise<WorldDatabase> {
  if (server.state.storage.engine === 'sqlite') return openSqliteWorldDatabase(server.dataDir, template);
  const url = await databaseUrlFor(server.dataDir);
  if (url === undefined) throw new Error('a PostgreSQL server without a test database');
  return openPostgresWorldDatabase(url);
}
