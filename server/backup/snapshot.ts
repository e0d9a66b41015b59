// `vault-server backup`: a consistent copy of a running server's data into a new folder: DATA_DIR (SQLite,
// its blobs and server secret), or a PostgreSQL database and its blob folder.
//
// Order, and why no blob can silently go missing:
//   1. snapshot the database (one committed state S) and read, from that copy, the blob ids S names;
//   2. copy each such blob from blobs/<id> (or blobs/tmp/<id>: committed in S, not yet renamed; the
//      start-up sweep would roll it forward, so the backup stores it as published).
// A blob published after S is not named by S, so it is not needed. A blob named by S can vanish before
// step 2 only through a delete that committed after S (the server removes a file only after the commit
// that stops naming it). So a missing blob is never skipped: the attempt is thrown away and a new snapshot
// taken, which no longer names a deleted blob. Blob ids are random and a blob's bytes never change, so the
// blobs already copied are kept. An id that the new snapshot still names and that is still missing is
// lost from DATA_DIR (SOURCE_INCOMPLETE): the backup fails rather than be incomplete. Deletes that keep
// racing every attempt also end in SOURCE_INCOMPLETE after MAX_ATTEMPTS.
//
// Everything is written to a sibling temporary folder, and renamed to the output folder only once complete
// and fsynced: an interrupted backup never looks like a backup.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupError } from './errors.ts';
import { openPgBackend, type PgBackendHooks } from './pg-backend.ts';
import { openSqliteBackend } from './sqlite-backend.ts';
import { copyHashed, hasCode, hashFile, isNotFound, syncDirectory, type OnBytes } from './file-copy.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BLOBS_FOLDER, databaseEntry, MANIFEST_FILE, SECRET_FILE, serializeManifest, type BackupManifest, type BlobEntry } from './manifest.ts';
import type { DatabaseBackend } from './database-backend.ts';

const MAX_ATTEMPTS = 5;

/**
 * What to back up: a DATA_DIR (SQLite), or a PostgreSQL database and the blob folder its servers share
 * (holding <id> and tmp/<id>). With PostgreSQL the server secret is SERVER_SECRET, never in the backup.
 */
export type BackupSource = { dataDir: string } | ({ databaseUrl: string; blobsDir: string } & PgBackendHooks);

export type BackupOptions = BackupSource & {
  outDir: string;
  /** Bytes of blobs copied so far, out of the bytes this attempt must copy. */
  onProgress?: (done: number, total: number) => void;
  /** Test hook: runs after each database snapshot, before its blobs are copied. */
  testOnlyAfterSnapshot?: (attempt: number) => Promise<void>;
  now?: () => Date;
};

/** The live data a backup reads: the database, the blob folder, the secret file if the engine has one. */
interface Source {
  backend: DatabaseBackend;
  blobsDir: string;
  secretFile: string | null;
}

function openSource(source: BackupSource): Source {
  if ('databaseUrl' in source) return { backend: openPgBackend(source.databaseUrl, source), blobsDir: resolve(source.blobsDir), secretFile: null };
  return { backend: openSqliteBackend(source.dataDir), blobsDir: join(source.dataDir, BLOBS_FOLDER), secretFile: join(source.dataDir, SECRET_FILE) };
}

export interface BackupSummary {
  /** Blob files (one per document version). */
  files: number;
  blobBytes: number;
  attempts: number;
  /** False when the server takes its secret from SERVER_SECRET: the operator must keep that value. */
  secretIncluded: boolean;
}

export async function createBackup(options: BackupOptions): Promise<BackupSummary> {
  const outDir = resolve(options.outDir);
  await requireEmptyOrAbsent(outDir);
  const staging = join(dirname(outDir), `.${basename(outDir)}.partial-${randomBytes(6).toString('hex')}`);
  await mkdir(join(staging, BLOBS_FOLDER), { recursive: true, mode: 0o700 });
  const source = openSource(options);
  try {
    const manifest = await writeContents(source, options, staging);
    await writeFile(join(staging, MANIFEST_FILE), serializeManifest(manifest.manifest), { mode: 0o600, flush: true });
    await syncDirectory(join(staging, BLOBS_FOLDER));
    await syncDirectory(staging);
    await rename(staging, outDir);
    await syncDirectory(dirname(outDir));
    return manifest.summary;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    source.backend.close();
  }
}

async function writeContents({ backend, blobsDir, secretFile }: Source, options: BackupOptions, staging: string): Promise<{ manifest: BackupManifest; summary: BackupSummary }> {
  const copied = new Map<string, BlobEntry>();
  let lost = new Set<string>();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const { blobIds } = await backend.snapshot(join(staging, backend.fileName));
    await options.testOnlyAfterSnapshot?.(attempt);
    const missing = await copyBlobs(blobsDir, options, staging, blobIds, copied);
    if (missing.some((id) => lost.has(id))) throw new BackupError('SOURCE_INCOMPLETE');
    if (missing.length === 0) {
      await dropUnnamed(staging, copied, new Set(blobIds));
      const blobs = blobIds.map((id) => copied.get(id)!);
      const secret = secretFile === null ? null : await copySecret(secretFile, staging);
      const database = await hashFile(join(staging, backend.fileName));
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        createdAt: (options.now?.() ?? new Date()).toISOString(),
        database: databaseEntry(backend.engine, database),
        serverSecret: secret,
        blobs,
      };
      const blobBytes = blobs.reduce((sum, blob) => sum + blob.size, 0);
      return { manifest, summary: { files: blobs.length, blobBytes, attempts: attempt, secretIncluded: secret !== null } };
    }
    lost = new Set(missing);
  }
  throw new BackupError('SOURCE_INCOMPLETE');
}

/** Copies the named blobs not copied yet; returns the ids found neither published nor temporary. */
async function copyBlobs(blobsDir: string, options: BackupOptions, staging: string, blobIds: readonly string[], copied: Map<string, BlobEntry>): Promise<string[]> {
  const wanted = blobIds.filter((id) => !copied.has(id));
  const sizes = new Map<string, number>();
  for (const id of wanted) sizes.set(id, await sourceSize(blobsDir, id));
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  let done = 0;
  const onBytes: OnBytes = (bytes) => {
    done += bytes;
    options.onProgress?.(done, total);
  };
  const missing: string[] = [];
  for (const id of wanted) {
    const entry = await copyBlob(blobsDir, id, join(staging, BLOBS_FOLDER, id), onBytes);
    if (entry === null) missing.push(id);
    else copied.set(id, { id, ...entry });
  }
  return missing;
}

/** Published first, then temporary, then published again: a rename between the two looks is not a loss. */
async function copyBlob(blobsDir: string, id: string, destination: string, onBytes: OnBytes): Promise<Omit<BlobEntry, 'id'> | null> {
  for (const source of blobPaths(blobsDir, id)) {
    try {
      return await copyHashed(source, destination, onBytes);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return null;
}

async function sourceSize(blobsDir: string, id: string): Promise<number> {
  for (const source of blobPaths(blobsDir, id)) {
    try {
      return (await stat(source)).size;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return 0;
}

function blobPaths(blobsDir: string, id: string): string[] {
  const published = join(blobsDir, id);
  return [published, join(blobsDir, 'tmp', id), published];
}

/** Removes blobs copied by an earlier attempt that the final snapshot no longer names (deleted since). */
async function dropUnnamed(staging: string, copied: Map<string, BlobEntry>, named: Set<string>): Promise<void> {
  for (const id of [...copied.keys()]) {
    if (named.has(id)) continue;
    await rm(join(staging, BLOBS_FOLDER, id), { force: true });
    copied.delete(id);
  }
}

/** The server secret keys fake salts and throttle keys: a restore without it would change them. */
async function copySecret(secretFile: string, staging: string): Promise<BackupManifest['serverSecret']> {
  try {
    return await copyHashed(secretFile, join(staging, SECRET_FILE));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function requireEmptyOrAbsent(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length > 0) throw new BackupError('OUTPUT_NOT_EMPTY');
  } catch (error) {
    if (hasCode(error, 'ENOTDIR')) throw new BackupError('OUTPUT_NOT_EMPTY');
    if (!isNotFound(error)) throw error;
  }
}
