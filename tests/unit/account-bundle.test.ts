import { beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_KDF_PARAMS_HASH, unwrapPrivateBundle, wrapPrivateBundle, type BundleAadContext, type PrivateKeyBundle } from '../../crypto/account-bundle.ts';
import { CRYPTO_ERROR_MESSAGES, isCryptoError } from '../../crypto/errors.ts';
import { generateIdentity } from '../../crypto/identity.ts';
import { deriveAccountKeys, kdfParamsHash, newKdfParams } from '../../crypto/password.ts';
import { initPrimitives, randomBytes, sha256 } from '../../crypto/primitives.ts';
import { deriveRecoveryKeys, generateRecoveryKey, parseRecoveryWords, recoveryKeyToWords } from '../../crypto/recovery-key.ts';
import { concat, expectCode, flip } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const PARAMS_HASH = sha256(new TextEncoder().encode('argon2id m=65536 t=3 p=1'));
const WEAK_PARAMS_HASH = sha256(new TextEncoder().encode('argon2id m=8 t=1 p=1'));

function setup(accountId = 'acct-1') {
  const kek = randomBytes(32);
  const bundle: PrivateKeyBundle = { accountId, identity: generateIdentity() };
  const context: BundleAadContext = { accountId, purpose: 'password', kdfParamsHash: PARAMS_HASH };
  return { kek, bundle, context, wrapped: wrapPrivateBundle(kek, context, bundle) };
}

describe('private key bundle', () => {
  it('round-trips the seeds under the password KEK', () => {
    const { kek, bundle, context, wrapped } = setup();
    expect(unwrapPrivateBundle(kek, context, wrapped)).toEqual(bundle);
    expect(wrapped.length).toBe(2 + 24 + 2 + 4 + 6 + 32 + 32 + 16);
    expect(wrapPrivateBundle(kek, context, bundle)).not.toEqual(wrapped);
  });

  it('ATK-01 refuses every single-byte change with the one generic error', () => {
    const { kek, context, wrapped } = setup();
    for (let index = 0; index < wrapped.length; index++) {
      expectCode(() => unwrapPrivateBundle(kek, context, flip(wrapped, index)), 'KEY_BUNDLE_INVALID');
    }
    expectCode(() => unwrapPrivateBundle(kek, context, wrapped.subarray(0, wrapped.length - 1)), 'KEY_BUNDLE_INVALID');
    expectCode(() => unwrapPrivateBundle(kek, context, concat(wrapped, Uint8Array.of(0))), 'KEY_BUNDLE_INVALID');
    expectCode(() => unwrapPrivateBundle(kek, context, new Uint8Array(0)), 'KEY_BUNDLE_INVALID');
  });

  it("ATK-01 refuses another user's bundle, even under the same KEK", () => {
    const mine = setup('acct-1');
    const theirs = wrapPrivateBundle(mine.kek, { ...mine.context, accountId: 'acct-2' }, { ...mine.bundle, accountId: 'acct-2' });
    expectCode(() => unwrapPrivateBundle(mine.kek, mine.context, theirs), 'KEY_BUNDLE_INVALID');
    expectCode(() => unwrapPrivateBundle(mine.kek, { ...mine.context, accountId: 'acct-2' }, mine.wrapped), 'KEY_BUNDLE_INVALID');
  });

  it('ATK-25 refuses a bundle opened with other KDF parameters', () => {
    const { kek, context, wrapped } = setup();
    expectCode(() => unwrapPrivateBundle(kek, { ...context, kdfParamsHash: WEAK_PARAMS_HASH }, wrapped), 'KEY_BUNDLE_INVALID');
  });

  it('ATK-25 with password.ts: a server that swaps the KDF parameters gets a bundle that opens nothing', async () => {
    const params = newKdfParams();
    const { keyEncryptionKey } = await deriveAccountKeys('correct horse battery staple', params);
    const context: BundleAadContext = { accountId: 'acct-1', purpose: 'password', kdfParamsHash: kdfParamsHash(params) };
    const bundle: PrivateKeyBundle = { accountId: 'acct-1', identity: generateIdentity() };
    const wrapped = wrapPrivateBundle(keyEncryptionKey, context, bundle);
    expect(unwrapPrivateBundle(keyEncryptionKey, context, wrapped)).toEqual(bundle);
    const swapped = { ...params, iterations: params.iterations + 1 };
    const other = await deriveAccountKeys('correct horse battery staple', swapped);
    const swappedContext = { ...context, kdfParamsHash: kdfParamsHash(swapped) };
    expectCode(() => unwrapPrivateBundle(other.keyEncryptionKey, swappedContext, wrapped), 'KEY_BUNDLE_INVALID');
    expectCode(() => unwrapPrivateBundle(keyEncryptionKey, swappedContext, wrapped), 'KEY_BUNDLE_INVALID');
  });

  it('ATK-24 refuses the password wrap as a recovery wrap and the reverse', () => {
    const { kek, context, wrapped } = setup();
    expectCode(() => unwrapPrivateBundle(kek, { ...context, purpose: 'recovery' }, wrapped), 'KEY_BUNDLE_INVALID');
  });

  it('ATK-01 refuses a wrong key and keeps one message that names nothing', () => {
    const { context, wrapped } = setup('secret-account-id');
    try {
      unwrapPrivateBundle(randomBytes(32), context, wrapped);
      expect.fail('should throw');
    } catch (error) {
      expect(isCryptoError(error, 'KEY_BUNDLE_INVALID')).toBe(true);
      expect((error as Error).message).toBe(CRYPTO_ERROR_MESSAGES.KEY_BUNDLE_INVALID);
      expect((error as Error).message).not.toContain('secret-account-id');
    }
  });

  it('ATK-26 refuses another wrap format version', () => {
    const { kek, context, wrapped } = setup();
    const other = wrapped.slice();
    other[1] = 2;
    expectCode(() => unwrapPrivateBundle(kek, context, other), 'KEY_BUNDLE_INVALID');
  });

  it('treats a wrong key length, an unknown purpose or mismatched ids as caller misuse', () => {
    const { kek, bundle, context, wrapped } = setup();
    expect(() => unwrapPrivateBundle(kek.subarray(0, 16), context, wrapped)).toThrow(RangeError);
    expect(() => wrapPrivateBundle(kek, { ...context, accountId: 'other' }, bundle)).toThrow(RangeError);
    expect(() => wrapPrivateBundle(kek, { ...context, purpose: 'escrow' as 'password' }, bundle)).toThrow(RangeError);
    expect(() => wrapPrivateBundle(kek, { ...context, kdfParamsHash: new Uint8Array(31) }, bundle)).toThrow(RangeError);
  });
});

describe('recovery key', () => {
  it('encodes 256 bits as 24 French words by default, English on request', () => {
    const key = generateRecoveryKey();
    const french = recoveryKeyToWords(key);
    const english = recoveryKeyToWords(key, 'en');
    expect(french).toHaveLength(24);
    expect(english).toHaveLength(24);
    expect(parseRecoveryWords(french.join(' '))).toEqual(key);
    expect(parseRecoveryWords(english.join(' '))).toEqual(key);
    expect(parseRecoveryWords(english.join(' '), 'en')).toEqual(key);
  });

  it('matches the BIP39 reference vector for 256 zero bits', () => {
    const words = recoveryKeyToWords(new Uint8Array(32), 'en');
    expect(words.join(' ')).toBe(`${'abandon '.repeat(23)}art`);
    expect(parseRecoveryWords(words.join(' '))).toEqual(new Uint8Array(32));
  });

  it('ignores case, accents, extra spaces, numbering and punctuation', () => {
    const key = generateRecoveryKey();
    const words = recoveryKeyToWords(key, 'fr');
    const messy = words
      .map((word, i) => `${i + 1}. ${i % 2 === 0 ? word.toUpperCase() : word.normalize('NFKD').replace(/\p{M}/gu, '')}`)
      .join(' \n\t ');
    expect(parseRecoveryWords(`  ${messy}  `)).toEqual(key);
    expect(parseRecoveryWords(words.map((word) => word.normalize('NFC')).join(', '))).toEqual(key);
  });

  it('refuses a bad checksum, an unknown word and the wrong number of words', () => {
    // A fixed key: a random one would keep a valid checksum after the edits below once in 256 runs.
    const words = recoveryKeyToWords(Uint8Array.from({ length: 32 }, (_, i) => i * 7), 'en');
    const swapped = [...words];
    [swapped[0], swapped[1]] = [words[1]!, words[0]!];
    expect(swapped).not.toEqual(words);
    expectCode(() => parseRecoveryWords(swapped.join(' ')), 'RECOVERY_PHRASE_INVALID');
    const wrongLast = [...words.slice(0, 23), words[23] === 'zoo' ? 'zone' : 'zoo'];
    expectCode(() => parseRecoveryWords(wrongLast.join(' ')), 'RECOVERY_PHRASE_INVALID');
    expectCode(() => parseRecoveryWords([...words.slice(0, 23), 'xylophonez'].join(' ')), 'RECOVERY_PHRASE_INVALID');
    expectCode(() => parseRecoveryWords(words.slice(0, 23).join(' ')), 'RECOVERY_PHRASE_INVALID');
    expectCode(() => parseRecoveryWords(`${words.join(' ')} abandon`), 'RECOVERY_PHRASE_INVALID');
    expectCode(() => parseRecoveryWords(words.join(' '), 'fr'), 'RECOVERY_PHRASE_INVALID');
    // 12 valid words are a valid BIP39 phrase, but not a 256-bit recovery key.
    expectCode(() => parseRecoveryWords(`${'abandon '.repeat(11)}about`), 'RECOVERY_PHRASE_INVALID');
  });

  it('derives distinct KEK and auth key, bound to the account', () => {
    const key = generateRecoveryKey();
    const a = deriveRecoveryKeys(key, 'acct-1');
    const b = deriveRecoveryKeys(key, 'acct-2');
    expect(a.kek).toHaveLength(32);
    expect(a.kek).not.toEqual(a.authKey);
    expect(a.kek).not.toEqual(b.kek);
    expect(a.authKey).not.toEqual(b.authKey);
    expect(deriveRecoveryKeys(key, 'acct-1')).toEqual(a);
  });

  it('ATK-24 the recovery words alone reopen the same private bundle (no escrow)', () => {
    const { bundle } = setup('acct-1');
    const key = generateRecoveryKey();
    const context: BundleAadContext = { accountId: 'acct-1', purpose: 'recovery', kdfParamsHash: RECOVERY_KDF_PARAMS_HASH };
    const wrapped = wrapPrivateBundle(deriveRecoveryKeys(key, 'acct-1').kek, context, bundle);
    const typedBack = parseRecoveryWords(recoveryKeyToWords(key).join(' '));
    expect(unwrapPrivateBundle(deriveRecoveryKeys(typedBack, 'acct-1').kek, context, wrapped)).toEqual(bundle);
    expectCode(() => unwrapPrivateBundle(deriveRecoveryKeys(typedBack, 'acct-1').authKey, context, wrapped), 'KEY_BUNDLE_INVALID');
  });
});
