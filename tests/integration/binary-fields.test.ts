// The wire encoding of binary fields (shared/binary.ts): every byte string has exactly one accepted
// spelling, the schema's byte bounds are exact, and whatever the schema accepts decodes (no 500 later).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesField, fixedBytesField, fromBase64url, toBase64url } from '../../shared/binary.ts';

describe('bytesField', () => {
  it('accepts the encoding of any byte string within bounds and decodes it back', () => {
    const schema = bytesField(64);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const text = toBase64url(bytes);
      expect(schema.safeParse(text).success).toBe(true);
      expect(fromBase64url(text)).toEqual(bytes);
    }));
  });

  it('accepts only canonical strings, and everything it accepts decodes and re-encodes to itself', () => {
    const schema = bytesField(32);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ '.split('');
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 46 }), (characters) => {
      const text = characters.join('');
      if (!schema.safeParse(text).success) return;
      expect(toBase64url(fromBase64url(text))).toBe(text);
    }), { numRuns: 2000 });
  });

  it('bounds the decoded length exactly', () => {
    const schema = fixedBytesField(32);
    for (let length = 0; length <= 40; length += 1) {
      expect(schema.safeParse(toBase64url(new Uint8Array(length))).success).toBe(length === 32);
    }
    expect(bytesField(10, 1).safeParse('').success).toBe(false);
  });
});
