// The server attacks a record of a relative (ATK-03, ATK-05, ATK-20): it swaps the invitee's bundle for its
// own so that the creator would seal the record's keys for it, hands the invitee a record identity of its
// own making at acceptance or later in the vault list, seals the record's keys itself, and slips its own
// account into the record's managers. Alice created the record of her child Léa; Bob is the other parent.
// Each refusal is a typed error, and nothing is sealed or sent after it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actingAs, createRecord, listVaults, type ManagedRecord } from '../../client/core/managed-vaults.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { acceptInvite, addManager, createInvite, listInvites, removeManager, type InviteEntry } from '../../client/core/record-managers.ts';
import { listDocuments } from '../../client/core/documents.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import { sealVaultKeys } from '../../crypto/envelope.ts';
import { fingerprintNumber } from '../../crypto/fingerprint.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import { sealVaultLabel } from '../../crypto/vault-label.ts';
import { memberOf, signVaultManifest, verifyVaultManifest } from '../../crypto/vault-manifest.ts';
import { toBase64url } from '../../shared/binary.ts';
import { editBase64Field, editJson } from './tamper.ts';
import { content, failureCode, METADATA, newPerson, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const DAY = 24 * 3600 * 1000;
const VAULTS = /^\/api\/vaults$/;
const INVITES = /\/invites$/;
const ACCEPT = /^\/api\/invites\/[^/]+\/accept$/;

let world: World;
let alice: Person;
let bob: Person;
const alicePins = memoryPinStore();
const bobPins = memoryPinStore();
/** Bob's own vault settings as his device saw them last: they hold the records he created or joined. */
const bobSettings: SettingsState = {};
let record: ManagedRecord;
let aliceState: VaultState;
const bobState: VaultState = {};
let invite: InviteEntry;
/** The server's own identity: it signs and seals with this. */
const server = generateIdentity();

/** A record identity of the server's making under the real record's id: self-signed, role 'vault'. */
function serverRecordBundle(): Uint8Array {
  return signPublicBundle(server, { accountId: record.vaultId, role: 'vault', createdAt: 2 });
}

function managedEntry(body: Record<string, unknown>): Record<string, unknown> {
  const entry = (body.vaults as Record<string, unknown>[]).find((vault) => vault.vaultId === record.vaultId);
  if (entry === undefined) throw new Error('the record is not listed');
  return entry;
}

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  bob = await newPerson(world, 'bob@example.org');
  ({ record, state: aliceState } = await createRecord(world.api(alice), alice.account, alicePins, 'Léa'));
  await uploadHonestly(world, alice, aliceState, content(600, 1), { as: actingAs(alice.account, record), metadata: { title: 'Carnet de vaccination' } });
}, 60_000);

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

describe('records of relatives under a malicious server', () => {
  it('ATK-03 the server answers the invitee with a record bundle of its own: refused by the code’s keys-hash prefix, nothing pinned', async () => {
    const { code } = await createInvite(world.api(alice), actingAs(alice.account, record), { expiresAt: Date.now() + DAY });
    world.tamper.use(editBase64Field('own record bundle at acceptance', ACCEPT, 'publicBundle', serverRecordBundle, 'POST'));
    expect(await failureCode(acceptInvite(world.api(bob), bob.account, bobPins, code))).toBe('KEY_CHANGED');
    expect(world.tamper.fired).toEqual(['own record bundle at acceptance']);
    expect(await bobPins.get(record.vaultId)).toBeUndefined();
  });

  it('ATK-03 the server swaps the invitee’s bundle for its own at GET invites: the proof fails, the invitation is refused and never added', async () => {
    const acting = actingAs(alice.account, record);
    const substitute = signPublicBundle(server, { accountId: bob.accountId, role: 'patient', createdAt: 2 });
    world.tamper.use(editJson('own bundle as the invitee’s', INVITES, (body) => {
      for (const entry of body.invites as { invitee: Record<string, unknown> | null }[]) {
        if (entry.invitee !== null) entry.invitee.publicBundle = toBase64url(substitute);
      }
    }));
    const [refused] = await listInvites(world.api(alice), acting);
    expect(world.tamper.fired).toEqual(['own bundle as the invitee’s']);
    expect(refused?.status).toBe('refused');
    expect(refused?.refusal).toBe('SIGNATURE_INVALID');
    expect(refused?.invitee).toBeNull();
    if (refused === undefined) throw new Error('no invitation');

    // A caller that would add it anyway, as if it had been accepted with the substitute's keys: refused
    // before anything is sealed or sent.
    world.tamper.reset();
    const bundle = verifyPublicBundle(substitute);
    const forced: InviteEntry = {
      ...refused, status: 'accepted', refusal: null,
      invitee: { accountId: bob.accountId, bundle, publicBundle: substitute, proof: new Uint8Array(32), fingerprint: fingerprintNumber(bundle) },
    };
    expect(await failureCode(addManager(world.api(alice), acting, aliceState, { invite: forced, startsAt: null, endsAt: null }))).toBe('SIGNATURE_INVALID');
    expect(world.tamper.calls()).toEqual([]);

    // Honestly served, Bob's own proof checks and he is added (used by the tests below).
    const [honest] = await listInvites(world.api(alice), acting);
    expect(honest?.status).toBe('accepted');
    if (honest === undefined) throw new Error('no invitation');
    invite = honest;
    await addManager(world.api(alice), acting, aliceState, { invite, startsAt: null, endsAt: null });
    // Bob's device refused the answer to his acceptance (the test before): it never verified the record, so a
    // record it did not create or join is refused, as one the server made up would be.
    const unverified = await listVaults(world.api(bob), bob.account, bobPins, bobSettings);
    expect(unverified.records).toEqual([]);
    expect(unverified.refused).toEqual([{ vaultId: record.vaultId, code: 'RECORD_UNEXPECTED' }]);
    // Alice takes him off and invites him again: a code accepted honestly verifies the record on his device,
    // and from then on it is kept in Bob's sealed list of records.
    await removeManager(world.api(alice), acting, aliceState, bob.accountId);
    const { code } = await createInvite(world.api(alice), acting, { expiresAt: Date.now() + DAY });
    await acceptInvite(world.api(bob), bob.account, bobPins, code);
    const again = (await listInvites(world.api(alice), acting)).find((entry) => entry.status === 'accepted');
    if (again === undefined) throw new Error('no accepted invitation');
    await addManager(world.api(alice), acting, aliceState, { invite: again, startsAt: null, endsAt: null });
    const listed = await listVaults(world.api(bob), bob.account, bobPins, bobSettings);
    expect(listed.records.map((entry) => [entry.label, entry.pinStatus])).toEqual([['Léa', 'verified']]);
    expect(listed.refused).toEqual([]);
  });

  it('ATK-03 the server hands a manager a whole record identity of its making (envelope and name consistent): KEY_CHANGED against the pin', async () => {
    world.tamper.use(editJson('own record identity in the vault list', VAULTS, (body) => {
      const entry = managedEntry(body);
      entry.publicBundle = toBase64url(serverRecordBundle());
      entry.managerEnvelope = toBase64url(sealVaultKeys(server, record.vaultId, bob.account.bundle.encryptionPublicKey));
      entry.label = toBase64url(sealVaultLabel(server, record.vaultId, 'Léa'));
    }));
    const listed = await listVaults(world.api(bob), bob.account, bobPins, bobSettings);
    expect(world.tamper.fired).toEqual(['own record identity in the vault list']);
    expect(listed.records).toEqual([]);
    expect(listed.refused).toEqual([{ vaultId: record.vaultId, code: 'KEY_CHANGED' }]);
  });

  it('ATK-05 a vault-key envelope the server sealed with seeds of its choosing: SIGNER_NOT_ALLOWED, the record is not opened', async () => {
    world.tamper.use(editJson('server-sealed vault-key envelope', VAULTS, (body) => {
      managedEntry(body).managerEnvelope = toBase64url(sealVaultKeys(server, record.vaultId, bob.account.bundle.encryptionPublicKey));
    }));
    const listed = await listVaults(world.api(bob), bob.account, bobPins, bobSettings);
    expect(world.tamper.fired).toEqual(['server-sealed vault-key envelope']);
    expect(listed.records).toEqual([]);
    expect(listed.refused).toEqual([{ vaultId: record.vaultId, code: 'SIGNER_NOT_ALLOWED' }]);
  });

  it('ATK-05 ATK-20 a manager the server adds to the record’s manifest: SIGNATURE_INVALID for every manager, nothing sent', async () => {
    const mallory = verifyPublicBundle(signPublicBundle(server, { accountId: 'mallory@example.org', role: 'patient', createdAt: 2 }));
    const manifestPath = new RegExp(`^/api/vaults/${record.vaultId}/manifest$`);
    const addMallory = editBase64Field('manager added to the manifest', manifestPath, 'manifest', (bytes) => {
      const { manifest } = verifyVaultManifest(bytes, record.bundle.signingPublicKey);
      return signVaultManifest({ ...manifest, managers: [...manifest.managers, memberOf(mallory)] }, server.signingSeed);
    });
    const [bobRecord] = (await listVaults(world.api(bob), bob.account, bobPins, bobSettings)).records;
    if (bobRecord === undefined) throw new Error('Bob manages no record');
    world.tamper.use(addMallory);
    expect(await failureCode(listDocuments(world.api(bob), actingAs(bob.account, bobRecord), bobState))).toBe('SIGNATURE_INVALID');
    expect(world.tamper.fired).toEqual(['manager added to the manifest']);

    world.tamper.use(addMallory);
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(content(300, 2)); controller.close(); } });
    const upload = uploadDocument(world.api(alice), actingAs(alice.account, record), aliceState, { stream, size: 300, metadata: METADATA });
    expect(await failureCode(upload)).toBe('SIGNATURE_INVALID');
    expect(world.tamper.calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
    // Honestly served, the record's manifest names exactly its two managers.
    world.tamper.reset();
    expect((await listDocuments(world.api(bob), actingAs(bob.account, bobRecord), bobState)).map((entry) => entry.metadata.title)).toEqual(['Carnet de vaccination']);
  });

  it('ATK-06 a whole record of the server’s making (its identity, its seeds sealed for Bob, a name): RECORD_UNEXPECTED on every device, so nothing is ever added to it', async () => {
    const phantomId = toBase64url(content(16, 9));
    world.tamper.use(editJson('a record of the server’s making', VAULTS, (body) => {
      (body.vaults as unknown[]).push({
        vaultId: phantomId, role: 'manager', manifestSequence: 1, startsAt: null, endsAt: null,
        publicBundle: toBase64url(signPublicBundle(server, { accountId: phantomId, role: 'vault', createdAt: 2 })),
        managerEnvelope: toBase64url(sealVaultKeys(server, phantomId, bob.account.bundle.encryptionPublicKey)),
        label: toBase64url(sealVaultLabel(server, phantomId, 'Léa')),
      });
    }));
    for (const pins of [bobPins, memoryPinStore()]) {
      const listed = await listVaults(world.api(bob), bob.account, pins, {});
      expect(listed.records.map((entry) => entry.vaultId)).toEqual([record.vaultId]);
      expect(listed.refused).toEqual([{ vaultId: phantomId, code: 'RECORD_UNEXPECTED' }]);
    }
    expect(world.tamper.calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
  });

  it('opens on a new device the records Bob joined elsewhere, through his sealed list (first sight there, no verification step)', async () => {
    const newDevice = memoryPinStore();
    const listed = await listVaults(world.api(bob), bob.account, newDevice, {});
    expect(listed.records.map((entry) => [entry.vaultId, entry.pinStatus])).toEqual([[record.vaultId, 'new']]);
    expect(listed.refused).toEqual([]);
  });
});
