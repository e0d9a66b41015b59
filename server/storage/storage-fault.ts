// Which failures of the disk under DATA_DIR are the operator's to fix, not a bug: a full disk or quota
// (INSUFFICIENT_STORAGE, 507) and storage that refuses writes (STORAGE_UNAVAILABLE, 503). Recognised by the
// error's code, from node:fs (errno names) or better-sqlite3 (SQLITE_* result codes), on the error itself or
// on its cause chain (a wrapper keeps the original as `cause`).
export type StorageFault = 'full' | 'unavailable';

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);
const UNAVAILABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'EIO', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR']);

/** The storage fault `error` reports, or null when it is something else. */
export function storageFaultOf(error: unknown): StorageFault | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = 'code' in current && typeof current.code === 'string' ? current.code : '';
    // better-sqlite3 refines I/O errors as SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED…
    const family = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
    if (FULL.has(code) || FULL.has(family)) return 'full';
    if (UNAVAILABLE.has(code) || UNAVAILABLE.has(family)) return 'unavailable';
  }
  return null;
}
