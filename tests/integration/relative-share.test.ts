// Read-only sharing with a relative (SHARING3.md). Server: a share invitation ('share' purpose) on any vault
// the caller manages, a personal one included, outside the managers' limit; its acceptance answers the vault
// owner's bundle; a grant's recipient must be a practitioner in the directory or an account that accepted a
// share invitation of this vault (404 otherwise, as for an unknown account), and that invitation goes with
// the grant. Client core: a patient shares a category read-only with a relative through a code; the
// relative lists and reads; the code's keys-hash prefix and the proof are checked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actingAs, createRecord } from '../../client/core/managed-vaults.ts';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { acceptInvite, createShareInvite, listInvites } from '../../client/core/record-managers.ts';
import { shareWithInvitee } from '../../client/core/relative-share.ts';
import { listSharedWithMe, newSharedState, openSharedPayload } from '../../client/core/shared-with-me.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import { fingerprintNumber, keysHash } from '../../crypto/fingerprint.ts';
import { generateIdentity, signPublicBundle } from '../../crypto/identity.ts';
import { formatInviteCode, parseInviteCode } from '../../crypto/invite.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { acceptInviteResponseSchema, listInvitesResponseSchema } from '../../shared/managed-vaults.ts';
import { rejectionCode } from '../error-code.ts';
import {
  b64, call, currentSequence, errorCode, newAccount, randomB64, signUpBody, snapshotState, START, startServer, login,
  type TestAccount, type TestServer,
} from './harness.ts';
import { listedProfile, peopleOf, uploadText, type Person } from './people.ts';
import { acceptedShareInvite } from './share-invite.ts';

const HOUR = 3600_000;

describe('share invitations and the grant recipient rule (server)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup() {
    server = await startServer();
    const alice = await newAccount(server, 'alice@example.test');
    const bob = await newAccount(server, 'bob@example.test');
    const eve = await newAccount(server, 'eve@example.test');
    return { s: server, alice, bob, eve };
  }

  function grantBody(s: TestServer, owner: TestAccount, recipientAccountId: string) {
    return async () => ({
      grantId: randomB64(16), recipientAccountId, role: 'reader', endsAt: null, recipientEnvelope: randomB64(1200), ownerEnvelope: randomB64(1200),
      scope: randomB64(257), list: { sequence: 1, list: randomB64(200) }, wraps: [],
      vaultManifest: { sequence: (await currentSequence(s, owner)) + 1, manifest: randomB64(400) },
    });
  }

  const invites = async (s: TestServer, account: TestAccount, vaultId: string) =>
    listInvitesResponseSchema.parse(await (await call(s, 'GET', `/api/vaults/${vaultId}/invites`, { token: account.token })).json()).invites;

  it('a share invite on a personal vault: listed with its purpose, accepted with the owner account’s bundle; never a manager invite', async () => {
    const { s, alice, bob } = await setup();
    const inviteId = randomB64(16);
    const manager = await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: alice.token, json: { inviteId, expiresAt: s.clock.now + HOUR, purpose: 'manager' } });
    expect([manager.status, await errorCode(manager)]).toEqual([400, 'BAD_REQUEST']);
    const bad = await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: alice.token, json: { inviteId, expiresAt: s.clock.now + HOUR, purpose: 'friend' } });
    expect(bad.status).toBe(400);
    const created = await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: alice.token, json: { inviteId, expiresAt: s.clock.now + HOUR, purpose: 'share' } });
    expect(created.status).toBe(201);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: bob.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + HOUR, purpose: 'share' } })).status).toBe(404);
    expect(await invites(s, alice, alice.vaultId)).toEqual([{ inviteId, purpose: 'share', createdAt: s.clock.now, expiresAt: s.clock.now + HOUR, invitee: null }]);
    const own = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: alice.token, json: { proof: randomB64(32) } });
    expect([own.status, await errorCode(own)]).toEqual([400, 'BAD_REQUEST']);
    const proof = randomB64(32);
    const accepted = await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: bob.token, json: { proof } });
    expect(accepted.status).toBe(200);
    expect(acceptInviteResponseSchema.parse(await accepted.json())).toEqual({ vaultId: alice.vaultId, purpose: 'share', publicBundle: alice.publicBundle });
    expect(await invites(s, alice, alice.vaultId)).toEqual([
      { inviteId, purpose: 'share', createdAt: s.clock.now, expiresAt: s.clock.now + HOUR, invitee: { accountId: bob.accountId, publicBundle: bob.publicBundle, proof } },
    ]);
    // A managed record's share invite answers the record's own bundle.
    const identity = generateIdentity();
    const vaultId = randomB64(16);
    const publicBundle = b64(signPublicBundle(identity, { accountId: vaultId, role: 'vault', createdAt: START }));
    expect((await call(s, 'POST', '/api/vaults', { token: alice.token, json: { vaultId, publicBundle, managerEnvelope: randomB64(1200), label: randomB64(256), vaultManifest: { sequence: 1, manifest: randomB64(400) } } })).status).toBe(201);
    const recordInvite = randomB64(16);
    expect((await call(s, 'POST', `/api/vaults/${vaultId}/invites`, { token: alice.token, json: { inviteId: recordInvite, expiresAt: s.clock.now + HOUR, purpose: 'share' } })).status).toBe(201);
    const recordAccepted = await call(s, 'POST', `/api/invites/${recordInvite}/accept`, { token: bob.token, json: { proof: randomB64(32) } });
    expect(acceptInviteResponseSchema.parse(await recordAccepted.json())).toEqual({ vaultId, purpose: 'share', publicBundle });
    // A share invite does not make a manager (400), and nothing is written.
    const before = await snapshotState(s);
    const asManager = await call(s, 'POST', `/api/vaults/${vaultId}/managers`, {
      token: alice.token,
      json: { inviteId: recordInvite, accountId: bob.accountId, envelope: randomB64(1200), startsAt: null, endsAt: null, vaultManifest: { sequence: 2, manifest: randomB64(400) } },
    });
    expect([asManager.status, await errorCode(asManager)]).toEqual([400, 'BAD_REQUEST']);
    expect(await snapshotState(s)).toBe(before);
  });

  it('share invites on a full record do not count toward MANAGER_LIMIT', async () => {
    const { s, alice, bob, eve } = await setup();
    const identity = generateIdentity();
    const vaultId = randomB64(16);
    const publicBundle = b64(signPublicBundle(identity, { accountId: vaultId, role: 'vault', createdAt: START }));
    expect((await call(s, 'POST', '/api/vaults', { token: alice.token, json: { vaultId, publicBundle, managerEnvelope: randomB64(1200), label: randomB64(256), vaultManifest: { sequence: 1, manifest: randomB64(400) } } })).status).toBe(201);
    const others = [bob, eve, await newAccount(s, 'carol@example.test')];
    for (const [index, other] of others.entries()) {
      const inviteId = randomB64(16);
      expect((await call(s, 'POST', `/api/vaults/${vaultId}/invites`, { token: alice.token, json: { inviteId, expiresAt: s.clock.now + HOUR } })).status).toBe(201);
      expect((await call(s, 'POST', `/api/invites/${inviteId}/accept`, { token: other.token, json: { proof: randomB64(32) } })).status).toBe(200);
      const added = await call(s, 'POST', `/api/vaults/${vaultId}/managers`, {
        token: alice.token,
        json: { inviteId, accountId: other.accountId, envelope: randomB64(1200), startsAt: null, endsAt: null, vaultManifest: { sequence: 2 + index, manifest: randomB64(400) } },
      });
      expect(added.status).toBe(201);
    }
    const full = await call(s, 'POST', `/api/vaults/${vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + HOUR } });
    expect([full.status, await errorCode(full)]).toEqual([409, 'MANAGER_LIMIT']);
    const share = await call(s, 'POST', `/api/vaults/${vaultId}/invites`, { token: alice.token, json: { inviteId: randomB64(16), expiresAt: s.clock.now + HOUR, purpose: 'share' } });
    expect(share.status).toBe(201);
  });

  it('a grant to a patient who accepted nothing is 404 like an unknown account; 201 once a share invite was accepted, and the invite goes with it', async () => {
    const { s, alice, bob, eve } = await setup();
    const body = grantBody(s, alice, bob.accountId);
    const before = await snapshotState(s);
    for (const recipient of [bob.accountId, 'nobody@example.test']) {
      const refused = await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await grantBody(s, alice, recipient)() });
      expect([refused.status, await errorCode(refused)]).toEqual([404, 'NOT_FOUND']);
    }
    expect(await snapshotState(s)).toBe(before);
    // A share invite Bob accepted for Eve's vault, or a pending one of Alice's, gives Alice nothing.
    await acceptedShareInvite(s, eve.token, eve.vaultId, bob.token);
    const pending = randomB64(16);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/invites`, { token: alice.token, json: { inviteId: pending, expiresAt: s.clock.now + HOUR, purpose: 'share' } })).status).toBe(201);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await body() })).status).toBe(404);

    const inviteId = await acceptedShareInvite(s, alice.token, alice.vaultId, bob.token);
    const created = await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await body() });
    expect(created.status).toBe(201);
    expect((await invites(s, alice, alice.vaultId)).map((entry) => entry.inviteId)).toEqual([pending]);
    expect((await invites(s, eve, eve.vaultId)).map((entry) => entry.invitee?.accountId)).toEqual([bob.accountId]);
    expect(inviteId).not.toBe(pending);
    // Revoked, the grant cannot be made again without a new invitation.
    const grantId = (await call(s, 'GET', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token }).then((r) => r.json()) as { grants: { grantId: string }[] }).grants[0]?.grantId ?? '';
    const revoked = await call(s, 'DELETE', `/api/vaults/${alice.vaultId}/grants/${grantId}`, { token: alice.token, json: { vaultManifest: { sequence: (await currentSequence(s, alice)) + 1, manifest: randomB64(400) } } });
    expect(revoked.status).toBe(204);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await body() })).status).toBe(404);
  });

  it('a deleted share invite allows nothing; a practitioner with a directory profile needs no invite, one without a profile does', async () => {
    const { s, alice, bob } = await setup();
    const inviteId = await acceptedShareInvite(s, alice.token, alice.vaultId, bob.token);
    expect((await call(s, 'DELETE', `/api/vaults/${alice.vaultId}/invites/${inviteId}`, { token: alice.token })).status).toBe(204);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await grantBody(s, alice, bob.accountId)() })).status).toBe(404);

    const practitioners: { accountId: string; token: string }[] = [];
    for (const accountId of ['dr-listed@example.test', 'dr-unlisted@example.test']) {
      const signUp = { ...signUpBody(accountId), publicBundle: b64(signPublicBundle(generateIdentity(), { accountId, role: 'practitioner', createdAt: START })) };
      expect((await call(s, 'POST', '/api/accounts', { json: signUp })).status).toBe(202);
      practitioners.push({ accountId, token: await login(s, accountId, signUp.authKey) });
    }
    const [listed, unlisted] = practitioners;
    expect((await call(s, 'PUT', '/api/accounts/me/practitioner-profile', { token: listed?.token ?? '', json: listedProfile(7) })).status).toBe(204);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await grantBody(s, alice, listed?.accountId ?? '')() })).status).toBe(201);
    expect((await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, { token: alice.token, json: await grantBody(s, alice, unlisted?.accountId ?? '')() })).status).toBe(404);
  });
});

describe('sharing with a relative through the client core', () => {
  const BIOLOGY = '11502-2';
  const IMAGING = '18748-4';
  let server: TestServer;
  let patient: Person;
  let relative: Person;
  const { sent, api, person } = peopleOf(() => server);
  const patientState: VaultState & SettingsState = {};
  const patientPins = memoryPinStore();
  const relativePins = memoryPinStore();
  const relativeState = newSharedState();
  let biology: string;

  const metadata = (title: string, category: string): Omit<DocumentMetadata, 'realLength'> =>
    ({ title, category, dateOfCare: '2026-11-20', author: 'Laboratoire', fileName: 'r.txt', mimeType: 'text/plain' });

  beforeAll(async () => {
    server = await startServer({}, undefined, Date.now());
    patient = await person('patiente@example.org', 'patient');
    relative = await person('fille@example.org', 'patient');
    biology = await uploadText(api(patient), patient.account, patientState, 'glycémie 0,95 g/L', metadata('Glycémie', BIOLOGY));
    await uploadText(api(patient), patient.account, patientState, 'radio du genou', metadata('Radio', IMAGING));
  }, 30_000);

  afterAll(() => server.close());

  it('the patient shares a category read-only until a date with a relative who joined with a code; the relative lists and reads it', async () => {
    const invite = await createShareInvite(api(patient), patient.account, { expiresAt: Date.now() + HOUR });
    expect(parseInviteCode(invite.code).vaultId).toBe(patient.account.vaultId);
    const accepted = await acceptInvite(api(relative), relative.account, relativePins, invite.code);
    expect([accepted.vaultId, accepted.purpose, accepted.owner.accountId, accepted.owner.role]).toEqual([patient.account.vaultId, 'share', 'patiente@example.org', 'patient']);
    const ownerPin = await relativePins.get('patiente@example.org');
    expect([ownerPin?.verified, ownerPin?.keysHash]).toEqual([true, keysHash(patient.account.bundle)]);

    const [entry, ...others] = await listInvites(api(patient), patient.account);
    expect(others).toEqual([]);
    expect([entry?.purpose, entry?.status, entry?.invitee?.accountId, entry?.invitee?.fingerprint]).toEqual(['share', 'accepted', 'fille@example.org', fingerprintNumber(relative.account.bundle)]);

    const endsAt = Date.now() + 30 * 24 * HOUR;
    const vault = await openVault(api(patient), patient.account, patientState);
    sent.length = 0;
    try {
      await shareWithInvitee(api(patient), patient.account, patientState, patientPins, vault, { inviteId: invite.inviteId, scope: { kind: 'categories', categories: [BIOLOGY] }, endsAt });
    } finally {
      forgetFileKeys(vault);
    }
    expect(sent.map((request) => request.call)).toEqual([`GET /api/vaults/${patient.account.vaultId}/invites`, `POST /api/vaults/${patient.account.vaultId}/grants`]);
    const grant = JSON.parse(sent[1]?.body ?? '{}') as { role: string; endsAt: number; recipientAccountId: string };
    expect([grant.role, grant.endsAt, grant.recipientAccountId]).toEqual(['reader', endsAt, 'fille@example.org']);
    expect((await patientPins.get('fille@example.org'))?.verified).toBe(true);
    expect(await listInvites(api(patient), patient.account)).toEqual([]);

    const shared = await listSharedWithMe(api(relative), relative.account, relativePins, relativeState);
    expect(shared.map((owner) => [owner.ownerAccountId, owner.pinStatus])).toEqual([['patiente@example.org', 'verified']]);
    const documents = shared[0]?.grants[0]?.documents ?? [];
    expect(documents.map((document) => document.metadata.title)).toEqual(['Glycémie']);
    const download = await openSharedPayload(api(relative), relative.account, relativePins, relativeState, { grantId: shared[0]?.grants[0]?.grantId ?? '', documentId: biology });
    expect(await new Response(download.stream).text()).toBe('glycémie 0,95 g/L');
  });

  it('refuses a code whose keys-hash prefix is not the owner’s (KEY_CHANGED), nothing pinned; a record’s share code pins the record', async () => {
    const invite = await createShareInvite(api(patient), patient.account, { expiresAt: Date.now() + HOUR });
    const parsed = parseInviteCode(invite.code);
    const forged = formatInviteCode({ vaultId: parsed.vaultId, inviteId: parsed.inviteId, secret: parsed.secret, vaultKeysHash: keysHash(relative.account.bundle) });
    const stranger = await person('voisin@example.org', 'patient');
    const strangerPins = memoryPinStore();
    expect(await rejectionCode(acceptInvite(api(stranger), stranger.account, strangerPins, forged))).toBe('KEY_CHANGED');
    expect(await strangerPins.get('patiente@example.org')).toBeUndefined();

    const { record } = await createRecord(api(patient), patient.account, patientPins, 'Papi');
    const recordInvite = await createShareInvite(api(patient), actingAs(patient.account, record), { expiresAt: Date.now() + HOUR });
    const accepted = await acceptInvite(api(stranger), stranger.account, strangerPins, recordInvite.code);
    expect([accepted.vaultId, accepted.purpose, accepted.owner.accountId, accepted.owner.role]).toEqual([record.vaultId, 'share', record.vaultId, 'vault']);
    expect((await strangerPins.get(record.vaultId))?.verified).toBe(true);
    const [entry] = (await listInvites(api(patient), actingAs(patient.account, record)));
    expect([entry?.purpose, entry?.status, entry?.invitee?.accountId]).toEqual(['share', 'accepted', 'voisin@example.org']);
  }, 30_000);
});
