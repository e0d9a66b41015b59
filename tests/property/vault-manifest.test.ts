import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initPrimitives } from '../../crypto/primitives.ts';
import {
  GENESIS_PREVIOUS_HASH, memberOf, reconcileListing, signVaultManifest, verifyVaultManifest, type ListedRecord, type VaultRecord,
} from '../../crypto/vault-manifest.ts';
import { codeOf, makeIdentity } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const owner = vault.bundle.signingPublicKey;
const records = fc.uniqueArray(
  fc.record({ documentId: fc.string({ minLength: 1, maxLength: 12 }), currentVersion: fc.integer({ min: 1, max: 50 }), manifestHash: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  { minLength: 1, maxLength: 30, selector: (record) => record.documentId },
);

function sign(list: VaultRecord[], sequence = 1, previousHash: Uint8Array = GENESIS_PREVIOUS_HASH): Uint8Array {
  return signVaultManifest({ vaultId: 'vault-1', sequence, previousHash, owner: memberOf(vault.bundle), createdAt: 0, records: list, shares: [], managers: [] }, vault.secrets.signingSeed);
}

const listingOf = (list: VaultRecord[]): ListedRecord[] => list.map((record) => ({ documentId: record.documentId, version: record.currentVersion, manifestHash: record.manifestHash }));

describe('vault manifest (property)', () => {
  it('ATK-18 accepts the exact listing in any order, refuses a withheld record', () => {
    fc.assert(
      fc.property(records, fc.nat(), (list, pick) => {
        const { manifest } = verifyVaultManifest(sign(list), owner);
        reconcileListing(manifest, listingOf(list).reverse());
        const withheld = listingOf(list).filter((_, i) => i !== pick % list.length);
        expect(codeOf(() => { reconcileListing(manifest, withheld); })).toBe('RECORD_MISSING');
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-06 refuses an extra record and ATK-16 an older version', () => {
    fc.assert(
      fc.property(records, fc.string({ minLength: 1, maxLength: 12 }), fc.nat(), (list, extraId, pick) => {
        const { manifest } = verifyVaultManifest(sign(list), owner);
        if (!list.some((record) => record.documentId === extraId)) {
          const injected = [...listingOf(list), { documentId: extraId, version: 1 }];
          expect(codeOf(() => { reconcileListing(manifest, injected); })).toBe('RECORD_UNEXPECTED');
        }
        const index = pick % list.length;
        const target = list[index]!;
        if (target.currentVersion > 1) {
          const older = listingOf(list).map((item, i) => (i === index ? { documentId: item.documentId, version: item.version - 1 } : item));
          expect(codeOf(() => { reconcileListing(manifest, older); })).toBe('ROLLBACK');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-16 any older sequence is ROLLBACK, any other manifest at the same sequence is CHAIN_BROKEN', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 1, max: 999 }), (list, seen, older) => {
        fc.pre(older < seen);
        const lastSeen = verifyVaultManifest(sign(list, seen, GENESIS_PREVIOUS_HASH), owner).head;
        expect(codeOf(() => verifyVaultManifest(sign(list, older), owner, lastSeen))).toBe('ROLLBACK');
        const fork = sign(list.slice(1), seen);
        expect(codeOf(() => verifyVaultManifest(fork, owner, lastSeen))).toBe('CHAIN_BROKEN');
      }),
      { numRuns: 50 },
    );
  });

  it('ATK-17 any single-bit change of a signed vault manifest is a typed error', () => {
    fc.assert(
      fc.property(records, fc.nat(), (list, seed) => {
        const bytes = sign(list);
        const bit = seed % (bytes.length * 8);
        const tampered = bytes.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']).toContain(codeOf(() => verifyVaultManifest(tampered, owner)));
      }),
      { numRuns: 200 },
    );
  });
});
