// Copies one file while hashing it (SHA-256), then fsyncs the copy: a backup or a restore either holds the
// whole durable file or fails. Reports bytes as they go, for progress on long copies.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileEntry } from './manifest.ts';

export type OnBytes = (bytes: number) => void;

/** Copies an open-able source to a new file (mode 0600). Throws ENOENT (as from fs) if the source is gone. */
export async function copyHashed(source: string, destination: string, onBytes: OnBytes = () => undefined): Promise<FileEntry> {
  // Opening first: once open, the copy completes even if the source is unlinked meanwhile (POSIX).
  const input = await open(source, 'r');
  const output = await open(destination, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of input.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      await output.write(chunk);
      size += chunk.length;
      onBytes(chunk.length);
    }
    await output.sync();
  } finally {
    await output.close();
    await input.close();
  }
  return { size, sha256: hash.digest('hex') };
}

export async function hashFile(path: string): Promise<FileEntry> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

export function isNotFound(error: unknown): boolean {
  return hasCode(error, 'ENOENT');
}
