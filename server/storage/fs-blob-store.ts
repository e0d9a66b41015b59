// The filesystem BlobStore: DATA_DIR/blobs/tmp/<id> while uploading, DATA_DIR/blobs/<id> once published.
// Durability: sealTemp() fsyncs the file; publish() renames it (atomic on POSIX) and fsyncs the directory,
// so after a crash a blob is either wholly at its final name or still a temporary (swept or rolled
// forward at start-up by storage/recovery.ts).
import { createReadStream, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BLOB_ID_PATTERN, BlobWriteError, type BlobStore, type ByteRange } from './blob-store.ts';
import { storageFaultOf } from './storage-fault.ts';

export class FsBlobStore implements BlobStore {
  private readonly finalDir: string;
  private readonly tempDir: string;

  constructor(dataDir: string) {
    this.finalDir = join(dataDir, 'blobs');
    this.tempDir = join(this.finalDir, 'tmp');
    mkdirSync(this.tempDir, { recursive: true, mode: 0o700 });
  }

  async createTemp(id: string): Promise<void> {
    const handle = await open(this.tempPath(id), 'wx', 0o600);
    await handle.close();
  }

  async writeTemp(id: string, offset: number, length: number, source: ReadableStream<Uint8Array>): Promise<void> {
    const handle = await open(this.tempPath(id), 'r+');
    try {
      const written = await copyAt(source, handle, offset, length);
      if (written !== length) throw new BlobWriteError('too-short');
    } catch (error) {
      // A full or failing disk may refuse the truncate too: the next write starts at `offset` anyway.
      await handle.truncate(offset).catch(() => undefined);
      // A disk fault keeps its own error (onError answers 507 or 503); anything else is the body's fault.
      if (error instanceof BlobWriteError || storageFaultOf(error) !== null) throw error;
      throw new BlobWriteError('too-short');
    } finally {
      await handle.close();
    }
  }

  async tempSize(id: string): Promise<number | null> {
    try {
      return (await stat(this.tempPath(id))).size;
    } catch {
      return null;
    }
  }

  async sealTemp(id: string): Promise<void> {
    const handle = await open(this.tempPath(id), 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async publish(id: string): Promise<void> {
    try {
      renameSync(this.tempPath(id), this.finalPath(id));
    } catch (error) {
      if (!isNotFound(error) || !(await this.exists(this.finalPath(id)))) throw error;
      return;
    }
    await syncDirectory(this.finalDir);
  }

  async read(id: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null> {
    const path = this.finalPath(id);
    if (!(await this.exists(path))) return null;
    const stream = createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end });
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  }

  async delete(id: string): Promise<void> {
    await rm(this.finalPath(id), { force: true });
    await rm(this.tempPath(id), { force: true });
  }

  async listTemp(): Promise<string[]> {
    return (await readdir(this.tempDir)).filter((name) => BLOB_ID_PATTERN.test(name));
  }

  /** Published ids (tests and audits). */
  listPublished(): string[] {
    return readdirSync(this.finalDir).filter((name) => BLOB_ID_PATTERN.test(name));
  }

  private tempPath(id: string): string {
    return join(this.tempDir, checkId(id));
  }

  private finalPath(id: string): string {
    return join(this.finalDir, checkId(id));
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  }
}

/** Copies the stream to the file at offset; stops reading (and reports length + 1) past `length`. */
async function copyAt(source: ReadableStream<Uint8Array>, handle: FileHandle, offset: number, length: number): Promise<number> {
  const reader = source.getReader();
  let written = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return written;
      if (written + value.length > length) {
        await reader.cancel();
        throw new BlobWriteError('too-long');
      }
      await handle.write(value, 0, value.length, offset + written);
      written += value.length;
    }
  } finally {
    reader.releaseLock();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function checkId(id: string): string {
  if (!BLOB_ID_PATTERN.test(id)) throw new RangeError('bad blob id');
  return id;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
