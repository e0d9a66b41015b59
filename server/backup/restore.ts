// `vault-server restore`: installs a backup as a DATA_DIR, all or nothing.
//   1. refuse a non-empty target unless forced (TARGET_NOT_EMPTY);
//   2. read the manifest and check that blobs/ holds exactly the listed files;
//   3. copy every file into a sibling temporary folder, hashing as it goes, and compare size and SHA-256
//      with the manifest (INTEGRITY): what is checked is what was copied, so a file changing between a
//      check and a copy cannot slip through; then check the database copy and that every blob it names
//      is in the backup (DATABASE_INVALID);
//   4. only then rename the temporary folder into place (a forced restore first moves the old folder
//      aside, and removes it after). Any failure before that removes the temporary folder: the target is
//      untouched. The server's normal start-up sweep (storage/recovery.ts) runs on its next start.
// Run it with the server stopped: it replaces the folder a running server holds open.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupError } from './errors.ts';
import { copyHashed, hasCode, isNotFound, syncDirectory, type OnBytes } from './file-copy.ts';
import { BLOBS_FOLDER, readManifest, SECRET_FILE, type BackupManifest, type FileEntry } from './manifest.ts';
import { openSqliteBackend } from './sqlite-backend.ts';

export interface RestoreOptions {
  fromDir: string;
  dataDir: string;
  force?: boolean;
  /** Bytes copied so far, out of the backup's total. */
  onProgress?: (done: number, total: number) => void;
}

export interface RestoreSummary {
  /** Blob files (one per document version). */
  files: number;
  bytes: number;
  replacedExisting: boolean;
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const fromDir = resolve(options.fromDir);
  const target = resolve(options.dataDir);
  const existing = await targetState(target);
  if (existing === 'non-empty' && options.force !== true) throw new BackupError('TARGET_NOT_EMPTY');
  const manifest = await readManifest(fromDir);
  await requireExactBlobs(fromDir, manifest);
  const tag = randomBytes(6).toString('hex');
  const staging = join(dirname(target), `.${basename(target)}.restore-${tag}`);
  let bytes: number;
  try {
    bytes = await stage(fromDir, staging, manifest, options.onProgress);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await install(staging, target, existing, tag);
  return { files: manifest.blobs.length, bytes, replacedExisting: existing === 'non-empty' };
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

async function stage(fromDir: string, staging: string, manifest: BackupManifest, onProgress: RestoreOptions['onProgress']): Promise<number> {
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
  // The engine comes from manifest.database.engine; "sqlite" is the only one format 1 allows.
  const backend = openSqliteBackend(staging);
  const listed = new Set(manifest.blobs.map((blob) => blob.id));
  if (backend.check(join(staging, manifest.database.file)).some((id) => !listed.has(id))) throw new BackupError('DATABASE_INVALID');
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
