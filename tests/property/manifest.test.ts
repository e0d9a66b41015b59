import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFileKeyCommitment, fileKeyCommitment, signDocumentManifest, verifyDocumentManifest, type DocumentManifestFields } from '../../crypto/manifest.ts';
import { initPrimitives } from '../../crypto/primitives.ts';
import { codeOf, makeIdentity } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const author = makeIdentity('patient-1');
const allowedSigners = [author.bundle.signingPublicKey];
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const id = fc.string({ minLength: 1, maxLength: 40 }).filter((value) => new TextEncoder().encode(value).length <= 256);
const fields: fc.Arbitrary<DocumentManifestFields> = fc.record({
  vaultId: id, documentId: id, documentVersion: fc.nat({ max: 0xffff_ffff }), authorAccountId: id,
  fileKeyCommitment: bytes32, payloadHash: bytes32, metadataHash: bytes32, envelopeSetHash: bytes32, createdAt: fc.maxSafeNat(),
});
const TAMPER_CODES = ['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED'];

describe('document manifest (property)', () => {
  it('round-trips any fields', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const manifest = verifyDocumentManifest(signDocumentManifest(f, author.secrets.signingSeed), { allowedSigners });
        expect(manifest).toEqual({ ...f, version: 1, authorSigningKey: author.bundle.signingPublicKey });
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-06 ATK-13 any single-bit change of any signed manifest is a typed error', () => {
    fc.assert(
      fc.property(fields, fc.nat(), (f, seed) => {
        const bytes = signDocumentManifest(f, author.secrets.signingSeed);
        const bit = seed % (bytes.length * 8);
        const tampered = bytes.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(TAMPER_CODES).toContain(codeOf(() => verifyDocumentManifest(tampered, { allowedSigners })));
      }),
      { numRuns: 300 },
    );
  });

  it('ATK-12 only the committed file key passes the commitment', () => {
    fc.assert(
      fc.property(bytes32, bytes32, fields, (fileKey, otherKey, f) => {
        fc.pre(fileKey.some((byte, i) => byte !== otherKey[i]));
        const ref = { vaultId: f.vaultId, documentId: f.documentId, version: f.documentVersion };
        const manifest = verifyDocumentManifest(
          signDocumentManifest({ ...f, fileKeyCommitment: fileKeyCommitment(fileKey, ref) }, author.secrets.signingSeed),
          { allowedSigners, expected: ref },
        );
        checkFileKeyCommitment(manifest, fileKey);
        expect(codeOf(() => { checkFileKeyCommitment(manifest, otherKey); })).toBe('COMMITMENT_MISMATCH');
      }),
      { numRuns: 100 },
    );
  });
});
