// `vault-server restore`: installs a backup as a DATA_DIR (SQLite), or into a PostgreSQL database and a
// blob folder, all or nothing.
//   1. refuse a non-empty target (folder, or database) unless forced (TARGET_NOT_EMPTY);
//   2. read the manifest, refuse a backup of the other engine (ENGINE_MISMATCH), and check that blobs/
//      holds exactly the listed files;
//   3. copy every file into a sibling temporary folder, hashing as it goes, and compare size and SHA-256
//      with the manifest (INTEGRITY): what is checked is what was copied, so a file changing between a
//      check and a copy cannot slip through; then check the database copy (read whole: SQLite
//      integrity_check, or pg_restore to a script) and that every blob it names is in the backup
//      (DATABASE_INVALID);
//   4. only then install. SQLite: rename the temporary folder into place (a forced restore first moves the
//      old folder aside, and removes it after). PostgreSQL: pg_restore in one transaction (a forced
//      restore drops the dump's objects in it first), then rename the blob folder into place the same
//      way. Any failure before that removes the temporary folder: the target is untouched. A failure of
//      the final rename after a PostgreSQL load (same filesystem, so only a crash or a permission change)
//      leaves the database restored and the old blob folder in place: run the restore again with --force.
// The server's normal start-up sweep (storage/recovery.ts) runs on its next start.
// Run it with the server stopped: it replaces what a running server holds open.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupError } from './errors.ts';
import { copyHashed, hasCode, isNotFound, syncDirectory, type OnBytes } from './file-copy.ts';
import { BLOBS_FOLDER, DATABASE_FILES, readManifest, SECRET_FILE, type BackupManifest, type DatabaseEngine, type FileEntry } from './manifest.ts';
import { checkPgDump } from './pg-backend.ts';
import { isDatabaseOccupied, restorePgDump } from './pg-restore.ts';
import { checkSqliteCopy } from './sqlite-backend.ts';

/** Where to restore: a DATA_DIR (SQLite), or a PostgreSQL database and the blob folder of its servers. */
export type RestoreTarget = { dataDir: string } | { databaseUrl: string; blobsDir: string };

export type RestoreOptions = RestoreTarget & {
  fromDir: string;
  force?: boolean;
  /** Bytes copied so far, out of the backup's total. */
  onProgress?: (done: number, total: number) => void;
};

export interface RestoreSummary {
  /** Blob files (one per document version). */
  files: number;
  bytes: number;
  replacedExisting: boolean;
}

/** How one engine's target is checked and installed; the staging folder has a backup's layout. */
interface Target {
  engine: DatabaseEngine;
  /** The folder renamed into place: DATA_DIR itself, or the PostgreSQL blob folder. */
  folder: string;
  databaseOccupied: () => Promise<boolean>;
  check: (copy: string) => Promise<string[]>;
  /** Installs the checked staging folder; `replace` when the database or the folder held something. */
  install: (staging: string, folderState: TargetState, replace: boolean, tag: string) => Promise<void>;
}

function targetOf(options: RestoreTarget): Target {
  if ('databaseUrl' in options) {
    const folder = resolve(options.blobsDir);
    return {
      engine: 'postgresql', folder,
      databaseOccupied: () => isDatabaseOccupied(options.databaseUrl),
      check: checkPgDump,
      install: async (staging, folderState, replace, tag) => {
        await restorePgDump(options.databaseUrl, join(staging, DATABASE_FILES.postgresql), replace);
        await install(join(staging, BLOBS_FOLDER), folder, folderState, tag);
        await rm(staging, { recursive: true, force: true });
      },
    };
  }
  const folder = resolve(options.dataDir);
  return {
    engine: 'sqlite', folder,
    databaseOccupied: () => Promise.resolve(false),
    check: (copy) => Promise.resolve().then(() => checkSqliteCopy(copy)),
    install: (staging, folderState, _replace, tag) => install(staging, folder, folderState, tag),
  };
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const fromDir = resolve(options.fromDir);
  const target = targetOf(options);
  const existing = await targetState(target.folder);
  const occupied = existing === 'non-empty' || await target.databaseOccupied();
  if (occupied && options.force !== true) throw new BackupError('TARGET_NOT_EMPTY');
  const manifest = await readManifest(fromDir);
  if (manifest.database.engine !== target.engine) throw new BackupError('ENGINE_MISMATCH');
  await requireExactBlobs(fromDir, manifest);
  const tag = randomBytes(6).toString('hex');
  const staging = join(dirname(target.folder), `.${basename(target.folder)}.restore-${tag}`);
  let bytes: number;
  try {
    bytes = await stage(fromDir, staging, manifest, target, options.onProgress);
    await target.install(staging, existing, occupied, tag);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { files: manifest.blobs.length, bytes, replacedExisting: occupied };
}

type TargetState = 'absent' | 'empty' | 'non-empty';

async function targetState(target: string): Promise<TargetState> {
  try {
    return (await readdir(target)).length === 0 ? 'empty' : 'non-empty';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    if (hasCode(error, 'ENOTDIR')) return 'non-empty';
    throw error;
  }
}

/** A blob file that the manifest does not list, or a listed one that is absent: INTEGRITY. */
async function requireExactBlobs(fromDir: string, manifest: BackupManifest): Promise<void> {
  let names: string[];
  try {
    names = await readdir(join(fromDir, BLOBS_FOLDER));
  } catch {
    throw new BackupError('INTEGRITY');
  }
  const listed = new Set(manifest.blobs.map((blob) => blob.id));
  if (names.length !== listed.size || names.some((name) => !listed.has(name))) throw new BackupError('INTEGRITY');
}

async function stage(fromDir: string, staging: string, manifest: BackupManifest, target: Target, onProgress: RestoreOptions['onProgress']): Promise<number> {
  await mkdir(join(staging, BLOBS_FOLDER, 'tmp'), { recursive: true, mode: 0o700 });
  const total = manifest.database.size + (manifest.serverSecret?.size ?? 0) + manifest.blobs.reduce((sum, blob) => sum + blob.size, 0);
  let done = 0;
  const onBytes: OnBytes = (count) => {
    done += count;
    onProgress?.(done, total);
  };
  const copy = async (name: string, expected: FileEntry) => {
    let actual: FileEntry;
    try {
      actual = await copyHashed(join(fromDir, name), join(staging, name), onBytes);
    } catch (error) {
      if (isNotFound(error)) throw new BackupError('INTEGRITY');
      throw error;
    }
    if (actual.size !== expected.size || actual.sha256 !== expected.sha256) throw new BackupError('INTEGRITY');
  };
  await copy(manifest.database.file, manifest.database);
  if (manifest.serverSecret !== null) await copy(SECRET_FILE, manifest.serverSecret);
  for (const blob of manifest.blobs) await copy(join(BLOBS_FOLDER, blob.id), blob);
  const listed = new Set(manifest.blobs.map((blob) => blob.id));
  if ((await target.check(join(staging, manifest.database.file))).some((id) => !listed.has(id))) throw new BackupError('DATABASE_INVALID');
  await syncDirectory(join(staging, BLOBS_FOLDER, 'tmp'));
  await syncDirectory(join(staging, BLOBS_FOLDER));
  await syncDirectory(staging);
  return total;
}

/** rename(2) replaces an empty directory; a non-empty one is moved aside first, then removed. */
async function install(staging: string, target: string, existing: TargetState, tag: string): Promise<void> {
  if (existing === 'non-empty') {
    const aside = join(dirname(target), `.${basename(target)}.replaced-${tag}`);
    await rename(target, aside);
    await rename(staging, target);
    await syncDirectory(dirname(target));
    await rm(aside, { recursive: true, force: true });
  } else {
    await rename(staging, target);
    await syncDirectory(dirname(target));
  }
}
