// What the server stored, read the way the services read it (storage.read, the engine's own tables), so a
// test that looks at rows runs on SQLite and on PostgreSQL alike.
import { count, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Storage } from '../../server/storage/database.ts';

/** How many committed rows of `table` match `where` (all of them without it). */
export async function countRows(storage: Storage, table: SQLiteTable, where?: SQL): Promise<number> {
  const [row] = await storage.read.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/** The messages of `error` and of its causes: drizzle wraps the engine's own error ("Failed query: ...") in one of its own. */
export function errorMessages(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) messages.push(current.message);
  return messages.join('\n');
}

/** The messages `promise` rejects with (errorMessages), '(resolved)' when it does not reject. */
export async function rejectionMessages(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return '(resolved)';
  } catch (error) {
    return errorMessages(error);
  }
}
