// The server attacks sharing (ATK-03, ATK-05, ATK-06, ATK-17, ATK-20, ATK-21): it hands the patient its own
// key as the practitioner's, seals grant keys of its own choosing, slips a document it signed into the
// shared set, replays share lists and grant lists from before a revocation, adds its own account to the
// share list, serves a grant to someone the owner never listed, keeps serving a revoked grant, withholds
// or forges grant wraps. Alice (patient) shares with Dr Martin (practitioner); Bob is a practitioner she
// never shared with. Each refusal is a typed error, and nothing is sealed or sent after it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openVault } from '../../client/core/opened-vault.ts';
import { markVerified, memoryPinStore } from '../../client/core/pins.ts';
import { fetchPractitioner, publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload } from '../../client/core/shared-with-me.ts';
import { listShares, revokeShare, shareWith, updateShare } from '../../client/core/sharing.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { envelopeOpener, generateGrantKey, openGrantKey, sealGrantKey, wrapForGrant } from '../../crypto/envelope.ts';
import { fingerprintNumber } from '../../crypto/fingerprint.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import { randomBytes } from '../../crypto/primitives.ts';
import { memberOf, signVaultManifest, verifyVaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { listedProfile } from '../integration/people.ts';
import { forgeVersion } from './forge.ts';
import { editBase64Field, editJson, flipBit, replay, respondJson, type Mutation } from './tamper.ts';
import { content, failureCode, newPerson, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const BIOLOGY = '11502-2';
const IMAGING = '18748-4';
const SHARES = /^\/api\/shares$/;
const MANIFEST = /\/manifest$/;
const GRANTS = /\/grants$/;
const PROFILE = {
  name: 'Dr Claire Martin', profession: 'medecin-generaliste' as const, specialty: '', rpps: '10000000009',
  place: 'Cabinet médical des Lilas, 12 rue des Lilas', city: 'Lyon',
};

let world: World;
let alice: Person;
let doctor: Person;
let bob: Person;
const aliceState: VaultState = {};
const alicePins = memoryPinStore();
const doctorPins = memoryPinStore();
const doctorState = newSharedState();
/** The server's own identity: it signs and seals with this. */
const server = generateIdentity();
const serverBundle = verifyPublicBundle(signPublicBundle(server, { accountId: 'mallory@example.org', role: 'practitioner', createdAt: 1 }));
let blood: string;
let grantId: string;

const versionPath = (documentId: string, version: number) => new RegExp(`/documents/${documentId}/versions/${String(version)}$`);

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  doctor = await newPerson(world, 'dr.martin@example.org', 'practitioner');
  bob = await newPerson(world, 'bob@example.org', 'practitioner');
  await publishPractitionerProfile(world.api(doctor), PROFILE);
  await publishPractitionerProfile(world.api(bob), listedProfile(1));
  blood = await uploadHonestly(world, alice, aliceState, content(700, 1), { metadata: { title: 'Glycémie', category: BIOLOGY } });
  await uploadHonestly(world, alice, aliceState, content(800, 2), { metadata: { title: 'Radio', category: IMAGING } });
}, 60_000);

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

function doctorLists(...mutations: Mutation[]): Promise<string> {
  world.tamper.use(...mutations);
  return failureCode(listSharedWithMe(world.api(doctor), doctor.account, doctorPins, doctorState));
}

function replayed(name: string, path: RegExp): Mutation {
  return replay(`replay ${name}`, path, () => world.tamper.recorded(name));
}

/** The grant key, as the practitioner (a holder of it) can open it: to forge a wrap that authenticates. */
function doctorGrantKey(recipientEnvelope: string, vaultId: string): Uint8Array {
  const key = openGrantKey(fromBase64url(recipientEnvelope), { vaultId, grantId }, envelopeOpener(doctor.account.identity.kemSeed), [alice.account.bundle.signingPublicKey]);
  if (key === null) throw new Error('the envelope is not the doctor’s');
  return key;
}

describe('sharing under a malicious server', () => {
  it('ATK-03 the server hands over its own key as the practitioner’s: KEY_CHANGED against the pin, nothing sealed or sent', async () => {
    const vault = await openVault(world.api(alice), alice.account, aliceState);
    const honest = await fetchPractitioner(world.api(alice), doctor.accountId);
    await markVerified(alicePins, honest.bundle);
    const substitute = signPublicBundle(server, { accountId: doctor.accountId, role: 'practitioner', createdAt: 2 });
    world.tamper.use(editBase64Field('own key as the practitioner’s', /^\/api\/practitioners\//, 'publicBundle', () => substitute));
    const forged = await fetchPractitioner(world.api(alice), doctor.accountId);
    expect(forged.fingerprint).not.toBe(fingerprintNumber(doctor.account.bundle));
    const share = shareWith(world.api(alice), alice.account, aliceState, alicePins, vault, { recipient: forged.bundle, scope: { kind: 'all' }, endsAt: null });
    expect(await failureCode(share)).toBe('KEY_CHANGED');
    expect(world.tamper.calls()).toEqual([`GET /api/practitioners/${encodeURIComponent(doctor.accountId)}`]);
    expect((await alicePins.get(doctor.accountId))?.verified).toBe(true);

    // The honest share, used by the tests below: biology only, then a new version of the shared document.
    world.tamper.reset();
    ({ grantId } = await shareWith(world.api(alice), alice.account, aliceState, alicePins, vault, { recipient: honest.bundle, scope: { kind: 'categories', categories: [BIOLOGY] }, endsAt: null }));
    world.tamper.record('shares at list 1', 'GET', SHARES);
    expect(await doctorLists()).toBe('(none)');
    await uploadHonestly(world, alice, aliceState, content(900, 3), { documentId: blood, metadata: { title: 'Glycémie', category: BIOLOGY } });
    world.tamper.reset();
    world.tamper.record('shares at list 2', 'GET', SHARES);
    world.tamper.record('manifest shared', 'GET', MANIFEST);
    const shared = await listSharedWithMe(world.api(doctor), doctor.account, doctorPins, doctorState);
    expect(shared[0]?.grants[0]?.documents.map((document) => document.versions)).toEqual([[1, 2]]);
  });

  it('ATK-05 a grant-key envelope the server sealed with a key of its choosing, signed by itself: SIGNER_NOT_ALLOWED for the practitioner and the owner', async () => {
    const vaultId = alice.account.vaultId;
    const chosen = generateGrantKey();
    const forRecipient = sealGrantKey(chosen, { vaultId, grantId }, doctor.account.bundle.encryptionPublicKey, server.signingSeed);
    expect(await doctorLists(editJson('server-sealed recipient envelope', SHARES, (body) => {
      for (const grant of body.grants as Record<string, unknown>[]) grant.recipientEnvelope = toBase64url(forRecipient);
    }))).toBe('SIGNER_NOT_ALLOWED');
    expect(world.tamper.fired).toContain('server-sealed recipient envelope');

    const forOwner = sealGrantKey(chosen, { vaultId, grantId }, alice.account.bundle.encryptionPublicKey, server.signingSeed);
    const ownerEnvelope = editJson('server-sealed owner envelope', GRANTS, (body) => {
      for (const grant of body.grants as Record<string, unknown>[]) grant.ownerEnvelope = toBase64url(forOwner);
    });
    world.tamper.use(ownerEnvelope);
    expect(await failureCode(listShares(world.api(alice), alice.account, aliceState))).toBe('SIGNER_NOT_ALLOWED');
    // An upload that would wrap for the grant stops before anything is sent.
    world.tamper.use(ownerEnvelope);
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(300, 9)); controller.close(); } });
    const upload = uploadDocument(world.api(alice), alice.account, aliceState, { stream, size: 300, metadata: { title: 'Ferritine', category: BIOLOGY, dateOfCare: '2026-03-01', author: 'Labo', fileName: 'f.txt', mimeType: 'text/plain' } });
    expect(await failureCode(upload)).toBe('SIGNER_NOT_ALLOWED');
    expect(world.tamper.calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
  });

  it('ATK-06 a version the server signed, slipped into the shared set as an older version: SIGNER_NOT_ALLOWED before any byte', async () => {
    const forged = await forgeVersion({
      context: { vaultId: alice.account.vaultId, documentId: blood, version: 1 }, plaintext: content(700, 7),
      recipientPublicKey: doctor.account.bundle.encryptionPublicKey, signerSeed: server.signingSeed, authorAccountId: alice.accountId,
    });
    // With a grant wrap of the right size beside it, as the server would copy one.
    world.tamper.use(respondJson('server-signed older version', versionPath(blood, 1), () => ({ ...forged.response, grantWrap: toBase64url(randomBytes(73)) })));
    const open = openSharedPayload(world.api(doctor), doctor.account, doctorPins, doctorState, { grantId, documentId: blood, version: 1 });
    expect(await failureCode(open)).toBe('SIGNER_NOT_ALLOWED');
    expect(world.tamper.calls().some((call) => call.endsWith('/payload'))).toBe(false);
  });

  it('ATK-21 a withheld grant wrap is RECORD_MISSING; an altered one DECRYPTION_FAILED; one around another key COMMITMENT_MISMATCH', async () => {
    expect(await doctorLists(editJson('wrap left out', versionPath(blood, 2), (body) => { delete body.grantWrap; }))).toBe('RECORD_MISSING');
    expect(await doctorLists(respondJson('version withheld', versionPath(blood, 2), () => ({ error: { code: 'NOT_FOUND' } }), 404))).toBe('RECORD_MISSING');
    expect(await doctorLists(editBase64Field('wrap altered', versionPath(blood, 2), 'grantWrap', (bytes) => flipBit(bytes, 40)))).toBe('DECRYPTION_FAILED');
    const received = JSON.parse(new TextDecoder().decode(world.tamper.recorded('shares at list 2').body)) as { grants: { recipientEnvelope: string }[] };
    const grantKey = doctorGrantKey(received.grants[0]?.recipientEnvelope ?? '', alice.account.vaultId);
    const other = wrapForGrant(grantKey, grantId, { vaultId: alice.account.vaultId, documentId: blood, version: 2 }, randomBytes(32));
    expect(await doctorLists(editBase64Field('wrap around another key', versionPath(blood, 2), 'grantWrap', () => other))).toBe('COMMITMENT_MISMATCH');
    expect(await doctorLists()).toBe('(none)');
  });

  it('ATK-17 a replayed grant list older than the one seen: ROLLBACK', async () => {
    expect(await doctorLists(replayed('shares at list 1', SHARES))).toBe('ROLLBACK');
    expect(world.tamper.fired).toContain('replay shares at list 1');
  });

  it('ATK-20 the server adds its own account to the share list: SIGNATURE_INVALID for the practitioner and the owner, nothing wrapped', async () => {
    const withServer = editJson('server added to the shares', MANIFEST, (body) => {
      const { manifest } = verifyVaultManifest(fromBase64url(body.manifest as string), alice.account.bundle.signingPublicKey);
      const shares = [...manifest.shares, { ...memberOf(serverBundle), role: 'reader' as const, endsAt: null }];
      body.manifest = toBase64url(signVaultManifest({ ...manifest, shares }, server.signingSeed));
    });
    expect(await doctorLists(withServer)).toBe('SIGNATURE_INVALID');
    world.tamper.use(withServer);
    expect(await failureCode(listShares(world.api(alice), alice.account, aliceState))).toBe('SIGNATURE_INVALID');
    expect(world.tamper.calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
  });

  it('ATK-20 a grant served to an account the owner never listed (Bob): RECIPIENT_NOT_ALLOWED, nothing opened', async () => {
    world.tamper.use(replayed('shares at list 2', SHARES), replayed('manifest shared', MANIFEST));
    const listed = await failureCode(listSharedWithMe(world.api(bob), bob.account, memoryPinStore(), newSharedState()));
    expect(listed).toBe('RECIPIENT_NOT_ALLOWED');
    expect(world.tamper.calls().some((call) => call.includes('/documents/'))).toBe(false);
  });

  it('ATK-17 ATK-21 after a revocation: a replayed share list is ROLLBACK, a revoked grant served again is refused, and uploads wrap for nobody', async () => {
    // A change of end date: the practitioner sees the manifest that follows, then the share is revoked.
    const vault = await openVault(world.api(alice), alice.account, aliceState);
    world.tamper.record('grants before revocation', 'GET', GRANTS);
    await updateShare(world.api(alice), alice.account, aliceState, vault, { grantId, endsAt: Date.now() + 86_400_000 });
    world.tamper.reset();
    world.tamper.record('shares before revocation', 'GET', SHARES);
    expect(await failureCode(listSharedWithMe(world.api(doctor), doctor.account, doctorPins, doctorState))).toBe('(none)');
    world.tamper.reset();
    await revokeShare(world.api(alice), alice.account, aliceState, grantId);
    world.tamper.record('manifest after revocation', 'GET', MANIFEST);
    expect(await listShares(world.api(alice), alice.account, aliceState)).toEqual([]);
    expect(await doctorLists()).toBe('(none)');

    // The share list from before the change of end date (older than the practitioner's head).
    expect(await doctorLists(replayed('shares at list 2', SHARES), replayed('manifest shared', MANIFEST))).toBe('ROLLBACK');
    // The revoked grant served again with the owner's current manifest, which no longer lists the share.
    expect(await doctorLists(replayed('shares before revocation', SHARES), replayed('manifest after revocation', MANIFEST))).toBe('RECIPIENT_NOT_ALLOWED');

    // The owner's side: an old manifest is ROLLBACK; the revoked grant, served again beside a live share
    // with Bob (imaging only), gets no wrap from an upload: the signed manifest no longer lists it.
    world.tamper.use(replayed('manifest shared', MANIFEST));
    expect(await failureCode(listShares(world.api(alice), alice.account, aliceState))).toBe('ROLLBACK');
    world.tamper.reset();
    const reopened = await openVault(world.api(alice), alice.account, aliceState);
    await shareWith(world.api(alice), alice.account, aliceState, alicePins, reopened, { recipient: bob.account.bundle, scope: { kind: 'categories', categories: [IMAGING] }, endsAt: null });
    world.tamper.use(replayed('grants before revocation', GRANTS));
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(500, 11)); controller.close(); } });
    const metadata = { title: 'Glycémie', category: BIOLOGY, dateOfCare: '2026-03-02', author: 'Labo', fileName: 'g.txt', mimeType: 'text/plain' };
    await uploadDocument(world.api(alice), alice.account, aliceState, { stream, size: 500, documentId: blood, metadata });
    expect(world.tamper.fired).toContain('replay grants before revocation');
    const commit = world.tamper.sent.find((request) => request.path.endsWith('/commit'));
    expect(commit).toBeDefined();
    expect(JSON.parse(typeof commit?.body === 'string' ? commit.body : '{}')).not.toHaveProperty('grants');
  });
});
