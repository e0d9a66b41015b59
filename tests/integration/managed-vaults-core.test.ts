// A record of a relative through the client core against the real app (app.request): a parent creates
// their child's record and adds a document to it; invites the other parent, who accepts with the code; the
// first parent checks the proof and adds them with an end date; the second parent lists the record, reads
// the document and adds one, which the first reads; both verify the record's access history; the second
// parent leaves and can read nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnlockedAccount } from '../../client/core/account.ts';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import { actingAs, createRecord, listVaults, type ManagedRecord } from '../../client/core/managed-vaults.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { acceptInvite, addManager, createInvite, leaveRecord, listInvites, listManagers } from '../../client/core/record-managers.ts';
import { fetchVaultManifest, type VaultState } from '../../client/core/vault.ts';
import { fingerprintNumber, keysHash } from '../../crypto/fingerprint.ts';
import { parseInviteCode } from '../../crypto/invite.ts';
import { rejectionCode } from '../error-code.ts';
import { startServer, type TestServer } from './harness.ts';
import { peopleOf, uploadText, type Person } from './people.ts';

const DAY = 24 * 3600 * 1000;
const VACCINES = '11369-6';

let server: TestServer;
const { api, person } = peopleOf(() => server);
let mother: Person;
let father: Person;
const motherPins = memoryPinStore();
const fatherPins = memoryPinStore();
let record: ManagedRecord;
let motherState: VaultState;
const fatherState: VaultState = {};
let fatherRecord: ManagedRecord;
let carnet: string;

function upload(who: Person, acting: UnlockedAccount, state: VaultState, text: string, title: string): Promise<string> {
  const metadata = { title, category: VACCINES, dateOfCare: '2026-03-01', author: 'Dr Exemple', fileName: 'carnet.txt', mimeType: 'text/plain' };
  return uploadText(api(who), acting, state, text, metadata);
}

async function readText(who: Person, acting: UnlockedAccount, state: VaultState, documentId: string): Promise<string> {
  const download = await downloadDocument(api(who), acting, state, documentId);
  return new TextDecoder().decode(new Uint8Array(await new Response(download.stream).arrayBuffer()));
}

beforeAll(async () => {
  // The server's clock starts at the client's, so that an end date means the same on both sides.
  server = await startServer({}, undefined, Date.now());
  mother = await person('maman@example.org');
  father = await person('papa@example.org');
}, 30_000);

afterAll(() => server.close());

describe('records of relatives through the client core', () => {
  it('creates a record with its own identity, the creator as its only manager, and a document in it', async () => {
    ({ record, state: motherState } = await createRecord(api(mother), mother.account, motherPins, 'Léa'));
    expect(record.bundle.role).toBe('vault');
    expect(record.bundle.accountId).toBe(record.vaultId);
    expect((await motherPins.get(record.vaultId))?.verified).toBe(true);
    const acting = actingAs(mother.account, record);
    carnet = await upload(mother, acting, motherState, 'BCG 2026-03-01', 'Carnet de vaccination');

    const listed = await listVaults(api(mother), mother.account, motherPins, {});
    expect(listed.own.vaultId).toBe(mother.account.vaultId);
    expect(listed.refused).toEqual([]);
    expect(listed.records.map((entry) => [entry.vaultId, entry.label, entry.pinStatus])).toEqual([[record.vaultId, 'Léa', 'verified']]);
    // Read back from a fresh head: the manifest is the record's, signed by its key, with the mother as manager.
    const manifest = await fetchVaultManifest(api(mother), actingAs(mother.account, listed.records[0]!), {});
    expect(manifest?.owner.accountId).toBe(record.vaultId);
    expect(manifest?.managers.map((member) => member.accountId)).toEqual(['maman@example.org']);
    expect(manifest?.records.map((entry) => entry.documentId)).toEqual([carnet]);
    // The personal vault is untouched.
    expect(await listDocuments(api(mother), mother.account, {})).toEqual([]);
  });

  it('invites the other parent: the code proves who accepted, the record is pinned by the code', async () => {
    const acting = actingAs(mother.account, record);
    const { code, inviteId } = await createInvite(api(mother), acting, { expiresAt: Date.now() + 3 * DAY });
    expect(parseInviteCode(code).vaultId).toBe(record.vaultId);
    expect((await listInvites(api(mother), acting)).map((entry) => [entry.inviteId, entry.status])).toEqual([[inviteId, 'pending']]);

    const accepted = await acceptInvite(api(father), father.account, fatherPins, code);
    expect([accepted.vaultId, accepted.purpose, keysHash(accepted.owner)]).toEqual([record.vaultId, 'manager', keysHash(record.bundle)]);
    const pin = await fatherPins.get(record.vaultId);
    expect(pin?.verified).toBe(true);
    expect(pin?.keysHash).toEqual(keysHash(record.bundle));
    // Not a manager until the mother adds him: the record is not his yet.
    expect((await listVaults(api(father), father.account, fatherPins, {})).records).toEqual([]);

    const [invite] = await listInvites(api(mother), acting);
    expect(invite?.status).toBe('accepted');
    expect(invite?.invitee?.accountId).toBe('papa@example.org');
    expect(invite?.invitee?.fingerprint).toBe(fingerprintNumber(father.account.bundle));
    if (invite === undefined) throw new Error('no invite');
    expect(await motherPins.get('papa@example.org')).toBeUndefined();
    await addManager(api(mother), acting, motherState, { invite, startsAt: null, endsAt: Date.now() + 30 * DAY, pins: motherPins });
    // The code given in person vouched for his keys: pinned as verified on her device.
    const pinned = await motherPins.get('papa@example.org');
    expect(pinned?.verified).toBe(true);
    expect(pinned?.keysHash).toEqual(keysHash(father.account.bundle));
    expect(await listInvites(api(mother), acting)).toEqual([]);
    const managers = await listManagers(api(mother), acting, motherState);
    expect(managers.map((entry) => [entry.accountId, entry.listed]).sort()).toEqual([['maman@example.org', true], ['papa@example.org', true]]);
  });

  it('lets the second parent open the record, read its document and add one the first parent reads', async () => {
    const listed = await listVaults(api(father), father.account, fatherPins, {});
    expect(listed.refused).toEqual([]);
    expect(listed.own.vaultId).toBe(father.account.vaultId);
    expect(listed.records.map((entry) => [entry.vaultId, entry.label, entry.pinStatus])).toEqual([[record.vaultId, 'Léa', 'verified']]);
    fatherRecord = listed.records[0]!;
    expect(fatherRecord.endsAt).toBeGreaterThan(Date.now());
    const acting = actingAs(father.account, fatherRecord);
    expect((await listDocuments(api(father), acting, fatherState)).map((entry) => entry.metadata.title)).toEqual(['Carnet de vaccination']);
    expect(await readText(father, acting, fatherState, carnet)).toBe('BCG 2026-03-01');

    const growth = await upload(father, acting, fatherState, 'taille 92 cm', 'Courbe de croissance');
    const motherActing = actingAs(mother.account, record);
    const titles = (await listDocuments(api(mother), motherActing, motherState)).map((entry) => entry.metadata.title).sort();
    expect(titles).toEqual(['Carnet de vaccination', 'Courbe de croissance']);
    expect(await readText(mother, motherActing, motherState, growth)).toBe('taille 92 cm');
  });

  it('keeps one access history both parents verify, checkpointed by the record key', async () => {
    const motherEvents = await accessHistory(api(mother), actingAs(mother.account, record), motherState);
    expect(new Set(motherEvents.map((event) => event.actorAccountId))).toEqual(new Set(['maman@example.org', 'papa@example.org']));
    // The father checks the chain against the checkpoint the mother's client signed with the record's key.
    const fatherEvents = await accessHistory(api(father), actingAs(father.account, fatherRecord), fatherState);
    expect(fatherEvents.length).toBeGreaterThanOrEqual(motherEvents.length);
  });

  it('lets the second parent leave: the record is gone from his list and unreadable', async () => {
    const acting = actingAs(father.account, fatherRecord);
    await leaveRecord(api(father), acting, fatherState);
    expect((await listVaults(api(father), father.account, fatherPins, {})).records).toEqual([]);
    expect(await rejectionCode(listDocuments(api(father), acting, fatherState))).toBe('NOT_FOUND');
    expect(await rejectionCode(downloadDocument(api(father), acting, fatherState, carnet))).toBe('NOT_FOUND');
    const manifest = await fetchVaultManifest(api(mother), actingAs(mother.account, record), motherState);
    expect(manifest?.managers.map((member) => member.accountId)).toEqual(['maman@example.org']);
  });
});
