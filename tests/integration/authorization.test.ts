// Account B can neither list, read, change nor delete anything of account A: every route answers 404
// NOT_FOUND (never 403, so B learns nothing of what exists), and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginUpload, call, commitBody, errorCode, newAccount, putChunk, randomB64, snapshotState, startServer, uploadDocument, type TestAccount, type TestServer } from './harness.ts';

let server: TestServer;
let alice: TestAccount;
let bob: TestAccount;
let documentId: string;
let uploadId: string;

beforeAll(async () => {
  server = await startServer();
  alice = await newAccount(server, 'alice@example.test');
  bob = await newAccount(server, 'bob@example.test');
  documentId = await uploadDocument(server, alice, { payload: new Uint8Array(100).fill(1) });
  uploadId = await beginUpload(server, alice, 10);
  await uploadDocument(server, bob, { payload: new Uint8Array(5) });
});
afterAll(async () => {
  await server.close();
});

interface Attempt {
  name: string;
  method: string;
  path: () => string;
  json?: () => unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

const manifest = () => ({ vaultManifest: { sequence: 2, manifest: randomB64(10) } });
const aVault = () => `/api/vaults/${alice.vaultId}`;
const attempts: Attempt[] = [
  { name: 'read the vault manifest', method: 'GET', path: () => `${aVault()}/manifest` },
  { name: 'replace the vault manifest', method: 'PUT', path: () => `${aVault()}/manifest`, json: manifest },
  { name: 'read the history', method: 'GET', path: () => `${aVault()}/history` },
  { name: 'list documents', method: 'GET', path: () => `${aVault()}/documents` },
  { name: 'read a document', method: 'GET', path: () => `${aVault()}/documents/${documentId}` },
  { name: 'list versions', method: 'GET', path: () => `${aVault()}/documents/${documentId}/versions` },
  { name: 'read a version', method: 'GET', path: () => `${aVault()}/documents/${documentId}/versions/1` },
  { name: 'download a payload', method: 'GET', path: () => `${aVault()}/documents/${documentId}/versions/1/payload` },
  { name: 'delete a document', method: 'DELETE', path: () => `${aVault()}/documents/${documentId}`, json: manifest },
  { name: 'start an upload', method: 'POST', path: () => `${aVault()}/uploads`, json: () => ({ size: 10 }) },
  { name: 'read an upload', method: 'GET', path: () => `${aVault()}/uploads/${uploadId}` },
  { name: 'write an upload', method: 'PUT', path: () => `${aVault()}/uploads/${uploadId}`, body: new Uint8Array(10), headers: { 'content-range': 'bytes 0-9/10' } },
  { name: 'abort an upload', method: 'DELETE', path: () => `${aVault()}/uploads/${uploadId}` },
  { name: 'commit an upload', method: 'POST', path: () => `${aVault()}/uploads/${uploadId}/commit`, json: () => commitBody(randomB64(16), 1, 2) },
  // A's ids through B's own vault: still nothing.
  { name: "read A's document through B's vault", method: 'GET', path: () => `/api/vaults/${bob.vaultId}/documents/${documentId}` },
  { name: "download A's payload through B's vault", method: 'GET', path: () => `/api/vaults/${bob.vaultId}/documents/${documentId}/versions/1/payload` },
  { name: "delete A's document through B's vault", method: 'DELETE', path: () => `/api/vaults/${bob.vaultId}/documents/${documentId}`, json: manifest },
  { name: "write A's upload through B's vault", method: 'PUT', path: () => `/api/vaults/${bob.vaultId}/uploads/${uploadId}`, body: new Uint8Array(10), headers: { 'content-range': 'bytes 0-9/10' } },
  { name: "commit A's upload through B's vault", method: 'POST', path: () => `/api/vaults/${bob.vaultId}/uploads/${uploadId}/commit`, json: () => commitBody(randomB64(16), 1, 2) },
];

describe("account B on account A's resources", () => {
  it.each(attempts)('cannot $name: 404 NOT_FOUND, nothing written', async (attempt) => {
    const before = await snapshotState(server);
    const response = await call(server, attempt.method, attempt.path(), {
      token: bob.token,
      ...(attempt.json === undefined ? {} : { json: attempt.json() }),
      ...(attempt.body === undefined ? {} : { body: attempt.body }),
      ...(attempt.headers === undefined ? {} : { headers: attempt.headers }),
    });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('NOT_FOUND');
    expect(await snapshotState(server)).toBe(before);
  });

  it('sees only its own vault and documents', async () => {
    const vaults = (await (await call(server, 'GET', '/api/vaults', { token: bob.token })).json()) as { vaults: { vaultId: string }[] };
    expect(vaults.vaults.map((vault) => vault.vaultId)).toEqual([bob.vaultId]);
    const list = (await (await call(server, 'GET', `/api/vaults/${bob.vaultId}/documents`, { token: bob.token })).json()) as { documents: { documentId: string }[] };
    expect(list.documents.map((entry) => entry.documentId)).not.toContain(documentId);
  });

  it("answers B's guesses at A's ids exactly as it answers random ids", async () => {
    const real = await call(server, 'GET', `${aVault()}/documents/${documentId}`, { token: bob.token });
    const random = await call(server, 'GET', `/api/vaults/${randomB64(16)}/documents/${randomB64(16)}`, { token: bob.token });
    expect([real.status, await real.text()]).toEqual([random.status, await random.text()]);
  });

  it("leaves A's data intact and readable by A afterwards", async () => {
    expect((await call(server, 'GET', `${aVault()}/documents/${documentId}`, { token: alice.token })).status).toBe(200);
    expect((await putChunk(server, alice, uploadId, new Uint8Array(10), 0, 9)).status).toBe(200);
  });
});

describe('without a session', () => {
  const protectedRoutes: Attempt[] = [
    { name: 'read the account', method: 'GET', path: () => '/api/accounts/me' },
    { name: 'change the password', method: 'PUT', path: () => '/api/accounts/me/password', json: () => ({}) },
    { name: 'delete the account', method: 'DELETE', path: () => '/api/accounts/me', json: () => ({ authKey: alice.authKey }) },
    { name: 'read the session', method: 'GET', path: () => '/api/sessions/current' },
    { name: 'log out', method: 'DELETE', path: () => '/api/sessions/current' },
    { name: 'list vaults', method: 'GET', path: () => '/api/vaults' },
    ...attempts.slice(0, 14),
  ];

  it.each(protectedRoutes)('cannot $name: 401 UNAUTHENTICATED, nothing written', async (attempt) => {
    const before = await snapshotState(server);
    const response = await call(server, attempt.method, attempt.path(), {
      ...(attempt.json === undefined ? {} : { json: attempt.json() }),
      ...(attempt.body === undefined ? {} : { body: attempt.body }),
      ...(attempt.headers === undefined ? {} : { headers: attempt.headers }),
    });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await snapshotState(server)).toBe(before);
  });
});
