// Managed records: created with their own identity (checked), listed to their active managers with the
// manager's envelope and dates; invitations (dates, one acceptance, proof stored opaque); managers added
// (MANAGER_LIMIT), removed or leaving, the last one out taking the record and its blobs; an active manager
// may do what a personal vault's owner may (documents, uploads, grants, history checkpoint signed by the
// record's key), anyone else, an ended or not-yet-started manager included, gets NOT_FOUND.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { accessEventHash, signHistoryCheckpoint } from '../../crypto/access-chain.ts';
import { generateIdentity, signPublicBundle, type IdentitySecrets } from '../../crypto/identity.ts';
import { listContributionsResponseSchema } from '../../shared/contributions.ts';
import { listDocumentsResponseSchema } from '../../shared/documents.ts';
import { listReceivedGrantsResponseSchema } from '../../shared/grants.ts';
import { historyResponseSchema } from '../../shared/history.ts';
import { acceptInviteResponseSchema, listInvitesResponseSchema, listManagersResponseSchema } from '../../shared/managed-vaults.ts';
import { listVaultsResponseSchema } from '../../shared/vaults.ts';
import { fromBase64url } from '../../shared/binary.ts';
import {
  b64, call, currentSequence, errorCode, newAccount, randomB64, snapshotState, START, startServer, uploadDocument,
  type TestAccount, type TestServer,
} from './harness.ts';
import { acceptedShareInvite } from './share-invite.ts';
import { countRows } from './stored-rows.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Record {
  vaultId: string;
  identity: IdentitySecrets;
  publicBundle: string;
  label: string;
  envelope: string;
}

async function setup() {
  server = await startServer();
  const alice = await newAccount(server, 'alice@example.test');
  const bob = await newAccount(server, 'bob@example.test');
  const eve = await newAccount(server, 'eve@example.test');
  return { server, alice, bob, eve };
}

function newRecordBody(vaultId = randomB64(16), role: 'vault' | 'patient' = 'vault', bundleId = vaultId) {
  const identity = generateIdentity();
  const publicBundle = b64(signPublicBundle(identity, { accountId: bundleId, role, createdAt: START }));
  return { identity, body: { vaultId, publicBundle, managerEnvelope: randomB64(1200), label: randomB64(256), vaultManifest: { sequence: 1, manifest: randomB64(400) } } };
}

async function createRecord(s: TestServer, account: TestAccount): Promise<Record> {
  const { identity, body } = newRecordBody();
  const response = await call(s, 'POST', '/api/vaults', { token: account.token, json: body });
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ vaultId: body.vaultId });
  return { vaultId: body.vaultId, identity, publicBundle: body.publicBundle, label: body.label, envelope: body.managerEnvelope };
}

/** The account acting on the record (same token, the record's id as vault). */
const on = (account: TestAccount, record: Record): TestAccount => ({ ...account, vaultId: record.vaultId });

async function vaultsOf(s: TestServer, account: TestAccount) {
  return listVaultsResponseSchema.parse(await (await call(s, 'GET', '/api/vaults', { token: account.token })).json()).vaults;
}

async function invite(s: TestServer, account: TestAccount, record: Record, expiresAt = s.clock.now + 3600_000): Promise<string> {
  const inviteId = randomB64(16);
  const response = await call(s, 'POST', `/api/vaults/${record.vaultId}/invites`, { token: account.token, json: { inviteId, expiresAt } });
  expect(response.status).toBe(201);
  return inviteId;
}

async function join(s: TestServer, inviter: TestAccount, invitee: TestAccount, record: Record, dates: { startsAt?: number | null; endsAt?: number | null } = {}): Promise<Response> {
  const inviteId = await invite(s, inviter, record);
  const accepted = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: invitee.token, json: { proof: randomB64(32) } });
  expect(accepted.status).toBe(200);
  return call(s, 'POST', `/api/vaults/${record.vaultId}/managers`, {
    token: inviter.token,
    json: {
      inviteId, accountId: invitee.accountId, envelope: randomB64(1200), startsAt: dates.startsAt ?? null, endsAt: dates.endsAt ?? null,
      vaultManifest: { sequence: (await currentSequence(s, on(inviter, record))) + 1, manifest: randomB64(400) },
    },
  });
}

async function leave(s: TestServer, actor: TestAccount, record: Record, managerId: string): Promise<Response> {
  return call(s, 'DELETE', `/api/vaults/${record.vaultId}/managers/${encodeURIComponent(managerId)}`, {
    token: actor.token, json: { vaultManifest: { sequence: (await currentSequence(s, on(actor, record))) + 1, manifest: randomB64(400) } },
  });
}

describe('creating a record', () => {
  it('lists it to its creator as manager, with bundle, envelope and label; the personal vault stays owner', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect(await vaultsOf(s, alice)).toEqual([
      { vaultId: alice.vaultId, role: 'owner', manifestSequence: 0, publicBundle: null, managerEnvelope: null, label: null, startsAt: null, endsAt: null },
      { vaultId: record.vaultId, role: 'manager', manifestSequence: 1, publicBundle: record.publicBundle, managerEnvelope: record.envelope, label: record.label, startsAt: null, endsAt: null },
    ]);
    expect((await vaultsOf(s, bob)).map((vault) => vault.vaultId)).toEqual([bob.vaultId]);
  });

  it('refuses a taken id (409), a bundle that is not a vault identity naming the id (400), a manifest not at 1 (409): nothing written', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    const before = await snapshotState(s);
    const taken = newRecordBody(record.vaultId).body;
    expect((await call(s, 'POST', '/api/vaults', { token: bob.token, json: taken })).status).toBe(409);
    const personal = newRecordBody(bob.vaultId).body;
    expect((await call(s, 'POST', '/api/vaults', { token: bob.token, json: personal })).status).toBe(409);
    const wrongRole = newRecordBody(randomB64(16), 'patient').body;
    expect(await errorCode(await call(s, 'POST', '/api/vaults', { token: bob.token, json: wrongRole }))).toBe('BAD_REQUEST');
    const wrongId = newRecordBody(randomB64(16), 'vault', randomB64(16)).body;
    expect(await errorCode(await call(s, 'POST', '/api/vaults', { token: bob.token, json: wrongId }))).toBe('BAD_REQUEST');
    const forged = newRecordBody().body;
    const bytes = fromBase64url(forged.publicBundle);
    bytes.set([(bytes.at(-1) ?? 0) ^ 1], bytes.length - 1);
    expect(await errorCode(await call(s, 'POST', '/api/vaults', { token: bob.token, json: { ...forged, publicBundle: b64(bytes) } }))).toBe('BAD_REQUEST');
    const late = newRecordBody().body;
    expect((await call(s, 'POST', '/api/vaults', { token: bob.token, json: { ...late, vaultManifest: { sequence: 2, manifest: randomB64(40) } } })).status).toBe(409);
    expect(await snapshotState(s)).toBe(before);
  });

  it('at most 10 records per account: the 11th is 409 CONFLICT', async () => {
    const { server: s, alice } = await setup();
    for (let i = 0; i < 10; i += 1) await createRecord(s, alice);
    const over = await call(s, 'POST', '/api/vaults', { token: alice.token, json: newRecordBody().body });
    expect([over.status, await errorCode(over)]).toEqual([409, 'CONFLICT']);
  });
});

describe('invitations', () => {
  it('expire within 7 days at most; accepted once with the proof stored as sent and the bundle as stored', async () => {
    const { server: s, alice, bob, eve } = await setup();
    const record = await createRecord(s, alice);
    const tooLong = await call(s, 'POST', `/api/vaults/${record.vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + 7 * 24 * 3600_000 + 1 } });
    expect([tooLong.status, await errorCode(tooLong)]).toEqual([400, 'BAD_REQUEST']);
    const past = await call(s, 'POST', `/api/vaults/${record.vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now } });
    expect(past.status).toBe(400);
    const inviteId = await invite(s, alice, record, s.clock.now + 7 * 24 * 3600_000);
    const proof = randomB64(32);
    const own = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: alice.token, json: { proof } });
    expect([own.status, await errorCode(own)]).toEqual([400, 'BAD_REQUEST']);
    const accepted = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: bob.token, json: { proof } });
    expect(accepted.status).toBe(200);
    expect(acceptInviteResponseSchema.parse(await accepted.json())).toEqual({ vaultId: record.vaultId, purpose: 'manager', publicBundle: record.publicBundle });
    const second = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: eve.token, json: { proof: randomB64(32) } });
    expect([second.status, await errorCode(second)]).toEqual([409, 'CONFLICT']);
    const listed = listInvitesResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/invites`, { token: alice.token })).json()).invites;
    expect(listed).toEqual([{ inviteId, purpose: 'manager', createdAt: s.clock.now, expiresAt: s.clock.now + 7 * 24 * 3600_000, invitee: { accountId: bob.accountId, publicBundle: bob.publicBundle, proof } }]);
  });

  it('an unknown or expired invite is 404; a deleted one too', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect((await call(s, 'POST', `/api/invites/${randomB64(16)}/accept`, { token: bob.token, json: { proof: randomB64(32) } })).status).toBe(404);
    const expiring = await invite(s, alice, record, s.clock.now + 60_000);
    const deleted = await invite(s, alice, record);
    expect((await call(s, 'DELETE', `/api/vaults/${record.vaultId}/invites/${deleted}`, { token: alice.token })).status).toBe(204);
    expect((await call(s, 'POST', `/api/invites/${deleted}/accept`, { token: bob.token, json: { proof: randomB64(32) } })).status).toBe(404);
    s.clock.now += 60_000;
    expect((await call(s, 'POST', `/api/invites/${expiring}/accept`, { token: bob.token, json: { proof: randomB64(32) } })).status).toBe(404);
    expect((await call(s, 'POST', `/api/invites/${expiring}/accept`, { json: { proof: randomB64(32) } })).status).toBe(401);
  });

  it('a personal vault has no invites or managers (400); an outsider gets 404 on every record route, nothing written', async () => {
    const { server: s, alice, eve } = await setup();
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + 60_000 } })).status).toBe(400);
    const record = await createRecord(s, alice);
    const inviteId = await invite(s, alice, record);
    const before = await snapshotState(s);
    const path = `/api/vaults/${record.vaultId}`;
    const manifest = { vaultManifest: { sequence: 2, manifest: randomB64(40) } };
    for (const [method, route, json] of [
      ['POST', '/invites', { inviteId: randomB64(16), expiresAt: s.clock.now + 60_000 }], ['GET', '/invites'], ['DELETE', `/invites/${inviteId}`],
      ['GET', '/managers'], ['DELETE', `/managers/${alice.accountId}`, manifest],
      ['POST', '/managers', { inviteId, accountId: eve.accountId, envelope: randomB64(100), startsAt: null, endsAt: null, ...manifest }],
      ['GET', '/documents'], ['GET', '/manifest'], ['PUT', '/manifest', manifest], ['GET', '/history'], ['GET', '/history/checkpoint'],
      ['POST', '/uploads', { size: 3 }], ['GET', '/grants'], ['GET', '/settings'], ['GET', '/contributions'],
    ] as const) {
      const response = await call(s, method, `${path}${route}`, { token: eve.token, ...(json === undefined ? {} : { json }) });
      expect([route, response.status]).toEqual([route, 404]);
    }
    expect(await snapshotState(s)).toBe(before);
  });
});

describe('managers', () => {
  it('an invited manager does what the owner does: documents, history checkpoint signed by the record key', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    const [, listedToBob] = await vaultsOf(s, bob);
    expect(listedToBob).toMatchObject({ vaultId: record.vaultId, role: 'manager', publicBundle: record.publicBundle });
    const documentId = await uploadDocument(s, on(bob, record), { payload: new Uint8Array(20).fill(1) });
    const listed = listDocumentsResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: alice.token })).json());
    expect(listed.documents.map((entry) => entry.documentId)).toEqual([documentId]);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents/${documentId}/versions/1/payload`, { token: bob.token })).status).toBe(200);
    const history = historyResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/history`, { token: alice.token })).json());
    const [event] = history.events;
    if (event === undefined) throw new Error('no event');
    expect(event.actorAccountId).toBe(bob.accountId);
    const hash = fromBase64url(event.chainHash);
    expect(hash).toEqual(accessEventHash(record.vaultId, new Uint8Array(32), event));
    const checkpoint = (signer: Uint8Array, signerAccountId: string) => b64(signHistoryCheckpoint({ vaultId: record.vaultId, sequence: 1, hash, signerAccountId, signedAt: s.clock.now }, signer));
    const path = `/api/vaults/${record.vaultId}/history/checkpoint`;
    const byAccount = await call(s, 'PUT', path, { token: bob.token, json: { checkpoint: checkpoint(generateIdentity().signingSeed, bob.accountId) } });
    expect(byAccount.status).toBe(400);
    expect((await call(s, 'PUT', path, { token: bob.token, json: { checkpoint: checkpoint(record.identity.signingSeed, record.vaultId) } })).status).toBe(204);
  });

  it('dates: not yet started or ended is 404 and unlisted; MANAGER_LIMIT beyond 4', async () => {
    const { server: s, alice, bob, eve } = await setup();
    const carol = await newAccount(s, 'carol@example.test');
    const dan = await newAccount(s, 'dan@example.test');
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record, { startsAt: s.clock.now + 60_000 })).status).toBe(201);
    expect((await join(s, alice, eve, record, { endsAt: s.clock.now + 60_000 })).status).toBe(201);
    const danInvite = await invite(s, alice, record);
    expect((await call(s, 'POST', `/api/invites/${danInvite}/accept`, { token: dan.token, json: { proof: randomB64(32) } })).status).toBe(200);
    expect((await join(s, alice, carol, record)).status).toBe(201);
    const managers = listManagersResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/managers`, { token: alice.token })).json()).managers;
    expect(managers.map((manager) => [manager.accountId, manager.startsAt, manager.endsAt])).toEqual(
      [[alice.accountId, null, null], [bob.accountId, s.clock.now + 60_000, null], [carol.accountId, null, null], [eve.accountId, null, s.clock.now + 60_000]],
    );
    const limited = await call(s, 'POST', `/api/vaults/${record.vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + 60_000 } });
    expect([limited.status, await errorCode(limited)]).toEqual([409, 'MANAGER_LIMIT']);
    const fifth = await call(s, 'POST', `/api/vaults/${record.vaultId}/managers`, {
      token: alice.token,
      json: { inviteId: danInvite, accountId: dan.accountId, envelope: randomB64(1200), startsAt: null, endsAt: null, vaultManifest: { sequence: (await currentSequence(s, on(alice, record))) + 1, manifest: randomB64(40) } },
    });
    expect([fifth.status, await errorCode(fifth)]).toEqual([409, 'MANAGER_LIMIT']);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: bob.token })).status).toBe(404);
    expect((await vaultsOf(s, bob)).map((vault) => vault.vaultId)).toEqual([bob.vaultId]);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: eve.token })).status).toBe(200);
    s.clock.now += 60_000;
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: bob.token })).status).toBe(200);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: eve.token })).status).toBe(404);
    expect((await vaultsOf(s, eve)).map((vault) => vault.vaultId)).toEqual([eve.vaultId]);
  });

  it('refuses a manager not from an accepted invite (404), the wrong account (404), dates ending before they start (400)', async () => {
    const { server: s, alice, bob, eve } = await setup();
    const record = await createRecord(s, alice);
    const pendingInvite = await invite(s, alice, record);
    const body = (inviteId: string, accountId: string, dates = { startsAt: null as number | null, endsAt: null as number | null }) => ({
      inviteId, accountId, envelope: randomB64(1200), ...dates, vaultManifest: { sequence: 2, manifest: randomB64(40) },
    });
    const path = `/api/vaults/${record.vaultId}/managers`;
    expect((await call(s, 'POST', path, { token: alice.token, json: body(pendingInvite, bob.accountId) })).status).toBe(404);
    expect((await call(s, 'POST', `/api/invites/${pendingInvite}/accept`, { token: bob.token, json: { proof: randomB64(32) } })).status).toBe(200);
    expect((await call(s, 'POST', path, { token: alice.token, json: body(pendingInvite, eve.accountId) })).status).toBe(404);
    expect((await call(s, 'POST', path, { token: alice.token, json: body(pendingInvite, bob.accountId, { startsAt: 10, endsAt: 10 }) })).status).toBe(400);
    expect((await call(s, 'POST', path, { token: alice.token, json: body(pendingInvite, bob.accountId) })).status).toBe(201);
  });

  it('leaving: the record stays with the others (and outlives its creator); the last one out deletes it and its blobs', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    await uploadDocument(s, on(alice, record), { payload: new Uint8Array(30) });
    expect(s.state.blobs.listPublished()).toHaveLength(1);
    expect((await leave(s, alice, record, alice.accountId)).status).toBe(204);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: alice.token })).status).toBe(404);
    expect((await call(s, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: alice.authKey } })).status).toBe(204);
    expect((await vaultsOf(s, bob)).map((vault) => vault.vaultId)).toEqual([bob.vaultId, record.vaultId]);
    expect(s.state.blobs.listPublished()).toHaveLength(1);
    expect((await leave(s, bob, record, bob.accountId)).status).toBe(204);
    expect(s.state.blobs.listPublished()).toEqual([]);
    const { vaults } = s.state.storage.tables;
    expect(await countRows(s.state.storage, vaults, eq(vaults.id, record.vaultId))).toBe(0);
  });

  it('account deletion: the creator goes, the record stays with the other manager; the last manager deleted takes it with its blobs', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    await uploadDocument(s, on(bob, record), { payload: new Uint8Array(30) });
    expect((await call(s, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: alice.authKey } })).status).toBe(204);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: bob.token })).status).toBe(200);
    const managers = listManagersResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/managers`, { token: bob.token })).json()).managers;
    expect(managers.map((manager) => manager.accountId)).toEqual([bob.accountId]);
    expect(s.state.blobs.listPublished()).toHaveLength(1);
    expect((await call(s, 'DELETE', '/api/accounts/me', { token: bob.token, json: { authKey: bob.authKey } })).status).toBe(204);
    expect(s.state.blobs.listPublished()).toEqual([]);
    expect(await countRows(s.state.storage, s.state.storage.tables.vaults)).toBe(1);
  });

  it("shares a record: a manager's grant is listed to its recipient with the record as owner; the recipient's reads need the grant", async () => {
    const { server: s, alice, bob, eve } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    const documentId = await uploadDocument(s, on(alice, record), { payload: new Uint8Array(12) });
    await acceptedShareInvite(s, bob.token, record.vaultId, eve.token);
    const grantId = randomB64(16);
    const created = await call(s, 'POST', `/api/vaults/${record.vaultId}/grants`, {
      token: bob.token,
      json: {
        grantId, recipientAccountId: eve.accountId, role: 'contributor', endsAt: null, recipientEnvelope: randomB64(1200), ownerEnvelope: randomB64(1200),
        scope: randomB64(257), list: { sequence: 1, list: randomB64(200) }, wraps: [{ documentId, version: 1, wrap: randomB64(73) }],
        vaultManifest: { sequence: (await currentSequence(s, on(bob, record))) + 1, manifest: randomB64(400) },
      },
    });
    expect(created.status).toBe(201);
    const shares = listReceivedGrantsResponseSchema.parse(await (await call(s, 'GET', '/api/shares', { token: eve.token })).json()).grants;
    expect(shares.map((grant) => [grant.vaultId, grant.ownerAccountId, grant.ownerPublicBundle, grant.role])).toEqual([[record.vaultId, record.vaultId, record.publicBundle, 'contributor']]);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents/${documentId}/versions/1`, { token: eve.token })).status).toBe(200);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/documents`, { token: eve.token })).status).toBe(404);
    const contributedUpload = await call(s, 'POST', `/api/vaults/${record.vaultId}/uploads`, { token: eve.token, json: { size: 0 } });
    expect(contributedUpload.status).toBe(201);
    const { uploadId } = (await contributedUpload.json()) as { uploadId: string };
    const contributionId = randomB64(16);
    const contributed = await call(s, 'POST', `/api/vaults/${record.vaultId}/uploads/${uploadId}/contribute`, {
      token: eve.token, json: { documentId: contributionId, metadata: randomB64(100), manifest: randomB64(100), envelopes: [randomB64(200)] },
    });
    expect(contributed.status).toBe(201);
    const pending = listContributionsResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${record.vaultId}/contributions`, { token: alice.token })).json());
    expect(pending.contributions.map((entry) => [entry.documentId, entry.authorAccountId])).toEqual([[contributionId, eve.accountId]]);
  });

  it('a manager cannot accept an invite to their own record (400)', async () => {
    const { server: s, alice, bob } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    const inviteId = await invite(s, alice, record);
    const response = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: bob.token, json: { proof: randomB64(32) } });
    expect([response.status, await errorCode(response)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('one manager removes another: 404 for a non-manager target', async () => {
    const { server: s, alice, bob, eve } = await setup();
    const record = await createRecord(s, alice);
    expect((await join(s, alice, bob, record)).status).toBe(201);
    expect((await leave(s, alice, record, eve.accountId)).status).toBe(404);
    expect((await leave(s, bob, record, alice.accountId)).status).toBe(204);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/manifest`, { token: alice.token })).status).toBe(404);
    expect((await call(s, 'GET', `/api/vaults/${record.vaultId}/manifest`, { token: bob.token })).status).toBe(200);
  });
});
