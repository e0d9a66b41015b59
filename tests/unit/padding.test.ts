import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPadmeLength, metadataPaddedLength, padmeLength } from '../../crypto/padding.ts';

// Each expected value worked out by hand from the PURB paper's formula:
// E = floor(log2 L), S = floor(log2 E) + 1, keep the top S bits: round L up to a multiple of 2^(E - S).
const HAND_COMPUTED: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 1],
  [2, 2], // E = 1, S = 1, 2^0
  [7, 7], // E = 2, S = 2, 2^0
  [9, 10], // E = 3, S = 2, multiple of 2
  [15, 16],
  [17, 18], // E = 4, S = 3, multiple of 2
  [100, 104], // E = 6, S = 3, multiple of 8
  [129, 144], // E = 7, S = 3, multiple of 16: the worst case, +11.6%
  [1000, 1024], // E = 9, S = 4, multiple of 32
  [65_544, 67_584], // 64 KiB + 8: E = 16, S = 5, multiple of 2048
  [1_000_000, 1_015_808], // E = 19, S = 5, multiple of 16384 (62 units)
  [2 ** 40 + 1, 2 ** 40 + 2 ** 34], // E = 40, S = 6, multiple of 2^34
];

describe('Padmé', () => {
  it.each(HAND_COMPUTED)('padmeLength(%i) = %i', (n, padded) => {
    expect(padmeLength(n)).toBe(padded);
    expect(isPadmeLength(padded)).toBe(true);
  });

  it('ATK-15 never adds more than 12% and never shrinks (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 48 }), (n) => {
        const padded = padmeLength(n);
        return padded >= n && padded - n <= 0.12 * n;
      }),
      { numRuns: 2000 },
    );
  });

  it('ATK-15 is monotonic and idempotent, and keeps only O(log log n) significant bits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 48 }), fc.integer({ min: 0, max: 1000 }), (n, delta) => {
        const padded = padmeLength(n);
        const e = Math.floor(Math.log2(n));
        const significantBits = Math.floor(Math.log2(e === 0 ? 1 : e)) + 1;
        return (
          padmeLength(padded) === padded &&
          padmeLength(n + delta) >= padded &&
          padded % 2 ** Math.max(0, e - significantBits) === 0
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('ATK-15 maps many lengths onto few buckets: 1..1 MiB gives under 700 distinct sizes', () => {
    const buckets = new Set<number>();
    for (let n = 1; n <= 1 << 20; n += 7) buckets.add(padmeLength(n));
    expect(buckets.size).toBeLessThan(700);
  });

  it('rejects misuse with RangeError', () => {
    expect(() => padmeLength(-1)).toThrow(RangeError);
    expect(() => padmeLength(1.5)).toThrow(RangeError);
    expect(() => padmeLength(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(isPadmeLength(-1)).toBe(false);
    expect(isPadmeLength(129)).toBe(false);
  });
});

describe('metadata buckets', () => {
  it.each([
    [0, 512],
    [1, 512],
    [512, 512],
    [513, 1024],
    [2048, 2048],
    [4096, 4096],
    [4097, 4352], // Padmé: E = 12, S = 4, multiple of 256
  ])('ATK-15 metadataPaddedLength(%i) = %i', (n, padded) => {
    expect(metadataPaddedLength(n)).toBe(padded);
  });
});
