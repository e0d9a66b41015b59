// The server attacks contributions and vault settings (ATK-06, ATK-17): it injects pending contributions
// signed by its own key, by a reader, by nobody, by a practitioner whose share ended, or with an envelope
// of its own in a genuine one; and it replays older vault settings so that a document hidden from
// practitioners would be shared again. Alice (patient) has Dr Martin as a contributor, Bob as a reader;
// Carol was a contributor until Alice revoked her. Every forgery is quarantined with its code: never
// accepted into the manifest, never listed among the documents; nothing is written after a ROLLBACK.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contribute } from '../../client/core/contributions.ts';
import { forgetFileKeys, openVault, type OwnerVault } from '../../client/core/opened-vault.ts';
import { deleteContribution, fetchContributions } from '../../client/core/pending-contributions.ts';
import { hideDocuments, hideFromPractitioners } from '../../client/core/hide-block.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState } from '../../client/core/shared-with-me.ts';
import { revokeShare, shareWith } from '../../client/core/sharing.ts';
import { newDocumentId, uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import { newFileKey } from '../../crypto/document-context.ts';
import { sealEnvelope } from '../../crypto/envelope.ts';
import { generateIdentity } from '../../crypto/identity.ts';
import type { Contribution } from '../../shared/contributions.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { listedProfile } from '../integration/people.ts';
import { forgeVersion } from './forge.ts';
import { editJson, flipBit, replay, respondJson, type Mutation } from './tamper.ts';
import { content, failureCode, METADATA, newPerson, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const CONTRIBUTIONS = /\/contributions$/;
const SETTINGS = /\/settings$/;

let world: World;
let alice: Person;
let doctor: Person;
let bob: Person;
let carol: Person;
const aliceState: VaultState & SettingsState = {};
const alicePins = memoryPinStore();
/** The server's own identity: it signs and seals with this. */
const server = generateIdentity();
let doctorGrant: string;
let secret: string;

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  doctor = await newPerson(world, 'dr.martin@example.org', 'practitioner');
  bob = await newPerson(world, 'bob@example.org', 'practitioner');
  carol = await newPerson(world, 'carol@example.org', 'practitioner');
  for (const [index, practitioner] of [doctor, bob, carol].entries()) await publishPractitionerProfile(world.api(practitioner), listedProfile(index));
  secret = await uploadHonestly(world, alice, aliceState, content(600, 1), { metadata: { title: 'Sérologie' } });
  await uploadHonestly(world, alice, aliceState, content(700, 2), { metadata: { title: 'Glycémie' } });
  const vault = await openVault(world.api(alice), alice.account, aliceState);
  try {
    const share = (recipient: Person, role: 'reader' | 'contributor') => shareWith(world.api(alice), alice.account, aliceState, alicePins, vault, { recipient: recipient.account.bundle, scope: { kind: 'all' }, endsAt: null, role });
    ({ grantId: doctorGrant } = await share(doctor, 'contributor'));
    await share(bob, 'reader');
    await share(carol, 'contributor');
  } finally {
    forgetFileKeys(vault);
  }
}, 60_000);

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

/** A contribution as the server would list it, built with the real crypto and signed by `signerSeed`. */
async function forgedContribution(signerSeed: Uint8Array, authorAccountId: string): Promise<Contribution> {
  const documentId = newDocumentId();
  const forged = await forgeVersion({
    context: { vaultId: alice.account.vaultId, documentId, version: 1 }, plaintext: content(400, 9), metadata: { title: 'Résultat falsifié' },
    recipientPublicKey: alice.account.bundle.encryptionPublicKey, signerSeed, authorAccountId,
  });
  const { metadata, manifest, envelopes, payloadSize, createdAt } = forged.response;
  return { documentId, authorAccountId, payloadSize, createdAt, metadata, manifest, envelopes };
}

function injected(contribution: Contribution): Mutation {
  return editJson('contribution injected', CONTRIBUTIONS, (body) => { (body.contributions as Contribution[]).push(contribution); });
}

/** Opens Alice's vault through `mutations`; the vault, and the writes sent while opening it. */
async function aliceOpens(...mutations: Mutation[]): Promise<{ vault: OwnerVault; writes: string[] }> {
  world.tamper.use(...mutations);
  const vault = await openVault(world.api(alice), alice.account, aliceState);
  forgetFileKeys(vault);
  return { vault, writes: world.tamper.calls().filter((call) => !call.startsWith('GET ')) };
}

/** The forgery is quarantined with `code`, nothing written, and it is neither a document nor a record. */
async function expectQuarantined(contribution: Contribution, code: string): Promise<void> {
  const { vault, writes } = await aliceOpens(injected(contribution));
  expect(world.tamper.fired).toContain('contribution injected');
  expect(vault.contributions).toEqual({ accepted: [], deleted: [], quarantined: [{ documentId: contribution.documentId, code }] });
  expect(writes).toEqual([]);
  expect(vault.documents.map((entry) => entry.documentId)).not.toContain(contribution.documentId);
  expect(vault.manifest?.records.map((record) => record.documentId)).not.toContain(contribution.documentId);
}

describe('contributions and settings under a malicious server', () => {
  it('ATK-06 a contribution the server signed with its own key: quarantined SIGNER_NOT_ALLOWED, never accepted', async () => {
    await expectQuarantined(await forgedContribution(server.signingSeed, doctor.accountId), 'SIGNER_NOT_ALLOWED');
  });

  it('ATK-06 a contribution signed by a reader (not a contributor): quarantined SIGNER_NOT_ALLOWED', async () => {
    await expectQuarantined(await forgedContribution(bob.account.identity.signingSeed, bob.accountId), 'SIGNER_NOT_ALLOWED');
  });

  it('ATK-06 an unsigned contribution (signature bytes altered), and one naming another author than its signer: quarantined', async () => {
    const genuine = await forgedContribution(doctor.account.identity.signingSeed, doctor.accountId);
    const unsigned = { ...genuine, manifest: toBase64url(flipBit(fromBase64url(genuine.manifest), -1)) };
    await expectQuarantined(unsigned, 'SIGNATURE_INVALID');
    await expectQuarantined(await forgedContribution(doctor.account.identity.signingSeed, carol.accountId), 'SIGNER_NOT_ALLOWED');
  });

  it('ATK-06 a genuine contribution whose envelope the server replaced: SIGNER_NOT_ALLOWED; served honestly, it is accepted', async () => {
    const shared = await listSharedWithMe(world.api(doctor), doctor.account, memoryPinStore(), newSharedState());
    expect(shared[0]?.grants[0]?.grantId).toBe(doctorGrant);
    const doctorPins = memoryPinStore();
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(500, 3)); controller.close(); } });
    const { documentId } = await contribute(world.api(doctor), doctor.account, doctorPins, newSharedState(), { grantId: doctorGrant, stream, size: 500, metadata: { ...METADATA, title: 'Kaliémie' } });
    const context = { vaultId: alice.account.vaultId, documentId, version: 1 };
    const swapped = sealEnvelope(newFileKey(), context, alice.account.bundle.encryptionPublicKey, server.signingSeed);
    const replaced = editJson('envelope replaced', CONTRIBUTIONS, (body) => {
      for (const entry of body.contributions as Contribution[]) entry.envelopes = [toBase64url(swapped)];
    });
    const attacked = await aliceOpens(replaced);
    expect(world.tamper.fired).toContain('envelope replaced');
    expect(attacked.vault.contributions.quarantined).toEqual([{ documentId, code: 'SIGNER_NOT_ALLOWED' }]);
    expect(attacked.writes).toEqual([]);
    expect(attacked.vault.documents.map((entry) => entry.documentId)).not.toContain(documentId);

    // Quarantine keeps it pending: the honest listing verifies and accepts it.
    const honest = await aliceOpens();
    expect(honest.vault.contributions.accepted).toEqual([documentId]);
    expect(honest.vault.documents.find((entry) => entry.documentId === documentId)?.addedBy?.accountId).toBe(doctor.accountId);
  });

  it('ATK-06 a contribution by a practitioner whose share ended meanwhile: quarantined SIGNER_NOT_ALLOWED, then deleted by the patient', async () => {
    const carolGrant = (await listSharedWithMe(world.api(carol), carol.account, memoryPinStore(), newSharedState()))[0]?.grants[0]?.grantId ?? '';
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(300, 4)); controller.close(); } });
    const { documentId } = await contribute(world.api(carol), carol.account, memoryPinStore(), newSharedState(), { grantId: carolGrant, stream, size: 300, metadata: METADATA });
    world.tamper.reset();
    await revokeShare(world.api(alice), alice.account, aliceState, carolGrant);
    const { vault, writes } = await aliceOpens();
    expect(vault.contributions.quarantined).toEqual([{ documentId, code: 'SIGNER_NOT_ALLOWED' }]);
    expect(writes).toEqual([]);
    expect(vault.documents.map((entry) => entry.documentId)).not.toContain(documentId);
    await deleteContribution(world.api(alice), alice.account, documentId);
    expect(await fetchContributions(world.api(alice), alice.account.vaultId)).toEqual([]);
  });

  it('ATK-17 replayed older vault settings: ROLLBACK, so a document hidden from practitioners is neither shared nor wrapped again', async () => {
    await hideDocuments(world.api(alice), alice.account, aliceState, [secret]);
    world.tamper.record('settings 1', 'GET', SETTINGS);
    await hideFromPractitioners(world.api(alice), alice.account, aliceState, [secret]);
    world.tamper.reset();
    const older = replay('replay settings 1', SETTINGS, () => world.tamper.recorded('settings 1'));
    expect(await failureCode(aliceOpens(older))).toBe('ROLLBACK');
    expect(world.tamper.fired).toContain('replay settings 1');
    expect(await failureCode(aliceOpens(respondJson('settings forgotten', SETTINGS, () => ({ sequence: 0, settings: null }))))).toBe('ROLLBACK');

    // A new version of the hidden document, with the older settings served: refused before the commit.
    world.tamper.use(older);
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(200, 5)); controller.close(); } });
    const upload = uploadDocument(world.api(alice), alice.account, aliceState, { stream, size: 200, documentId: secret, metadata: { ...METADATA, title: 'Sérologie' } });
    expect(await failureCode(upload)).toBe('ROLLBACK');
    expect(world.tamper.calls().some((call) => call.endsWith('/commit'))).toBe(false);

    // Served honestly, the settings hold: Dr Martin no longer gets the hidden document.
    const shared = await listSharedWithMe(world.api(doctor), doctor.account, memoryPinStore(), newSharedState());
    expect(shared.flatMap((entry) => entry.grants.flatMap((grant) => grant.documents.map((document) => document.documentId)))).not.toContain(secret);
  });
});
