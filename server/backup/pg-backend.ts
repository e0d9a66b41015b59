// PostgreSQL behind the backup seam. One connection opens a REPEATABLE READ READ ONLY transaction, exports
// its snapshot, reads the blob ids in it, and keeps it open while pg_dump runs with --snapshot: the dump
// and the blob list are the same committed state, whatever the server commits meanwhile. Uploads in
// progress are left out (--exclude-table-data), as the SQLite copy drops them: their bytes sit in
// blobs/tmp, which a backup does not hold, so the client starts them again.
import { chmod } from 'node:fs/promises';
import pg from 'pg';
import { BLOB_ID_PATTERN } from '../storage/blob-store.ts';
import { BackupError } from './errors.ts';
import { DATABASE_FILES } from './manifest.ts';
import { redactSecrets } from '../../shared/database-url.ts';
import { PgToolError, runPgTool } from './pg-tools.ts';
import type { DatabaseBackend, SnapshotResult } from './database-backend.ts';

export interface PgBackendHooks {
  /** Test hook: runs inside the open snapshot transaction, after the blob ids are read, before pg_dump. */
  testOnlyInSnapshot?: () => Promise<void>;
}

export function openPgBackend(databaseUrl: string, hooks: PgBackendHooks = {}): DatabaseBackend {
  return {
    engine: 'postgresql',
    fileName: DATABASE_FILES.postgresql,
    snapshot: (destination) => snapshot(databaseUrl, destination, hooks),
    check: checkPgDump,
    close: () => undefined,
  };
}

async function snapshot(databaseUrl: string, destination: string, hooks: PgBackendHooks): Promise<SnapshotResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  let blobIds: string[];
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exported = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const named = await client.query<{ blob_id: string }>('SELECT blob_id FROM document_versions ORDER BY blob_id');
    blobIds = named.rows.map((row) => row.blob_id);
    await hooks.testOnlyInSnapshot?.();
    await runPgTool({
      tool: 'pg_dump',
      args: ['--format=custom', `--snapshot=${exported.rows[0]!.id}`, '--no-owner', '--no-privileges', '--exclude-table-data=public.uploads', `--file=${destination}`],
      databaseUrl,
    });
  } catch (error) {
    throw unavailable(error, databaseUrl);
  } finally {
    // Ending the session ends the read-only transaction; nothing was written.
    await client.end().catch(() => undefined);
  }
  await chmod(destination, 0o600);
  return { blobIds };
}

/**
 * A failure while talking to PostgreSQL (connection, query, or its tool): DATABASE_UNAVAILABLE, with the
 * URL's secrets masked in the cause (node-postgres messages may quote connection parameters).
 */
export function unavailable(error: unknown, databaseUrl: string): BackupError {
  if (error instanceof BackupError) return error;
  const cause = error instanceof PgToolError ? error : new PgToolError(redactSecrets(error instanceof Error ? error.message : String(error), databaseUrl));
  return new BackupError('DATABASE_UNAVAILABLE', { cause });
}

/**
 * Reads the whole dump the way a restore will (pg_restore to a script, no database): a damaged archive or
 * data block fails here, before anything is installed (DATABASE_INVALID). Returns the blob_id column of
 * document_versions' data, which must be present (a dump without that table is not a vault's).
 */
export async function checkPgDump(copy: string): Promise<string[]> {
  const parser = documentVersionsParser();
  try {
    await runPgTool({ tool: 'pg_restore', args: ['--file=-', copy], onLine: parser.line });
  } catch (error) {
    throw error instanceof PgToolError ? new BackupError('DATABASE_INVALID', { cause: error }) : error;
  }
  return parser.blobIds();
}

/**
 * Follows the plain-text script: `COPY public.document_versions (col, ...) FROM stdin;`, one line per row
 * with tab-separated fields in COPY text format, then `\.`. A blob id has only [0-9a-f], so no escape can
 * hide in it; anything else in that column makes the dump invalid.
 */
function documentVersionsParser(): { line: (line: string) => void; blobIds: () => string[] } {
  const ids: string[] = [];
  let column = -1;
  let seen = false;
  let invalid = false;
  return {
    line: (line) => {
      if (column >= 0) {
        if (line === '\\.') { column = -1; return; }
        const id = line.split('\t')[column];
        if (id === undefined || !BLOB_ID_PATTERN.test(id)) invalid = true;
        else ids.push(id);
        return;
      }
      const header = /^COPY public\.document_versions \((.*)\) FROM stdin;$/.exec(line);
      if (header === null) return;
      seen = true;
      column = header[1]!.split(', ').indexOf('blob_id');
      if (column < 0) invalid = true;
    },
    blobIds: () => {
      if (!seen || invalid || column >= 0) throw new BackupError('DATABASE_INVALID');
      return ids.sort();
    },
  };
}
