// PostgreSQL at DATABASE_URL, brought to the current schema with the committed migrations of schema-pg.ts
// (the twin of schema.ts, column for column). Transactions are SERIALIZABLE, so the services' "read, check,
// write" bodies behave as on SQLite, where one transaction runs at a time; a body PostgreSQL aborts for a
// serialization failure, a deadlock or a racing insert runs again, a few times, after a short random wait.
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Db, Storage, Tables, Tx } from './database.ts';
import * as schema from './schema-pg.ts';
import { DATABASE_UNREACHABLE, SOCKET_ERROR_CODES, storageFaultOf } from './storage-fault.ts';

export const PG_MIGRATIONS_FOLDER = resolve(fileURLToPath(import.meta.url), '../migrations/pg');

export type PgDb = NodePgDatabase<typeof schema>;

export interface PgStorage extends Storage {
  readonly pgDb: PgDb;
  readonly pool: pg.Pool;
}

/** How many times a transaction body runs at most. */
const ATTEMPTS = 10;
/**
 * serialization_failure, deadlock_detected, and unique_violation: two serializable transactions that both
 * read "the last link is n" and insert n + 1 get the latter, not a serialization failure, from PostgreSQL.
 * Run again, the loser reads the winner's row; a real duplicate fails each time and ends as CONFLICT.
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const CONNECT_TIMEOUT_MS = 10_000;
/** Upper bound of the random wait before another attempt. */
const MAX_BACKOFF_MS = 200;

/** Connects a pool to `url` and applies pending migrations; the pool is closed if they fail. */
export async function openPgStorage(url: string, dataDir: string): Promise<PgStorage> {
  // A database out of reach fails a request after CONNECT_TIMEOUT_MS rather than holding it open.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection the server drops (a restart) reports an error event: on the pool while idle, on the client
  // while checked out between two queries of a transaction. Unheard, either would end the process; the
  // query in flight fails anyway (STORAGE_UNAVAILABLE), and the pool discards the dead client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  const pgDb = drizzle(pool, { schema });
  try {
    await migrate(pgDb, { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (error) {
    await pool.end();
    throw error;
  }
  // The services type their queries with the SQLite API; the tables make them PostgreSQL's at run time.
  const tables = schema as unknown as Tables;
  const read = Object.assign(pgDb, { tables }) as unknown as Db;
  return {
    engine: 'postgres',
    dataDir,
    tables,
    read,
    pgDb,
    pool,
    transaction: (body, options) => serializable(pool, tables, body, options?.serializeOn),
    checkpoint: () => Promise.resolve(),
    close: () => pool.end(),
  };
}

async function serializable<T>(pool: pg.Pool, tables: Tables, body: (tx: Tx) => Promise<T>, serializeOn?: string): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await onOneConnection(pool, tables, body, serializeOn);
    } catch (error) {
      // A pool that cannot connect fails before any query, so drizzle does not wrap it: say it is the database.
      if (isSocketError(error)) throw new DatabaseUnreachableError(error);
      if (attempt >= ATTEMPTS || !RETRYABLE.has(pgCodeOf(error))) throw error;
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 5 * 2 ** attempt));
    }
  }
}

/**
 * One attempt, on a connection of its own. Not drizzle's db.transaction(): it never gives back a
 * connection whose BEGIN failed (a pool slot lost for good at each database restart), and the error of a
 * ROLLBACK on a dead connection would replace the one that matters.
 */
async function onOneConnection<T>(pool: pg.Pool, tables: Tables, body: (tx: Tx) => Promise<T>, serializeOn?: string): Promise<T> {
  const client = await pool.connect();
  let failure: unknown;
  let lockStuck = false;
  try {
    // Taken before BEGIN, so the transaction's snapshot already holds what the previous holder committed.
    if (serializeOn !== undefined) await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [serializeOn]);
    try {
      return await inTransaction(client, tables, body);
    } finally {
      // Should the unlock fail, the connection is closed below, and the lock goes with its session.
      if (serializeOn !== undefined) lockStuck = !(await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [serializeOn]).then(() => true, () => false));
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A connection that failed under us is closed rather than handed to the next request.
    client.release(lockStuck || (failure !== undefined && storageFaultOf(failure) !== null));
  }
}

async function inTransaction<T>(client: pg.PoolClient, tables: Tables, body: (tx: Tx) => Promise<T>): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  try {
    const result = await body(Object.assign(drizzle(client), { tables }) as unknown as Tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  readonly code = DATABASE_UNREACHABLE;
  constructor(cause: Error) {
    super('PostgreSQL is out of reach', { cause });
  }
}

function isSocketError(error: unknown): error is Error {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && SOCKET_ERROR_CODES.has(error.code);
}

/** The SQLSTATE of a pg error, on the error or on its cause (drizzle wraps query errors). */
export function pgCodeOf(error: unknown): string {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
  }
  return '';
}
