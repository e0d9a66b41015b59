// The PostgreSQL side of a restore: is the target database empty, and loading a checked dump into it.
// pg_restore runs in one transaction with --exit-on-error: the database gets the whole dump or, on any
// failure, stays as it was. Replacing a non-empty database (--force) drops the dump's objects first
// (--clean --if-exists) in that same transaction.
import pg from 'pg';
import { runPgTool } from './pg-tools.ts';
import { unavailable } from './pg-backend.ts';

/**
 * True when the database holds anything of its own: a relation (table, sequence, view...) or function in
 * a user schema, or a schema other than public. A fresh CREATE DATABASE is empty.
 */
const OCCUPIED = `
  SELECT EXISTS (
    SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  ) OR EXISTS (
    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  ) OR EXISTS (
    SELECT 1 FROM pg_namespace WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
  ) AS occupied`;

export async function isDatabaseOccupied(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const result = await client.query<{ occupied: boolean }>(OCCUPIED);
    return result.rows[0]!.occupied;
  } catch (error) {
    throw unavailable(error, databaseUrl);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Loads `dump` (already read whole by checkPgDump) into the database; DATABASE_UNAVAILABLE on failure. */
export async function restorePgDump(databaseUrl: string, dump: string, replace: boolean): Promise<void> {
  const clean = replace ? ['--clean', '--if-exists'] : [];
  try {
    await runPgTool({ tool: 'pg_restore', args: ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...clean, dump], databaseUrl });
  } catch (error) {
    throw unavailable(error, databaseUrl);
  }
}
