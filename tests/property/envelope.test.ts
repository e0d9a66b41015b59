import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateGrantKey, openEnvelope, openGrantKey, openGrantWrap, sealEnvelope, sealGrantKey, wrapForGrant, type DocumentVersionRef } from '../../crypto/envelope.ts';
import { initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { codeOf, makeIdentity } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const author = makeIdentity('patient-1');
const reader = makeIdentity('dr-1', 'practitioner');
const allowed = [author.bundle.signingPublicKey];
const id = fc.constantFrom('vault-1', 'vault-2', 'doc-1', 'doc-2', 'g-1', 'g-2', 'x');
const ref = fc.record({ vaultId: id, documentId: id, version: fc.nat(3) });
const sameRef = (a: DocumentVersionRef, b: DocumentVersionRef) => a.vaultId === b.vaultId && a.documentId === b.documentId && a.version === b.version;
const TAMPER_CODES = ['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED'];

describe('envelopes (property)', () => {
  const fileKey = randomBytes(32);
  const home: DocumentVersionRef = { vaultId: 'vault-1', documentId: 'doc-1', version: 1 };
  const envelope = sealEnvelope(fileKey, home, reader.bundle.encryptionPublicKey, author.secrets.signingSeed);

  it('ATK-05 any single-bit change of a signed envelope is a typed error', () => {
    fc.assert(
      fc.property(fc.nat(envelope.length * 8 - 1), (bit) => {
        const tampered = envelope.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(TAMPER_CODES).toContain(codeOf(() => openEnvelope(tampered, home, reader.opener, allowed)));
      }),
      { numRuns: 400 },
    );
  });

  it('ATK-11 an envelope swapped to any other document, vault or version fails its signature', () => {
    fc.assert(
      fc.property(ref, (other) => {
        fc.pre(!sameRef(other, home));
        expect(codeOf(() => openEnvelope(envelope, other, reader.opener, allowed))).toBe('SIGNATURE_INVALID');
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-11 a grant wrap moved to any other grant, document, vault or version fails to open', () => {
    const grantKey = generateGrantKey();
    fc.assert(
      fc.property(ref, ref, id, id, (from, to, grantFrom, grantTo) => {
        fc.pre(!sameRef(from, to) || grantFrom !== grantTo);
        const wrap = wrapForGrant(grantKey, grantFrom, from, fileKey);
        expect(openGrantWrap(grantKey, grantFrom, from, wrap)).toEqual(fileKey);
        expect(codeOf(() => openGrantWrap(grantKey, grantTo, to, wrap))).toBe('DECRYPTION_FAILED');
      }),
      { numRuns: 200 },
    );
  });

  it('ATK-05 any single-bit change of a grant wrap or grant key envelope is a typed error', () => {
    const grantKey = generateGrantKey();
    const wrap = wrapForGrant(grantKey, 'g-1', home, fileKey);
    const keyEnvelope = sealGrantKey(grantKey, { vaultId: 'vault-1', grantId: 'g-1' }, reader.bundle.encryptionPublicKey, author.secrets.signingSeed);
    fc.assert(
      fc.property(fc.nat(wrap.length * 8 - 1), fc.nat(keyEnvelope.length * 8 - 1), (bit, bit2) => {
        const tampered = wrap.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(['DECRYPTION_FAILED', 'VERSION_UNSUPPORTED']).toContain(codeOf(() => openGrantWrap(grantKey, 'g-1', home, tampered)));
        const tampered2 = keyEnvelope.slice();
        tampered2[bit2 >> 3] = tampered2[bit2 >> 3]! ^ (1 << (bit2 & 7));
        expect(TAMPER_CODES).toContain(codeOf(() => openGrantKey(tampered2, { vaultId: 'vault-1', grantId: 'g-1' }, reader.opener, allowed)));
      }),
      { numRuns: 300 },
    );
  });
});
