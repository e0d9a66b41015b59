// Local files for the CLI: reading a file as a Web stream of plain Uint8Arrays, writing a Web stream to a
// file atomically (a temporary name, renamed only when the stream closed without error, removed otherwise:
// a failed integrity check leaves nothing behind), and the media type from the extension.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CliError, EXIT } from './errors.ts';

export function fileSize(path: string): number {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CliError('FILE_UNREADABLE', EXIT.USAGE);
    return stats.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('FILE_UNREADABLE', EXIT.USAGE);
  }
}

/** The file's bytes; Buffers are re-viewed as plain Uint8Arrays (Buffer's slice() shares memory). */
export function readFileStream(path: string): ReadableStream<Uint8Array> {
  const source = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  return source.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, controller) => { controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)); },
  }));
}

/** Writes `stream` to `path` (mode 0600) only if it ends without error; refuses to overwrite. */
export async function writeStreamAtomically(stream: ReadableStream<Uint8Array>, path: string): Promise<void> {
  if (exists(path)) throw new CliError('OUTPUT_EXISTS', EXIT.USAGE);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const sink = Writable.toWeb(createWriteStream(temporary, { mode: 0o600, flags: 'wx' })) as unknown as WritableStream<Uint8Array>;
  try {
    await stream.pipeTo(sink);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.heic': 'image/heic', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.txt': 'text/plain',
  '.json': 'application/json', '.xml': 'application/xml', '.dcm': 'application/dicom', '.zip': 'application/zip',
};

export function mediaTypeOf(path: string): string {
  return MEDIA_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A name safe to create in the current folder from a decrypted file name (no path parts). */
export function safeFileName(name: string, fallback: string): string {
  const base = basename(name.replaceAll('\\', '/')).replace(/^\.+/, '');
  return base === '' ? fallback : base;
}
