// Contributions through the client core against the real app (app.request): a patient shares with one
// practitioner as a contributor and with another as a reader; the contributor adds a lab result, which the
// patient's next openVault verifies, accepts into the signed manifest and shows with addedBy; the patient
// opens it, hides it and deletes it. A reader cannot contribute, nor can the contributor once revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contribute } from '../../client/core/contributions.ts';
import { deleteDocument, downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { hideDocuments, unhideDocuments } from '../../client/core/hide-block.ts';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState } from '../../client/core/shared-with-me.ts';
import { listShares, revokeShare, shareWith, updateShare } from '../../client/core/sharing.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { rejectionCode } from '../error-code.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';
import { listedProfile, peopleOf, streamOf, uploadText, type Person } from './people.ts';

const BIOLOGY = '11502-2';
const LETTER = '34133-9';

let server: TestServer;
let patient: Person;
let doctor: Person;
let reader: Person;
const { sent, api, person } = peopleOf(() => server);
/** Every request sent, as "METHOD path". */
const calls = (): string[] => sent.map((entry) => entry.call);
const patientState: VaultState & SettingsState = {};
const patientPins = memoryPinStore();
const doctorPins = memoryPinStore();
const doctorState = newSharedState();
const readerPins = memoryPinStore();
const readerState = newSharedState();
let doctorGrant: string;
let readerGrant: string;
let contributed: string;

function metadata(title: string, category = BIOLOGY): Omit<DocumentMetadata, 'realLength'> {
  return { title, category, dateOfCare: '2026-11-20', author: 'Laboratoire des Lilas', fileName: 'resultat.txt', mimeType: 'text/plain' };
}

function contributeAs(who: Person, pins: typeof doctorPins, state: typeof doctorState, grantId: string, text: string, title: string) {
  return contribute(api(who), who.account, pins, state, { grantId, ...streamOf(text), metadata: metadata(title) });
}

beforeAll(async () => {
  server = await startServer({}, undefined, Date.now());
  patient = await person('patiente@example.org', 'patient');
  doctor = await person('docteure@example.org', 'practitioner');
  reader = await person('lecteur@example.org', 'practitioner');
  await publishPractitionerProfile(api(doctor), listedProfile(1));
  await publishPractitionerProfile(api(reader), listedProfile(2));
  await uploadText(api(patient), patient.account, patientState, 'glycémie 0,95 g/L', metadata('Glycémie'));
  const vault = await openVault(api(patient), patient.account, patientState);
  try {
    ({ grantId: doctorGrant } = await shareWith(api(patient), patient.account, patientState, patientPins, vault, { recipient: doctor.account.bundle, scope: { kind: 'all' }, endsAt: null, role: 'contributor' }));
    ({ grantId: readerGrant } = await shareWith(api(patient), patient.account, patientState, patientPins, vault, { recipient: reader.account.bundle, scope: { kind: 'all' }, endsAt: null }));
  } finally {
    forgetFileKeys(vault);
  }
}, 30_000);

afterAll(() => server.close());

describe('contributions through the client core', () => {
  it('signs the role into the share and reports it to both sides', async () => {
    const shares = await listShares(api(patient), patient.account, patientState);
    expect(shares.map((share) => [share.recipientAccountId, share.role]).sort()).toEqual([['docteure@example.org', 'contributor'], ['lecteur@example.org', 'reader']]);
    const [doctorSide] = await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState);
    expect(doctorSide?.grants.map((grant) => grant.role)).toEqual(['contributor']);
    const [readerSide] = await listSharedWithMe(api(reader), reader.account, readerPins, readerState);
    expect(readerSide?.grants.map((grant) => grant.role)).toEqual(['reader']);
  });

  it('the contributor adds a result; the patient’s next opening verifies and accepts it, with addedBy', async () => {
    sent.length = 0;
    ({ documentId: contributed } = await contributeAs(doctor, doctorPins, doctorState, doctorGrant, 'potassium 4,1 mmol/L', 'Kaliémie'));
    expect(calls().at(-1)).toMatch(/^POST \/api\/vaults\/[^/]+\/uploads\/[^/]+\/contribute$/);
    // Pending: outside the signed manifest, so not in the owner's listing yet.
    const direct = await server.app.request(`${ORIGIN}/api/vaults/${patient.account.vaultId}/documents`, { headers: { authorization: `Bearer ${patient.token}` } });
    expect(JSON.stringify(await direct.json())).not.toContain(contributed);

    sent.length = 0;
    const vault = await openVault(api(patient), patient.account, patientState);
    forgetFileKeys(vault);
    expect(vault.contributions).toEqual({ accepted: [contributed], deleted: [], quarantined: [] });
    expect(calls()).toContain(`POST /api/vaults/${patient.account.vaultId}/contributions/${contributed}/accept`);
    expect(vault.manifest?.records.map((record) => record.documentId)).toContain(contributed);
    const entry = vault.documents.find((document) => document.documentId === contributed);
    expect(entry?.metadata.title).toBe('Kaliémie');
    expect(entry?.addedBy?.accountId).toBe('docteure@example.org');
    expect(entry?.addedBy?.signingPublicKey).toEqual(doctor.account.bundle.signingPublicKey);
    expect(vault.documents.find((document) => document.metadata.title === 'Glycémie')?.addedBy).toBeUndefined();

    // Accepted once: the next listing has it as an ordinary record, and nothing pending.
    sent.length = 0;
    const listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.find((document) => document.documentId === contributed)?.addedBy?.accountId).toBe('docteure@example.org');
    expect(calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
    const download = await downloadDocument(api(patient), patient.account, patientState, contributed);
    expect(await new Response(download.stream).text()).toBe('potassium 4,1 mmol/L');

    // Accepted, it follows the shares whose scope covers it, as an upload would: both practitioners see it.
    const titlesFor = async (who: Person, pins: typeof doctorPins, state: typeof doctorState) =>
      (await listSharedWithMe(api(who), who.account, pins, state)).flatMap((entry) => entry.grants.flatMap((grant) => grant.documents.map((document) => document.metadata.title))).sort();
    expect(await titlesFor(doctor, doctorPins, doctorState)).toEqual(['Glycémie', 'Kaliémie']);
    expect(await titlesFor(reader, readerPins, readerState)).toEqual(['Glycémie', 'Kaliémie']);
  });

  it('the patient hides the contribution (display only), then deletes it', async () => {
    await hideDocuments(api(patient), patient.account, patientState, [contributed]);
    let listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.find((document) => document.documentId === contributed)?.hidden).toBe(true);
    expect(listed.find((document) => document.metadata.title === 'Glycémie')?.hidden).toBe(false);
    await unhideDocuments(api(patient), patient.account, patientState, [contributed]);
    listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.find((document) => document.documentId === contributed)?.hidden).toBe(false);

    await deleteDocument(api(patient), patient.account, patientState, contributed);
    listed = await listDocuments(api(patient), patient.account, patientState);
    expect(listed.map((document) => document.metadata.title)).toEqual(['Glycémie']);
  });

  it('a reader cannot contribute: RECIPIENT_NOT_ALLOWED before any upload; made a contributor, it can', async () => {
    sent.length = 0;
    expect(await rejectionCode(contributeAs(reader, readerPins, readerState, readerGrant, 'note', 'Courrier'))).toBe('RECIPIENT_NOT_ALLOWED');
    expect(calls().filter((call) => !call.startsWith('GET '))).toEqual([]);
    // Straight to the server with an upload of its own: the server refuses a reader too.
    const upload = await server.app.request(`${ORIGIN}/api/vaults/${patient.account.vaultId}/uploads`, {
      method: 'POST', headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ size: 1024 }),
    });
    expect(upload.status).toBe(404);

    const vault = await openVault(api(patient), patient.account, patientState);
    await updateShare(api(patient), patient.account, patientState, vault, { grantId: readerGrant, role: 'contributor' });
    forgetFileKeys(vault);
    const { documentId } = await contribute(api(reader), reader.account, readerPins, readerState, { grantId: readerGrant, ...streamOf('courrier de sortie'), metadata: metadata('Courrier', LETTER) });
    const reopened = await openVault(api(patient), patient.account, patientState);
    forgetFileKeys(reopened);
    expect(reopened.contributions.accepted).toEqual([documentId]);
    expect(reopened.documents.find((document) => document.documentId === documentId)?.addedBy?.accountId).toBe('lecteur@example.org');
  });

  it('after revocation the practitioner cannot contribute, and its accepted document stays readable for the patient', async () => {
    const before = (await listDocuments(api(patient), patient.account, patientState)).find((document) => document.metadata.title === 'Courrier');
    await revokeShare(api(patient), patient.account, patientState, readerGrant);
    expect(await rejectionCode(contributeAs(reader, readerPins, readerState, readerGrant, 'encore', 'Courrier 2'))).toBe('NOT_FOUND');
    const upload = await server.app.request(`${ORIGIN}/api/vaults/${patient.account.vaultId}/uploads`, {
      method: 'POST', headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ size: 1024 }),
    });
    expect(upload.status).toBe(404);
    // Its author is no longer a writer, but the owner accepted it into the manifest: it still opens.
    const download = await downloadDocument(api(patient), patient.account, patientState, before?.documentId ?? '');
    expect(await new Response(download.stream).text()).toBe('courrier de sortie');
  });
});
