// Grants: the owner shares exact document versions with one recipient; the recipient reads the vault
// manifest, those versions (with their grant wrap) and their payloads while the grant is active, each read
// in the owner's history under the recipient's id; everything else, and everything after revocation or the
// end date, is NOT_FOUND. Envelopes, scope, lists and wraps are opaque bytes to the server: random here.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { documentVersionResponseSchema } from '../../shared/documents.ts';
import { listOwnedGrantsResponseSchema, listReceivedGrantsResponseSchema } from '../../shared/grants.ts';
import { historyResponseSchema } from '../../shared/history.ts';
import {
  beginUpload, call, commitBody, currentSequence, errorCode, newAccount, putChunk, randomB64, snapshotState, startServer, uploadDocument,
  type TestAccount, type TestServer,
} from './harness.ts';
import { acceptedShareInvite } from './share-invite.ts';
import { countRows } from './stored-rows.ts';

interface World {
  server: TestServer;
  owner: TestAccount;
  doctor: TestAccount;
  stranger: TestAccount;
  shared: string;
  other: string;
}

let current: World | undefined;
afterEach(async () => {
  await current?.server.close();
  current = undefined;
});

async function world(): Promise<World> {
  const server = await startServer();
  const owner = await newAccount(server, 'alice@example.test');
  const doctor = await newAccount(server, 'dr-martin@example.test');
  const stranger = await newAccount(server, 'eve@example.test');
  const shared = await uploadDocument(server, owner, { payload: new Uint8Array(300).fill(7) });
  const other = await uploadDocument(server, owner, { payload: new Uint8Array(50).fill(9) });
  await acceptedShareInvite(server, owner.token, owner.vaultId, doctor.token);
  current = { server, owner, doctor, stranger, shared, other };
  return current;
}

const wrap = (documentId: string, version = 1) => ({ documentId, version, wrap: randomB64(73) });

async function nextManifest(w: World) {
  return { sequence: (await currentSequence(w.server, w.owner)) + 1, manifest: randomB64(400) };
}

async function createBody(w: World, options: { recipient?: string; wraps?: ReturnType<typeof wrap>[]; endsAt?: number | null; sequence?: number; role?: 'reader' | 'contributor' } = {}) {
  return {
    grantId: randomB64(16),
    recipientAccountId: options.recipient ?? w.doctor.accountId,
    role: options.role ?? 'reader',
    endsAt: options.endsAt ?? null,
    recipientEnvelope: randomB64(1200),
    ownerEnvelope: randomB64(1200),
    scope: randomB64(257),
    list: { sequence: 1, list: randomB64(200) },
    wraps: options.wraps ?? [wrap(w.shared)],
    vaultManifest: options.sequence === undefined ? await nextManifest(w) : { sequence: options.sequence, manifest: randomB64(400) },
  };
}

async function share(w: World, options: Parameters<typeof createBody>[1] = {}) {
  const body = await createBody(w, options);
  const response = await call(w.server, 'POST', `/api/vaults/${w.owner.vaultId}/grants`, { token: w.owner.token, json: body });
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ grantId: body.grantId });
  return body;
}

const vaultPath = (w: World) => `/api/vaults/${w.owner.vaultId}`;
const versionPath = (w: World, documentId: string, version = 1) => `${vaultPath(w)}/documents/${documentId}/versions/${version}`;

async function shares(w: World, account: TestAccount) {
  const response = await call(w.server, 'GET', '/api/shares', { token: account.token });
  expect(response.status).toBe(200);
  return listReceivedGrantsResponseSchema.parse(await response.json()).grants;
}

async function expectNotFound(response: Response): Promise<void> {
  expect(response.status).toBe(404);
  if (response.headers.get('content-type')?.includes('json') === true) expect(await errorCode(response)).toBe('NOT_FOUND');
}

/** Every read a recipient may do on one version, each expected NOT_FOUND. */
async function expectNoRead(w: World, account: TestAccount, documentId: string): Promise<void> {
  await expectNotFound(await call(w.server, 'GET', `${vaultPath(w)}/manifest`, { token: account.token }));
  await expectNotFound(await call(w.server, 'GET', versionPath(w, documentId), { token: account.token }));
  await expectNotFound(await call(w.server, 'GET', `${vaultPath(w)}/documents/${documentId}`, { token: account.token }));
  await expectNotFound(await call(w.server, 'GET', `${versionPath(w, documentId)}/payload`, { token: account.token }));
  expect((await call(w.server, 'HEAD', `${versionPath(w, documentId)}/payload`, { token: account.token })).status).toBe(404);
}

function wrapCount(w: World): Promise<number> {
  return countRows(w.server.state.storage, w.server.state.storage.tables.grantWraps);
}

describe('a grant, from its recipient', () => {
  it('is listed in GET /api/shares without the owner envelope or scope', async () => {
    const w = await world();
    const body = await share(w);
    const [received, ...rest] = await shares(w, w.doctor);
    expect(rest).toEqual([]);
    expect(received).toMatchObject({
      vaultId: w.owner.vaultId, grantId: body.grantId, ownerAccountId: w.owner.accountId, ownerPublicBundle: w.owner.publicBundle,
      role: 'reader', endsAt: null, recipientEnvelope: body.recipientEnvelope, list: body.list,
    });
    expect(JSON.stringify(received)).not.toContain(body.ownerEnvelope);
    expect(JSON.stringify(received)).not.toContain(body.scope);
    expect(await shares(w, w.owner)).toEqual([]);
  });

  it('reads the manifest, the shared version with its grant wrap, and its payload; each read is in the owner history as the recipient', async () => {
    const w = await world();
    const body = await share(w);
    const manifest = await call(w.server, 'GET', `${vaultPath(w)}/manifest`, { token: w.doctor.token });
    expect(manifest.status).toBe(200);
    expect(await manifest.json()).toEqual({ vaultId: w.owner.vaultId, sequence: body.vaultManifest.sequence, manifest: body.vaultManifest.manifest });
    for (const path of [versionPath(w, w.shared), `${vaultPath(w)}/documents/${w.shared}`]) {
      const response = await call(w.server, 'GET', path, { token: w.doctor.token });
      expect(response.status).toBe(200);
      const version = documentVersionResponseSchema.parse(await response.json());
      expect(version.grantWrap).toBe(body.wraps[0]?.wrap);
      expect(version.envelopes).toHaveLength(1);
    }
    const payload = await call(w.server, 'GET', `${versionPath(w, w.shared)}/payload`, { token: w.doctor.token });
    expect(payload.status).toBe(200);
    expect(new Uint8Array(await payload.arrayBuffer())).toEqual(new Uint8Array(300).fill(7));
    const head = await call(w.server, 'HEAD', `${versionPath(w, w.shared)}/payload`, { token: w.doctor.token });
    expect(head.headers.get('content-length')).toBe('300');
    const ranged = await call(w.server, 'GET', `${versionPath(w, w.shared)}/payload`, { token: w.doctor.token, headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);

    const own = documentVersionResponseSchema.parse(await (await call(w.server, 'GET', versionPath(w, w.shared), { token: w.owner.token })).json());
    expect(own.grantWrap).toBeUndefined();
    const history = historyResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/history`, { token: w.owner.token })).json());
    const byDoctor = history.events.filter((event) => event.actorAccountId === w.doctor.accountId);
    expect(byDoctor.map((event) => [event.action, event.documentId, event.version])).toEqual([
      ['envelope-read', w.shared, 1], ['envelope-read', w.shared, 1], ['payload-read', w.shared, 1], ['payload-read', w.shared, 1],
    ]);
  });

  it('gets 404 for a document not shared and for every owner-only route, with nothing written', async () => {
    const w = await world();
    const body = await share(w);
    await expectNotFound(await call(w.server, 'GET', versionPath(w, w.other), { token: w.doctor.token }));
    await expectNotFound(await call(w.server, 'GET', `${vaultPath(w)}/documents/${w.other}`, { token: w.doctor.token }));
    await expectNotFound(await call(w.server, 'GET', `${versionPath(w, w.other)}/payload`, { token: w.doctor.token }));
    const uploadId = await beginUpload(w.server, w.owner, 4);
    const manifest = { vaultManifest: { sequence: 9, manifest: randomB64(40) } };
    const ownerOnly: [string, string, unknown?][] = [
      ['GET', `${vaultPath(w)}/documents`], ['GET', `${vaultPath(w)}/documents/${w.shared}/versions`], ['GET', `${vaultPath(w)}/history`],
      ['GET', `${vaultPath(w)}/history/checkpoint`], ['GET', `${vaultPath(w)}/grants`], ['POST', `${vaultPath(w)}/uploads`, { size: 4 }],
      ['GET', `${vaultPath(w)}/uploads/${uploadId}`], ['PUT', `${vaultPath(w)}/manifest`, manifest],
      ['DELETE', `${vaultPath(w)}/documents/${w.shared}`, manifest], ['DELETE', `${vaultPath(w)}/grants/${body.grantId}`, manifest],
      ['PATCH', `${vaultPath(w)}/grants/${body.grantId}`, { list: { sequence: 2, list: randomB64(10) }, wraps: [], removeDocuments: [w.shared] }],
      ['POST', `${vaultPath(w)}/grants`, await createBody(w, { recipient: w.stranger.accountId })],
    ];
    const before = await snapshotState(w.server);
    for (const [method, path, json] of ownerOnly) {
      await expectNotFound(await call(w.server, method, path, { token: w.doctor.token, ...(json === undefined ? {} : { json }) }));
    }
    expect(await snapshotState(w.server)).toBe(before);
  });

  it('gives a third account 404 for everything, and nothing in /api/shares', async () => {
    const w = await world();
    await share(w);
    await expectNoRead(w, w.stranger, w.shared);
    expect(await shares(w, w.stranger)).toEqual([]);
  });
});

describe('creating a grant', () => {
  it('refuses a second grant for the same recipient, a stale manifest, an unknown recipient, a list not at 1: nothing written', async () => {
    const w = await world();
    await share(w);
    await acceptedShareInvite(w.server, w.owner.token, w.owner.vaultId, w.stranger.token);
    const sequence = await currentSequence(w.server, w.owner);
    const attempts: [unknown, number, string][] = [
      [await createBody(w), 409, 'CONFLICT'],
      [await createBody(w, { recipient: w.stranger.accountId, sequence }), 409, 'CONFLICT'],
      [await createBody(w, { recipient: 'nobody@example.test' }), 404, 'NOT_FOUND'],
      [{ ...(await createBody(w, { recipient: w.stranger.accountId })), list: { sequence: 2, list: randomB64(20) } }, 409, 'CONFLICT'],
      [await createBody(w, { recipient: w.stranger.accountId, wraps: [wrap(w.shared, 2)] }), 404, 'NOT_FOUND'],
      [await createBody(w, { recipient: w.stranger.accountId, wraps: [wrap(w.shared), wrap(w.shared)] }), 409, 'CONFLICT'],
    ];
    for (const [json, status, code] of attempts) {
      const before = await snapshotState(w.server);
      const response = await call(w.server, 'POST', `${vaultPath(w)}/grants`, { token: w.owner.token, json });
      expect(response.status).toBe(status);
      expect(await errorCode(response)).toBe(code);
      expect(await snapshotState(w.server)).toBe(before);
    }
  });

  it('accepts 10,000 wraps in one request', async () => {
    const w = await world();
    // 10,000 committed versions written straight into the database: only their rows matter here.
    const ids = Array.from({ length: 10_000 }, () => randomBytes(16).toString('base64url'));
    const { vaultId, accountId } = w.owner;
    await w.server.state.storage.transaction(async (tx) => {
      // In slices: one statement may not bind 10,000 rows' parameters on either engine.
      for (let start = 0; start < ids.length; start += 500) {
        const slice = ids.slice(start, start + 500);
        await tx.insert(tx.tables.documents).values(slice.map((id) => ({ vaultId, id, currentVersion: 1, createdAt: 0, updatedAt: 0 })));
        await tx.insert(tx.tables.documentVersions).values(slice.map((id) => ({
          vaultId, documentId: id, version: 1, blobId: `blob-${id}`, payloadSize: 0, authorAccountId: accountId,
          metadata: Buffer.from([0]), manifest: Buffer.from([0]), createdAt: 0,
        })));
      }
    });
    const body = await createBody(w, { wraps: ids.map((id) => wrap(id)) });
    body.list.list = randomB64(10_000 * 26 + 200);
    // Speed is tests/bench/share-ops.ts's business; here, one request of this size is accepted whole.
    const response = await call(w.server, 'POST', `${vaultPath(w)}/grants`, { token: w.owner.token, json: body });
    expect(response.status).toBe(201);
    expect(await wrapCount(w)).toBe(10_000);
  });
});

describe('grant bodies', () => {
  it('refuses a body over 16 MiB: 413 PAYLOAD_TOO_LARGE, nothing written', async () => {
    const w = await world();
    const body = await createBody(w);
    body.scope = randomB64(12 * 1024 * 1024);
    const before = await snapshotState(w.server);
    const response = await call(w.server, 'POST', `${vaultPath(w)}/grants`, { token: w.owner.token, json: body });
    expect([response.status, await errorCode(response)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await snapshotState(w.server)).toBe(before);
  });
});

describe('changing a grant', () => {
  it('PATCH adds wraps and removes documents, with the next list; a stale list or duplicate wrap is refused', async () => {
    const w = await world();
    const body = await share(w);
    const patch = (json: unknown) => call(w.server, 'PATCH', `${vaultPath(w)}/grants/${body.grantId}`, { token: w.owner.token, json });
    const added = wrap(w.other);
    expect((await patch({ list: { sequence: 2, list: randomB64(60) }, wraps: [added], removeDocuments: [w.shared] })).status).toBe(204);
    expect(documentVersionResponseSchema.parse(await (await call(w.server, 'GET', versionPath(w, w.other), { token: w.doctor.token })).json()).grantWrap).toBe(added.wrap);
    await expectNotFound(await call(w.server, 'GET', versionPath(w, w.shared), { token: w.doctor.token }));
    expect((await shares(w, w.doctor))[0]?.list.sequence).toBe(2);

    const before = await snapshotState(w.server);
    const stale = await patch({ list: { sequence: 2, list: randomB64(60) }, wraps: [], removeDocuments: [] });
    expect([stale.status, await errorCode(stale)]).toEqual([409, 'CONFLICT']);
    const duplicate = await patch({ list: { sequence: 3, list: randomB64(60) }, wraps: [wrap(w.other)], removeDocuments: [] });
    expect([duplicate.status, await errorCode(duplicate)]).toEqual([409, 'CONFLICT']);
    const unknown = await call(w.server, 'PATCH', `${vaultPath(w)}/grants/${randomB64(16)}`, { token: w.owner.token, json: { list: { sequence: 2, list: randomB64(6) }, wraps: [], removeDocuments: [] } });
    expect(unknown.status).toBe(404);
    expect(await snapshotState(w.server)).toBe(before);

    const ends = w.server.clock.now + 60_000;
    expect((await patch({ list: { sequence: 3, list: randomB64(60) }, wraps: [], removeDocuments: [], endsAt: ends, scope: randomB64(300), vaultManifest: await nextManifest(w) })).status).toBe(204);
    const owned = listOwnedGrantsResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/grants`, { token: w.owner.token })).json()).grants;
    expect(owned.map((grant) => [grant.grantId, grant.endsAt, grant.list.sequence])).toEqual([[body.grantId, ends, 3]]);
  });

  it('carries its role: set at create, changed by PATCH, returned to the owner and the recipient', async () => {
    const w = await world();
    const body = await share(w, { role: 'contributor' });
    const roles = async () => [
      listOwnedGrantsResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/grants`, { token: w.owner.token })).json()).grants.map((grant) => grant.role),
      (await shares(w, w.doctor)).map((grant) => grant.role),
    ];
    expect(await roles()).toEqual([['contributor'], ['contributor']]);
    const changed = await call(w.server, 'PATCH', `${vaultPath(w)}/grants/${body.grantId}`, {
      token: w.owner.token, json: { list: { sequence: 2, list: randomB64(60) }, wraps: [], removeDocuments: [], role: 'reader', vaultManifest: await nextManifest(w) },
    });
    expect(changed.status).toBe(204);
    expect(await roles()).toEqual([['reader'], ['reader']]);
    const invalid = await call(w.server, 'POST', `${vaultPath(w)}/grants`, { token: w.owner.token, json: { ...(await createBody(w, { recipient: w.stranger.accountId })), role: 'owner' } });
    expect([invalid.status, await errorCode(invalid)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('revoke: the grant and its wraps go with the next manifest; the recipient gets 404 everywhere and no share', async () => {
    const w = await world();
    const body = await share(w);
    const stale = await call(w.server, 'DELETE', `${vaultPath(w)}/grants/${body.grantId}`, { token: w.owner.token, json: { vaultManifest: body.vaultManifest } });
    expect(stale.status).toBe(409);
    const response = await call(w.server, 'DELETE', `${vaultPath(w)}/grants/${body.grantId}`, { token: w.owner.token, json: { vaultManifest: await nextManifest(w) } });
    expect(response.status).toBe(204);
    expect(await wrapCount(w)).toBe(0);
    await expectNoRead(w, w.doctor, w.shared);
    expect(await shares(w, w.doctor)).toEqual([]);
  });

  it('an end date that passed: 404 everywhere and not listed; the owner still sees the grant', async () => {
    const w = await world();
    // Within the session's idle time, so that only the grant ends.
    const endsAt = w.server.clock.now + 20 * 60_000;
    await share(w, { endsAt });
    w.server.clock.now = endsAt - 1;
    expect((await call(w.server, 'GET', versionPath(w, w.shared), { token: w.doctor.token })).status).toBe(200);
    expect(await shares(w, w.doctor)).toHaveLength(1);
    w.server.clock.now = endsAt;
    await expectNoRead(w, w.doctor, w.shared);
    expect(await shares(w, w.doctor)).toEqual([]);
    const owned = listOwnedGrantsResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/grants`, { token: w.owner.token })).json()).grants;
    expect(owned).toHaveLength(1);
  });
});

describe('grants and the rest of the vault', () => {
  async function commitVersion2(w: World, grants: unknown): Promise<Response> {
    const payload = new Uint8Array(20).fill(3);
    const uploadId = await beginUpload(w.server, w.owner, payload.length);
    expect((await putChunk(w.server, w.owner, uploadId, payload, 0, payload.length - 1)).status).toBe(200);
    const json = { ...commitBody(w.shared, 2, (await currentSequence(w.server, w.owner)) + 1), grants };
    return call(w.server, 'POST', `${vaultPath(w)}/uploads/${uploadId}/commit`, { token: w.owner.token, json });
  }

  it('a commit with `grants` wraps the new version for the recipient, with the next list; stale or unknown grants are refused', async () => {
    const w = await world();
    const body = await share(w);
    const sequence = await currentSequence(w.server, w.owner);
    const stale = await commitVersion2(w, [{ grantId: body.grantId, wrap: randomB64(73), list: { sequence: 1, list: randomB64(30) } }]);
    expect([stale.status, await errorCode(stale)]).toEqual([409, 'CONFLICT']);
    const unknown = await commitVersion2(w, [{ grantId: randomB64(16), wrap: randomB64(73), list: { sequence: 2, list: randomB64(30) } }]);
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'NOT_FOUND']);
    // Refused as a whole: no version 2, no manifest change, no wrap, the list unchanged.
    expect(await currentSequence(w.server, w.owner)).toBe(sequence);
    await expectNotFound(await call(w.server, 'GET', versionPath(w, w.shared, 2), { token: w.owner.token }));
    expect(await wrapCount(w)).toBe(1);
    expect((await shares(w, w.doctor))[0]?.list).toEqual(body.list);

    const newWrap = randomB64(73);
    const response = await commitVersion2(w, [{ grantId: body.grantId, wrap: newWrap, list: { sequence: 2, list: randomB64(30) } }]);
    expect(response.status).toBe(201);
    const latest = documentVersionResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/documents/${w.shared}`, { token: w.doctor.token })).json());
    expect([latest.version, latest.grantWrap]).toEqual([2, newWrap]);
    expect((await call(w.server, 'GET', versionPath(w, w.shared, 1), { token: w.doctor.token })).status).toBe(200);
    expect((await shares(w, w.doctor))[0]?.list.sequence).toBe(2);
  });

  it("a grant of another vault named in a commit is NOT_FOUND", async () => {
    const w = await world();
    await uploadDocument(w.server, w.stranger, { payload: new Uint8Array(5) });
    await acceptedShareInvite(w.server, w.stranger.token, w.stranger.vaultId, w.doctor.token);
    const theirs = { grantId: randomB64(16), recipientAccountId: w.doctor.accountId, role: 'reader', endsAt: null, recipientEnvelope: randomB64(100), ownerEnvelope: randomB64(100), scope: randomB64(257), list: { sequence: 1, list: randomB64(30) }, wraps: [], vaultManifest: { sequence: (await currentSequence(w.server, w.stranger)) + 1, manifest: randomB64(100) } };
    expect((await call(w.server, 'POST', `/api/vaults/${w.stranger.vaultId}/grants`, { token: w.stranger.token, json: theirs })).status).toBe(201);
    const response = await commitVersion2(w, [{ grantId: theirs.grantId, wrap: randomB64(73), list: { sequence: 2, list: randomB64(30) } }]);
    expect(response.status).toBe(404);
  });

  it('deleting a shared document drops its wraps', async () => {
    const w = await world();
    await share(w, { wraps: [wrap(w.shared), wrap(w.other)] });
    expect(await wrapCount(w)).toBe(2);
    const response = await call(w.server, 'DELETE', `${vaultPath(w)}/documents/${w.shared}`, { token: w.owner.token, json: { vaultManifest: await nextManifest(w) } });
    expect(response.status).toBe(204);
    expect(await wrapCount(w)).toBe(1);
    await expectNotFound(await call(w.server, 'GET', versionPath(w, w.shared), { token: w.doctor.token }));
    expect((await call(w.server, 'GET', versionPath(w, w.other), { token: w.doctor.token })).status).toBe(200);
  });

  it("deleting the recipient's account drops the grant and its wraps", async () => {
    const w = await world();
    await share(w);
    const response = await call(w.server, 'DELETE', '/api/accounts/me', { token: w.doctor.token, json: { authKey: w.doctor.authKey } });
    expect(response.status).toBe(204);
    expect(await wrapCount(w)).toBe(0);
    expect(listOwnedGrantsResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/grants`, { token: w.owner.token })).json()).grants).toEqual([]);
  });

  it("deleting the owner's account drops the grant", async () => {
    const w = await world();
    await share(w);
    expect((await call(w.server, 'DELETE', '/api/accounts/me', { token: w.owner.token, json: { authKey: w.owner.authKey } })).status).toBe(204);
    expect(await shares(w, w.doctor)).toEqual([]);
    expect(await wrapCount(w)).toBe(0);
  });
});
