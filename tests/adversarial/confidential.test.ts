// A teenager's confidential document (issue 4), under a malicious server. Marie created the record of her
// daughter Léa and co-manages it with her; Léa has her own account. Léa uploads a confidential document into
// her OWN vault (what the crypto worker does for `confidential: true`) and shares it with Dr Martin alone.
// The record's keys, which every co-manager holds, never open it: proved from the stored bytes with the
// crypto layer (not by asking the server), and against a server that serves the document to Marie as part
// of the record, as a record of its own making, or as a share to her. Each refusal is a typed error; no
// plaintext reaches Marie, and no byte Léa's client sent addresses Marie or the record.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actingAs, createRecord, listVaults, type ManagedRecord } from '../../client/core/managed-vaults.ts';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { fetchPractitioner, publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload } from '../../client/core/shared-with-me.ts';
import { shareWith } from '../../client/core/sharing.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { encodeDocumentContext } from '../../crypto/document-context.ts';
import { ByteWriter } from '../../crypto/encoding.ts';
import {
  envelopeOpener, generateGrantKey, GRANT_KEY_ENVELOPE_LABEL, IDENTITY_ENVELOPE_LABEL, openEnvelope, openGrantKey, openGrantWrap,
  recipientKeyId, sealGrantKey, sealVaultKeys, wrapForGrant,
} from '../../crypto/envelope.ts';
import { signGrantList } from '../../crypto/grant-list.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle, type IdentitySecrets } from '../../crypto/identity.ts';
import { checkFileKeyCommitment, documentManifestHash, verifyDocumentManifest } from '../../crypto/manifest.ts';
import { randomBytes } from '../../crypto/primitives.ts';
import { sealVaultLabel } from '../../crypto/vault-label.ts';
import { GENESIS_PREVIOUS_HASH, memberOf, signVaultManifest, verifyVaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { codeOf } from '../error-code.ts';
import { PRACTITIONER_PROFILE } from '../integration/people.ts';
import { readdressEnvelope } from './forge.ts';
import { concat, editJson, replay, respondJson, type RecordedResponse, type SentRequest } from './tamper.ts';
import { content, drain, failureCode, joinRecord, newPerson, onlyReads, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const CANARY_TITLE = 'CANARY-7f3a consultation confidentielle';
const CANARY = concat(new TextEncoder().encode('CANARY-7f3a-contenu-confidentiel '), content(1500, 77));

let world: World;
let marie: Person;
let lea: Person;
let doctor: Person;
const mariePins = memoryPinStore();
const leaPins = memoryPinStore();
const doctorPins = memoryPinStore();
let record: ManagedRecord;
let marieState: VaultState;
const leaState: VaultState = {};
let confidential: string;
let grantId: string;
/** Léa's requests for the confidential upload and its share, by index in her log. */
let confidentialSent: { from: number; to: number };
/** Léa's requests for an ordinary upload into the record: they address the record (the scan's control). */
let recordSent: { from: number; to: number };
/** The server's own identity: it signs and seals with this. */
const server = generateIdentity();

const vaultPath = (vaultId: string, rest = '') => new RegExp(`^/api/vaults/${vaultId}${rest}$`);
const listingPath = (vaultId: string) => new RegExp(`^/api/vaults/${vaultId}/documents\\?`);
const versionPath = (vaultId: string, documentId: string) => vaultPath(vaultId, `/documents/${documentId}(/versions/1)?`);

function json(recording: RecordedResponse): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(recording.body)) as Record<string, unknown>;
}


function payloadRequested(): boolean {
  return world.tamper.calls().some((call) => call.endsWith('/payload'));
}

beforeAll(async () => {
  world = await openWorld();
  marie = await newPerson(world, 'marie@example.org');
  lea = await newPerson(world, 'lea@example.org');
  doctor = await newPerson(world, 'dr.martin@example.org', 'practitioner');
  await publishPractitionerProfile(world.api(doctor), PRACTITIONER_PROFILE);
  ({ record, state: marieState } = await createRecord(world.api(marie), marie.account, mariePins, 'Léa'));
  await uploadHonestly(world, marie, marieState, content(600, 1), { as: actingAs(marie.account, record), metadata: { title: 'Carnet de vaccination' } });
  const leaRecord = await joinRecord(world, marie, record, marieState, lea, leaPins);

  // An ordinary document Léa adds to the record: sealed for the record, so Marie reads it too.
  recordSent = { from: world.sentBy(lea).length, to: 0 };
  await uploadHonestly(world, lea, {}, content(500, 2), { as: actingAs(lea.account, leaRecord), metadata: { title: 'Certificat de sport' } });
  recordSent.to = world.sentBy(lea).length;

  // The confidential one: into her own vault, shared with Dr Martin alone (documents scope).
  confidentialSent = { from: world.sentBy(lea).length, to: 0 };
  confidential = await uploadHonestly(world, lea, leaState, CANARY, { metadata: { title: CANARY_TITLE } });
  const practitioner = await fetchPractitioner(world.api(lea), doctor.accountId);
  const vault = await openVault(world.api(lea), lea.account, leaState);
  try {
    ({ grantId } = await shareWith(world.api(lea), lea.account, leaState, leaPins, vault, { recipient: practitioner.bundle, scope: { kind: 'documents' }, documentIds: [confidential], endsAt: null }));
  } finally {
    forgetFileKeys(vault);
  }
  confidentialSent.to = world.sentBy(lea).length;

  // What the server saw honestly, to serve elsewhere later.
  world.tamper.reset();
  world.tamper.record('Léa’s listing', 'GET', listingPath(lea.account.vaultId));
  world.tamper.record('confidential version', 'GET', versionPath(lea.account.vaultId, confidential));
  await listDocuments(world.api(lea), lea.account, leaState);
  world.tamper.record('Dr Martin’s shares', 'GET', /^\/api\/shares$/);
  world.tamper.record('Léa’s manifest', 'GET', vaultPath(lea.account.vaultId, '/manifest'));
  await listSharedWithMe(world.api(doctor), doctor.account, doctorPins, newSharedState());
}, 90_000);

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

describe('a teenager’s confidential document under a malicious server', () => {
  it('is not in the record Marie lists, nor anywhere she looks; Léa and Dr Martin open it byte-exact', async () => {
    const vaults = await listVaults(world.api(marie), marie.account, mariePins, {});
    expect(vaults.records.map((entry) => entry.vaultId)).toEqual([record.vaultId]);
    const listed = await listDocuments(world.api(marie), actingAs(marie.account, record), marieState);
    expect(listed.map((entry) => entry.metadata.title).sort()).toEqual(['Carnet de vaccination', 'Certificat de sport']);
    expect(listed.map((entry) => entry.documentId)).not.toContain(confidential);
    expect(await listDocuments(world.api(marie), marie.account, {})).toEqual([]);
    expect(await listSharedWithMe(world.api(marie), marie.account, mariePins, newSharedState())).toEqual([]);

    const own = await downloadDocument(world.api(lea), lea.account, leaState, confidential);
    expect(own.metadata.title).toBe(CANARY_TITLE);
    const opened = await drain(own.stream);
    expect(opened.code).toBe('(closed)');
    expect(opened.released).toEqual(CANARY);

    const shared = await listSharedWithMe(world.api(doctor), doctor.account, doctorPins, newSharedState());
    expect(shared.map((owner) => [owner.ownerAccountId, owner.grants.flatMap((grant) => grant.documents.map((item) => item.metadata.title))]))
      .toEqual([[lea.accountId, [CANARY_TITLE]]]);
    const read = await drain((await openSharedPayload(world.api(doctor), doctor.account, doctorPins, newSharedState(), { grantId, documentId: confidential })).stream);
    expect(read.code).toBe('(closed)');
    expect(read.released).toEqual(CANARY);
  });

  it('from the stored bytes: no envelope, grant-key envelope or grant wrap opens with Marie’s or the record’s keys; Léa’s and Dr Martin’s do', async () => {
    const vaultId = lea.account.vaultId;
    const ref = { vaultId, documentId: confidential, version: 1 };
    const leaSigner = [lea.account.bundle.signingPublicKey];
    // Where the server keeps it: Léa's vault alone, which has no manager (no one else holds its keys).
    const { read, tables } = world.server.state.storage;
    const { documents, documentVersions, envelopes: envelopeRows, grants: grantRows, grantWraps, vaultManagers } = tables;
    expect(await read.select({ vaultId: documents.vaultId }).from(documents).where(eq(documents.id, confidential))).toEqual([{ vaultId }]);
    expect(await read.select({ accountId: vaultManagers.accountId }).from(vaultManagers).where(eq(vaultManagers.vaultId, vaultId))).toEqual([]);
    const [version] = await read.select({ manifest: documentVersions.manifest }).from(documentVersions)
      .where(and(eq(documentVersions.vaultId, vaultId), eq(documentVersions.documentId, confidential)));
    const manifest = verifyDocumentManifest(new Uint8Array(version?.manifest ?? []), { allowedSigners: leaSigner, expected: ref });
    const envelopes = (await read.select({ envelope: envelopeRows.envelope }).from(envelopeRows).where(eq(envelopeRows.documentId, confidential)))
      .map((row) => new Uint8Array(row.envelope));
    const grants = await read.select({
      id: grantRows.id, recipient: grantRows.recipientAccountId, recipientEnvelope: grantRows.recipientEnvelope, ownerEnvelope: grantRows.ownerEnvelope,
    }).from(grantRows).where(eq(grantRows.vaultId, vaultId));
    const wraps = await read.select({ grantId: grantWraps.grantId, wrap: grantWraps.wrap }).from(grantWraps).where(eq(grantWraps.documentId, confidential));
    expect(envelopes).toHaveLength(1);
    expect(grants.map((grant) => [grant.id, grant.recipient])).toEqual([[grantId, doctor.accountId]]);
    expect(wraps.map((row) => row.grantId)).toEqual([grantId]);

    const others: [string, IdentitySecrets][] = [['Marie', marie.account.identity], ['the record', record.identity]];
    const documentContext = encodeDocumentContext(ref);
    const grantContext = new ByteWriter().text(vaultId).text(grantId).finish();
    const grantRef = { vaultId, grantId };
    const grantKeyEnvelopes = grants.flatMap((grant) => [new Uint8Array(grant.recipientEnvelope), new Uint8Array(grant.ownerEnvelope)]);
    for (const [who, identity] of others) {
      const opener = envelopeOpener(identity.kemSeed);
      // Addressed to someone else; and re-addressed to them, signed by Léa herself, the KEM still refuses.
      for (const envelope of envelopes) {
        expect(openEnvelope(envelope, ref, opener, leaSigner), who).toBeNull();
        const readdressed = readdressEnvelope(envelope, { label: IDENTITY_ENVELOPE_LABEL, context: documentContext, keyId: opener.keyId, signerSeed: lea.account.identity.signingSeed });
        expect(codeOf(() => openEnvelope(readdressed, ref, opener, leaSigner)), who).toBe('DECRYPTION_FAILED');
      }
      for (const envelope of grantKeyEnvelopes) {
        expect(openGrantKey(envelope, grantRef, opener, leaSigner), who).toBeNull();
        const readdressed = readdressEnvelope(envelope, { label: GRANT_KEY_ENVELOPE_LABEL, context: grantContext, keyId: opener.keyId, signerSeed: lea.account.identity.signingSeed });
        expect(codeOf(() => openGrantKey(readdressed, grantRef, opener, leaSigner)), who).toBe('DECRYPTION_FAILED');
      }
      // No secret they hold is the grant key.
      for (const secret of [identity.signingSeed, identity.kemSeed]) {
        for (const { wrap } of wraps) expect(codeOf(() => openGrantWrap(secret, grantId, ref, new Uint8Array(wrap))), who).toBe('DECRYPTION_FAILED');
      }
    }

    const fileKey = openEnvelope(envelopes[0] ?? new Uint8Array(0), ref, envelopeOpener(lea.account.identity.kemSeed), leaSigner);
    if (fileKey === null) throw new Error('the envelope is not Léa’s');
    checkFileKeyCommitment(manifest, fileKey);
    // The control: re-addressed the same way to Léa's own key id, it opens (so the failures above are the KEM's).
    const leaOpener = envelopeOpener(lea.account.identity.kemSeed);
    const toLea = readdressEnvelope(envelopes[0] ?? new Uint8Array(0), { label: IDENTITY_ENVELOPE_LABEL, context: documentContext, keyId: leaOpener.keyId, signerSeed: lea.account.identity.signingSeed });
    expect(openEnvelope(toLea, ref, leaOpener, leaSigner)).toEqual(fileKey);
    const grant = grants[0];
    if (grant === undefined) throw new Error('no grant');
    const grantKey = openGrantKey(new Uint8Array(grant.recipientEnvelope), grantRef, envelopeOpener(doctor.account.identity.kemSeed), leaSigner);
    if (grantKey === null) throw new Error('the grant key is not Dr Martin’s');
    expect(openGrantKey(new Uint8Array(grant.ownerEnvelope), grantRef, envelopeOpener(lea.account.identity.kemSeed), leaSigner)).toEqual(grantKey);
    expect(openGrantWrap(grantKey, grantId, ref, new Uint8Array(wraps[0]?.wrap ?? []))).toEqual(fileKey);
  });

  it('ATK-14 the confidential document slipped into the record’s listing (or Marie’s own), its version served there: RECORD_UNEXPECTED, no payload', async () => {
    const entry = (json(world.tamper.recorded('Léa’s listing')).documents as unknown[])[0];
    for (const [where, acting, state] of [['record', actingAs(marie.account, record), marieState], ['own', marie.account, {}]] as const) {
      world.tamper.use(
        editJson(`confidential in the ${where} listing`, listingPath(acting.vaultId), (body) => { (body.documents as unknown[]).push(entry); }),
        replay(`confidential version in the ${where} vault`, versionPath(acting.vaultId, confidential), () => world.tamper.recorded('confidential version')),
      );
      expect(await failureCode(listDocuments(world.api(marie), acting, state)), where).toBe('RECORD_UNEXPECTED');
      expect(world.tamper.fired, where).toEqual([`confidential in the ${where} listing`, `confidential version in the ${where} vault`]);
      expect(payloadRequested(), where).toBe(false);
      expect(onlyReads(world.tamper.calls()), where).toBe(true);
    }
  });

  it('ATK-14 Léa’s signed vault manifest served as the record’s: SIGNER_NOT_ALLOWED (another owner key); honestly, the document is NOT_FOUND in the record before any fetch', async () => {
    const acting = actingAs(marie.account, record);
    const asRecord = replay('Léa’s manifest as the record’s', vaultPath(record.vaultId, '/manifest'), () => world.tamper.recorded('Léa’s manifest'));
    world.tamper.use(asRecord);
    expect(await failureCode(listDocuments(world.api(marie), acting, marieState))).toBe('SIGNER_NOT_ALLOWED');
    world.tamper.use(asRecord, replay('confidential version in the record', versionPath(record.vaultId, confidential), () => world.tamper.recorded('confidential version')));
    expect(await failureCode(downloadDocument(world.api(marie), acting, marieState, confidential))).toBe('SIGNER_NOT_ALLOWED');
    expect(world.tamper.fired).toEqual(['Léa’s manifest as the record’s']);
    world.tamper.reset();
    expect(await failureCode(downloadDocument(world.api(marie), acting, marieState, confidential))).toBe('NOT_FOUND');
    expect(world.tamper.calls()).toEqual([`GET /api/vaults/${record.vaultId}/manifest`]);
  });

  it('ATK-11 the confidential version served as the record’s own document, or its envelope added to it: MANIFEST_MISMATCH, no payload', async () => {
    const acting = actingAs(marie.account, record);
    const vaccination = (await listDocuments(world.api(marie), acting, marieState)).find((entry) => entry.metadata.title === 'Carnet de vaccination')?.documentId ?? '';
    const served = json(world.tamper.recorded('confidential version'));
    const swapped = respondJson('confidential version as the record’s document', versionPath(record.vaultId, vaccination), () => ({ ...served, documentId: vaccination }));
    const added = editJson('confidential envelope added', versionPath(record.vaultId, vaccination), (body) => {
      body.envelopes = [...(served.envelopes as string[]), ...(body.envelopes as string[])];
    });
    for (const mutation of [swapped, added]) {
      world.tamper.use(mutation);
      expect(await failureCode(listDocuments(world.api(marie), acting, marieState)), mutation.name).toBe('MANIFEST_MISMATCH');
      world.tamper.use(mutation);
      expect(await failureCode(downloadDocument(world.api(marie), acting, marieState, vaccination)), mutation.name).toBe('MANIFEST_MISMATCH');
      expect(world.tamper.fired).toEqual([mutation.name]);
      expect(payloadRequested(), mutation.name).toBe(false);
    }
  });

  it('ATK-03 ATK-05 Léa’s vault listed as a record of the server’s making: RECORD_UNEXPECTED; acted on anyway, with a manifest listing the document: NO_MATCH, no payload', async () => {
    const vaultId = lea.account.vaultId;
    const phantom = verifyPublicBundle(signPublicBundle(server, { accountId: vaultId, role: 'vault', createdAt: 2 }));
    world.tamper.use(editJson('phantom record in the vault list', /^\/api\/vaults$/, (body) => {
      (body.vaults as unknown[]).push({
        vaultId, role: 'manager', manifestSequence: 1, startsAt: null, endsAt: null,
        publicBundle: toBase64url(signPublicBundle(server, { accountId: vaultId, role: 'vault', createdAt: 2 })),
        managerEnvelope: toBase64url(sealVaultKeys(server, vaultId, marie.account.bundle.encryptionPublicKey)),
        label: toBase64url(sealVaultLabel(server, vaultId, 'Léa (confidentiel)')),
      });
    }));
    const listed = await listVaults(world.api(marie), marie.account, mariePins, {});
    // Marie neither created nor joined it: not in her sealed list of records, so refused on every device.
    expect(listed.records.map((entry) => entry.vaultId)).not.toContain(vaultId);
    expect(listed.refused).toEqual([{ vaultId, code: 'RECORD_UNEXPECTED' }]);
    // A client that skipped that check would act with the seeds the server sealed for Marie: still nothing.
    const fake: ManagedRecord = {
      vaultId, label: 'Léa (confidentiel)', bundle: phantom, identity: server, pinStatus: 'new', startsAt: null, endsAt: null, manifestSequence: 1,
    };

    const documentManifest = fromBase64url(json(world.tamper.recorded('confidential version')).manifest as string);
    const manifest = signVaultManifest({
      vaultId, sequence: 1, previousHash: GENESIS_PREVIOUS_HASH, owner: memberOf(phantom), createdAt: Date.now(),
      records: [{ documentId: confidential, currentVersion: 1, manifestHash: documentManifestHash(documentManifest) }],
      shares: [], managers: [memberOf(lea.account.bundle)],
    }, server.signingSeed);
    world.tamper.use(
      respondJson('phantom manifest', vaultPath(vaultId, '/manifest'), () => ({ vaultId, sequence: 1, manifest: toBase64url(manifest) })),
      replay('confidential version for the phantom', versionPath(vaultId, confidential), () => world.tamper.recorded('confidential version')),
    );
    expect(await failureCode(downloadDocument(world.api(marie), actingAs(marie.account, fake), {}, confidential))).toBe('NO_MATCH');
    expect(world.tamper.fired).toEqual(['phantom manifest', 'confidential version for the phantom']);
    expect(payloadRequested()).toBe(false);
  });

  it('ATK-20 Dr Martin’s grant served to Marie: RECIPIENT_NOT_ALLOWED; Marie added to Léa’s share list: SIGNATURE_INVALID; nothing fetched', async () => {
    const vaultId = lea.account.vaultId;
    const grant = replay('Dr Martin’s grant to Marie', /^\/api\/shares$/, () => world.tamper.recorded('Dr Martin’s shares'));
    const manifest = replay('Léa’s manifest to Marie', vaultPath(vaultId, '/manifest'), () => world.tamper.recorded('Léa’s manifest'));
    world.tamper.use(grant, manifest);
    expect(await failureCode(listSharedWithMe(world.api(marie), marie.account, memoryPinStore(), newSharedState()))).toBe('RECIPIENT_NOT_ALLOWED');
    expect(world.tamper.calls().some((call) => call.includes('/documents/'))).toBe(false);

    const withMarie = editJson('Marie added to Léa’s shares', vaultPath(vaultId, '/manifest'), (body) => {
      const { manifest: honest } = verifyVaultManifest(fromBase64url(body.manifest as string), lea.account.bundle.signingPublicKey);
      const shares = [...honest.shares, { ...memberOf(marie.account.bundle), role: 'reader' as const, endsAt: null }];
      body.manifest = toBase64url(signVaultManifest({ ...honest, shares }, server.signingSeed));
    });
    world.tamper.use(grant, manifest, withMarie);
    expect(await failureCode(listSharedWithMe(world.api(marie), marie.account, memoryPinStore(), newSharedState()))).toBe('SIGNATURE_INVALID');
    expect(world.tamper.fired).toContain('Marie added to Léa’s shares');
    expect(world.tamper.calls().some((call) => call.includes('/documents/'))).toBe(false);
  });

  it('ATK-05 ATK-20 on a device that never saw Léa, a Léa of the server’s making shares the document with Marie, grant key its own: COMMITMENT_MISMATCH, no plaintext', async () => {
    const vaultId = lea.account.vaultId;
    const impostorBytes = signPublicBundle(server, { accountId: lea.accountId, role: 'patient', createdAt: 2 });
    const impostor = verifyPublicBundle(impostorBytes);
    const served = json(world.tamper.recorded('confidential version'));
    const now = Date.now();
    const recipient = memberOf(marie.account.bundle);
    const manifest = signVaultManifest({
      vaultId, sequence: 1, previousHash: GENESIS_PREVIOUS_HASH, owner: memberOf(impostor), createdAt: now,
      records: [{ documentId: confidential, currentVersion: 1, manifestHash: documentManifestHash(fromBase64url(served.manifest as string)) }],
      shares: [{ ...recipient, role: 'reader', endsAt: null }], managers: [],
    }, server.signingSeed);
    const list = signGrantList({ vaultId, grantId, recipient, sequence: 1, createdAt: now, entries: [{ documentId: confidential, version: 1 }] }, server.signingSeed);
    const grantKey = generateGrantKey();
    const ref = { vaultId, documentId: confidential, version: 1 };
    const mutations = [
      respondJson('the server’s grant to Marie', /^\/api\/shares$/, () => ({ grants: [{
        vaultId, grantId, ownerAccountId: lea.accountId, ownerPublicBundle: toBase64url(impostorBytes), role: 'reader', createdAt: now, endsAt: null,
        recipientEnvelope: toBase64url(sealGrantKey(grantKey, { vaultId, grantId }, marie.account.bundle.encryptionPublicKey, server.signingSeed)),
        list: { sequence: 1, list: toBase64url(list) },
      }] })),
      respondJson('the server’s manifest for Léa’s vault', vaultPath(vaultId, '/manifest'), () => ({ vaultId, sequence: 1, manifest: toBase64url(manifest) })),
      // The real version, with a wrap around the only key the server can wrap: one it chose.
      respondJson('a wrap around a key of its choosing', versionPath(vaultId, confidential), () => ({ ...served, grantWrap: toBase64url(wrapForGrant(grantKey, grantId, ref, randomBytes(32))) })),
    ];
    world.tamper.use(...mutations);
    expect(await failureCode(listSharedWithMe(world.api(marie), marie.account, memoryPinStore(), newSharedState()))).toBe('COMMITMENT_MISMATCH');
    expect(world.tamper.fired).toEqual(mutations.map((mutation) => mutation.name));
    world.tamper.use(...mutations);
    const open = openSharedPayload(world.api(marie), marie.account, memoryPinStore(), newSharedState(), { grantId, documentId: confidential });
    expect(await failureCode(open)).toBe('COMMITMENT_MISMATCH');
    expect(payloadRequested()).toBe(false);
  });

  it('ATK-34 no body Léa’s client sent for the confidential upload and share addresses Marie or the record, and no body anyone sent holds the canary', () => {
    const keyIds = (bundle: { encryptionPublicKey: Uint8Array }) => [bundle.encryptionPublicKey, recipientKeyId(bundle.encryptionPublicKey)];
    const marieKeys = keyIds(marie.account.bundle);
    const recordKeys = keyIds(record.bundle);
    const leaLog = world.sentBy(lea);
    const confidentialRequests = leaLog.slice(confidentialSent.from, confidentialSent.to);
    const recordRequests = leaLog.slice(recordSent.from, recordSent.to);
    expect(confidentialRequests.map((sent) => `${sent.method} ${sent.path.split('?')[0] ?? ''}`)).toContain(`POST /api/vaults/${lea.account.vaultId}/grants`);

    // The scan sees an address where there is one: Léa's own upload, Dr Martin's grant, the record's document.
    expect(confidentialRequests.some((sent) => holds(sent, recipientKeyId(lea.account.bundle.encryptionPublicKey)))).toBe(true);
    expect(confidentialRequests.some((sent) => holds(sent, recipientKeyId(doctor.account.bundle.encryptionPublicKey)))).toBe(true);
    expect(recordRequests.some((sent) => holds(sent, recipientKeyId(record.bundle.encryptionPublicKey)))).toBe(true);
    for (const needle of [...marieKeys, ...recordKeys]) expect(confidentialRequests.filter((sent) => holds(sent, needle))).toEqual([]);
    // Léa never addressed Marie herself, in anything she sent.
    for (const needle of marieKeys) expect(leaLog.filter((sent) => holds(sent, needle))).toEqual([]);

    // Marie, through every attack above, read only, and never sent anything naming the document.
    const marieLog = world.sentBy(marie);
    expect(marieLog.filter((sent) => sent.method !== 'GET' && (sent.path.includes(confidential) || holds(sent, new TextEncoder().encode(confidential))))).toEqual([]);
    const canaries = [new TextEncoder().encode(CANARY_TITLE), CANARY.subarray(0, 48), CANARY.subarray(CANARY.length - 48)];
    for (const person of [lea, marie, doctor]) {
      for (const needle of canaries) expect(world.sentBy(person).filter((sent) => holds(sent, needle)).map((sent) => sent.path)).toEqual([]);
    }
  });
});

/** True when `needle` is in the body as raw bytes, as text, or inside any base64url field of its JSON. */
function holds(sent: SentRequest, needle: Uint8Array): boolean {
  if (sent.body === undefined) return false;
  if (sent.body instanceof Uint8Array) return contains(sent.body, needle);
  if (contains(new TextEncoder().encode(sent.body), needle)) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(sent.body);
  } catch {
    return false;
  }
  return stringsOf(parsed).some((text) => /^[A-Za-z0-9_-]{16,}$/.test(text) && contains(decoded(text), needle));
}

function decoded(text: string): Uint8Array {
  try {
    return fromBase64url(text);
  } catch {
    return new Uint8Array(0);
  }
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let at = haystack.indexOf(first ?? 0); at !== -1 && at + needle.length <= haystack.length; at = haystack.indexOf(first ?? 0, at + 1)) {
    for (let i = 1; i < needle.length; i += 1) if (haystack[at + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}
