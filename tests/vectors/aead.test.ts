// Wycheproof ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305 through our Seal/Open wrappers.
// Valid: seal gives ct || tag and open gives msg back. ModifiedTag: open throws DECRYPTION_FAILED
// (ATK-07). InvalidNonceSize: both seal and open refuse the nonce (RangeError: a caller bug).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCryptoError } from '../../crypto/errors.ts';
import {
  chacha20poly1305Open,
  chacha20poly1305Seal,
  initPrimitives,
  primitivesImplementation,
  testOnlyForceNoble,
  xchacha20poly1305Open,
  xchacha20poly1305Seal,
} from '../../crypto/primitives.ts';
import { describeFailure, hex, loadWycheproof, toHex, type AeadGroup, type AeadTest } from './vector-files.ts';

type Seal = (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) => Uint8Array;
type Open = (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array) => Uint8Array;

function refuses(operation: () => unknown, check: (error: unknown) => boolean): boolean {
  try {
    operation();
    return false;
  } catch (error) {
    return check(error);
  }
}

function checkVector(test: AeadTest, seal: Seal, open: Open): string | null {
  const [key, nonce, aad, msg] = [hex(test.key), hex(test.iv), hex(test.aad), hex(test.msg)];
  const sealed = hex(test.ct + test.tag);
  if (test.flags?.includes('InvalidNonceSize') === true) {
    const isRange = (error: unknown): boolean => error instanceof RangeError;
    const ok = refuses(() => seal(key, nonce, msg, aad), isRange) && refuses(() => open(key, nonce, sealed, aad), isRange);
    return ok ? null : describeFailure(test, 'nonce size not refused');
  }
  if (test.result === 'invalid') {
    const ok = refuses(() => open(key, nonce, sealed, aad), (error) => isCryptoError(error, 'DECRYPTION_FAILED'));
    return ok ? null : describeFailure(test, 'forgery not refused with DECRYPTION_FAILED');
  }
  if (toHex(seal(key, nonce, msg, aad)) !== test.ct + test.tag) return describeFailure(test, 'wrong ciphertext');
  return toHex(open(key, nonce, sealed, aad)) === test.msg ? null : describeFailure(test, 'wrong plaintext');
}

const cases = [
  { file: 'chacha20_poly1305_test.json', nonceBits: 96, seal: chacha20poly1305Seal, open: chacha20poly1305Open },
  { file: 'xchacha20_poly1305_test.json', nonceBits: 192, seal: xchacha20poly1305Seal, open: xchacha20poly1305Open },
];

const implementations = [{ name: 'libsodium', forceNoble: false }, { name: 'noble', forceNoble: true }] as const;

beforeAll(async () => {
  await initPrimitives();
});

afterAll(() => {
  testOnlyForceNoble(false);
});

describe.each(cases)('Wycheproof $file', ({ file, nonceBits, seal, open }) => {
  it.each(implementations)('ATK-07 ($name) seals and opens every valid vector and refuses every modified tag and bad nonce size', ({ name, forceNoble }) => {
    testOnlyForceNoble(forceNoble);
    expect(primitivesImplementation()).toBe(name);
    const vectors = loadWycheproof<AeadGroup>(file);
    const failures: string[] = [];
    let run = 0;
    let badNonce = 0;
    for (const group of vectors.testGroups) {
      for (const test of group.tests) {
        run += 1;
        if (group.ivSize !== nonceBits) {
          badNonce += 1;
          expect(test.flags).toContain('InvalidNonceSize');
        }
        const failure = checkVector(test, seal, open);
        if (failure !== null) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
    expect(run).toBe(vectors.numberOfTests);
    expect(badNonce).toBe(9);
  });
});
