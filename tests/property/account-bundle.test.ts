import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrapPrivateBundle, wrapPrivateBundle, type BundleAadContext, type BundlePurpose } from '../../crypto/account-bundle.ts';
import { generateIdentity } from '../../crypto/identity.ts';
import { initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { parseRecoveryWords, recoveryKeyToWords, type RecoveryLanguage } from '../../crypto/recovery-key.ts';
import { codeOf } from '../unit/identity-fixtures.ts';

beforeAll(initPrimitives);

const accountId = fc.string({ minLength: 1, maxLength: 40 }).filter((id) => new TextEncoder().encode(id).length <= 256);
const purpose = fc.constantFrom<BundlePurpose>('password', 'recovery');
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('private key bundle (property)', () => {
  const kek = randomBytes(32);
  const identity = generateIdentity();

  it('round-trips for any account, purpose and parameters hash', () => {
    fc.assert(
      fc.property(accountId, purpose, hash32, (id, p, kdfParamsHash) => {
        const context: BundleAadContext = { accountId: id, purpose: p, kdfParamsHash };
        const wrapped = wrapPrivateBundle(kek, context, { accountId: id, identity });
        expect(unwrapPrivateBundle(kek, context, wrapped)).toEqual({ accountId: id, identity });
      }),
      { numRuns: 100 },
    );
  });

  it('ATK-01 any single-bit change is KEY_BUNDLE_INVALID', () => {
    const context: BundleAadContext = { accountId: 'acct-1', purpose: 'password', kdfParamsHash: new Uint8Array(32).fill(7) };
    const wrapped = wrapPrivateBundle(kek, context, { accountId: 'acct-1', identity });
    fc.assert(
      fc.property(fc.nat(wrapped.length * 8 - 1), (bit) => {
        const tampered = wrapped.slice();
        tampered[bit >> 3] = tampered[bit >> 3]! ^ (1 << (bit & 7));
        expect(codeOf(() => unwrapPrivateBundle(kek, context, tampered))).toBe('KEY_BUNDLE_INVALID');
      }),
      { numRuns: 300 },
    );
  });

  it('ATK-01 ATK-25 another account id, purpose or KDF parameters hash is KEY_BUNDLE_INVALID', () => {
    fc.assert(
      fc.property(accountId, accountId, purpose, purpose, hash32, hash32, (id1, id2, p1, p2, h1, h2) => {
        fc.pre(id1 !== id2 || p1 !== p2 || h1.some((byte, i) => byte !== h2[i]));
        const wrapped = wrapPrivateBundle(kek, { accountId: id1, purpose: p1, kdfParamsHash: h1 }, { accountId: id1, identity });
        expect(codeOf(() => unwrapPrivateBundle(kek, { accountId: id2, purpose: p2, kdfParamsHash: h2 }, wrapped))).toBe('KEY_BUNDLE_INVALID');
      }),
      { numRuns: 100 },
    );
  });
});

describe('recovery words (property)', () => {
  it('round-trip any key through either list with case, accent and spacing noise', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom<RecoveryLanguage>('fr', 'en'),
        fc.array(fc.constantFrom(' ', '  ', '\n', '\t', ', '), { minLength: 23, maxLength: 23 }),
        fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
        (key, language, separators, upper) => {
          const words = recoveryKeyToWords(key, language).map((word, i) => (upper[i] ? word.toUpperCase() : word.normalize('NFKD').replace(/\p{M}/gu, '')));
          const typed = words.map((word, i) => word + (separators[i] ?? '')).join('');
          expect(parseRecoveryWords(` ${typed} `)).toEqual(key);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses any single-word substitution that breaks the checksum', () => {
    const key = randomBytes(32);
    const words = recoveryKeyToWords(key, 'en');
    fc.assert(
      fc.property(fc.nat(23), fc.constantFrom('abandon', 'zoo', 'orange', 'kiwi'), (index, replacement) => {
        fc.pre(words[index] !== replacement);
        const edited = [...words];
        edited[index] = replacement;
        const code = (() => {
          try {
            return parseRecoveryWords(edited.join(' ')).every((byte, i) => byte === key[i]) ? 'SAME' : 'OTHER_KEY';
          } catch {
            return 'RECOVERY_PHRASE_INVALID';
          }
        })();
        // 1 in 256 substitutions keeps a valid checksum: it then decodes to another key, never to ours.
        expect(['RECOVERY_PHRASE_INVALID', 'OTHER_KEY']).toContain(code);
      }),
      { numRuns: 200 },
    );
  });
});
