import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPinned, pinContact } from '../../crypto/fingerprint.ts';
import { generateIdentity, identityPublicKeys, signPublicBundle, verifyPublicBundle, type IdentityRole } from '../../crypto/identity.ts';
import { initPrimitives } from '../../crypto/primitives.ts';
import { codeOf, makeIdentity } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const TAMPER_CODES = ['SIGNATURE_INVALID', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED'];
const accountId = fc.string({ minLength: 1, maxLength: 60 }).filter((id) => new TextEncoder().encode(id).length <= 256);
const role = fc.constantFrom<IdentityRole>('patient', 'practitioner', 'vault');

describe('public key bundles (property)', () => {
  const secrets = generateIdentity();
  const keys = identityPublicKeys(secrets);

  it('round-trips any account id, role and date', () => {
    fc.assert(
      fc.property(accountId, role, fc.maxSafeNat(), (id, r, createdAt) => {
        const bundle = verifyPublicBundle(signPublicBundle(secrets, { accountId: id, role: r, createdAt }));
        expect(bundle).toEqual({ version: 1, accountId: id, role: r, createdAt, ...keys });
      }),
      { numRuns: 50 },
    );
  });

  it('ATK-03 any single-bit change of a signed bundle is a typed error', () => {
    const bytes = makeIdentity('alice').bundleBytes;
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const tampered = bytes.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(TAMPER_CODES).toContain(codeOf(() => verifyPublicBundle(tampered)));
      }),
      { numRuns: 500 },
    );
  });

  it('ATK-03 any truncation or extension of a signed bundle is a typed error', () => {
    const bytes = makeIdentity('alice').bundleBytes;
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 }), (cut, extra) => {
        expect(TAMPER_CODES).toContain(codeOf(() => verifyPublicBundle(bytes.subarray(0, cut))));
        const extended = new Uint8Array(bytes.length + extra.length);
        extended.set(bytes);
        extended.set(extra, bytes.length);
        expect(TAMPER_CODES).toContain(codeOf(() => verifyPublicBundle(extended)));
      }),
      { numRuns: 200 },
    );
  });

  it('ATK-03 a substituted bundle for a pinned account is KEY_CHANGED', () => {
    const pinned = makeIdentity('dr-x', 'practitioner');
    const pin = pinContact(pinned.bundle);
    fc.assert(
      fc.property(fc.constant(null), () => {
        const substitute = verifyPublicBundle(signPublicBundle(generateIdentity(), { accountId: 'dr-x', role: 'practitioner', createdAt: 1 }));
        expect(codeOf(() => { checkPinned(pin, substitute); })).toBe('KEY_CHANGED');
      }),
      { numRuns: 20 },
    );
  });
});
