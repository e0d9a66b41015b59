import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateGrantKey, openGrantWrap, wrapForGrant, type DocumentVersionRef } from '../../crypto/envelope.ts';
import { labelled } from '../../crypto/identity.ts';
import {
  acceptListedDocumentManifest, checkBlobHashes, checkFileKeyCommitment, DOCUMENT_MANIFEST_LABEL, documentManifestHash,
  envelopeSetHash, fileKeyCommitment, signDocumentManifest, verifyDocumentManifest, type DocumentManifestFields,
} from '../../crypto/manifest.ts';
import { ed25519Sign, initPrimitives, randomBytes, sha256 } from '../../crypto/primitives.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const author = makeIdentity('patient-1');
const server = makeIdentity('server');
const allowedSigners = [author.bundle.signingPublicKey];
const ref: DocumentVersionRef = { vaultId: 'vault-1', documentId: 'doc-1', version: 2 };
const fileKey = randomBytes(32);
const payload = randomBytes(1000);
const metadata = randomBytes(256);
const envelopes = [randomBytes(100), randomBytes(120)];

function fields(overrides: Partial<DocumentManifestFields> = {}): DocumentManifestFields {
  return {
    vaultId: ref.vaultId, documentId: ref.documentId, documentVersion: ref.version, authorAccountId: 'patient-1',
    fileKeyCommitment: fileKeyCommitment(fileKey, ref), payloadHash: sha256(payload), metadataHash: sha256(metadata),
    envelopeSetHash: envelopeSetHash(envelopes), createdAt: 1_790_000_000_000, ...overrides,
  };
}

function resign(bytes: Uint8Array, edit: (body: Uint8Array) => void, seed = author.secrets.signingSeed): Uint8Array {
  const body = bytes.slice(0, bytes.length - 64);
  edit(body);
  return concat(body, ed25519Sign(seed, labelled(DOCUMENT_MANIFEST_LABEL, body)));
}

describe('document manifest', () => {
  it('round-trips and checks commitment and blob hashes', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    const manifest = verifyDocumentManifest(bytes, { allowedSigners, expected: ref });
    expect(manifest).toEqual({ version: 1, authorSigningKey: author.bundle.signingPublicKey, ...fields() });
    checkFileKeyCommitment(manifest, fileKey);
    checkBlobHashes(manifest, { payloadHash: sha256(payload), metadataHash: sha256(metadata), envelopeSetHash: envelopeSetHash([...envelopes].reverse()) });
  });

  it('computes the commitment as the spec says (checked with node:crypto)', () => {
    const message = concat(
      Uint8Array.of(0, 0, 0, 35), new TextEncoder().encode('coffre-sante/v1/file-key-commitment'),
      Uint8Array.of(0, 0, 0, 32), Uint8Array.of(0, 0, 0, 7), new TextEncoder().encode('vault-1'),
      Uint8Array.of(0, 0, 0, 5), new TextEncoder().encode('doc-1'), Uint8Array.of(0, 0, 0, 2),
    );
    expect(Buffer.from(fileKeyCommitment(fileKey, ref))).toEqual(createHmac('sha256', fileKey).update(message).digest());
    const set = [sha256(envelopes[0]!), sha256(envelopes[1]!)].sort((a, b) => Buffer.compare(a, b));
    const expectedSet = createHash('sha256').update(concat(Uint8Array.of(0, 0, 0, 28), new TextEncoder().encode('coffre-sante/v1/envelope-set'), Uint8Array.of(0, 0, 0, 2), ...set)).digest();
    expect(Buffer.from(envelopeSetHash(envelopes))).toEqual(expectedSet);
  });

  it('ATK-06 refuses a document the server signed with its own key', () => {
    const injected = signDocumentManifest(fields(), server.secrets.signingSeed);
    expectCode(() => verifyDocumentManifest(injected, { allowedSigners }), 'SIGNER_NOT_ALLOWED');
  });

  it("ATK-06 refuses a forged manifest that names the author's key", () => {
    const forged = signDocumentManifest(fields(), server.secrets.signingSeed);
    const keyOffset = 2 + 4 + 7 + 4 + 5 + 4 + 4 + 9;
    expect(forged.subarray(keyOffset, keyOffset + 32)).toEqual(server.bundle.signingPublicKey);
    forged.set(author.bundle.signingPublicKey, keyOffset);
    expectCode(() => verifyDocumentManifest(forged, { allowedSigners }), 'SIGNATURE_INVALID');
  });

  it('ATK-11 refuses a manifest served for another vault, document or version', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    for (const expected of [{ ...ref, vaultId: 'vault-2' }, { ...ref, documentId: 'doc-2' }, { ...ref, version: 1 }]) {
      expectCode(() => verifyDocumentManifest(bytes, { allowedSigners, expected }), 'MANIFEST_MISMATCH');
    }
  });

  it('ATK-12 refuses a file key other than the committed one', () => {
    const manifest = verifyDocumentManifest(signDocumentManifest(fields(), author.secrets.signingSeed), { allowedSigners });
    expectCode(() => { checkFileKeyCommitment(manifest, randomBytes(32)); }, 'COMMITMENT_MISMATCH');
    expectCode(() => { checkFileKeyCommitment(manifest, concat(fileKey, Uint8Array.of(0))); }, 'COMMITMENT_MISMATCH');
    expectCode(() => { checkFileKeyCommitment(manifest, flip(fileKey, 31)); }, 'COMMITMENT_MISMATCH');
    const other = { ...manifest, documentId: 'doc-2' };
    expectCode(() => { checkFileKeyCommitment(other, fileKey); }, 'COMMITMENT_MISMATCH');
  });

  it('ATK-12 a file key from a forged grant wrap (made by another grant-key holder) fails the commitment', () => {
    const manifest = verifyDocumentManifest(signDocumentManifest(fields(), author.secrets.signingSeed), { allowedSigners, expected: ref });
    const grantKey = generateGrantKey();
    const forged = wrapForGrant(grantKey, 'grant-1', ref, randomBytes(32));
    const opened = openGrantWrap(grantKey, 'grant-1', ref, forged);
    expectCode(() => { checkFileKeyCommitment(manifest, opened); }, 'COMMITMENT_MISMATCH');
    const genuine = openGrantWrap(grantKey, 'grant-1', ref, wrapForGrant(grantKey, 'grant-1', ref, fileKey));
    checkFileKeyCommitment(manifest, genuine);
  });

  it('ATK-07 ATK-11 ATK-13 refuses swapped or altered payload, metadata and envelope set', () => {
    const manifest = verifyDocumentManifest(signDocumentManifest(fields(), author.secrets.signingSeed), { allowedSigners });
    expectCode(() => { checkBlobHashes(manifest, { payloadHash: sha256(flip(payload, 3)) }); }, 'MANIFEST_MISMATCH');
    expectCode(() => { checkBlobHashes(manifest, { metadataHash: sha256(payload) }); }, 'MANIFEST_MISMATCH');
    expectCode(() => { checkBlobHashes(manifest, { payloadHash: sha256(metadata) }); }, 'MANIFEST_MISMATCH');
    expectCode(() => { checkBlobHashes(manifest, { envelopeSetHash: envelopeSetHash([envelopes[0]!]) }); }, 'MANIFEST_MISMATCH');
    expectCode(() => { checkBlobHashes(manifest, { envelopeSetHash: envelopeSetHash([...envelopes, randomBytes(100)]) }); }, 'MANIFEST_MISMATCH');
  });

  it('ATK-26 refuses other format versions, even signed by the author', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    for (const version of [0, 2]) {
      expectCode(() => verifyDocumentManifest(resign(bytes, (body) => { body[1] = version; }), { allowedSigners }), 'VERSION_UNSUPPORTED');
    }
  });

  it('refuses truncated, extended and empty manifests with FORMAT_INVALID', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    expectCode(() => verifyDocumentManifest(new Uint8Array(0), { allowedSigners }), 'FORMAT_INVALID');
    expectCode(() => verifyDocumentManifest(bytes.subarray(1), { allowedSigners }), 'VERSION_UNSUPPORTED');
    expectCode(() => verifyDocumentManifest(bytes.subarray(0, bytes.length - 1), { allowedSigners }), 'FORMAT_INVALID');
    expectCode(() => verifyDocumentManifest(concat(bytes, Uint8Array.of(0)), { allowedSigners }), 'FORMAT_INVALID');
  });

  it('ATK-06 ATK-13 every single-byte change of a signed manifest is a typed error', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    const allowedCodes = new Set(['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']);
    for (let index = 0; index < bytes.length; index++) {
      expect(allowedCodes.has(codeOf(() => verifyDocumentManifest(flip(bytes, index, 0x40), { allowedSigners })))).toBe(true);
    }
  });

  it('accepts a listed manifest by hash and refuses any other bytes', () => {
    const bytes = signDocumentManifest(fields(), author.secrets.signingSeed);
    const listed = documentManifestHash(bytes);
    expect(acceptListedDocumentManifest(bytes, listed, ref).documentId).toBe('doc-1');
    expectCode(() => acceptListedDocumentManifest(flip(bytes, 40), listed), 'MANIFEST_MISMATCH');
    expectCode(() => acceptListedDocumentManifest(bytes, listed, { ...ref, version: 3 }), 'MANIFEST_MISMATCH');
    const other = signDocumentManifest(fields({ createdAt: 1 }), author.secrets.signingSeed);
    expectCode(() => acceptListedDocumentManifest(other, listed), 'MANIFEST_MISMATCH');
  });

  it('makes the envelope set hash independent of order and sensitive to content', () => {
    const a = randomBytes(50);
    const b = randomBytes(50);
    expect(envelopeSetHash([a, b])).toEqual(envelopeSetHash([b, a]));
    expect(envelopeSetHash([a, b])).not.toEqual(envelopeSetHash([a, flip(b, 0)]));
    expect(envelopeSetHash([a])).not.toEqual(envelopeSetHash([a, a]));
    expect(envelopeSetHash([])).toHaveLength(32);
  });
});
