// What DATA_DIR must look like, read straight from the files (the database opened read-only, the blob
// folders listed), with no server code in between. The synchronous functions read DATA_DIR/vault.sqlite3;
// their async "stored" twins (auditStoredAfterCrash, auditStoredAfterSweep, storedUnpublishedCommits,
// storedCounts) read PostgreSQL instead when given its URL (there, PostgreSQL answers for its own pages:
// no integrity_check).
//   - always, even right after a SIGKILL: PRAGMA integrity_check is "ok", every committed version's blob
//     exists, published or still temporary (the start-up sweep rolls the latter forward), and every live
//     upload has its temporary blob (so it can resume);
//   - once a server has started on it (the sweep has run) and is idle: blobs/tmp holds exactly the
//     temporaries of live uploads, and blobs/ exactly the blobs of committed versions, plus any queued for
//     deletion.
import Database from 'better-sqlite3';
import pg from 'pg';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const BLOB_NAME = /^[0-9a-f]{32}$/;

interface DiskState {
  integrity: string;
  versionBlobs: Set<string>;
  uploadBlobs: Set<string>;
  pendingBlobs: Set<string>;
  published: Set<string>;
  temporary: Set<string>;
  /** Files in the blob folders that are not blobs at all (a stray partial file would show here). */
  strays: string[];
}

interface RowState {
  integrity: string;
  versionBlobs: Set<string>;
  uploadBlobs: Set<string>;
  pendingBlobs: Set<string>;
}

function readSqliteRows(dataDir: string): RowState {
  const db = new Database(join(dataDir, 'vault.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    const column = (sql: string) => new Set((db.prepare(sql).pluck().all() as string[]));
    return {
      integrity: (db.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('; '),
      versionBlobs: column('SELECT blob_id FROM document_versions'),
      uploadBlobs: column('SELECT blob_id FROM uploads'),
      pendingBlobs: column('SELECT blob_id FROM pending_blob_deletions'),
    };
  } finally {
    db.close();
  }
}

async function readPgRows(databaseUrl: string): Promise<RowState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const column = async (sql: string) => new Set((await client.query<{ blob_id: string }>(sql)).rows.map((row) => row.blob_id));
    return {
      integrity: 'ok',
      versionBlobs: await column('SELECT blob_id FROM document_versions'),
      uploadBlobs: await column('SELECT blob_id FROM uploads'),
      pendingBlobs: await column('SELECT blob_id FROM pending_blob_deletions'),
    };
  } finally {
    await client.end();
  }
}

function withBlobFolders(dataDir: string, rows: RowState): DiskState {
  const blobs = join(dataDir, 'blobs');
  const finalNames = readdirSync(blobs).filter((name) => name !== 'tmp');
  const tempNames = readdirSync(join(blobs, 'tmp'));
  return {
    ...rows,
    published: new Set(finalNames.filter((name) => BLOB_NAME.test(name))),
    temporary: new Set(tempNames.filter((name) => BLOB_NAME.test(name))),
    strays: [...finalNames, ...tempNames.map((name) => `tmp/${name}`)].filter((name) => !BLOB_NAME.test(name.replace(/^tmp\//, ''))),
  };
}

function readDisk(dataDir: string): DiskState {
  return withBlobFolders(dataDir, readSqliteRows(dataDir));
}

/** Where a server kept its state: DATA_DIR, and PostgreSQL's URL when the rows are there. */
export interface StoredState {
  dataDir: string;
  databaseUrl?: string;
}

async function readStored(stored: StoredState): Promise<DiskState> {
  return stored.databaseUrl === undefined ? readDisk(stored.dataDir) : withBlobFolders(stored.dataDir, await readPgRows(stored.databaseUrl));
}

const without = (items: Set<string>, others: Set<string>) => [...items].filter((item) => !others.has(item)).sort();

/** Problems in a DATA_DIR just after a crash (before any sweep); empty when there are none. */
export function auditAfterCrash(dataDir: string): string[] {
  return crashProblems(readDisk(dataDir));
}

/** auditAfterCrash on either engine. */
export async function auditStoredAfterCrash(stored: StoredState): Promise<string[]> {
  return crashProblems(await readStored(stored));
}

function crashProblems(disk: DiskState): string[] {
  const problems: string[] = [];
  if (disk.integrity !== 'ok') problems.push(`integrity_check: ${disk.integrity}`);
  const present = new Set([...disk.published, ...disk.temporary]);
  for (const id of without(disk.versionBlobs, present)) problems.push(`committed blob lost: ${id}`);
  for (const id of without(disk.uploadBlobs, disk.temporary)) problems.push(`live upload without its temporary blob: ${id}`);
  if (disk.strays.length > 0) problems.push(`stray files: ${disk.strays.join(', ')}`);
  return problems;
}

/** Problems in a DATA_DIR after the start-up sweep, with no request running; empty when there are none. */
export function auditAfterSweep(dataDir: string): string[] {
  return sweepProblems(readDisk(dataDir));
}

/** auditAfterSweep on either engine. */
export async function auditStoredAfterSweep(stored: StoredState): Promise<string[]> {
  return sweepProblems(await readStored(stored));
}

function sweepProblems(disk: DiskState): string[] {
  const problems: string[] = [];
  if (disk.integrity !== 'ok') problems.push(`integrity_check: ${disk.integrity}`);
  for (const id of without(disk.temporary, disk.uploadBlobs)) problems.push(`orphan temporary blob: ${id}`);
  for (const id of without(disk.uploadBlobs, disk.temporary)) problems.push(`live upload without its temporary blob: ${id}`);
  for (const id of without(disk.versionBlobs, disk.published)) problems.push(`committed blob not published: ${id}`);
  const expected = new Set([...disk.versionBlobs, ...disk.pendingBlobs]);
  for (const id of without(disk.published, expected)) problems.push(`unreferenced published blob: ${id}`);
  if (disk.strays.length > 0) problems.push(`stray files: ${disk.strays.join(', ')}`);
  return problems;
}

/** Committed versions whose blob is still temporary: a kill between the commit and the publish. */
export function unpublishedCommits(dataDir: string): number {
  return unpublishedOf(readDisk(dataDir));
}

/** unpublishedCommits on either engine. */
export async function storedUnpublishedCommits(stored: StoredState): Promise<number> {
  return unpublishedOf(await readStored(stored));
}

function unpublishedOf(disk: DiskState): number {
  return [...disk.versionBlobs].filter((id) => disk.temporary.has(id) && !disk.published.has(id)).length;
}

/** Counts, for the test's report line. */
export function diskCounts(dataDir: string): DiskCounts {
  return countsOf(readDisk(dataDir));
}

/** diskCounts on either engine. */
export async function storedCounts(stored: StoredState): Promise<DiskCounts> {
  return countsOf(await readStored(stored));
}

export interface DiskCounts { versions: number; uploads: number; temporary: number; published: number }

function countsOf(disk: DiskState): DiskCounts {
  return { versions: disk.versionBlobs.size, uploads: disk.uploadBlobs.size, temporary: disk.temporary.size, published: disk.published.size };
}
