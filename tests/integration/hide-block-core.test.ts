// Hiding and blocking through the client core against the real app (app.request): a document hidden from
// practitioners leaves the grant that named it, is not wrapped by a later upload nor by a share made later;
// blocking a practitioner revokes its grant, deletes its pending contribution, and makes a new share with it
// SHARE_BLOCKED until unblocked; a contribution from an already blocked account is deleted, not accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contribute } from '../../client/core/contributions.ts';
import { listDocuments } from '../../client/core/documents.ts';
import { blockPractitioner, hideFromPractitioners, unblockPractitioner, unhideFromPractitioners } from '../../client/core/hide-block.ts';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { fetchContributions } from '../../client/core/pending-contributions.ts';
import { publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { listSharedWithMe, newSharedState, type SharedByPatient } from '../../client/core/shared-with-me.ts';
import { isSharingError, listShares, shareWith, type ShareInput } from '../../client/core/sharing.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { updateVaultSettings, type SettingsState } from '../../client/core/vault-settings.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { startServer, type TestServer } from './harness.ts';
import { listedProfile, peopleOf, streamOf, uploadText, type Person } from './people.ts';

const BIOLOGY = '11502-2';

let server: TestServer;
let patient: Person;
let doctor: Person;
let later: Person;
/** Every request sent: "METHOD path" and its JSON body. */
const { sent, lastBody: body, api, person } = peopleOf(() => server);
const patientState: VaultState & SettingsState = {};
const patientPins = memoryPinStore();
const doctorPins = memoryPinStore();
const doctorState = newSharedState();
let secret: string;
let ordinary: string;

function metadata(title: string): Omit<DocumentMetadata, 'realLength'> {
  return { title, category: BIOLOGY, dateOfCare: '2026-11-20', author: 'Laboratoire', fileName: 'r.txt', mimeType: 'text/plain' };
}

function upload(text: string, title: string, documentId?: string): Promise<string> {
  return uploadText(api(patient), patient.account, patientState, text, metadata(title), documentId);
}

async function share(input: ShareInput): Promise<{ grantId: string }> {
  const vault = await openVault(api(patient), patient.account, patientState);
  try {
    return await shareWith(api(patient), patient.account, patientState, patientPins, vault, input);
  } finally {
    forgetFileKeys(vault);
  }
}

function titles(patients: SharedByPatient[]): string[] {
  return patients.flatMap((entry) => entry.grants.flatMap((grant) => grant.documents.map((document) => document.metadata.title))).sort();
}

beforeAll(async () => {
  server = await startServer({}, undefined, Date.now());
  patient = await person('patiente@example.org', 'patient');
  doctor = await person('docteure@example.org', 'practitioner');
  later = await person('second@example.org', 'practitioner');
  await publishPractitionerProfile(api(doctor), listedProfile(1));
  await publishPractitionerProfile(api(later), listedProfile(2));
  secret = await upload('sérologie', 'Sérologie');
  ordinary = await upload('glycémie', 'Glycémie');
}, 30_000);

afterAll(() => server.close());

describe('hiding and blocking through the client core', () => {
  it('a document hidden from practitioners leaves the grant, and a later version is wrapped for nobody', async () => {
    await share({ recipient: doctor.account.bundle, scope: { kind: 'all' }, endsAt: null, role: 'contributor' });
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toEqual(['Glycémie', 'Sérologie']);

    sent.length = 0;
    await hideFromPractitioners(api(patient), patient.account, patientState, [secret]);
    expect(sent.filter((entry) => !entry.call.startsWith('GET ')).map((entry) => entry.call.replace(/grants\/.*/, 'grants/…'))).toEqual([
      `PUT /api/vaults/${patient.account.vaultId}/settings`, `PATCH /api/vaults/${patient.account.vaultId}/grants/…`,
    ]);
    expect(body(/PATCH /).removeDocuments).toEqual([secret]);
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toEqual(['Glycémie']);
    const listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.find((entry) => entry.documentId === secret)).toMatchObject({ hiddenFromPractitioners: true, hidden: false });

    await upload('sérologie, contrôle', 'Sérologie', secret);
    expect(body(/\/commit$/)).not.toHaveProperty('grants');
    await upload('glycémie, contrôle', 'Glycémie', ordinary);
    expect(body(/\/commit$/).grants).toHaveLength(1);
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toEqual(['Glycémie']);
  });

  it('a share made later skips the hidden document; unhidden, the next share includes it', async () => {
    const { grantId } = await share({ recipient: later.account.bundle, scope: { kind: 'all' }, endsAt: null });
    const wraps = body(/POST \/api\/vaults\/[^/]+\/grants$/).wraps as { documentId: string }[];
    expect(wraps.map((wrap) => wrap.documentId)).toEqual([ordinary]);
    const laterSide = await listSharedWithMe(api(later), later.account, memoryPinStore(), newSharedState());
    expect(titles(laterSide)).toEqual(['Glycémie']);
    expect(laterSide[0]?.grants[0]?.grantId).toBe(grantId);

    await unhideFromPractitioners(api(patient), patient.account, patientState, [secret]);
    const listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.find((entry) => entry.documentId === secret)?.hiddenFromPractitioners).toBe(false);
  });

  it('blocking revokes the grant, deletes the pending contribution, and refuses a new share with SHARE_BLOCKED', async () => {
    const [grant] = (await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState)).flatMap((entry) => entry.grants);
    const { documentId } = await contribute(api(doctor), doctor.account, doctorPins, doctorState, { grantId: grant?.grantId ?? '', ...streamOf('courrier'), metadata: metadata('Courrier') });
    expect((await fetchContributions(api(patient), patient.account.vaultId)).map((entry) => entry.documentId)).toEqual([documentId]);

    await blockPractitioner(api(patient), patient.account, patientState, doctor.account.accountId);
    expect((await listShares(api(patient), patient.account, patientState)).map((entry) => entry.recipientAccountId)).toEqual(['second@example.org']);
    expect(await fetchContributions(api(patient), patient.account.vaultId)).toEqual([]);
    expect(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState)).toEqual([]);
    const listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.map((entry) => entry.documentId)).not.toContain(documentId);

    sent.length = 0;
    const refused = await share({ recipient: doctor.account.bundle, scope: { kind: 'all' }, endsAt: null }).catch((error: unknown) => error);
    expect(isSharingError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'SHARE_BLOCKED' });
    expect(sent.filter((entry) => !entry.call.startsWith('GET '))).toEqual([]);

    await unblockPractitioner(api(patient), patient.account, patientState, doctor.account.accountId);
    await share({ recipient: doctor.account.bundle, scope: { kind: 'all' }, endsAt: null, role: 'contributor' });
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toEqual(['Glycémie', 'Sérologie']);
  });

  it('a contribution from an account blocked meanwhile (another client of the patient) is deleted at opening, not accepted', async () => {
    const [grant] = (await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState)).flatMap((entry) => entry.grants);
    const { documentId } = await contribute(api(doctor), doctor.account, doctorPins, doctorState, { grantId: grant?.grantId ?? '', ...streamOf('résultat'), metadata: metadata('Résultat') });
    await updateVaultSettings(api(patient), patient.account, patientState, (current) => ({ ...current, blockedAccounts: [doctor.account.accountId] }));
    const vault = await openVault(api(patient), patient.account, patientState);
    forgetFileKeys(vault);
    expect(vault.contributions).toEqual({ accepted: [], deleted: [documentId], quarantined: [] });
    expect(vault.documents.map((entry) => entry.documentId)).not.toContain(documentId);
    expect(await fetchContributions(api(patient), patient.account.vaultId)).toEqual([]);
  });
});
