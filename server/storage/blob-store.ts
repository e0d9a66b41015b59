// Where encrypted payloads live. One small interface, so an S3-compatible store can follow the
// filesystem one. Contract: bytes are streamed in and out (never a whole blob in memory); a blob is
// written to a temporary name, sealed (flushed to disk), and only becomes readable under its id when
// publish() is called after the rows that name it are committed. Ids are opaque, chosen by the caller.
import { randomBytes } from 'node:crypto';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** Why a temporary write was refused; the temporary blob is left as it was before the write. */
export type BlobWriteFailure = 'too-long' | 'too-short';

export class BlobWriteError extends Error {
  override readonly name = 'BlobWriteError';
  constructor(readonly reason: BlobWriteFailure) {
    super(reason);
  }
}

export interface BlobStore {
  /** Creates an empty temporary blob. */
  createTemp(id: string): Promise<void>;
  /**
   * Appends exactly `length` bytes from `source` at `offset` of the temporary blob. More or fewer bytes
   * (a source that errors counts as fewer) throw BlobWriteError and leave the blob at `offset` bytes. A
   * full or failing disk throws its own error (storage-fault.ts), the blob cut back to `offset` if the disk
   * allows; bytes left past it are overwritten by the next write at `offset`.
   */
  writeTemp(id: string, offset: number, length: number, source: ReadableStream<Uint8Array>): Promise<void>;
  /** Size of the temporary blob, or null if there is none. */
  tempSize(id: string): Promise<number | null>;
  /** Flushes the temporary blob to stable storage. */
  sealTemp(id: string): Promise<void>;
  /** Moves the sealed temporary blob to its readable name. Idempotent: a no-op once published. */
  publish(id: string): Promise<void>;
  /** The bytes of a published blob (or a range of them), or null if it does not exist. */
  read(id: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes the blob, published or temporary; no error if absent. */
  delete(id: string): Promise<void>;
  /** Ids of every temporary blob (for the start-up sweep). */
  listTemp(): Promise<string[]>;
}

/** 128 random bits in hex: safe as a file name on any filesystem. */
export function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

export const BLOB_ID_PATTERN = /^[0-9a-f]{32}$/;
