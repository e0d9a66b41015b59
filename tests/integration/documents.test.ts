// Documents through app.request: resumable upload, commit with the vault manifest, list, read, versions,
// payload download with Range, access history, delete. Bodies are checked against the shared schemas.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentVersionResponseSchema, listDocumentsResponseSchema, listVersionsResponseSchema, uploadStateSchema } from '../../shared/documents.ts';
import { historyResponseSchema } from '../../shared/history.ts';
import { vaultManifestResponseSchema } from '../../shared/vaults.ts';
import {
  beginUpload, call, commitBody, currentSequence, errorCode, newAccount, putChunk, randomB64, snapshotState, startServer, uploadDocument,
  type TestAccount, type TestServer,
} from './harness.ts';
import { countRows, rejectionMessages } from './stored-rows.ts';

let server: TestServer;
let alice: TestAccount;

beforeEach(async () => {
  server = await startServer();
  alice = await newAccount(server, 'alice@example.test');
});
afterEach(() => server.close());

function payloadOf(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

async function download(path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array; response: Response }> {
  const response = await call(server, 'GET', path, { token: alice.token, headers });
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), response };
}

describe('upload and commit', () => {
  it('uploads a payload in chunks, resumes from the reported offset, commits, and downloads the same bytes', async () => {
    const payload = payloadOf(300_000);
    const uploadId = await beginUpload(server, alice, payload.length);
    expect((await putChunk(server, alice, uploadId, payload, 0, 99_999)).status).toBe(200);
    const state = uploadStateSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/uploads/${uploadId}`, { token: alice.token })).json());
    expect(state).toMatchObject({ uploadId, size: 300_000, received: 100_000 });
    expect((await putChunk(server, alice, uploadId, payload, 100_000, 299_999)).status).toBe(200);
    const documentId = randomB64(16);
    const commit = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 1) });
    expect(commit.status).toBe(201);
    expect(await commit.json()).toEqual({ documentId, version: 1 });
    const fetched = await download(`/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`);
    expect(fetched.status).toBe(200);
    expect(fetched.response.headers.get('content-length')).toBe('300000');
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(payload))).toBe(true);
  });

  it('stores and returns envelopes, metadata and manifest byte for byte, and the vault manifest with its sequence', async () => {
    const uploadId = await beginUpload(server, alice, 10);
    await putChunk(server, alice, uploadId, payloadOf(10), 0, 9);
    const documentId = randomB64(16);
    const body = { ...commitBody(documentId, 1, 1), envelopes: [randomB64(1100), randomB64(90)] };
    expect((await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: body })).status).toBe(201);
    const version = documentVersionResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token })).json());
    expect(version).toMatchObject({ documentId, version: 1, authorAccountId: alice.accountId, payloadSize: 10, metadata: body.metadata, manifest: body.manifest, envelopes: body.envelopes });
    const manifest = vaultManifestResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/manifest`, { token: alice.token })).json());
    expect(manifest).toEqual({ vaultId: alice.vaultId, sequence: 1, manifest: body.vaultManifest.manifest });
  });

  it('accepts an empty payload (one commit, no chunk)', async () => {
    const uploadId = await beginUpload(server, alice, 0);
    const documentId = randomB64(16);
    expect((await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 1) })).status).toBe(201);
    const fetched = await download(`/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`);
    expect(fetched.status).toBe(200);
    expect(fetched.bytes.length).toBe(0);
  });

  it('refuses a commit before every byte arrived (UPLOAD_INCOMPLETE) and writes nothing', async () => {
    const payload = payloadOf(1000);
    const uploadId = await beginUpload(server, alice, payload.length);
    await putChunk(server, alice, uploadId, payload, 0, 499);
    const before = await snapshotState(server);
    const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(randomB64(16), 1, 1) });
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('UPLOAD_INCOMPLETE');
    expect(await snapshotState(server)).toBe(before);
  });

  it('refuses a vault manifest sequence other than current + 1 (CONFLICT), keeps the upload for a retry', async () => {
    await uploadDocument(server, alice, { payload: payloadOf(50) });
    const payload = payloadOf(20);
    const uploadId = await beginUpload(server, alice, 20);
    await putChunk(server, alice, uploadId, payload, 0, 19);
    const documentId = randomB64(16);
    for (const sequence of [1, 3, 2 ** 40]) {
      const before = await snapshotState(server);
      const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, sequence) });
      expect(response.status).toBe(409);
      expect(await errorCode(response)).toBe('CONFLICT');
      expect(await snapshotState(server)).toBe(before);
    }
    const retry = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 2) });
    expect(retry.status).toBe(201);
  });

  it('refuses a version that is not the current one + 1 (CONFLICT)', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(50) });
    for (const version of [1, 3]) {
      const uploadId = await beginUpload(server, alice, 1);
      await putChunk(server, alice, uploadId, payloadOf(1), 0, 0);
      const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, version, 2) });
      expect(response.status).toBe(409);
    }
    const fresh = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${await beginUpload(server, alice, 0)}/commit`, { token: alice.token, json: commitBody(randomB64(16), 2, 2) });
    expect(fresh.status).toBe(409);
  });

  it('refuses a chunk that does not start at the received offset (CONFLICT) or overruns the size (416)', async () => {
    const payload = payloadOf(100);
    const uploadId = await beginUpload(server, alice, 100);
    expect(await errorCode(await putChunk(server, alice, uploadId, payload, 10, 19))).toBe('CONFLICT');
    const overrun = await call(server, 'PUT', `/api/vaults/${alice.vaultId}/uploads/${uploadId}`, {
      token: alice.token, body: payload.slice(0, 50), headers: { 'content-range': 'bytes 0-149/150' },
    });
    expect(overrun.status).toBe(416);
    expect(await errorCode(overrun)).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('allows one writer per upload at a time: a PUT, commit or abort during a PUT is CONFLICT', async () => {
    const uploadId = await beginUpload(server, alice, 10);
    let feed: ReadableStreamDefaultController<Uint8Array> | undefined;
    const slow = new ReadableStream<Uint8Array>({ start: (controller) => { feed = controller; } });
    const path = `/api/vaults/${alice.vaultId}/uploads/${uploadId}`;
    const init = { method: 'PUT', body: slow, duplex: 'half', headers: { authorization: `Bearer ${alice.token}`, 'content-range': 'bytes 0-9/10' } } as RequestInit;
    const first = Promise.resolve(server.app.request(new Request(`http://localhost${path}`, init)));
    feed?.enqueue(new Uint8Array(4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await errorCode(await putChunk(server, alice, uploadId, new Uint8Array(10), 0, 9))).toBe('CONFLICT');
    expect(await errorCode(await call(server, 'DELETE', path, { token: alice.token }))).toBe('CONFLICT');
    feed?.enqueue(new Uint8Array(6));
    feed?.close();
    expect((await first).status).toBe(200);
    expect((await call(server, 'POST', `${path}/commit`, { token: alice.token, json: commitBody(randomB64(16), 1, 1) })).status).toBe(201);
  });

  it('forgets an upload past its lifetime: 404 for every use of it', async () => {
    await server.close();
    server = await startServer({ policy: { uploadTtlMs: 60_000 } });
    alice = await newAccount(server, 'alice@example.test');
    const uploadId = await beginUpload(server, alice, 10);
    server.clock.now += 60_000;
    expect((await call(server, 'GET', `/api/vaults/${alice.vaultId}/uploads/${uploadId}`, { token: alice.token })).status).toBe(404);
    expect((await putChunk(server, alice, uploadId, payloadOf(10), 0, 9)).status).toBe(404);
  });

  it('forgets an upload whose temporary blob is gone: 404, not 500, and the row is dropped', async () => {
    const uploadId = await beginUpload(server, alice, 10);
    const { read, tables: { uploads } } = server.state.storage;
    const [row] = await read.select({ blobId: uploads.blobId }).from(uploads).where(eq(uploads.id, uploadId));
    expect(readdirSync(join(server.dataDir, 'blobs', 'tmp'))).toEqual([row?.blobId]);
    // As another instance's start-up sweep would leave it, had it run between the blob and the row.
    rmSync(join(server.dataDir, 'blobs', 'tmp', row!.blobId));
    const put = await putChunk(server, alice, uploadId, payloadOf(10), 0, 9);
    expect(put.status).toBe(404);
    expect(await errorCode(put)).toBe('NOT_FOUND');
    expect(await countRows(server.state.storage, uploads)).toBe(0);
  });

  it('aborts an upload: its state and its temporary blob are gone', async () => {
    const uploadId = await beginUpload(server, alice, 100);
    await putChunk(server, alice, uploadId, payloadOf(100), 0, 49);
    expect((await call(server, 'DELETE', `/api/vaults/${alice.vaultId}/uploads/${uploadId}`, { token: alice.token })).status).toBe(204);
    expect((await call(server, 'GET', `/api/vaults/${alice.vaultId}/uploads/${uploadId}`, { token: alice.token })).status).toBe(404);
    expect(readdirSync(join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });
});

describe('reading', () => {
  it('lists documents page by page with a cursor', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await uploadDocument(server, alice, { payload: payloadOf(10 + index) }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
      const page = listDocumentsResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents${query}`, { token: alice.token })).json());
      expect(page.documents.length).toBeLessThanOrEqual(2);
      seen.push(...page.documents.map((entry) => entry.documentId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ids].sort());
  });

  it('keeps every version; the document and the list show the newest', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(10) });
    await uploadDocument(server, alice, { documentId, version: 2, payload: payloadOf(20) });
    const versions = listVersionsResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions`, { token: alice.token })).json());
    expect(versions.versions.map((entry) => [entry.version, entry.payloadSize])).toEqual([[1, 10], [2, 20]]);
    const current = documentVersionResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token })).json());
    expect(current.version).toBe(2);
    const old = documentVersionResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1`, { token: alice.token })).json());
    expect(old.payloadSize).toBe(10);
    const list = listDocumentsResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents`, { token: alice.token })).json());
    expect(list.documents).toEqual([expect.objectContaining({ documentId, currentVersion: 2, payloadSize: 20 })]);
  });

  it('serves HTTP ranges (206 with Content-Range) and refuses ranges past the end (416)', async () => {
    const payload = payloadOf(1000);
    const documentId = await uploadDocument(server, alice, { payload });
    const path = `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`;
    const cases: [string, number, number][] = [['bytes=0-99', 0, 99], ['bytes=900-', 900, 999], ['bytes=-10', 990, 999], ['bytes=990-5000', 990, 999]];
    for (const [header, start, end] of cases) {
      const fetched = await download(path, { range: header });
      expect(fetched.status).toBe(206);
      expect(fetched.response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
      expect(Buffer.from(fetched.bytes).equals(Buffer.from(payload.slice(start, end + 1)))).toBe(true);
    }
    for (const header of ['bytes=1000-', 'bytes=500-400', 'bytes=-0']) {
      const fetched = await download(path, { range: header });
      expect(fetched.status).toBe(416);
    }
    expect((await download(path, { range: 'bytes=0-1,5-6' })).status).toBe(200);
  });

  it('appends every envelope and payload read to the vault history, readable by its manager', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(100) });
    server.clock.now += 1000;
    await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token });
    await download(`/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`);
    await download(`/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { range: 'bytes=0-9' });
    const first = historyResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/history?limit=2`, { token: alice.token })).json());
    expect(first.events.map((event) => event.action)).toEqual(['envelope-read', 'payload-read']);
    expect(first.events[0]).toMatchObject({ actorAccountId: alice.accountId, documentId, version: 1, at: server.clock.now });
    const rest = historyResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/history?cursor=${first.nextCursor ?? ''}`, { token: alice.token })).json());
    expect(rest.events.map((event) => event.action)).toEqual(['payload-read']);
    expect(rest.nextCursor).toBeNull();
  });

  it('answers HEAD on a payload with its size, reads no byte and appends nothing to the history', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(1234) });
    const response = await call(server, 'HEAD', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1234');
    const history = historyResponseSchema.parse(await (await call(server, 'GET', `/api/vaults/${alice.vaultId}/history`, { token: alice.token })).json());
    expect(history.events).toEqual([]);
  });

  it('keeps the history append-only: the database refuses to change an entry', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(10) });
    await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token });
    const tampering = server.state.storage.transaction(async (tx) => {
      await tx.update(tx.tables.accessEvents).set({ actorAccountId: 'someone' });
    });
    expect(await rejectionMessages(tampering)).toMatch(/append-only/);
  });
});

describe('manifest and delete', () => {
  it('stores a first vault manifest on its own at sequence 1, then only at +1', async () => {
    const put = (sequence: number) => call(server, 'PUT', `/api/vaults/${alice.vaultId}/manifest`, { token: alice.token, json: { vaultManifest: { sequence, manifest: randomB64(100) } } });
    expect((await put(2)).status).toBe(409);
    expect((await put(1)).status).toBe(204);
    expect((await put(1)).status).toBe(409);
    expect((await put(2)).status).toBe(204);
    expect(await currentSequence(server, alice)).toBe(2);
  });

  it('deletes a document: every version, its envelopes and its blobs, with the new vault manifest', async () => {
    const documentId = await uploadDocument(server, alice, { payload: payloadOf(100) });
    await uploadDocument(server, alice, { documentId, version: 2, payload: payloadOf(100) });
    expect(server.state.blobs.listPublished()).toHaveLength(2);
    const stale = await call(server, 'DELETE', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token, json: { vaultManifest: { sequence: 2, manifest: randomB64(10) } } });
    expect(stale.status).toBe(409);
    const response = await call(server, 'DELETE', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token, json: { vaultManifest: { sequence: 3, manifest: randomB64(10) } } });
    expect(response.status).toBe(204);
    expect((await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token })).status).toBe(404);
    expect(server.state.blobs.listPublished()).toEqual([]);
    const { storage } = server.state;
    for (const table of ['documents', 'documentVersions', 'envelopes', 'pendingBlobDeletions'] as const) {
      expect(await countRows(storage, storage.tables[table]), table).toBe(0);
    }
  });
});
