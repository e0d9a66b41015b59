// Accounts through app.request: pre-login and sign-up that reveal nothing about who has an account
// (ATK-28), login, throttling, password change, recovery, deletion of everything.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKdfParamsForUnknownAccount } from '../../crypto/password.ts';
import { accountResponseSchema, preLoginResponseSchema, recoveryStartResponseSchema } from '../../shared/accounts.ts';
import { toBase64url } from '../../shared/binary.ts';
import { loginResponseSchema } from '../../shared/sessions.ts';
import { DEFAULT_POLICY } from '../../server/services/deps.ts';
import { purgeExpired } from '../../server/storage/recovery.ts';
import { call, errorCode, kdfParams, login, newAccount, randomB64, signUpBody, snapshotState, startServer, uploadDocument, type TestServer } from './harness.ts';
import { countRows } from './stored-rows.ts';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

async function preLogin(accountId: string) {
  const response = await call(server, 'POST', '/api/accounts/pre-login', { json: { accountId } });
  return { status: response.status, body: preLoginResponseSchema.parse(await response.json()) };
}

function loginWith(accountId: string, authKey: string, extra: Record<string, string> = {}) {
  return call(server, 'POST', '/api/sessions', { json: { accountId, authKey, tokenDelivery: 'bearer' }, headers: extra });
}

describe('pre-login (ATK-28)', () => {
  it('ATK-28 answers an unknown id like a known one: same status, same shape, default parameters', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const known = await preLogin(alice.accountId);
    const unknown = await preLogin('nobody@example.test');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.body.kdf).toEqual(alice.kdf);
    expect(Object.keys(unknown.body.kdf).sort()).toEqual(Object.keys(known.body.kdf).sort());
    expect(unknown.body.kdf).toMatchObject({ algorithm: 'argon2id13', memoryKiB: alice.kdf.memoryKiB, iterations: alice.kdf.iterations, parallelism: 1 });
  });

  it('ATK-28 gives an unknown id a stable fake salt: HMAC of the server secret, as crypto/password.ts defines it', async () => {
    const first = await preLogin('nobody@example.test');
    const second = await preLogin('nobody@example.test');
    const other = await preLogin('someone-else@example.test');
    expect(second.body.kdf.salt).toBe(first.body.kdf.salt);
    expect(other.body.kdf.salt).not.toBe(first.body.kdf.salt);
    const expected = fakeKdfParamsForUnknownAccount(server.state.serverSecret, 'nobody@example.test');
    expect(first.body.kdf.salt).toBe(toBase64url(expected.salt));
  });

  it('ATK-28 keeps the fake salt across a restart (the server secret is stored once in DATA_DIR)', async () => {
    const before = await preLogin('nobody@example.test');
    await server.close(true);
    server = await startServer({}, server.dataDir);
    expect((await preLogin('nobody@example.test')).body.kdf.salt).toBe(before.body.kdf.salt);
  });
});

describe('sign-up', () => {
  it('ATK-28 answers 202 { status: accepted } for a free id and a taken one, and never overwrites the owner', async () => {
    const first = signUpBody('alice@example.test');
    const firstResponse = await call(server, 'POST', '/api/accounts', { json: first });
    const intruder = signUpBody('alice@example.test');
    const secondResponse = await call(server, 'POST', '/api/accounts', { json: intruder });
    expect([firstResponse.status, secondResponse.status]).toEqual([202, 202]);
    expect(await secondResponse.text()).toBe(await firstResponse.text());
    expect((await loginWith('alice@example.test', intruder.authKey)).status).toBe(401);
    const token = await login(server, 'alice@example.test', first.authKey);
    const me = accountResponseSchema.parse(await (await call(server, 'GET', '/api/accounts/me', { token })).json());
    expect(me.publicBundle).toBe(first.publicBundle);
  });

  it('stores no auth key, only its verifier', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const stored = await snapshotState(server);
    for (const secret of [alice.authKey, alice.recoveryAuthKey]) {
      const hex = Buffer.from(secret, 'base64url').toString('hex');
      expect(stored).not.toContain(hex);
      expect(stored).not.toContain(JSON.stringify([...Buffer.from(secret, 'base64url')]).slice(1, -1));
    }
  });

  it('refuses KDF parameters below the floor or above the ceiling (KDF_PARAMS_REJECTED), writing nothing', async () => {
    const before = await snapshotState(server);
    for (const kdf of [{ ...kdfParams(), memoryKiB: 1024 }, { ...kdfParams(), iterations: 1 }, { ...kdfParams(), memoryKiB: 4_194_304 }, { ...kdfParams(), parallelism: 4 }]) {
      const response = await call(server, 'POST', '/api/accounts', { json: { ...signUpBody('weak@example.test'), kdf } });
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe('KDF_PARAMS_REJECTED');
    }
    expect(await snapshotState(server)).toBe(before);
  });

  it('ATK-28 limits sign-ups per address (429 after 20 in the window), alike for free and taken ids', async () => {
    for (let index = 0; index < 20; index += 1) {
      const response = await call(server, 'POST', '/api/accounts', { json: signUpBody(`user${index}@example.test`), headers: { 'x-test-address': '203.0.113.50' } });
      expect(response.status).toBe(202);
    }
    for (const id of ['user0@example.test', 'fresh@example.test']) {
      const response = await call(server, 'POST', '/api/accounts', { json: signUpBody(id), headers: { 'x-test-address': '203.0.113.50' } });
      expect(response.status).toBe(429);
    }
    expect((await call(server, 'POST', '/api/accounts', { json: signUpBody('fresh@example.test'), headers: { 'x-test-address': '203.0.113.51' } })).status).toBe(202);
  });

  it('creates one vault for the new account, with no manifest yet', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const response = await call(server, 'GET', '/api/vaults', { token: alice.token });
    expect(await response.json()).toEqual({
      vaults: [{ vaultId: alice.vaultId, role: 'owner', manifestSequence: 0, publicBundle: null, managerEnvelope: null, label: null, startsAt: null, endsAt: null }],
    });
  });
});

describe('login', () => {
  it('returns the account material: KDF parameters, public bundle and password-wrapped private bundle', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const body = loginResponseSchema.parse(await (await loginWith(alice.accountId, alice.authKey)).json());
    expect(body.account).toEqual({ kdf: alice.kdf, publicBundle: alice.publicBundle, wrappedPrivateBundle: alice.wrappedPrivateBundle });
    expect(body.session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ATK-28 fails alike for an unknown id and a wrong key: 401 UNAUTHENTICATED, same body', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const wrong = await loginWith(alice.accountId, randomB64(32));
    const unknown = await loginWith('nobody@example.test', randomB64(32));
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toBe(await unknown.text());
  });

  it('throttles an account after 10 failures, even with the right key, until the lock ends', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await loginWith(alice.accountId, randomB64(32), { 'x-test-address': `198.51.100.${attempt}` })).status).toBe(401);
    }
    const locked = await loginWith(alice.accountId, alice.authKey, { 'x-test-address': '198.51.100.200' });
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe('TOO_MANY_REQUESTS');
    server.clock.now += 15 * 60_000;
    expect((await loginWith(alice.accountId, alice.authKey)).status).toBe(200);
  });

  it('ATK-28 throttles an unknown id exactly like a known one', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) await loginWith('nobody@example.test', randomB64(32), { 'x-test-address': `198.51.100.${attempt}` });
    expect((await loginWith('nobody@example.test', randomB64(32))).status).toBe(429);
  });

  it('throttles an address after 100 failures across many ids', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    for (let attempt = 0; attempt < 100; attempt += 1) await loginWith(`guess${attempt}@example.test`, randomB64(32), { 'x-test-address': '203.0.113.9' });
    expect((await loginWith(alice.accountId, alice.authKey, { 'x-test-address': '203.0.113.9' })).status).toBe(429);
    expect((await loginWith(alice.accountId, alice.authKey, { 'x-test-address': '203.0.113.10' })).status).toBe(200);
  });

  it('stores no IP address or account id in clear in its throttle rows, and purges them once stale', async () => {
    await call(server, 'POST', '/api/accounts', { json: signUpBody('carol@example.test'), headers: { 'x-test-address': '203.0.113.77' } });
    await loginWith('carol@example.test', randomB64(32), { 'x-test-address': '203.0.113.77' });
    const { read, tables: { loginThrottles } } = server.state.storage;
    const keys = async () => (await read.select({ key: loginThrottles.key }).from(loginThrottles)).map((row) => row.key);
    expect(await keys()).toHaveLength(3); // sign-up per address, failure per account, failure per address
    expect((await keys()).join(' ')).not.toMatch(/203\.0\.113\.77|carol/);
    await purgeExpired(server.state.storage, server.state.blobs, server.clock.now + 23 * 3_600_000, DEFAULT_POLICY.sessionIdleMs);
    expect(await keys()).toHaveLength(3);
    await purgeExpired(server.state.storage, server.state.blobs, server.clock.now + 25 * 3_600_000, DEFAULT_POLICY.sessionIdleMs);
    expect(await keys()).toEqual([]);
  });
});

describe('password change and recovery', () => {
  it('changes the password: new material served at login, old key refused, other sessions revoked, this one kept', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const otherToken = await login(server, alice.accountId, alice.authKey);
    const change = { currentAuthKey: alice.authKey, authKey: randomB64(32), kdf: kdfParams(), wrappedPrivateBundle: randomB64(200) };
    expect((await call(server, 'PUT', '/api/accounts/me/password', { token: alice.token, json: change })).status).toBe(204);
    expect((await call(server, 'GET', '/api/sessions/current', { token: alice.token })).status).toBe(200);
    expect((await call(server, 'GET', '/api/sessions/current', { token: otherToken })).status).toBe(401);
    expect((await loginWith(alice.accountId, alice.authKey)).status).toBe(401);
    const body = loginResponseSchema.parse(await (await loginWith(alice.accountId, change.authKey)).json());
    expect(body.account).toMatchObject({ kdf: change.kdf, wrappedPrivateBundle: change.wrappedPrivateBundle });
    expect((await preLogin(alice.accountId)).body.kdf).toEqual(change.kdf);
  });

  it('refuses a password change with a wrong current key (401) and changes nothing', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const before = await snapshotState(server);
    const change = { currentAuthKey: randomB64(32), authKey: randomB64(32), kdf: kdfParams(), wrappedPrivateBundle: randomB64(200) };
    expect((await call(server, 'PUT', '/api/accounts/me/password', { token: alice.token, json: change })).status).toBe(401);
    const after = await snapshotState(server);
    // The failure is counted (login throttles); nothing else changes.
    const withoutThrottles = (state: string) => state.replace(/"login_throttles",\[[^\]]*\]/, '');
    expect(withoutThrottles(after)).toBe(withoutThrottles(before));
  });

  it('recovers with the recovery auth key: the recovery bundle, then new password material; every session revoked', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const start = await call(server, 'POST', '/api/accounts/recovery', { json: { accountId: alice.accountId, recoveryAuthKey: alice.recoveryAuthKey } });
    expect(recoveryStartResponseSchema.parse(await start.json())).toEqual({ publicBundle: alice.publicBundle, recoveryWrappedPrivateBundle: alice.recoveryWrappedPrivateBundle });
    const reset = { accountId: alice.accountId, recoveryAuthKey: alice.recoveryAuthKey, authKey: randomB64(32), kdf: kdfParams(), wrappedPrivateBundle: randomB64(200) };
    expect((await call(server, 'POST', '/api/accounts/recovery/reset', { json: reset })).status).toBe(204);
    expect((await call(server, 'GET', '/api/sessions/current', { token: alice.token })).status).toBe(401);
    expect((await loginWith(alice.accountId, alice.authKey)).status).toBe(401);
    expect((await loginWith(alice.accountId, reset.authKey)).status).toBe(200);
  });

  it('ATK-28 refuses recovery with a wrong key or an unknown id alike (401), and the auth key is no recovery key', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const attempts = [
      { accountId: alice.accountId, recoveryAuthKey: randomB64(32) },
      { accountId: alice.accountId, recoveryAuthKey: alice.authKey },
      { accountId: 'nobody@example.test', recoveryAuthKey: randomB64(32) },
    ];
    const bodies = new Set<string>();
    for (const attempt of attempts) {
      const response = await call(server, 'POST', '/api/accounts/recovery', { json: attempt });
      expect(response.status).toBe(401);
      bodies.add(await response.text());
    }
    expect(bodies.size).toBe(1);
  });
});

describe('account deletion', () => {
  it('deletes everything: account, sessions, vault, documents, uploads, history, blobs', async () => {
    const alice = await newAccount(server, 'alice@example.test');
    const bob = await newAccount(server, 'bob@example.test');
    const documentId = await uploadDocument(server, alice, { payload: new Uint8Array(500).fill(7) });
    await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token });
    const pending = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads`, { token: alice.token, json: { size: 10 } });
    expect(pending.status).toBe(201);
    await uploadDocument(server, bob, { payload: new Uint8Array(10) });
    const refused = await call(server, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: randomB64(32) } });
    expect(refused.status).toBe(401);
    const response = await call(server, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: alice.authKey } });
    expect(response.status).toBe(204);
    const { storage } = server.state;
    const { accounts, sessions, vaults, documents, documentVersions, envelopes, uploads, accessEvents, pendingBlobDeletions } = storage.tables;
    expect(await countRows(storage, accounts, eq(accounts.id, alice.accountId))).toBe(0);
    expect(await countRows(storage, sessions, eq(sessions.accountId, alice.accountId))).toBe(0);
    const left = {
      vaults: await countRows(storage, vaults, eq(vaults.id, alice.vaultId)),
      documents: await countRows(storage, documents, eq(documents.vaultId, alice.vaultId)),
      documentVersions: await countRows(storage, documentVersions, eq(documentVersions.vaultId, alice.vaultId)),
      envelopes: await countRows(storage, envelopes, eq(envelopes.vaultId, alice.vaultId)),
      uploads: await countRows(storage, uploads, eq(uploads.vaultId, alice.vaultId)),
      accessEvents: await countRows(storage, accessEvents, eq(accessEvents.vaultId, alice.vaultId)),
    };
    expect(left).toEqual({ vaults: 0, documents: 0, documentVersions: 0, envelopes: 0, uploads: 0, accessEvents: 0 });
    expect(await countRows(storage, pendingBlobDeletions)).toBe(0);
    expect(server.state.blobs.listPublished()).toHaveLength(1);
    expect(await server.state.blobs.listTemp()).toEqual([]);
    expect((await loginWith(alice.accountId, alice.authKey)).status).toBe(401);
    expect((await call(server, 'GET', '/api/vaults', { token: bob.token })).status).toBe(200);
  });
});
