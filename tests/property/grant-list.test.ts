import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileGrantList, signGrantList, verifyGrantList, type GrantListEntry, type GrantListExpectation } from '../../crypto/grant-list.ts';
import { initPrimitives } from '../../crypto/primitives.ts';
import { memberOf } from '../../crypto/vault-manifest.ts';
import { codeOf, flip, makeIdentity } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const doctor = makeIdentity('dr-1', 'practitioner');
const expected: GrantListExpectation = { ownerSigningKey: vault.bundle.signingPublicKey, vaultId: 'vault-1', grantId: 'grant-1' };
const entries = fc.uniqueArray(
  fc.record({ documentId: fc.string({ minLength: 1, maxLength: 12 }), version: fc.integer({ min: 1, max: 50 }) }),
  { minLength: 1, maxLength: 30, selector: (entry) => JSON.stringify([entry.documentId, entry.version]) },
);

function sign(list: GrantListEntry[], sequence = 1): Uint8Array {
  return signGrantList({ vaultId: 'vault-1', grantId: 'grant-1', recipient: memberOf(doctor.bundle), sequence, createdAt: 0, entries: list }, vault.secrets.signingSeed);
}

describe('grant list (property)', () => {
  it('ATK-05 ATK-21 accepts the exact entries in any order, refuses a withheld or re-added one', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (list, pick) => {
        const verified = verifyGrantList(sign(list), expected).list;
        reconcileGrantList(verified, [...list].reverse());
        const index = pick % list.length;
        expect(codeOf(() => { reconcileGrantList(verified, list.filter((_, i) => i !== index)); })).toBe('RECORD_MISSING');
        expect(codeOf(() => { reconcileGrantList(verified, [...list, list[index]!]); })).toBe('RECORD_UNEXPECTED');
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-17 ATK-20 any single-bit change of a signed grant list is a typed error', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.integer({ min: 0, max: 7 }), (list, at, bit) => {
        const bytes = sign(list);
        const code = codeOf(() => verifyGrantList(flip(bytes, at % bytes.length, 1 << bit), expected));
        expect(['SIGNATURE_INVALID', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']).toContain(code);
      }),
      { numRuns: 200 },
    );
  });

  it('ATK-17 any older sequence is ROLLBACK, any other list at the same sequence is CHAIN_BROKEN', () => {
    fc.assert(
      fc.property(entries, fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 1, max: 999 }), (list, sequence, back) => {
        const lastSeen = verifyGrantList(sign(list, sequence), expected).head;
        const older = Math.max(1, sequence - back);
        expect(codeOf(() => verifyGrantList(sign(list, older), { ...expected, lastSeen }))).toBe('ROLLBACK');
        expect(codeOf(() => verifyGrantList(sign(list.slice(1), sequence), { ...expected, lastSeen }))).toBe('CHAIN_BROKEN');
      }),
      { numRuns: 50 },
    );
  });
});
