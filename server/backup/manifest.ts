// manifest.json at the root of a backup: what the backup holds, so restore can check every byte before it
// installs anything. It guards against corruption and truncation (a flipped bit, a lost file, a partial
// copy), not against someone who rewrites both a file and its manifest line: it carries no signature.
//
// Layout of a backup folder (format 1):
//   manifest.json        this file
//   vault.sqlite3        the database snapshot, engine "sqlite" (SQLite online backup), or
//   database.pgdump      the database snapshot, engine "postgresql" (pg_dump --format=custom)
//   server-secret        DATA_DIR/server-secret, when the server keeps its secret there (never with PostgreSQL)
//   blobs/<id>           every payload the snapshot's rows name, as published blobs
// The "postgresql" engine was added without a new format version: a format-1 SQLite backup reads exactly as
// before, and a reader that predates PostgreSQL refuses such a manifest (MANIFEST_INVALID) rather than
// misread it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BLOB_ID_PATTERN } from '../storage/blob-store.ts';
import { BackupError } from './errors.ts';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'coffre-sante-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const SECRET_FILE = 'server-secret';
export const BLOBS_FOLDER = 'blobs';
/** The database snapshot's file name in a backup, per engine. */
export const DATABASE_FILES = { sqlite: 'vault.sqlite3', postgresql: 'database.pgdump' } as const;
export type DatabaseEngine = keyof typeof DATABASE_FILES;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const fileEntry = z.strictObject({ size: z.number().int().nonnegative(), sha256: sha256Hex });

const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.iso.datetime(),
  database: z.discriminatedUnion('engine', [
    fileEntry.extend({ engine: z.literal('sqlite'), file: z.literal(DATABASE_FILES.sqlite) }),
    fileEntry.extend({ engine: z.literal('postgresql'), file: z.literal(DATABASE_FILES.postgresql) }),
  ]),
  serverSecret: fileEntry.nullable(),
  blobs: z.array(fileEntry.extend({ id: z.string().regex(BLOB_ID_PATTERN) })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type FileEntry = z.infer<typeof fileEntry>;
export type BlobEntry = BackupManifest['blobs'][number];

export function serializeManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`;
}

/** Reads and checks manifest.json; MANIFEST_INVALID, or FORMAT_UNSUPPORTED for another format version. */
export async function readManifest(backupDir: string): Promise<BackupManifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(backupDir, MANIFEST_FILE), 'utf8'));
  } catch {
    throw new BackupError('MANIFEST_INVALID');
  }
  const header = z.object({ format: z.string(), formatVersion: z.number() }).safeParse(parsed);
  if (header.success && (header.data.format !== BACKUP_FORMAT || header.data.formatVersion !== BACKUP_FORMAT_VERSION)) {
    throw new BackupError('FORMAT_UNSUPPORTED');
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) throw new BackupError('MANIFEST_INVALID');
  const ids = new Set(result.data.blobs.map((blob) => blob.id));
  if (ids.size !== result.data.blobs.length) throw new BackupError('MANIFEST_INVALID');
  return result.data;
}

/** The manifest's database line for a snapshot file of `engine`. */
export function databaseEntry(engine: DatabaseEngine, file: FileEntry): BackupManifest['database'] {
  return engine === 'sqlite' ? { engine, file: DATABASE_FILES.sqlite, ...file } : { engine, file: DATABASE_FILES.postgresql, ...file };
}
