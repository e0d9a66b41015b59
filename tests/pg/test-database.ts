// A throwaway PostgreSQL database for one test file, on the machine's server (TEST_PG_URL, default
// postgres://postgres@127.0.0.1:5432/test with trust auth): created with a random name, dropped at the end.
// A whole database rather than a schema, because drizzle-kit writes "public". into every foreign key of the
// migrations it generates (drizzle-orm issue 2486), so the tables must live in the database's public schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function asAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Names of every database the test runs make: the global teardown drops whatever a crash left. */
export const TEST_DATABASE_PREFIX = 'vault_test_';

/** A fresh database, empty or a copy of `template` (a database no one is connected to). */
export async function createTestDatabase(template?: string): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}${template === undefined ? '' : ` TEMPLATE ${client.escapeIdentifier(template)}`}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // WITH (FORCE) ends connections a failed test left open, so the database never outlives the run.
    drop: () => asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
