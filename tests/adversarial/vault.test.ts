// The server tampers with the vault as a whole (ATK-16, ATK-18, ATK-19, ATK-20, ATK-26, ATK-35): it replays
// an older owner-signed vault manifest, resurrects a deleted record, serves an older version as current,
// hides a record, shows one device an older vault than another, signs a manifest of its own with itself as
// owner or manager, relabels formats with other versions, or sends malleable signatures and non-canonical
// encodings. The client keeps the highest head it accepted (VaultState) and reconciles every listing with the
// signed manifest; a refusal happens before any document is opened, and nothing is uploaded or wrapped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteDocument, downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import { loadHead, storeHead, type VaultState } from '../../client/core/vault.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import { compareVaultHeads, formatVaultHead, memberOf, parseVaultHead, signVaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { editBase64Field, editJson, flipBit, replay, respondJson, type Mutation } from './tamper.ts';
import { content, drain, failureCode, METADATA, newPerson, onlyReads, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const MANIFEST = /\/manifest$/;
const LISTING = /\/documents\?/;
/** Ed25519's group order: s and s + L verify alike under a lax verifier (signature malleability). */
const ED25519_ORDER = 2n ** 252n + 27_742_317_777_372_353_535_851_937_790_883_648_493n;

let world: World;
let alice: Person;
const state: VaultState = {};
let docA: string;
let docB: string;

const versionPath = (documentId: string, version: number) => new RegExp(`/documents/${documentId}/versions/${String(version)}$`);
const current = (documentId: string, version: number) => new RegExp(`/documents/${documentId}(/versions/${String(version)})?$`);

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  docA = await uploadHonestly(world, alice, state, content(900, 1));
  await recordVault('at 1');
  docB = await uploadHonestly(world, alice, state, content(1200, 2), { metadata: { title: 'Radiographie' } });
  world.tamper.record('B v1', 'GET', versionPath(docB, 1));
  world.tamper.record('B payload', 'GET', /\/payload$/);
  await downloadDocument(world.api(alice), alice.account, state, docB).then((download) => drain(download.stream));
  await recordVault('at 2');
  await uploadHonestly(world, alice, state, content(1500, 3), { documentId: docA });
  world.tamper.record('A v1', 'GET', versionPath(docA, 1));
  await downloadDocument(world.api(alice), alice.account, state, docA, { version: 1 });
  world.tamper.reset();
  await deleteDocument(world.api(alice), alice.account, state, docB);
  expect(state.head?.sequence).toBe(4);
});

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

/** Records the vault manifest and the listing as they are now, under `name`. */
async function recordVault(name: string): Promise<void> {
  world.tamper.reset();
  world.tamper.record(`manifest ${name}`, 'GET', MANIFEST);
  world.tamper.record(`listing ${name}`, 'GET', LISTING);
  await listDocuments(world.api(alice), alice.account, state);
}

function replayed(name: string, path: RegExp): Mutation {
  return replay(`replay ${name}`, path, () => world.tamper.recorded(name));
}

function listWith(...mutations: Mutation[]): Promise<string> {
  world.tamper.use(...mutations);
  return failureCode(listDocuments(world.api(alice), alice.account, state));
}

function downloadWith(documentId: string, version: number | undefined, ...mutations: Mutation[]): Promise<string> {
  world.tamper.use(...mutations);
  return failureCode(downloadDocument(world.api(alice), alice.account, state, documentId, { version }));
}

function recordedBody(name: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(world.tamper.recorded(name).body)) as Record<string, unknown>;
}

/** The same signature with s replaced by s + L: a non-canonical scalar that a strict verifier refuses. */
function malleate(signed: Uint8Array): Uint8Array {
  const out = signed.slice();
  const at = out.length - 32;
  let s = 0n;
  for (let i = 31; i >= 0; i -= 1) s = (s << 8n) | BigInt(out[at + i] ?? 0);
  s += ED25519_ORDER;
  for (let i = 0; i < 32; i += 1) {
    out[at + i] = Number(s & 0xffn);
    s >>= 8n;
  }
  if (s !== 0n) throw new RangeError('s + L does not fit');
  return out;
}

/** Another spelling of the same bytes: the standard alphabet, or unused low bits set. Refused by the schemas. */
function nonCanonical(text: string): string {
  if (/[-_]/.test(text)) return text.replace(/-/g, '+').replace(/_/g, '/');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  if (text.length % 4 === 0) throw new RangeError('every spelling of this length is canonical');
  return text.slice(0, -1) + alphabet.charAt(alphabet.indexOf(text.slice(-1)) + 1);
}

describe('vault manifest', () => {
  it('lists the current vault when nothing is altered (control)', async () => {
    const entries = await listDocuments(world.api(alice), alice.account, state);
    expect(entries.map((entry) => [entry.documentId, entry.version])).toEqual([[docA, 2]]);
  });

  it('ATK-16 an older owner-signed vault manifest replayed is ROLLBACK, before anything else is read', async () => {
    for (const name of ['manifest at 1', 'manifest at 2']) {
      expect(await listWith(replayed(name, MANIFEST), replayed(name.replace('manifest', 'listing'), LISTING))).toBe('ROLLBACK');
      expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/manifest`]);
      expect(await downloadWith(docA, undefined, replayed(name, MANIFEST))).toBe('ROLLBACK');
      expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/manifest`]);
    }
    expect(state.head?.sequence).toBe(4);
  });

  it('ATK-16 a vault the server says has no manifest any more is ROLLBACK', async () => {
    const forgotten = editJson('no manifest', MANIFEST, (body) => { Object.assign(body, { sequence: 0, manifest: null }); });
    expect(await listWith(forgotten)).toBe('ROLLBACK');
    expect(await downloadWith(docA, undefined, forgotten)).toBe('ROLLBACK');
  });

  it('ATK-16 a deleted document resurrected in the listing is RECORD_UNEXPECTED, and is never opened', async () => {
    const resurrect = [
      editJson('B back in listing', LISTING, (body) => { (body.documents as unknown[]).push(...(recordedBody('listing at 2').documents as { documentId: string }[]).filter((doc) => doc.documentId === docB)); }),
      respondJson('B v1 served', current(docB, 1), () => recordedBody('B v1')),
      replayed('B payload', /\/payload$/),
    ];
    expect(await listWith(...resurrect)).toBe('RECORD_UNEXPECTED');
    expect(world.tamper.fired).toContain('B back in listing');
    expect(await downloadWith(docB, undefined, ...resurrect)).toBe('NOT_FOUND');
    expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/manifest`]);
  });

  it('ATK-16 an older version served as the current one is ROLLBACK in the list, MANIFEST_MISMATCH when opened', async () => {
    const older = [
      editJson('listing says v1', LISTING, (body) => { for (const doc of body.documents as { currentVersion: number }[]) doc.currentVersion = 1; }),
      respondJson('v1 as current', current(docA, 2), () => recordedBody('A v1')),
    ];
    expect(await listWith(...older)).toBe('ROLLBACK');
    expect(await downloadWith(docA, undefined, ...older)).toBe('MANIFEST_MISMATCH');
    expect(onlyReads(world.tamper.calls())).toBe(true);
  });

  it('ATK-19 a device shown an older vault than another detects it once it imports the other device’s head (QR): ROLLBACK', async () => {
    // A second device of alice's, with no head yet, is shown the vault as it was at sequence 2.
    const fork = [
      replayed('manifest at 2', MANIFEST), replayed('listing at 2', LISTING),
      respondJson('A v1 as current', new RegExp(`/documents/${docA}$`), () => recordedBody('A v1')),
    ];
    const device2: VaultState = {};
    world.tamper.use(...fork, respondJson('B v1', current(docB, 1), () => recordedBody('B v1')));
    const shown = await listDocuments(world.api(alice), alice.account, device2).catch(() => null);
    expect(shown?.map((entry) => entry.documentId).sort()).toEqual([docA, docB].sort());
    // The heads, read out or scanned as text, differ: device 2 is behind device 1.
    const first = state.head;
    const second = device2.head;
    if (first === undefined || second === undefined) throw new Error('no head');
    expect(formatVaultHead(first)).not.toBe(formatVaultHead(second));
    expect(compareVaultHeads(second, first)).toBe(-1);
    // Device 2 takes device 1's head; the same older view is now refused.
    device2.head = loadHead(storeHead(parseVaultHead(formatVaultHead(first))));
    world.tamper.use(...fork);
    expect(await failureCode(listDocuments(world.api(alice), alice.account, device2))).toBe('ROLLBACK');
  });

  it('ATK-16 an upload over a replayed older manifest is ROLLBACK before any byte is sent or any key wrapped', async () => {
    expect(await uploadWith(replayed('manifest at 2', MANIFEST))).toBe('ROLLBACK');
    expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/manifest`]);
    expect(state.head?.sequence).toBe(4);
  });

  it('ATK-20 a vault manifest the server signed with itself as manager or owner: SIGNATURE_INVALID, SIGNER_NOT_ALLOWED; no envelope is made for it', async () => {
    for (const [as, code] of [['manager', 'SIGNATURE_INVALID'], ['owner', 'SIGNER_NOT_ALLOWED']] as const) {
      expect(await uploadWith(serverSigned(as))).toBe(code);
      expect(world.tamper.fired).toEqual([`server as ${as}`]);
      // The upload stopped at the manifest: no upload created, no envelope or commit sent.
      expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/manifest`]);
      expect(await listWith(serverSigned(as))).toBe(code);
    }
    expect(state.head?.sequence).toBe(4);
  });

  it('ATK-18 a record hidden from the listing, or every record, is RECORD_MISSING', async () => {
    expect(await listWith(editJson('hide A', LISTING, (body) => { body.documents = (body.documents as { documentId: string }[]).filter((doc) => doc.documentId !== docA); }))).toBe('RECORD_MISSING');
    expect(await listWith(editJson('empty vault', LISTING, (body) => { Object.assign(body, { documents: [], nextCursor: null }); }))).toBe('RECORD_MISSING');
    expect(onlyReads(world.tamper.calls())).toBe(true);
  });

  it('ATK-18 a listing that hides a record behind a page it never serves is RECORD_MISSING', async () => {
    // The server claims the last page came already: no cursor, and the record is not on the first page.
    const cut = editJson('short page', LISTING, (body) => {
      Object.assign(body, { documents: (body.documents as { documentId: string }[]).filter((doc) => doc.documentId !== docA), nextCursor: null });
    });
    expect(await listWith(cut)).toBe('RECORD_MISSING');
    expect(world.tamper.fired).toEqual(['short page']);
  });

  it('ATK-26 a vault manifest labelled with another format version is VERSION_UNSUPPORTED', async () => {
    for (const version of [0, 2]) {
      const relabel = editBase64Field(`vault manifest v${String(version)}`, MANIFEST, 'manifest', (bytes) => { bytes[1] = version; return bytes; });
      expect(await listWith(relabel)).toBe('VERSION_UNSUPPORTED');
      expect(await downloadWith(docA, undefined, relabel)).toBe('VERSION_UNSUPPORTED');
    }
  });

  it('ATK-26 a document manifest labelled v2: MANIFEST_MISMATCH when listed by hash, VERSION_UNSUPPORTED on the signature path', async () => {
    const relabel = (path: RegExp) => editBase64Field('document manifest v2', path, 'manifest', (bytes) => { bytes[1] = 2; return bytes; });
    expect(await listWith(relabel(current(docA, 2)))).toBe('MANIFEST_MISMATCH');
    expect(await downloadWith(docA, undefined, relabel(current(docA, 2)))).toBe('MANIFEST_MISMATCH');
    expect(await downloadWith(docA, 1, relabel(versionPath(docA, 1)))).toBe('VERSION_UNSUPPORTED');
  });

  it('ATK-26 metadata or an envelope labelled with another version: MANIFEST_MISMATCH (their hashes are signed)', async () => {
    const metadata = editBase64Field('metadata v2', current(docA, 2), 'metadata', (bytes) => { bytes[4] = 2; return bytes; });
    const envelope = editJson('envelope v2', current(docA, 2), (body) => {
      const [first] = body.envelopes as string[];
      body.envelopes = [first === undefined ? '' : editFirst(first, (bytes) => { bytes[1] = 2; return bytes; })];
    });
    for (const mutation of [metadata, envelope]) {
      expect(await listWith(mutation)).toBe('MANIFEST_MISMATCH');
      expect(await downloadWith(docA, undefined, mutation)).toBe('MANIFEST_MISMATCH');
    }
  });

  it('ATK-35 a vault manifest with a malleated signature (s + L) is SIGNATURE_INVALID', async () => {
    const mallet = editBase64Field('s + L', MANIFEST, 'manifest', malleate);
    expect(await listWith(mallet)).toBe('SIGNATURE_INVALID');
    expect(world.tamper.fired).toEqual(['s + L']);
    expect(await downloadWith(docA, undefined, mallet)).toBe('SIGNATURE_INVALID');
  });

  it('ATK-35 an older document manifest with a malleated signature is SIGNATURE_INVALID', async () => {
    expect(await downloadWith(docA, 1, editBase64Field('s + L', versionPath(docA, 1), 'manifest', malleate))).toBe('SIGNATURE_INVALID');
    expect(await downloadWith(docA, 1, editBase64Field('flip R', versionPath(docA, 1), 'manifest', (bytes) => flipBit(bytes, -40)))).toBe('SIGNATURE_INVALID');
  });

  it('ATK-35 a vault manifest with a trailing byte, or cut short, is FORMAT_INVALID', async () => {
    expect(await listWith(editBase64Field('trailing byte', MANIFEST, 'manifest', (bytes) => Uint8Array.of(...bytes, 0)))).toBe('FORMAT_INVALID');
    expect(await listWith(editBase64Field('cut short', MANIFEST, 'manifest', (bytes) => bytes.slice(0, 60)))).toBe('FORMAT_INVALID');
  });

  it('ATK-35 a non-canonical base64url spelling of the same manifest bytes is BAD_RESPONSE', async () => {
    expect(await listWith(editJson('non-canonical', MANIFEST, (body) => { body.manifest = nonCanonical(String(body.manifest)); }))).toBe('BAD_RESPONSE');
    expect(world.tamper.fired).toEqual(['non-canonical']);
  });
});

/** Tries to upload through `mutations`; returns the failure code. */
function uploadWith(...mutations: Mutation[]): Promise<string> {
  world.tamper.use(...mutations);
  const plaintext = content(300, 12);
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(plaintext); controller.close(); } });
  return failureCode(uploadDocument(world.api(alice), alice.account, state, { stream, size: plaintext.length, metadata: METADATA }));
}

/** The successor of alice's current manifest, signed by the server itself, with itself as `as`. */
function serverSigned(as: 'owner' | 'manager'): Mutation {
  const identity = generateIdentity();
  const intruder = memberOf(verifyPublicBundle(signPublicBundle(identity, { accountId: 'operator@example.org', role: 'practitioner', createdAt: Date.now() })));
  const head = state.head;
  if (head === undefined) throw new Error('no head');
  const bytes = signVaultManifest({
    vaultId: alice.account.vaultId, sequence: head.sequence + 1, previousHash: head.hash, createdAt: Date.now(),
    owner: as === 'owner' ? intruder : memberOf(alice.account.bundle), records: [], shares: [], managers: as === 'manager' ? [intruder] : [],
  }, identity.signingSeed);
  return editJson(`server as ${as}`, MANIFEST, (body) => { Object.assign(body, { sequence: head.sequence + 1, manifest: toBase64url(bytes) }); });
}

function editFirst(text: string, edit: (bytes: Uint8Array) => Uint8Array): string {
  return toBase64url(edit(fromBase64url(text)));
}
