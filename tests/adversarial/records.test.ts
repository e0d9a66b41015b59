// The server tampers with what describes a document version (ATK-05, ATK-06, ATK-07, ATK-11 to ATK-15):
// envelopes, encrypted metadata, the signed manifest, whole records swapped, injected or moved in from another
// vault, server-side columns; and what sizes it can see. The client
// opens a version only when its manifest is the one the owner-signed vault manifest lists (or, for an older
// version, is signed by an allowed writer), the metadata and envelope set hash to the signed values, and the
// file key from an allowed writer's envelope matches the signed commitment. Whatever fails, no payload is
// even requested and nothing is written.
import { documentPayloadLength } from '../../crypto/document.ts';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { newDocumentId } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { newFileKey } from '../../crypto/document-context.ts';
import { sealEnvelope } from '../../crypto/envelope.ts';
import { generateIdentity } from '../../crypto/identity.ts';
import { ed25519Keygen, sha256 } from '../../crypto/primitives.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { DocumentVersionResponse } from '../../shared/documents.ts';
import { commitForged, forgeVersion, type Forged } from './forge.ts';
import { editBase64Field, editJson, flipBit, replay, respondJson, type Mutation } from './tamper.ts';
import { content, drain, failureCode, newPerson, onlyReads, openWorld, uploadHonestly, type Person, type World } from './world.ts';

let world: World;
let alice: Person;
let bob: Person;
let bobDoc: string;
const state: VaultState = {};
let docA: string;
let docB: string;
const TEXT_A = content(2000, 1);
const TEXT_B = content(3000, 2);
/** The server's own identity: it knows alice's public keys, not her seeds. */
const server = generateIdentity();

/** The current version, which the listing reads without a version and a download reads with its number. */
const current = (documentId: string, version: number) => new RegExp(`/documents/${documentId}(/versions/${String(version)})?$`);
const versionPath = (documentId: string, version: number) => new RegExp(`/documents/${documentId}/versions/${String(version)}$`);
const LISTING = /\/documents\?/;

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  docA = await uploadHonestly(world, alice, state, content(500, 9));
  await uploadHonestly(world, alice, state, TEXT_A, { documentId: docA, metadata: { title: 'Compte rendu v2' } });
  docB = await uploadHonestly(world, alice, state, TEXT_B, { metadata: { title: 'Ordonnance' } });
  world.tamper.record('A v1', 'GET', versionPath(docA, 1));
  world.tamper.record('B current', 'GET', current(docB, 1));
  world.tamper.record('B payload', 'GET', new RegExp(`/documents/${docB}/versions/1/payload$`));
  await downloadDocument(world.api(alice), alice.account, state, docA, { version: 1 }).then((download) => drain(download.stream));
  await downloadDocument(world.api(alice), alice.account, state, docB).then((download) => drain(download.stream));
  await downloadDocument(world.api(alice), alice.account, state, docA);
  bob = await newPerson(world, 'bob@example.org');
  const bobState: VaultState = {};
  bobDoc = await uploadHonestly(world, bob, bobState, content(800, 4));
  world.tamper.record('bob doc', 'GET', current(bobDoc, 1));
  await listDocuments(world.api(bob), bob.account, bobState);
});

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

function recordedJson(name: string): DocumentVersionResponse {
  return JSON.parse(new TextDecoder().decode(world.tamper.recorded(name).body)) as DocumentVersionResponse;
}

/**
 * Lists (current version only) and downloads through `mutations`; returns both failure codes, after checking
 * that a mutation applied, that no payload was requested and that nothing was written.
 */
async function refused(mutations: Mutation[], documentId: string, version?: number): Promise<{ list: string; download: string }> {
  world.tamper.use(...mutations);
  const list = version === undefined ? await failureCode(listDocuments(world.api(alice), alice.account, state)) : '(not listed)';
  const download = await failureCode(downloadDocument(world.api(alice), alice.account, state, documentId, { version }));
  expect(world.tamper.fired.length).toBeGreaterThan(0);
  expect(world.tamper.calls().filter((call) => call.endsWith('/payload'))).toEqual([]);
  expect(onlyReads(world.tamper.calls())).toBe(true);
  return { list, download };
}

describe('records', () => {
  it('lists and opens both documents when nothing is altered (control)', async () => {
    const entries = await listDocuments(world.api(alice), alice.account, state);
    expect(entries.map((entry) => [entry.documentId, entry.version, entry.metadata.title]).sort()).toEqual([[docA, 2, 'Compte rendu v2'], [docB, 1, 'Ordonnance']].sort());
    const old = await downloadDocument(world.api(alice), alice.account, state, docA, { version: 1 });
    expect((await drain(old.stream)).code).toBe('(closed)');
  });

  it('ATK-05 an envelope replaced by one wrapping a key the server chose, encrypted to alice and signed by the server: MANIFEST_MISMATCH', async () => {
    const forged = (version: number) => toBase64url(forgedEnvelope(docA, version));
    const replaced = (version: number, path: RegExp) => editJson('server envelope', path, (body) => { body.envelopes = [forged(version)]; });
    expect(await refused([replaced(2, current(docA, 2))], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    expect(await refused([replaced(1, versionPath(docA, 1))], docA, 1)).toEqual({ list: '(not listed)', download: 'MANIFEST_MISMATCH' });
    const prepended = editJson('server envelope first', current(docA, 2), (body) => { body.envelopes = [forged(2), ...(body.envelopes as string[])]; });
    expect(await refused([prepended], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
  });

  it('ATK-06 a document the server injects (encrypted to alice, signed by the server) is RECORD_UNEXPECTED in the list and never opened', async () => {
    const fake = await serverDocument(newDocumentId(), 1);
    const summary = { documentId: fake.response.documentId, currentVersion: 1, payloadSize: fake.payload.length, createdAt: Date.now(), updatedAt: Date.now() };
    world.tamper.use(
      editJson('inject in listing', LISTING, (body) => { (body.documents as unknown[]).push(summary); }),
      respondJson('serve injected', current(fake.response.documentId, 1), () => fake.response),
    );
    expect(await failureCode(listDocuments(world.api(alice), alice.account, state))).toBe('RECORD_UNEXPECTED');
    expect(await failureCode(downloadDocument(world.api(alice), alice.account, state, fake.response.documentId))).toBe('NOT_FOUND');
    // Fetched once by the listing (to compare it with the signed manifest), never by the download.
    expect(world.tamper.calls().filter((call) => call.includes(fake.response.documentId))).toEqual([`GET /api/vaults/${alice.account.vaultId}/documents/${fake.response.documentId}`]);
    expect(onlyReads(world.tamper.calls())).toBe(true);
  });

  it('ATK-06 an injected version in place of a listed one: MANIFEST_MISMATCH; in place of an older one: SIGNER_NOT_ALLOWED', async () => {
    const asB = await serverDocument(docB, 1);
    expect(await refused([respondJson('fake B', current(docB, 1), () => asB.response)], docB)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    const asA1 = await serverDocument(docA, 1);
    expect(await refused([respondJson('fake A v1', versionPath(docA, 1), () => asA1.response)], docA, 1)).toEqual({ list: '(not listed)', download: 'SIGNER_NOT_ALLOWED' });
  });

  it('ATK-06 an injected older version that names alice’s signing key but carries the server’s signature: SIGNATURE_INVALID', async () => {
    const fake = await serverDocument(docA, 1);
    const manifest = fromBase64url(fake.response.manifest);
    const serverKey = ed25519Keygen(server.signingSeed).publicKey;
    const at = Buffer.from(manifest).indexOf(Buffer.from(serverKey));
    expect(at).toBeGreaterThan(0);
    manifest.set(alice.account.bundle.signingPublicKey, at);
    const response = { ...fake.response, manifest: toBase64url(manifest) };
    expect(await refused([respondJson('claims alice', versionPath(docA, 1), () => response)], docA, 1)).toEqual({ list: '(not listed)', download: 'SIGNATURE_INVALID' });
  });

  it('ATK-07 flips a bit in the encrypted metadata: MANIFEST_MISMATCH before any payload is fetched', async () => {
    for (const at of [0, 10, -1]) {
      const flip = editBase64Field(`metadata bit ${String(at)}`, current(docB, 1), 'metadata', (bytes) => flipBit(bytes, at));
      expect(await refused([flip], docB)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    }
    const old = editBase64Field('old metadata bit', versionPath(docA, 1), 'metadata', (bytes) => flipBit(bytes, 40));
    expect(await refused([old], docA, 1)).toEqual({ list: '(not listed)', download: 'MANIFEST_MISMATCH' });
  });

  it('ATK-11 metadata, envelopes or a whole record swapped between two documents: MANIFEST_MISMATCH', async () => {
    const fromB = (field: 'metadata' | 'envelopes') => editJson(`B's ${field} on A`, current(docA, 2), (body) => { body[field] = recordedJson('B current')[field]; });
    expect(await refused([fromB('metadata')], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    expect(await refused([fromB('envelopes')], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    expect(await refused([respondJson('B as A', current(docA, 2), () => recordedJson('B current'))], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    const relabelled = () => ({ ...recordedJson('B current'), documentId: docA, version: 2 });
    expect(await refused([respondJson('B relabelled A', current(docA, 2), relabelled)], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
  });

  it('ATK-11 version 1 served as version 2 of the same document: MANIFEST_MISMATCH', async () => {
    expect(await refused([respondJson('v1 as current', current(docA, 2), () => recordedJson('A v1'))], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    const relabelled = () => ({ ...recordedJson('A v1'), version: 2 });
    expect(await refused([respondJson('v1 relabelled', current(docA, 2), relabelled)], docA)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
  });

  it('ATK-11 the payload of another document: refused, nothing released', async () => {
    world.tamper.use(replay('B payload on A', /\/payload$/, () => world.tamper.recorded('B payload')));
    const download = await downloadDocument(world.api(alice), alice.account, state, docA);
    const { released, code } = await drain(download.stream);
    expect(world.tamper.fired).toEqual(['B payload on A']);
    expect([code, released.length]).toEqual(['MANIFEST_MISMATCH', 0]);
  });

  it('ATK-12 envelopes holding two keys in an author-signed set: the one not committed to is COMMITMENT_MISMATCH', async () => {
    const other = newFileKey();
    const context = { vaultId: alice.account.vaultId, documentId: newDocumentId(), version: 1 };
    const twoKeys = await forgeVersion({
      context, plaintext: content(700, 3), recipientPublicKey: alice.account.bundle.encryptionPublicKey,
      signerSeed: alice.account.identity.signingSeed, authorAccountId: alice.accountId, otherFileKeys: [other],
    });
    world.tamper.reset();
    await commitForged(world.api(alice), alice.account, state, twoKeys);
    const [good, bad] = twoKeys.response.envelopes;
    const order = (name: string, envelopes: (string | undefined)[]) => editJson(name, current(context.documentId, 1), (body) => { body.envelopes = envelopes; });
    world.tamper.use(order('good key first', [good, bad]));
    const honest = await downloadDocument(world.api(alice), alice.account, state, context.documentId);
    expect((await drain(honest.stream)).code).toBe('(closed)');
    expect(await refused([order('other key first', [bad, good])], context.documentId)).toEqual({ list: 'COMMITMENT_MISMATCH', download: 'COMMITMENT_MISMATCH' });
  });

  it('ATK-13 sizes, dates and author changed in server columns leave the signed metadata and the plaintext as they are', async () => {
    const honest = await listDocuments(world.api(alice), alice.account, state);
    const lies = [
      editJson('listing columns', LISTING, (body) => {
        for (const summary of body.documents as Record<string, unknown>[]) Object.assign(summary, { payloadSize: 1, createdAt: 0, updatedAt: 4_102_444_800_000 });
      }),
      editJson('version columns', /\/documents\/[^/?]+(\/versions\/\d+)?$/, (body) => { Object.assign(body, { payloadSize: 1, createdAt: 0, authorAccountId: 'mallory@example.org' }); }),
    ];
    world.tamper.use(...lies);
    const shown = await listDocuments(world.api(alice), alice.account, state);
    expect(world.tamper.fired).toContain('listing columns');
    expect(world.tamper.fired).toContain('version columns');
    const metadataOf = (entries: typeof honest) => entries.map((entry) => [entry.documentId, entry.version, entry.metadata]).sort();
    expect(metadataOf(shown)).toEqual(metadataOf(honest));
    const download = await downloadDocument(world.api(alice), alice.account, state, docB);
    expect(download.payloadSize).toBe(documentPayloadLength(TEXT_B.length)); // from the signed length, not the column
    expect(download.metadata.realLength).toBe(TEXT_B.length);
    expect(Buffer.from((await drain(download.stream)).released).equals(Buffer.from(TEXT_B))).toBe(true);
  });

  // DocumentEntry.updatedAt (the FHIR export's date) and .payloadSize come from the author-signed manifest
  // and the signed realLength, never from the server's listing.
  it('ATK-13 a listing with other dates and sizes yields the same entries (server columns are not shown as fact)', async () => {
    const honest = await listDocuments(world.api(alice), alice.account, state);
    world.tamper.use(editJson('listing columns', LISTING, (body) => {
      for (const summary of body.documents as Record<string, unknown>[]) Object.assign(summary, { payloadSize: 1, updatedAt: 4_102_444_800_000 });
    }));
    const shown = await listDocuments(world.api(alice), alice.account, state);
    expect(world.tamper.fired).toEqual(['listing columns']);
    const byId = (entries: typeof honest) => [...entries].sort((a, b) => a.documentId.localeCompare(b.documentId));
    expect(byId(shown)).toEqual(byId(honest));
  });
});

describe('records moved between vaults, and sizes', () => {
  it('ATK-14 bob’s record (signed by bob, in bob’s vault) moved into alice’s vault: RECORD_UNEXPECTED, MANIFEST_MISMATCH or SIGNER_NOT_ALLOWED', async () => {
    const bobs = () => recordedJson('bob doc');
    const summary = { documentId: bobDoc, currentVersion: 1, payloadSize: 1, createdAt: Date.now(), updatedAt: Date.now() };
    world.tamper.use(
      editJson('bob’s record listed', LISTING, (body) => { (body.documents as unknown[]).push(summary); }),
      respondJson('bob’s record served', current(bobDoc, 1), bobs),
    );
    expect(await failureCode(listDocuments(world.api(alice), alice.account, state))).toBe('RECORD_UNEXPECTED');
    expect(world.tamper.fired).toEqual(['bob’s record listed', 'bob’s record served']);
    const asB = () => ({ ...bobs(), documentId: docB });
    expect(await refused([respondJson('as alice’s B', current(docB, 1), asB)], docB)).toEqual({ list: 'MANIFEST_MISMATCH', download: 'MANIFEST_MISMATCH' });
    const asA1 = () => ({ ...bobs(), documentId: docA, version: 1 });
    expect(await refused([respondJson('as alice’s A v1', versionPath(docA, 1), asA1)], docA, 1)).toEqual({ list: '(not listed)', download: 'SIGNER_NOT_ALLOWED' });
  });

  it('ATK-15 the server sees one padded size for documents of close lengths and for titles of any length', async () => {
    const short = await uploadHonestly(world, alice, state, content(1000, 5), { metadata: { title: 'A' } });
    const long = await uploadHonestly(world, alice, state, content(1010, 6), { metadata: { title: 'Compte rendu d’hospitalisation '.repeat(6) } });
    world.tamper.record('short', 'GET', current(short, 1));
    world.tamper.record('long', 'GET', current(long, 1));
    await listDocuments(world.api(alice), alice.account, state);
    const seen = ['short', 'long'].map((name) => recordedJson(name));
    expect(new Set(seen.map((version) => version.payloadSize)).size).toBe(1);
    expect(new Set(seen.map((version) => fromBase64url(version.metadata).length)).size).toBe(1);
    const { read, tables: { documentVersions } } = world.server.state.storage;
    const stored = await read.select({ size: documentVersions.payloadSize }).from(documentVersions).where(inArray(documentVersions.documentId, [short, long]));
    expect(stored.map((row) => row.size)).toEqual([seen[0]?.payloadSize, seen[0]?.payloadSize]);
  });
});

/** A version of `documentId` made entirely by the server, encrypted to alice and signed with its own key. */
function serverDocument(documentId: string, version: number): Promise<Forged> {
  return forgeVersion({
    context: { vaultId: alice.account.vaultId, documentId, version }, plaintext: new TextEncoder().encode('Résultat : positif'),
    metadata: { title: 'Résultat de laboratoire' }, recipientPublicKey: alice.account.bundle.encryptionPublicKey,
    signerSeed: server.signingSeed, authorAccountId: alice.accountId,
  });
}

/** An envelope for alice's key of a file key the server chose, signed by the server. */
function forgedEnvelope(documentId: string, version: number): Uint8Array {
  const chosen = sha256(new TextEncoder().encode('a key the server chose'));
  return sealEnvelope(chosen, { vaultId: alice.account.vaultId, documentId, version }, alice.account.bundle.encryptionPublicKey, server.signingSeed);
}
