// Contributions: a practitioner with an active contributor grant uploads to the patient's vault and turns the
// upload into a pending document, unlisted and unreadable by recipients, until a manager accepts it with the
// next vault manifest or deletes it (blob included). A reader, an outsider, an ended share: NOT_FOUND.
import { afterEach, describe, expect, it } from 'vitest';
import { listContributionsResponseSchema } from '../../shared/contributions.ts';
import { listDocumentsResponseSchema } from '../../shared/documents.ts';
import { historyResponseSchema } from '../../shared/history.ts';
import {
  call, currentSequence, errorCode, newAccount, randomB64, snapshotState, START, startServer, uploadDocument,
  type TestAccount, type TestServer,
} from './harness.ts';
import { acceptedShareInvite } from './share-invite.ts';

interface World {
  server: TestServer;
  owner: TestAccount;
  doctor: TestAccount;
  reader: TestAccount;
  stranger: TestAccount;
  grantId: string;
}

let current: World | undefined;
afterEach(async () => {
  await current?.server.close();
  current = undefined;
});

const vaultPath = (w: World) => `/api/vaults/${w.owner.vaultId}`;

async function grant(w: Omit<World, 'grantId'>, recipient: TestAccount, role: 'reader' | 'contributor', endsAt: number | null = null): Promise<string> {
  const grantId = randomB64(16);
  await acceptedShareInvite(w.server, w.owner.token, w.owner.vaultId, recipient.token);
  const response = await call(w.server, 'POST', `/api/vaults/${w.owner.vaultId}/grants`, {
    token: w.owner.token,
    json: {
      grantId, recipientAccountId: recipient.accountId, role, endsAt, recipientEnvelope: randomB64(1200), ownerEnvelope: randomB64(1200),
      scope: randomB64(257), list: { sequence: 1, list: randomB64(200) }, wraps: [],
      vaultManifest: { sequence: (await currentSequence(w.server, w.owner)) + 1, manifest: randomB64(400) },
    },
  });
  expect(response.status).toBe(201);
  return grantId;
}

async function world(options: { endsAt?: number } = {}): Promise<World> {
  const server = await startServer();
  const owner = await newAccount(server, 'alice@example.test');
  const doctor = await newAccount(server, 'dr-martin@example.test');
  const reader = await newAccount(server, 'dr-reader@example.test');
  const stranger = await newAccount(server, 'eve@example.test');
  const base = { server, owner, doctor, reader, stranger };
  const grantId = await grant(base, doctor, 'contributor', options.endsAt ?? null);
  await grant(base, reader, 'reader');
  current = { ...base, grantId };
  return current;
}

/** An upload of `payload` by `account` on the patient's vault; null when refused at create. */
async function upload(w: World, account: TestAccount, payload: Uint8Array): Promise<{ uploadId: string } | { status: number }> {
  const created = await call(w.server, 'POST', `${vaultPath(w)}/uploads`, { token: account.token, json: { size: payload.length } });
  if (created.status !== 201) return { status: created.status };
  const { uploadId } = (await created.json()) as { uploadId: string };
  const put = await call(w.server, 'PUT', `${vaultPath(w)}/uploads/${uploadId}`, {
    token: account.token, body: new Uint8Array(payload), headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${payload.length - 1}/${payload.length}` },
  });
  expect(put.status).toBe(200);
  return { uploadId };
}

function contributeBody(documentId = randomB64(16)) {
  return { documentId, metadata: randomB64(512), manifest: randomB64(300), envelopes: [randomB64(1200)] };
}

async function contribute(w: World, account: TestAccount, payload = new Uint8Array(100).fill(3), body = contributeBody()): Promise<Response> {
  const started = await upload(w, account, payload);
  if (!('uploadId' in started)) throw new Error(`upload refused: ${started.status}`);
  return call(w.server, 'POST', `${vaultPath(w)}/uploads/${started.uploadId}/contribute`, { token: account.token, json: body });
}

async function contributed(w: World): Promise<string> {
  const body = contributeBody();
  const response = await contribute(w, w.doctor, new Uint8Array(100).fill(3), body);
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ documentId: body.documentId, version: 1 });
  return body.documentId;
}

async function pending(w: World, account = w.owner) {
  const response = await call(w.server, 'GET', `${vaultPath(w)}/contributions`, { token: account.token });
  expect(response.status).toBe(200);
  return listContributionsResponseSchema.parse(await response.json()).contributions;
}

async function listed(w: World): Promise<string[]> {
  const response = await call(w.server, 'GET', `${vaultPath(w)}/documents`, { token: w.owner.token });
  return listDocumentsResponseSchema.parse(await response.json()).documents.map((entry) => entry.documentId);
}

async function nextManifest(w: World) {
  return { sequence: (await currentSequence(w.server, w.owner)) + 1, manifest: randomB64(400) };
}

describe('a contribution', () => {
  it('arrives pending: listed to the manager with its author and bytes, not in documents or versions, unreadable by recipients', async () => {
    const w = await world();
    const body = contributeBody();
    expect((await contribute(w, w.doctor, new Uint8Array(100).fill(3), body)).status).toBe(201);
    const [entry, ...rest] = await pending(w);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ documentId: body.documentId, authorAccountId: w.doctor.accountId, payloadSize: 100, metadata: body.metadata, manifest: body.manifest, envelopes: body.envelopes });
    expect(await listed(w)).toEqual([]);
    expect((await call(w.server, 'GET', `${vaultPath(w)}/documents/${body.documentId}/versions`, { token: w.owner.token })).status).toBe(404);
    for (const account of [w.doctor, w.reader]) {
      expect((await call(w.server, 'GET', `${vaultPath(w)}/documents/${body.documentId}/versions/1`, { token: account.token })).status).toBe(404);
      expect((await call(w.server, 'GET', `${vaultPath(w)}/documents/${body.documentId}/versions/1/payload`, { token: account.token })).status).toBe(404);
    }
  });

  it("the manager reads its payload, and the read is in the vault's history", async () => {
    const w = await world();
    const documentId = await contributed(w);
    const read = await call(w.server, 'GET', `${vaultPath(w)}/documents/${documentId}/versions/1/payload`, { token: w.owner.token });
    expect(read.status).toBe(200);
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(new Uint8Array(100).fill(3));
    const history = historyResponseSchema.parse(await (await call(w.server, 'GET', `${vaultPath(w)}/history`, { token: w.owner.token })).json());
    expect(history.events.filter((event) => event.documentId === documentId).map((event) => [event.actorAccountId, event.action])).toEqual([[w.owner.accountId, 'payload-read']]);
  });

  it('accept: listed with the next manifest, no longer pending; a stale manifest or a second accept is refused', async () => {
    const w = await world();
    const documentId = await contributed(w);
    const before = await snapshotState(w.server);
    const stale = await call(w.server, 'POST', `${vaultPath(w)}/contributions/${documentId}/accept`, { token: w.owner.token, json: { vaultManifest: { sequence: 1, manifest: randomB64(40) } } });
    expect([stale.status, await errorCode(stale)]).toEqual([409, 'CONFLICT']);
    expect(await snapshotState(w.server)).toBe(before);
    const update = await nextManifest(w);
    expect((await call(w.server, 'POST', `${vaultPath(w)}/contributions/${documentId}/accept`, { token: w.owner.token, json: { vaultManifest: update } })).status).toBe(204);
    expect(await currentSequence(w.server, w.owner)).toBe(update.sequence);
    expect(await listed(w)).toEqual([documentId]);
    expect(await pending(w)).toEqual([]);
    const again = await call(w.server, 'POST', `${vaultPath(w)}/contributions/${documentId}/accept`, { token: w.owner.token, json: { vaultManifest: await nextManifest(w) } });
    expect(again.status).toBe(404);
    expect((await call(w.server, 'DELETE', `${vaultPath(w)}/contributions/${documentId}`, { token: w.owner.token })).status).toBe(404);
  });

  it('delete: the pending document and its blob go', async () => {
    const w = await world();
    await uploadDocument(w.server, w.owner, { payload: new Uint8Array(10) });
    const documentId = await contributed(w);
    expect(w.server.state.blobs.listPublished()).toHaveLength(2);
    expect((await call(w.server, 'DELETE', `${vaultPath(w)}/contributions/${documentId}`, { token: w.owner.token })).status).toBe(204);
    expect(w.server.state.blobs.listPublished()).toHaveLength(1);
    expect(await pending(w)).toEqual([]);
    expect((await call(w.server, 'GET', `${vaultPath(w)}/documents/${documentId}/versions/1`, { token: w.owner.token })).status).toBe(404);
  });

  it('a pending document takes no new version from a commit, and its id cannot be contributed twice', async () => {
    const w = await world();
    const documentId = await contributed(w);
    await expect(uploadDocument(w.server, w.owner, { documentId, version: 2, payload: new Uint8Array(4) })).rejects.toThrow(/409 CONFLICT/);
    const twice = await contribute(w, w.doctor, new Uint8Array(5), contributeBody(documentId));
    expect([twice.status, await errorCode(twice)]).toEqual([409, 'CONFLICT']);
    expect((await pending(w)).map((entry) => entry.documentId)).toEqual([documentId]);
  });

  it('at most 50 pending per contributor per vault: the 51st is 409 CONFLICT', async () => {
    const w = await world();
    for (let i = 0; i < 50; i += 1) expect((await contribute(w, w.doctor, new Uint8Array(1))).status).toBe(201);
    const over = await contribute(w, w.doctor, new Uint8Array(1));
    expect([over.status, await errorCode(over)]).toEqual([409, 'CONFLICT']);
    expect(await pending(w)).toHaveLength(50);
  });
});

describe('who may contribute', () => {
  it('a reader, an outsider and the owner cannot contribute: 404, nothing written', async () => {
    const w = await world();
    const before = await snapshotState(w.server);
    for (const account of [w.reader, w.stranger]) {
      const created = await call(w.server, 'POST', `${vaultPath(w)}/uploads`, { token: account.token, json: { size: 4 } });
      expect([created.status, await errorCode(created)]).toEqual([404, 'NOT_FOUND']);
    }
    expect(await snapshotState(w.server)).toBe(before);
    const own = await contribute(w, w.owner, new Uint8Array(4));
    expect([own.status, await errorCode(own)]).toEqual([404, 'NOT_FOUND']);
  });

  it("a contributor cannot commit, list, accept or delete, nor touch another account's upload", async () => {
    const w = await world();
    const documentId = await contributed(w);
    const started = await upload(w, w.doctor, new Uint8Array(4));
    if (!('uploadId' in started)) throw new Error('upload refused');
    const commit = await call(w.server, 'POST', `${vaultPath(w)}/uploads/${started.uploadId}/commit`, {
      token: w.doctor.token, json: { ...contributeBody(), version: 1, vaultManifest: await nextManifest(w) },
    });
    expect(commit.status).toBe(404);
    expect((await call(w.server, 'GET', `${vaultPath(w)}/contributions`, { token: w.doctor.token })).status).toBe(404);
    expect((await call(w.server, 'POST', `${vaultPath(w)}/contributions/${documentId}/accept`, { token: w.doctor.token, json: { vaultManifest: await nextManifest(w) } })).status).toBe(404);
    expect((await call(w.server, 'DELETE', `${vaultPath(w)}/contributions/${documentId}`, { token: w.doctor.token })).status).toBe(404);
    expect((await call(w.server, 'GET', `${vaultPath(w)}/uploads/${started.uploadId}`, { token: w.owner.token })).status).toBe(404);
    expect((await call(w.server, 'GET', `${vaultPath(w)}/uploads/${started.uploadId}`, { token: w.doctor.token })).status).toBe(200);
  });

  it('a share that ended or was revoked: 404 on the upload and on contribute; its pending contributions stay for the patient', async () => {
    const w = await world({ endsAt: START + 10 * 60_000 });
    const documentId = await contributed(w);
    const started = await upload(w, w.doctor, new Uint8Array(4));
    if (!('uploadId' in started)) throw new Error('upload refused');
    w.server.clock.now = START + 11 * 60_000;
    expect((await call(w.server, 'GET', `${vaultPath(w)}/uploads/${started.uploadId}`, { token: w.doctor.token })).status).toBe(404);
    const late = await call(w.server, 'POST', `${vaultPath(w)}/uploads/${started.uploadId}/contribute`, { token: w.doctor.token, json: contributeBody() });
    expect(late.status).toBe(404);
    expect((await call(w.server, 'POST', `${vaultPath(w)}/uploads`, { token: w.doctor.token, json: { size: 4 } })).status).toBe(404);
    expect((await pending(w)).map((entry) => entry.documentId)).toEqual([documentId]);
  });

  it('revoked: 404 for the former contributor', async () => {
    const w = await world();
    const revoked = await call(w.server, 'DELETE', `${vaultPath(w)}/grants/${w.grantId}`, { token: w.owner.token, json: { vaultManifest: await nextManifest(w) } });
    expect(revoked.status).toBe(204);
    expect((await call(w.server, 'POST', `${vaultPath(w)}/uploads`, { token: w.doctor.token, json: { size: 4 } })).status).toBe(404);
  });

  it('a role changed to reader stops contributions', async () => {
    const w = await world();
    const changed = await call(w.server, 'PATCH', `${vaultPath(w)}/grants/${w.grantId}`, {
      token: w.owner.token, json: { list: { sequence: 2, list: randomB64(60) }, wraps: [], removeDocuments: [], role: 'reader' },
    });
    expect(changed.status).toBe(204);
    expect((await call(w.server, 'POST', `${vaultPath(w)}/uploads`, { token: w.doctor.token, json: { size: 4 } })).status).toBe(404);
  });
});
