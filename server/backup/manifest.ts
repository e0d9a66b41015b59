// manifest.json at the root of a backup: what the backup holds, so restore can check every byte before it
// installs anything. It guards against corruption and truncation (a flipped bit, a lost file, a partial
// copy), not against someone who rewrites both a file and its manifest line: it carries no signature.
//
// Layout of a backup folder (format 1):
//   manifest.json        this file
//   vault.sqlite3        the database snapshot (engine "sqlite"; a PostgreSQL dump would be another engine)
//   server-secret        DATA_DIR/server-secret, when the server keeps its secret there
//   blobs/<id>           every payload the snapshot's rows name, as published blobs
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

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const fileEntry = z.strictObject({ size: z.number().int().nonnegative(), sha256: sha256Hex });

const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.iso.datetime(),
  database: fileEntry.extend({ engine: z.literal('sqlite'), file: z.literal('vault.sqlite3') }),
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
