// A server that dies between a commit and the publish of its blob leaves a committed version whose blob
// still has its temporary name. Its own next start would roll it forward (storage/recovery.ts), but with
// several instances the others keep serving without a restart: the read itself publishes it.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount, startServer, uploadDocument, type TestAccount, type TestServer } from './harness.ts';

let server: TestServer;
let alice: TestAccount;

beforeAll(async () => {
  server = await startServer();
  alice = await newAccount(server, 'roll-forward');
});

afterAll(() => server.close());

async function blobIdOf(documentId: string): Promise<string> {
  const { read, tables: { documentVersions } } = server.state.storage;
  const [row] = await read.select({ blobId: documentVersions.blobId }).from(documentVersions)
    .where(and(eq(documentVersions.vaultId, alice.vaultId), eq(documentVersions.documentId, documentId)));
  if (row === undefined) throw new Error('no version row');
  return row.blobId;
}

describe('a committed version whose blob was never published', () => {
  it('reads back whole (and the blob is published by the read), as after a crash between commit and publish', async () => {
    const payload = new Uint8Array(5000).map((_, i) => (i * 7) % 256);
    const documentId = await uploadDocument(server, alice, { payload });
    const blobId = await blobIdOf(documentId);
    const blobs = join(server.dataDir, 'blobs');
    // The state a kill right after the commit leaves: the row committed, the sealed blob still in tmp/.
    renameSync(join(blobs, blobId), join(blobs, 'tmp', blobId));

    const range = await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token, headers: { range: 'bytes=100-199' } });
    expect(range.status).toBe(206);
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(payload.slice(100, 200));
    expect(await server.state.blobs.tempSize(blobId)).toBeNull();

    const whole = await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token });
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(payload);
  });
});
