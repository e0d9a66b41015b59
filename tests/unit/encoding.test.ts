import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../crypto/encoding.ts';
import { isCryptoError } from '../../crypto/errors.ts';

describe('canonical encoding', () => {
  it('round-trips every field kind and consumes every byte', () => {
    fc.assert(
      fc.property(fc.nat(0xff), fc.nat(0xffff), fc.nat(), fc.maxSafeNat(), fc.uint8Array({ maxLength: 300 }), fc.string(), (a, b, c, d, bytes, text) => {
        const encoded = new ByteWriter().u8(a).u16(b).u32(c).u64(d).bytes(bytes).text(text).fixed(Uint8Array.of(1, 2), 2).finish();
        const reader = new ByteReader(encoded);
        expect([reader.u8(), reader.u16(), reader.u32(), reader.u64()]).toEqual([a, b, c, d]);
        expect(reader.bytes()).toEqual(bytes);
        expect(reader.text()).toBe(text);
        expect(reader.fixed(2)).toEqual(Uint8Array.of(1, 2));
        reader.end();
      }),
    );
  });

  it('is big-endian with a u32 length before variable bytes', () => {
    expect(new ByteWriter().u16(0x0102).bytes(Uint8Array.of(9)).finish()).toEqual(Uint8Array.of(1, 2, 0, 0, 0, 1, 9));
  });

  it('rejects short input, trailing bytes, invalid UTF-8 and over-long fields with FORMAT_INVALID', () => {
    const cases: (() => unknown)[] = [
      () => new ByteReader(Uint8Array.of(0, 0, 0, 5, 1)).bytes(),
      () => { const reader = new ByteReader(Uint8Array.of(1, 2)); reader.u8(); reader.end(); },
      () => new ByteReader(Uint8Array.of(0, 0, 0, 1, 0xff)).text(),
      () => new ByteReader(Uint8Array.of(0, 0, 0, 2, 1, 2)).bytes(1),
      () => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).u64(),
    ];
    for (const run of cases) {
      expect(run).toThrow();
      try { run(); } catch (error) { expect(isCryptoError(error, 'FORMAT_INVALID')).toBe(true); }
    }
  });

  it('treats out-of-range writes as caller misuse (RangeError)', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().fixed(new Uint8Array(3), 2)).toThrow(RangeError);
  });
});
