// Which failures of the storage are the operator's to fix, not a bug: a full disk or quota
// (INSUFFICIENT_STORAGE, 507) and storage that refuses writes or cannot be reached (STORAGE_UNAVAILABLE,
// 503). Recognised by the error's code, from node:fs (errno names), better-sqlite3 (SQLITE_* result
// codes), node-postgres (SQLSTATE classes, socket errno names), on the error itself or on its cause chain
// (a wrapper, drizzle's query error among them, keeps the original as `cause`).
import { DrizzleQueryError } from 'drizzle-orm/errors';

export type StorageFault = 'full' | 'unavailable';

/** The code pg-database.ts gives a transaction that could not reach PostgreSQL. */
export const DATABASE_UNREACHABLE = 'DATABASE_UNREACHABLE';

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL', '53100']);
const UNAVAILABLE = new Set([
  'EACCES', 'EPERM', 'EROFS', 'EIO', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR',
  // PostgreSQL shutting down, starting up, in recovery (57P0x); insufficient resources (53000), too many
  // connections (53300); read-only (25006).
  '57P01', '57P02', '57P03', '53000', '53300', '25006', DATABASE_UNREACHABLE,
]);
/**
 * Socket errors: PostgreSQL out of reach, but only below a database query (drizzle's wrapper) or a
 * transaction (pg-database.ts): the same codes from a request body are the client going away.
 */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLSTATE classes: 08 connection exception. */
const UNAVAILABLE_CLASSES = new Set(['08']);
/**
 * node-postgres fails a query whose connection dropped with a plain Error and one of these messages (the
 * second one when it was already dead when asked, the last one when no connection came in time).
 */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

/** The storage fault `error` reports, or null when it is something else. */
export function storageFaultOf(error: unknown): StorageFault | null {
  let belowDatabase = false;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = codeOf(current);
    belowDatabase ||= current instanceof DrizzleQueryError;
    if (belowDatabase && SOCKET_ERROR_CODES.has(code)) return 'unavailable';
    // better-sqlite3 refines I/O errors as SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED…
    const family = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
    if (FULL.has(code) || FULL.has(family)) return 'full';
    if (UNAVAILABLE.has(code) || UNAVAILABLE.has(family)) return 'unavailable';
    if (isSqlState(code) && UNAVAILABLE_CLASSES.has(code.slice(0, 2))) return 'unavailable';
    if (code === '' && CONNECTION_LOST.test(current.message)) return 'unavailable';
  }
  return null;
}

/**
 * A unique or primary key the database refused: two requests raced for the same id, and the later one
 * lost (CONFLICT, as if it had come second).
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = codeOf(current);
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return true;
  }
  return false;
}

function codeOf(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? error.code : '';
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code.slice(0, 2));
}
