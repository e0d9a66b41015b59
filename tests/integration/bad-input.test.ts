// Bad input of every class gets the right 4xx and a stable code, never a 500, and writes nothing:
// malformed JSON, wrong types, non-canonical or oversize binary fields, oversize and truncated bodies,
// bad headers, unknown and malformed ids.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginUpload, call, commitBody, errorCode, kdfParams, newAccount, ORIGIN, randomB64, signUpBody, snapshotState, startServer, type TestAccount, type TestServer } from './harness.ts';

let server: TestServer;
let alice: TestAccount;
let uploadId: string;

beforeAll(async () => {
  server = await startServer();
  alice = await newAccount(server, 'alice@example.test');
  uploadId = await beginUpload(server, alice, 1000);
});
afterAll(() => server.close());

/** Sets the declared size of the upload in the database, as a tampering test needs. */
async function setUploadSize(id: string, size: number): Promise<void> {
  await server.state.storage.transaction(async (tx) => {
    await tx.update(tx.tables.uploads).set({ size }).where(eq(tx.tables.uploads.id, id));
  });
}

async function expectRefused(response: Response, status: number, code: string, before: string): Promise<void> {
  expect({ status: response.status, code: await errorCode(response) }).toEqual({ status, code });
  expect(await snapshotState(server)).toBe(before);
}

const jsonRoutes: { name: string; method: string; path: () => string; authed: boolean }[] = [
  { name: 'pre-login', method: 'POST', path: () => '/api/accounts/pre-login', authed: false },
  { name: 'sign-up', method: 'POST', path: () => '/api/accounts', authed: false },
  { name: 'login', method: 'POST', path: () => '/api/sessions', authed: false },
  { name: 'recovery', method: 'POST', path: () => '/api/accounts/recovery', authed: false },
  { name: 'recovery reset', method: 'POST', path: () => '/api/accounts/recovery/reset', authed: false },
  { name: 'password change', method: 'PUT', path: () => '/api/accounts/me/password', authed: true },
  { name: 'account deletion', method: 'DELETE', path: () => '/api/accounts/me', authed: true },
  { name: 'vault manifest', method: 'PUT', path: () => `/api/vaults/${alice.vaultId}/manifest`, authed: true },
  { name: 'upload creation', method: 'POST', path: () => `/api/vaults/${alice.vaultId}/uploads`, authed: true },
  { name: 'upload commit', method: 'POST', path: () => `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, authed: true },
  { name: 'document deletion', method: 'DELETE', path: () => `/api/vaults/${alice.vaultId}/documents/${randomB64(16)}`, authed: true },
];

describe('JSON bodies', () => {
  const malformed = ['{', '{"accountId": ', '[1,2', 'null', '"text"', '42', '[]', '', '\u0000'];

  it.each(jsonRoutes)('$name: malformed JSON, a non-JSON content type or an empty body is 400 BAD_REQUEST', async (route) => {
    const token = route.authed ? alice.token : undefined;
    for (const body of malformed) {
      const before = await snapshotState(server);
      const response = await call(server, route.method, route.path(), { ...(token === undefined ? {} : { token }), body, headers: { 'content-type': 'application/json' } });
      await expectRefused(response, 400, 'BAD_REQUEST', before);
    }
    const before = await snapshotState(server);
    const plain = await call(server, route.method, route.path(), { ...(token === undefined ? {} : { token }), body: '{"size": 1}', headers: { 'content-type': 'text/plain' } });
    await expectRefused(plain, 400, 'BAD_REQUEST', before);
  });

  it.each(jsonRoutes)('$name: a body over the limit is 413 PAYLOAD_TOO_LARGE before it is parsed', async (route) => {
    const before = await snapshotState(server);
    const huge = JSON.stringify({ padding: 'x'.repeat(9 * 1024 * 1024) });
    const response = await call(server, route.method, route.path(), { ...(route.authed ? { token: alice.token } : {}), body: huge, headers: { 'content-type': 'application/json' } });
    await expectRefused(response, 413, 'PAYLOAD_TOO_LARGE', before);
  });

  const badSignUps: [string, (body: Record<string, unknown>) => Record<string, unknown>][] = [
    ['a missing field', (body) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'authKey'))],
    ['an unknown field', (body) => ({ ...body, isAdmin: true })],
    ['a number for the id', (body) => ({ ...body, accountId: 42 })],
    ['an empty id', (body) => ({ ...body, accountId: '' })],
    ['an id over 256 bytes', (body) => ({ ...body, accountId: 'é'.repeat(129) })],
    ['an id with a control character', (body) => ({ ...body, accountId: 'alice\u0000@example.test' })],
    ['an id with a lone surrogate', (body) => ({ ...body, accountId: 'alice\ud800@example.test' })],
    ['an id not in NFC', (body) => ({ ...body, accountId: 'he\u0301lo@example.test' })],
    ['a 31-byte auth key', (body) => ({ ...body, authKey: randomB64(31) })],
    ['a 33-byte auth key', (body) => ({ ...body, authKey: randomB64(33) })],
    ['padded base64', (body) => ({ ...body, authKey: `${randomB64(32)}=` })],
    ['standard base64 characters', (body) => ({ ...body, authKey: `+/${randomB64(32).slice(2)}` })],
    ['non-canonical trailing bits', (body) => ({ ...body, authKey: `${randomB64(32).slice(0, 42)}B` })],
    ['an oversize public bundle', (body) => ({ ...body, publicBundle: randomB64(8193) })],
    ['an empty wrapped bundle', (body) => ({ ...body, wrappedPrivateBundle: '' })],
    ['a string for the memory cost', (body) => ({ ...body, kdf: { ...kdfParams(), memoryKiB: '65536' } })],
    ['a fractional iteration count', (body) => ({ ...body, kdf: { ...kdfParams(), iterations: 3.5 } })],
    ['another algorithm', (body) => ({ ...body, kdf: { ...kdfParams(), algorithm: 'scrypt' } })],
    ['a 15-byte salt', (body) => ({ ...body, kdf: { ...kdfParams(), salt: randomB64(15) } })],
  ];

  it.each(badSignUps)('sign-up with %s is 400 BAD_REQUEST and creates nothing', async (_name, mutate) => {
    const before = await snapshotState(server);
    const body = mutate({ ...signUpBody('mallory@example.test') });
    const response = await call(server, 'POST', '/api/accounts', { json: body });
    await expectRefused(response, 400, 'BAD_REQUEST', before);
  });

  it('a commit with wrong types, too many envelopes or no envelope is 400 and keeps the upload', async () => {
    const bodies = [
      { ...commitBody(randomB64(16), 1, 1), version: 0 },
      { ...commitBody(randomB64(16), 1, 1), version: '1' },
      { ...commitBody(randomB64(16), 1, 1), version: 2 ** 31 },
      { ...commitBody(randomB64(16), 1, 1), envelopes: [] },
      { ...commitBody(randomB64(16), 1, 1), envelopes: Array.from({ length: 65 }, () => randomB64(10)) },
      { ...commitBody(randomB64(16), 1, 1), documentId: 'not-an-id' },
      { ...commitBody(randomB64(16), 1, 1), vaultManifest: { sequence: -1, manifest: randomB64(10) } },
      { ...commitBody(randomB64(16), 1, 1), metadata: randomB64(64 * 1024 + 1) },
    ];
    for (const json of bodies) {
      const before = await snapshotState(server);
      const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json });
      await expectRefused(response, 400, 'BAD_REQUEST', before);
    }
  });

  it('an upload larger than the maximum payload is 400', async () => {
    const before = await snapshotState(server);
    const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads`, { token: alice.token, json: { size: 8 * 1024 ** 3 + 1 } });
    await expectRefused(response, 400, 'BAD_REQUEST', before);
  });
});

function putRaw(body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<Response> {
  const init = { method: 'PUT', body, headers: { authorization: `Bearer ${alice.token}`, ...headers }, duplex: 'half' } as RequestInit;
  return Promise.resolve(server.app.request(new Request(`${ORIGIN}/api/vaults/${alice.vaultId}/uploads/${uploadId}`, init)));
}

function streamOf(chunks: Uint8Array[], failAtEnd = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (failAtEnd) controller.error(new Error('connection reset'));
      else controller.close();
    },
  });
}

describe('upload chunks', () => {
  it('a body shorter than its Content-Range is 400 TRUNCATED_BODY; the upload keeps its offset and temp size', async () => {
    const cases: [string, BodyInit | ReadableStream<Uint8Array>, Record<string, string>][] = [
      ['a stream that ends early', streamOf([new Uint8Array(300)]), { 'content-range': 'bytes 0-499/1000' }],
      ['a connection that drops', streamOf([new Uint8Array(300)], true), { 'content-range': 'bytes 0-499/1000' }],
      ['a smaller Content-Length', new Uint8Array(300), { 'content-range': 'bytes 0-499/1000' }],
    ];
    for (const [, body, headers] of cases) {
      const before = await snapshotState(server);
      await expectRefused(await putRaw(body, headers), 400, 'TRUNCATED_BODY', before);
      expect(await server.state.blobs.tempSize(await tempBlobOf(uploadId))).toBe(0);
    }
  });

  it('a body longer than its Content-Range is 413 and nothing of it is kept', async () => {
    const before = await snapshotState(server);
    await expectRefused(await putRaw(streamOf([new Uint8Array(400), new Uint8Array(400)]), { 'content-range': 'bytes 0-499/1000' }), 413, 'PAYLOAD_TOO_LARGE', before);
    await expectRefused(await putRaw(new Uint8Array(600), { 'content-range': 'bytes 0-499/1000' }), 413, 'PAYLOAD_TOO_LARGE', before);
  });

  it('a chunk over 64 MiB is refused from its header alone (413)', async () => {
    await setUploadSize(uploadId, 200 * 1024 ** 2);
    try {
      const before = await snapshotState(server);
      await expectRefused(await putRaw(streamOf([new Uint8Array(10)]), { 'content-range': `bytes 0-${64 * 1024 ** 2}/${200 * 1024 ** 2}` }), 413, 'PAYLOAD_TOO_LARGE', before);
    } finally {
      await setUploadSize(uploadId, 1000);
    }
  });

  it('a missing or malformed Content-Range is 400 BAD_REQUEST', async () => {
    const headerSets: Record<string, string>[] = [{}, { 'content-range': 'bytes 0-9' }, { 'content-range': 'bytes 9-0/1000' }, { 'content-range': 'bytes=0-9/1000' }, { 'content-range': 'bytes 0-9/*' }];
    for (const headers of headerSets) {
      const before = await snapshotState(server);
      await expectRefused(await putRaw(new Uint8Array(10), headers), 400, 'BAD_REQUEST', before);
    }
  });
});

async function tempBlobOf(id: string): Promise<string> {
  const { read, tables: { uploads } } = server.state.storage;
  const [row] = await read.select({ blobId: uploads.blobId }).from(uploads).where(eq(uploads.id, id));
  if (row === undefined) throw new Error('no upload row');
  return row.blobId;
}

describe('ids, queries and routes', () => {
  const paths = [
    '/api/vaults/not-a-vault/documents',
    '/api/vaults/RANDOM/documents',
    '/api/vaults/RANDOM/manifest',
    '/api/vaults/VAULT/documents/not-a-document',
    '/api/vaults/VAULT/documents/DOC',
    '/api/vaults/VAULT/documents/DOC/versions/1/payload',
    '/api/vaults/VAULT/documents/DOC/versions/0',
    '/api/vaults/VAULT/documents/DOC/versions/abc',
    '/api/vaults/VAULT/documents/DOC/versions/99999999999999999999',
    // Past 2^31 - 1: a u32 in the cryptographic context, and PostgreSQL's integer would refuse it with an error.
    '/api/vaults/VAULT/documents/DOC/versions/2147483648',
    '/api/vaults/VAULT/documents/DOC/versions/999999999999999',
    '/api/vaults/VAULT/uploads/UPLOAD',
    '/api/vaults/VAULT/nothing-here',
    '/api/nothing-here',
  ];

  it.each(paths)('GET %s is 404 NOT_FOUND', async (template) => {
    const path = template.replace('RANDOM', randomB64(16)).replace('VAULT', alice.vaultId).replace('DOC', randomB64(16)).replace('UPLOAD', randomB64(16));
    const before = await snapshotState(server);
    await expectRefused(await call(server, 'GET', path, { token: alice.token }), 404, 'NOT_FOUND', before);
  });

  it.each(['?limit=0', '?limit=201', '?limit=abc', '?cursor=%00', '?cursor=a%20b', '?unknown=1'])('a bad page query %s is 400 BAD_REQUEST', async (query) => {
    const before = await snapshotState(server);
    await expectRefused(await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents${query}`, { token: alice.token }), 400, 'BAD_REQUEST', before);
  });

  it('a history cursor that is not an event id is 400 BAD_REQUEST', async () => {
    const before = await snapshotState(server);
    await expectRefused(await call(server, 'GET', `/api/vaults/${alice.vaultId}/history?cursor=abc`, { token: alice.token }), 400, 'BAD_REQUEST', before);
  });
});
