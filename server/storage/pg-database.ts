// Opens PostgreSQL at DATABASE_URL and brings it to the current schema with the committed migrations of
// schema-pg.ts (the twin of schema.ts). The services still run on SQLite (storage/database.ts); this is the
// PostgreSQL side of the same storage, applied and checked by tests/integration/pg-storage.test.ts.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema-pg.ts';

export const PG_MIGRATIONS_FOLDER = resolve(fileURLToPath(import.meta.url), '../migrations/pg');

export type PgDb = NodePgDatabase<typeof schema>;

export interface PgStorage {
  readonly db: PgDb;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Connects a pool to `url` and applies pending migrations; the pool is closed if they fail. */
export async function openPgStorage(url: string): Promise<PgStorage> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = drizzle(pool, { schema });
  try {
    await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { db, pool, close: () => pool.end() };
}
