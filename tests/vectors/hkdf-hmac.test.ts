// Wycheproof HKDF-SHA256 and HMAC-SHA256. HKDF: an empty salt is "no salt"; SizeTooLarge (more than
// 255 * 32 bytes) must throw. HMAC: truncated tags (128 bits) compare against the prefix of the full tag;
// ModifiedTag vectors must not verify.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hkdfSha256, hmacSha256 } from '../../crypto/primitives.ts';
import { describeFailure, hex, loadWycheproof, toHex, type WycheproofTest } from './vector-files.ts';

interface HkdfTest extends WycheproofTest {
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
}

interface MacTest extends WycheproofTest {
  key: string;
  msg: string;
  tag: string;
}

function checkHkdf(test: HkdfTest): string | null {
  const derive = (): Uint8Array => hkdfSha256(hex(test.ikm), hex(test.salt), hex(test.info), test.size);
  if (test.result === 'invalid') {
    expect(test.flags).toContain('SizeTooLarge');
    expect(derive).toThrow(RangeError);
    return null;
  }
  return toHex(derive()) === test.okm ? null : describeFailure(test, 'wrong okm');
}

describe('Wycheproof HKDF-SHA256', () => {
  it('derives every valid okm and throws for SizeTooLarge', () => {
    const vectors = loadWycheproof<{ tests: HkdfTest[] }>('hkdf_sha256_test.json');
    const failures: string[] = [];
    let run = 0;
    for (const group of vectors.testGroups) {
      for (const test of group.tests) {
        run += 1;
        const failure = checkHkdf(test);
        if (failure !== null) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
    expect(run).toBe(vectors.numberOfTests);
  });
});

describe('Wycheproof HMAC-SHA256', () => {
  it('produces every valid tag (full and truncated) and rejects every modified tag', () => {
    const vectors = loadWycheproof<{ tagSize: number; tests: MacTest[] }>('hmac_sha256_test.json');
    const failures: string[] = [];
    let run = 0;
    for (const group of vectors.testGroups) {
      for (const test of group.tests) {
        run += 1;
        const tag = hmacSha256(hex(test.key), hex(test.msg)).subarray(0, group.tagSize / 8);
        const matches = constantTimeEqual(tag, hex(test.tag));
        if (matches !== (test.result === 'valid')) failures.push(describeFailure(test, `matches=${matches}`));
      }
    }
    expect(failures).toEqual([]);
    expect(run).toBe(vectors.numberOfTests);
  });
});
