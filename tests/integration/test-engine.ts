// Which database the in-process test servers run on: SQLite in their DATA_DIR (the default), or PostgreSQL
// when the run sets VAULT_TEST_ENGINE=postgres (vitest.config.ts's "postgres" project). On PostgreSQL each
// fresh DATA_DIR gets a database of its own, copied from the run's migrated template (tests/pg/template.ts,
// made once by the global set-up), and dropped when the server closes; a restart on the same DATA_DIR finds
// the same database again.
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../pg/test-database.ts';

export type TestEngine = 'sqlite' | 'postgres';

export const TEST_ENGINE: TestEngine = process.env.VAULT_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

const databases = new Map<string, TestDatabase>();

/** The DATABASE_URL for a server on `dataDir`: undefined on SQLite. */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  if (TEST_ENGINE === 'sqlite') return undefined;
  let database = databases.get(dataDir);
  if (database === undefined) {
    database = await createTestDatabase(inject('pgTemplate'));
    databases.set(dataDir, database);
  }
  return database.url;
}

/** Drops the database of `dataDir`, if it has one. */
export async function dropDatabaseOf(dataDir: string): Promise<void> {
  const database = databases.get(dataDir);
  if (database === undefined) return;
  databases.delete(dataDir);
  await database.drop();
}
