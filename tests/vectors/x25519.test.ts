// Wycheproof X25519 (all 518 vectors), for both implementation paths. Policy from vectors/README.md:
// every acceptable vector must compute `shared`, except the 31 ZeroSharedSecret ones, which we reject
// (age's rule, ATK-35) with CryptoError KEY_INVALID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCryptoError } from '../../crypto/errors.ts';
import { x25519SharedSecret } from '../../crypto/primitives.ts';
import { IMPLEMENTATIONS, restoreDefaultImplementation, useImplementation } from './implementations.ts';
import { describeFailure, hex, loadWycheproof, toHex, type WycheproofTest } from './vector-files.ts';

interface XdhTest extends WycheproofTest {
  public: string;
  private: string;
  shared: string;
}

const file = loadWycheproof<{ curve: string; tests: XdhTest[] }>('x25519_test.json');

function checkVector(test: XdhTest): string | null {
  const mustReject = test.flags?.includes('ZeroSharedSecret') === true;
  try {
    const shared = x25519SharedSecret(hex(test.private), hex(test.public));
    if (mustReject) return describeFailure(test, 'all-zero shared secret accepted');
    return toHex(shared) === test.shared ? null : describeFailure(test, 'wrong shared secret');
  } catch (error) {
    if (mustReject && isCryptoError(error, 'KEY_INVALID')) return null;
    return describeFailure(test, `threw ${String(error)}`);
  }
}

describe.each(IMPLEMENTATIONS)('Wycheproof X25519 (%s)', (implementation) => {
  beforeAll(() => useImplementation(implementation));
  afterAll(restoreDefaultImplementation);

  it('ATK-35 computes every shared secret and rejects the 31 all-zero ones with KEY_INVALID', () => {
    const failures: string[] = [];
    let run = 0;
    let rejected = 0;
    for (const group of file.testGroups) {
      expect(group.curve).toBe('curve25519');
      for (const test of group.tests) {
        run += 1;
        if (test.flags?.includes('ZeroSharedSecret') === true) rejected += 1;
        const failure = checkVector(test);
        if (failure !== null) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
    expect(run).toBe(file.numberOfTests);
    expect(run).toBe(518);
    expect(rejected).toBe(31);
  });
});
