// A SQLite storage (DATA_DIR) copied into a fresh PostgreSQL database migrated by openPgStorage, and its
// blob folder into a fresh folder, for tests of what reads PostgreSQL before the services run on it (the
// audit). Rows go through drizzle, read with schema.ts's table and written with schema-pg.ts's twin of the
// same name, parents before children (the foreign keys are not deferrable); access_events ids keep their
// values and the id sequence is set to SQLite's AUTOINCREMENT mark, as if PostgreSQL had handed them out.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableName, is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { openPgStorage } from '../../server/storage/pg-database.ts';
import * as pgSchema from '../../server/storage/schema-pg.ts';
import * as sqliteSchema from '../../server/storage/schema.ts';
import { createTestDatabase } from './test-database.ts';

/** schema.ts's exports, each after the tables its foreign keys name. */
const PARENTS_FIRST = [
  'accounts', 'sessions', 'loginThrottles', 'vaults', 'documents', 'documentVersions', 'envelopes', 'uploads', 'accessEvents',
  'pendingBlobDeletions', 'practitionerProfiles', 'grants', 'grantWraps', 'vaultManagers', 'vaultInvites',
] as const;
const BATCH_ROWS = 500;

export interface PgStorageCopy {
  /** The database's URL (trust auth on the test server). */
  url: string;
  blobsDir: string;
  drop(): Promise<void>;
}

export async function copySqliteStorageToPg(dataDir: string): Promise<PgStorageCopy> {
  const database = await createTestDatabase();
  const blobsDir = mkdtempSync(join(tmpdir(), 'coffre-pg-blobs-'));
  const drop = async () => {
    rmSync(blobsDir, { recursive: true, force: true });
    await database.drop();
  };
  try {
    cpSync(join(dataDir, 'blobs'), blobsDir, { recursive: true });
    await copyRows(join(dataDir, 'vault.sqlite3'), database.url);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: database.url, blobsDir, drop };
}

async function copyRows(sqlitePath: string, url: string): Promise<void> {
  const sqliteTables = Object.entries(sqliteSchema).filter(([, value]) => is(value, SQLiteTable));
  const listed: readonly string[] = PARENTS_FIRST;
  const unlisted = sqliteTables.map(([name]) => name).filter((name) => !listed.includes(name));
  if (unlisted.length > 0) throw new Error(`copy-sqlite-to-pg: place ${unlisted.join(', ')} in PARENTS_FIRST`);
  const file = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const storage = await openPgStorage(url, tmpdir());
  try {
    const source = drizzle(file);
    for (const name of PARENTS_FIRST) {
      const from = sqliteSchema[name];
      const to: unknown = pgSchema[name];
      if (!is(to, PgTable) || getTableName(to) !== getTableName(from)) throw new Error(`copy-sqlite-to-pg: no PostgreSQL twin for ${name}`);
      const rows = source.select().from(from).all();
      for (let start = 0; start < rows.length; start += BATCH_ROWS) {
        await storage.pgDb.insert(to).values(rows.slice(start, start + BATCH_ROWS));
      }
    }
    const mark = file.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'access_events'").pluck().get() as number | undefined;
    if (mark !== undefined && mark > 0) await storage.pool.query("SELECT setval(pg_get_serial_sequence('access_events', 'id'), $1)", [mark]);
  } finally {
    file.close();
    await storage.close();
  }
}
