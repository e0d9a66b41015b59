// Sharing through the client core against the real app (app.request): a patient shares a category with a
// practitioner found in the directory; the practitioner lists, decrypts and streams it; a later document of
// that category follows; widening adds the rest; revocation and a passed end date (server clock) leave the
// practitioner with nothing, and a new version after revocation is wrapped for nobody.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../client/cli/config.ts';
import { cliPinStore } from '../../client/cli/session.ts';
import { listDocuments } from '../../client/core/documents.ts';
import { openVault } from '../../client/core/opened-vault.ts';
import { markVerified, memoryPinStore, pinOnFirstUse } from '../../client/core/pins.ts';
import { fetchPractitioner, publishPractitionerProfile, searchPractitioners } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload, type SharedByPatient } from '../../client/core/shared-with-me.ts';
import { listShares, revokeShare, shareWith, updateShare } from '../../client/core/sharing.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { fingerprintNumber } from '../../crypto/fingerprint.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { rejectionCode } from '../error-code.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';
import { peopleOf, PRACTITIONER_PROFILE as PROFILE, uploadText, type Person } from './people.ts';

const BIOLOGY = '11502-2';
const IMAGING = '18748-4';
let server: TestServer;
let patient: Person;
let doctor: Person;
/** Every request body sent, by "METHOD path". */
const { sent, lastBody, api, person } = peopleOf(() => server);
const patientState: VaultState = {};
const patientPins = memoryPinStore();
const doctorPins = memoryPinStore();
const doctorState = newSharedState();
let biology1: string;

function upload(text: string, metadata: Partial<DocumentMetadata>, documentId?: string): Promise<string> {
  const full = { title: 'Bilan', category: BIOLOGY, dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.txt', mimeType: 'text/plain', ...metadata };
  return uploadText(api(patient), patient.account, patientState, text, full, documentId);
}

function titles(patients: SharedByPatient[]): string[] {
  return patients.flatMap((entry) => entry.grants.flatMap((grant) => grant.documents.map((document) => `${document.metadata.title} v${String(document.version)}`))).sort();
}

const lastCommitBody = (): Record<string, unknown> => lastBody(/\/commit$/);

beforeAll(async () => {
  // The server's clock starts at the client's, so that an end date means the same on both sides.
  server = await startServer({}, undefined, Date.now());
  patient = await person('patiente@example.org', 'patient');
  doctor = await person('docteure@example.org', 'practitioner');
  biology1 = await upload('glycémie 0,95 g/L', { title: 'Glycémie' });
  await upload('radio du thorax', { title: 'Radio thorax', category: IMAGING });
}, 30_000);

afterAll(() => server.close());

describe('sharing through the client core', () => {
  it('puts the role in the signed bundle and lets only the practitioner publish a profile', async () => {
    expect(doctor.account.role).toBe('practitioner');
    expect(patient.account.role).toBe('patient');
    expect(await rejectionCode(publishPractitionerProfile(api(patient), PROFILE))).toBe('NOT_A_PRACTITIONER');
    await publishPractitionerProfile(api(doctor), PROFILE);
    const found = await searchPractitioners(api(patient), 'claire lyon');
    expect(found.map((entry) => entry.accountId)).toEqual(['docteure@example.org']);
    const practitioner = await fetchPractitioner(api(patient), 'docteure@example.org');
    expect(practitioner.fingerprint).toBe(fingerprintNumber(doctor.account.bundle));
    expect(practitioner.qrPayload).toMatch(/^coffre-sante:fp1:/);
  });

  it('shares one category in one request; the practitioner decrypts and streams it', async () => {
    const vault = await openVault(api(patient), patient.account, patientState);
    const { bundle } = await fetchPractitioner(api(patient), 'docteure@example.org');
    sent.length = 0;
    await shareWith(api(patient), patient.account, patientState, patientPins, vault, { recipient: bundle, scope: { kind: 'categories', categories: [BIOLOGY] }, endsAt: null });
    expect(sent.map((entry) => entry.call)).toEqual([`POST /api/vaults/${patient.account.vaultId}/grants`]);
    expect((await patientPins.get('docteure@example.org'))?.verified).toBe(false);
    expect(vault.manifest?.shares.map((share) => share.accountId)).toEqual(['docteure@example.org']);

    const shared = await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState);
    expect(shared.map((entry) => entry.ownerAccountId)).toEqual(['patiente@example.org']);
    expect(shared[0]?.pinStatus).toBe('new');
    expect(titles(shared)).toEqual(['Glycémie v1']);
    expect(shared[0]?.grants[0]?.documents[0]?.isNew).toBe(true);
    const again = await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState);
    expect(again[0]?.grants[0]?.documents[0]?.isNew).toBe(false);
    expect(again[0]?.pinStatus).toBe('unverified');

    const grantId = shared[0]?.grants[0]?.grantId ?? '';
    const download = await openSharedPayload(api(doctor), doctor.account, doctorPins, doctorState, { grantId, documentId: biology1 });
    expect(await new Response(download.stream).text()).toBe('glycémie 0,95 g/L');
    const imaging = (await listDocuments(api(patient), patient.account, patientState)).find((entry) => entry.metadata.category === IMAGING);
    expect(await rejectionCode(openSharedPayload(api(doctor), doctor.account, doctorPins, doctorState, { grantId, documentId: imaging?.documentId ?? '' }))).toBe('NOT_FOUND');
  });

  it('wraps a later document of the category, and a new version, for the practitioner', async () => {
    await upload('cholestérol 1,8 g/L', { title: 'Cholestérol' });
    expect(lastCommitBody().grants).toHaveLength(1);
    await upload('radio du genou', { title: 'Radio genou', category: IMAGING });
    expect(lastCommitBody().grants).toBeUndefined();
    await upload('glycémie 1,02 g/L', { title: 'Glycémie' }, biology1);
    const shared = await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState);
    expect(titles(shared)).toEqual(['Cholestérol v1', 'Glycémie v2']);
    const glycemia = shared[0]?.grants[0]?.documents.find((document) => document.documentId === biology1);
    expect(glycemia?.versions).toEqual([1, 2]);
    expect(glycemia?.isNew).toBe(true);
    const old = await openSharedPayload(api(doctor), doctor.account, doctorPins, doctorState, { grantId: glycemia?.grantId ?? '', documentId: biology1, version: 1 });
    expect(await new Response(old.stream).text()).toBe('glycémie 0,95 g/L');
  });

  it('lists the share for the owner, widens it to everything and moves its end date', async () => {
    const [share] = await listShares(api(patient), patient.account, patientState);
    expect(share).toMatchObject({ recipientAccountId: 'docteure@example.org', scope: { kind: 'categories', categories: [BIOLOGY] }, endsAt: null, active: true, documentCount: 2 });
    const vault = await openVault(api(patient), patient.account, patientState);
    const endsAt = Date.now() + 3_600_000;
    await updateShare(api(patient), patient.account, patientState, vault, { grantId: share?.grantId ?? '', scope: { kind: 'all' }, endsAt });
    const [after] = await listShares(api(patient), patient.account, patientState);
    expect(after).toMatchObject({ scope: { kind: 'all' }, endsAt, active: true, documentCount: 4 });
    const shared = await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState);
    expect(titles(shared)).toEqual(['Cholestérol v1', 'Glycémie v2', 'Radio genou v1', 'Radio thorax v1']);
    expect(shared[0]?.grants[0]?.endsAt).toBe(endsAt);

    await updateShare(api(patient), patient.account, patientState, vault, { grantId: share?.grantId ?? '', scope: { kind: 'categories', categories: [IMAGING] } });
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toEqual(['Radio genou v1', 'Radio thorax v1']);
  });

  it('after revocation the practitioner gets nothing and a new version is wrapped for nobody', async () => {
    const [share] = await listShares(api(patient), patient.account, patientState);
    await revokeShare(api(patient), patient.account, patientState, share?.grantId ?? '');
    expect(await listShares(api(patient), patient.account, patientState)).toEqual([]);
    expect(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState)).toEqual([]);
    expect(await rejectionCode(openSharedPayload(api(doctor), doctor.account, doctorPins, doctorState, { grantId: share?.grantId ?? '', documentId: biology1 }))).toBe('NOT_FOUND');
    const direct = await server.app.request(`${ORIGIN}/api/vaults/${patient.account.vaultId}/manifest`, { headers: { authorization: `Bearer ${doctor.token}` } });
    expect(direct.status).toBe(404);
    const imaging = (await listDocuments(api(patient), patient.account, patientState)).find((entry) => entry.metadata.title === 'Radio genou');
    await upload('radio du genou, contrôle', { title: 'Radio genou', category: IMAGING }, imaging?.documentId);
    expect(lastCommitBody().grants).toBeUndefined();
  });

  it('once the end date passes on the server clock, the practitioner gets nothing', async () => {
    const vault = await openVault(api(patient), patient.account, patientState);
    const { bundle } = await fetchPractitioner(api(patient), 'docteure@example.org');
    const endsAt = Date.now() + 10 * 60_000;
    const { grantId } = await shareWith(api(patient), patient.account, patientState, patientPins, vault, { recipient: bundle, scope: { kind: 'all' }, endsAt });
    expect(titles(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState))).toHaveLength(4);
    const before = server.clock.now;
    server.clock.now = endsAt + 1;
    try {
      expect(await listSharedWithMe(api(doctor), doctor.account, doctorPins, doctorState)).toEqual([]);
      expect(await rejectionCode(openSharedPayload(api(doctor), doctor.account, doctorPins, doctorState, { grantId, documentId: biology1 }))).toBe('NOT_FOUND');
      const payload = await server.app.request(`${ORIGIN}/api/vaults/${patient.account.vaultId}/documents/${biology1}/versions/2/payload`, { headers: { authorization: `Bearer ${doctor.token}` } });
      expect(payload.status).toBe(404);
    } finally {
      server.clock.now = before;
    }
    const [share] = await listShares(api(patient), patient.account, patientState);
    expect(share).toMatchObject({ grantId, endsAt, active: true });
  });

  it('keeps the CLI’s pins in its session file: a changed key is KEY_CHANGED in a later run until re-verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffre-pins-'));
    try {
      const context = { server: ORIGIN, store: new ConfigStore(dir), env: {}, out: () => undefined };
      expect(await pinOnFirstUse(cliPinStore(context, 'patiente@example.org'), doctor.account.bundle)).toMatchObject({ status: 'new' });
      const later = { ...context, store: new ConfigStore(dir) };
      expect(await pinOnFirstUse(cliPinStore(later, 'patiente@example.org'), doctor.account.bundle)).toMatchObject({ status: 'unverified' });
      const other = verifyPublicBundle(signPublicBundle(generateIdentity(), { accountId: 'docteure@example.org', role: 'practitioner', createdAt: 1 }));
      expect(await rejectionCode(pinOnFirstUse(cliPinStore(later, 'patiente@example.org'), other))).toBe('KEY_CHANGED');
      // Pins belong to the account that made them.
      expect(await pinOnFirstUse(cliPinStore(later, 'someone@example.org'), other)).toMatchObject({ status: 'new' });
      await markVerified(cliPinStore(later, 'patiente@example.org'), other);
      expect(await pinOnFirstUse(cliPinStore(context, 'patiente@example.org'), other)).toMatchObject({ status: 'verified' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
