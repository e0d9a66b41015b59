// The blob store as it is on disk (the blob folder, DATA_DIR/blobs for SQLite or --blobs for PostgreSQL, and
// its tmp/; layout of server/storage/fs-blob-store.ts) against the rows that name its files: every committed
// version's blob exists with the stored size; every file, named or not, is audited as a payload; files no
// row names are reported.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { DOCUMENT_HEADER_BYTES } from '../../crypto/document.ts';
import { isPadmeLength } from '../../crypto/padding.ts';
import { sealedStreamLength, SEALED_CHUNK_SIZE, TAG_SIZE } from '../../crypto/stream.ts';
import { auditBlobFile } from './blob-audit.ts';
import { rowWhere, type Findings } from './findings.ts';

export interface BlobStoreReport {
  published: number;
  temporary: number;
  /** SHA-256 of each published blob by id, for the manifest check. */
  hashes: Map<string, Uint8Array>;
}

interface VersionBlobRow { vault_id: string; document_id: string; version: number; blob_id: string; payload_size: number }
interface UploadRow { id: string; blob_id: string; size: number; received: number }

export function auditBlobStore(db: Database.Database, blobsDir: string, findings: Findings): BlobStoreReport {
  const finalDir = blobsDir;
  const tempDir = join(finalDir, 'tmp');
  const versions = db.prepare('SELECT vault_id, document_id, version, blob_id, payload_size FROM document_versions').all() as VersionBlobRow[];
  const pending = new Set(db.prepare('SELECT blob_id FROM pending_blob_deletions').pluck().all() as string[]);
  const hashes = new Map<string, Uint8Array>();
  const published = filesIn(finalDir).filter((name) => name !== 'tmp');
  for (const name of published) hashes.set(name, auditPublished(join(finalDir, name), findings));
  for (const row of versions) checkVersionBlob(row, finalDir, hashes, findings);
  const named = new Set(versions.map((row) => row.blob_id));
  for (const name of published) {
    if (named.has(name)) continue;
    if (pending.has(name)) findings.info('blob-pending-deletion', join(finalDir, name), 'a blob queued for deletion is still on disk');
    else findings.warn('orphan-blob', join(finalDir, name), 'a blob no document version names');
  }
  const temporary = existsSync(tempDir) ? auditTemporary(db, tempDir, findings) : 0;
  return { published: published.length, temporary, hashes };
}

function auditPublished(path: string, findings: Findings): Uint8Array {
  if (!statSync(path).isFile()) {
    findings.warn('blob-not-a-file', path, 'a non-file entry in the blob store');
    return new Uint8Array(0);
  }
  return auditBlobFile(path, findings).sha256;
}

function checkVersionBlob(row: VersionBlobRow, finalDir: string, hashes: Map<string, Uint8Array>, findings: Findings): void {
  const where = rowWhere('document_versions', 'blob_id', { vault_id: row.vault_id, document_id: row.document_id, version: row.version });
  if (!hashes.has(row.blob_id)) {
    findings.error('blob-missing', where, 'the payload of a committed version is not in the blob store');
    return;
  }
  const size = statSync(join(finalDir, row.blob_id)).size;
  if (size !== row.payload_size) findings.error('payload-size', where, `payload_size ${row.payload_size} but the blob holds ${size} bytes`);
  if (!isPayloadLength(row.payload_size)) findings.error('payload-size', where, `payload_size ${row.payload_size} is not 46 + the sealed length of a Padmé length`);
}

/** Uploads in progress: announced sizes must be payload sizes; every temporary file is audited. */
function auditTemporary(db: Database.Database, tempDir: string, findings: Findings): number {
  const uploads = db.prepare('SELECT id, blob_id, size, received FROM uploads').all() as UploadRow[];
  const names = filesIn(tempDir);
  for (const name of names) auditBlobFile(join(tempDir, name), findings, false);
  for (const row of uploads) {
    const where = rowWhere('uploads', 'size', { id: row.id });
    if (!isPayloadLength(row.size)) findings.error('upload-size', where, `announced size ${row.size} is not 46 + the sealed length of a Padmé length`);
    if (row.received > row.size) findings.error('upload-size', where, `received ${row.received} is more than the announced size`);
    if (!names.includes(row.blob_id)) findings.warn('upload-blob-missing', where, 'no temporary blob for this upload');
  }
  const named = new Set(uploads.map((row) => row.blob_id));
  for (const name of names) if (!named.has(name)) findings.warn('orphan-blob', join(tempDir, name), 'a temporary blob no upload names');
  return names.length;
}

/** True when size = 46 + sealedStreamLength(p) for a Padmé length p >= 8 (the only sizes a payload has). */
export function isPayloadLength(size: number): boolean {
  const sealed = size - DOCUMENT_HEADER_BYTES;
  if (!Number.isSafeInteger(sealed) || sealed < 8 + TAG_SIZE) return false;
  const chunks = Math.max(1, Math.ceil(sealed / SEALED_CHUNK_SIZE));
  const padded = sealed - chunks * TAG_SIZE;
  return padded >= 8 && isPadmeLength(padded) && sealedStreamLength(padded) === sealed;
}

function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
