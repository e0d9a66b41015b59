// A full disk or storage that refuses writes, during an upload: the answer is a clear 507
// INSUFFICIENT_STORAGE or 503 STORAGE_UNAVAILABLE (never a 400 blaming the client, never a 500), nothing is
// committed half, and the upload resumes at `received` once the fault is gone. Faults are injected by a
// BlobStore wrapper (the tests run as root, for whom chmod 0500 changes nothing) and, for a real kernel
// ENOSPC through the real FsBlobStore, by pointing the temporary blob at /dev/full.
import { randomBytes } from 'node:crypto';
import { statSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { BlobStore, ByteRange } from '../../server/storage/blob-store.ts';
import { storageFaultOf } from '../../server/storage/storage-fault.ts';
import { API_ERROR_STATUS } from '../../shared/errors.ts';
import {
  beginUpload, call, commitBody, currentSequence, errorCode, newAccount, putChunk, randomB64, snapshotState, startServer,
  type TestAccount, type TestServer,
} from '../integration/harness.ts';

type Step = 'createTemp' | 'writeTemp' | 'sealTemp';

/** An fs-style error, as node:fs raises it. */
function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/**
 * The real store, except that while `fault` is set the chosen step fails with that errno. A failing write
 * first stores part of the chunk (a disk fills up mid-write), then fails inside the real store, which must
 * cut the temporary blob back to where the chunk started.
 */
class FaultyDisk implements BlobStore {
  fault: { step: Step; code: string } | null = null;
  constructor(private readonly inner: BlobStore) {}
  createTemp(id: string) { return this.failing('createTemp') ?? this.inner.createTemp(id); }
  writeTemp(id: string, offset: number, length: number, source: ReadableStream<Uint8Array>) {
    const fault = this.fault;
    if (fault?.step !== 'writeTemp') return this.inner.writeTemp(id, offset, length, source);
    return this.inner.writeTemp(id, offset, length, source.pipeThrough(failAfter(Math.floor(length / 2), fault.code)));
  }
  tempSize(id: string) { return this.inner.tempSize(id); }
  sealTemp(id: string) { return this.failing('sealTemp') ?? this.inner.sealTemp(id); }
  publish(id: string) { return this.inner.publish(id); }
  read(id: string, range?: ByteRange) { return this.inner.read(id, range); }
  delete(id: string) { return this.inner.delete(id); }
  listTemp() { return this.inner.listTemp(); }
  private failing(step: Step): Promise<never> | null {
    return this.fault?.step === step ? Promise.reject(errnoError(this.fault.code)) : null;
  }
}

/** Passes `limit` bytes, then errors with `code` (the bytes before it reach the file). */
function failAfter(limit: number, code: string): TransformStream<Uint8Array, Uint8Array> {
  let passed = 0;
  return new TransformStream({
    transform: (chunk, controller) => {
      const take = Math.min(chunk.length, limit - passed);
      if (take > 0) controller.enqueue(chunk.subarray(0, take));
      passed += take;
      if (passed >= limit) controller.error(errnoError(code));
    },
  });
}

const CHUNK = 4096;
const SIZE = 3 * CHUNK;
let server: TestServer;
let disk: FaultyDisk;
let alice: TestAccount;
const reported: unknown[] = [];

beforeEach(async () => {
  const plain = await startServer();
  disk = new FaultyDisk(plain.state.blobs);
  // The same storage and clock, served by an app whose blob store is the faulty one.
  const app = createApp({
    storage: plain.state.storage, blobs: disk, serverSecret: plain.state.serverSecret, clock: () => plain.clock.now,
    clientAddress: () => '192.0.2.1', reportError: (error) => { reported.push(error); },
  });
  server = { ...plain, app };
  alice = await newAccount(server, 'alice@example.test');
  reported.length = 0;
});
afterEach(() => server.close());

const uploadPath = (uploadId: string) => `/api/vaults/${alice.vaultId}/uploads/${uploadId}`;

async function uploadRow(uploadId: string) {
  const response = await call(server, 'GET', uploadPath(uploadId), { token: alice.token });
  expect(response.status).toBe(200);
  return (await response.json()) as { received: number; size: number };
}

/** Where the upload's temporary blob is, from its stored row. */
async function tempBlobPath(uploadId: string): Promise<string> {
  const { read, tables: { uploads } } = server.state.storage;
  const [row] = await read.select({ blobId: uploads.blobId }).from(uploads).where(eq(uploads.id, uploadId));
  if (row === undefined) throw new Error('no upload row');
  return join(server.dataDir, 'blobs', 'tmp', row.blobId);
}

async function tempBlobSize(uploadId: string): Promise<number> {
  return statSync(await tempBlobPath(uploadId)).size;
}

async function commit(uploadId: string, documentId: string): Promise<Response> {
  const sequence = (await currentSequence(server, alice)) + 1;
  return call(server, 'POST', `${uploadPath(uploadId)}/commit`, { token: alice.token, json: commitBody(documentId, 1, sequence) });
}

async function payloadOf(documentId: string): Promise<Uint8Array> {
  const response = await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe('the fault codes', () => {
  it('maps disk-full codes to INSUFFICIENT_STORAGE 507 and refused-write codes to STORAGE_UNAVAILABLE 503', () => {
    expect(API_ERROR_STATUS.INSUFFICIENT_STORAGE).toBe(507);
    expect(API_ERROR_STATUS.STORAGE_UNAVAILABLE).toBe(503);
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL']) expect(storageFaultOf(errnoError(code)), code).toBe('full');
    for (const code of ['EACCES', 'EROFS', 'EIO', 'SQLITE_READONLY', 'SQLITE_IOERR_FSYNC']) expect(storageFaultOf(errnoError(code)), code).toBe('unavailable');
    for (const code of ['ENOENT', 'ECONNRESET', 'SQLITE_CONSTRAINT']) expect(storageFaultOf(errnoError(code)), code).toBeNull();
    expect(storageFaultOf(new Error('wrapped', { cause: errnoError('ENOSPC') }))).toBe('full');
    expect(storageFaultOf('ENOSPC')).toBeNull();
  });
});

describe('a storage fault while a chunk is written', () => {
  it.each([
    ['ENOSPC', 'INSUFFICIENT_STORAGE'], ['EDQUOT', 'INSUFFICIENT_STORAGE'],
    ['EACCES', 'STORAGE_UNAVAILABLE'], ['EROFS', 'STORAGE_UNAVAILABLE'], ['EIO', 'STORAGE_UNAVAILABLE'],
  ])('%s answers %s, keeps the offset and the stored bytes, and the upload resumes once it is gone', async (errno, code) => {
    const payload = new Uint8Array(randomBytes(SIZE));
    const uploadId = await beginUpload(server, alice, SIZE);
    expect((await putChunk(server, alice, uploadId, payload, 0, CHUNK - 1)).status).toBe(200);
    const before = await snapshotState(server);

    disk.fault = { step: 'writeTemp', code: errno };
    const failed = await putChunk(server, alice, uploadId, payload, CHUNK, 2 * CHUNK - 1);
    expect([failed.status, await errorCode(failed)]).toEqual([API_ERROR_STATUS[code as 'INSUFFICIENT_STORAGE'], code]);
    expect(await snapshotState(server)).toBe(before);
    expect((await uploadRow(uploadId)).received).toBe(CHUNK);
    expect(await tempBlobSize(uploadId)).toBe(CHUNK);
    expect(reported).toHaveLength(1);

    disk.fault = null;
    expect((await putChunk(server, alice, uploadId, payload, CHUNK, 2 * CHUNK - 1)).status).toBe(200);
    expect((await putChunk(server, alice, uploadId, payload, 2 * CHUNK, SIZE - 1)).status).toBe(200);
    const documentId = randomB64(16);
    expect((await commit(uploadId, documentId)).status).toBe(201);
    expect(await payloadOf(documentId)).toEqual(payload);
  });

  it('a real ENOSPC from the kernel (the temporary blob on /dev/full) through the real store: 507, and nothing else changes', async () => {
    const payload = new Uint8Array(randomBytes(SIZE));
    const uploadId = await beginUpload(server, alice, SIZE);
    const tempPath = await tempBlobPath(uploadId);
    unlinkSync(tempPath);
    symlinkSync('/dev/full', tempPath);
    const before = await snapshotState(server);
    const failed = await putChunk(server, alice, uploadId, payload, 0, CHUNK - 1);
    expect([failed.status, await errorCode(failed)]).toEqual([507, 'INSUFFICIENT_STORAGE']);
    expect(await snapshotState(server)).toBe(before);
    expect((await uploadRow(uploadId)).received).toBe(0);
  });
});

describe('a storage fault at the other steps of an upload', () => {
  it.each([
    ['a full disk', 'ENOSPC', 507, 'INSUFFICIENT_STORAGE'],
    ['an unwritable blob folder', 'EACCES', 503, 'STORAGE_UNAVAILABLE'],
  ])('creating the temporary blob on %s: %s gives %i, and no upload row or file is left', async (_case, errno, status, code) => {
    const before = await snapshotState(server);
    disk.fault = { step: 'createTemp', code: errno };
    const failed = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads`, { token: alice.token, json: { size: SIZE } });
    expect([failed.status, await errorCode(failed)]).toEqual([status, code]);
    expect(await snapshotState(server)).toBe(before);
  });

  it('an I/O error while sealing the blob at commit: 503, nothing committed, and the same commit succeeds later', async () => {
    const payload = new Uint8Array(randomBytes(SIZE));
    const uploadId = await beginUpload(server, alice, SIZE);
    expect((await putChunk(server, alice, uploadId, payload, 0, SIZE - 1)).status).toBe(200);
    const before = await snapshotState(server);
    disk.fault = { step: 'sealTemp', code: 'EIO' };
    const documentId = randomB64(16);
    const failed = await commit(uploadId, documentId);
    expect([failed.status, await errorCode(failed)]).toEqual([503, 'STORAGE_UNAVAILABLE']);
    expect(await snapshotState(server)).toBe(before);
    expect(await currentSequence(server, alice)).toBe(0);

    disk.fault = null;
    expect((await commit(uploadId, documentId)).status).toBe(201);
    expect(await payloadOf(documentId)).toEqual(payload);
  });
});
