// A chi-square goodness-of-fit test of byte frequencies against the uniform distribution: AEAD output is
// indistinguishable from random bytes, while plaintext (text, PDF streams, images with headers, zeros)
// has a strongly skewed byte histogram.
//
// With n sampled bytes and k bins (expected count E = n / k each), X² = Σ (observed − E)² / E follows a
// chi-square law with k − 1 degrees of freedom when the bytes are uniform. We flag a sample when X² is
// above the quantile of probability 1 − 1e-9, computed with the Wilson–Hilferty approximation
// x = df · (1 − 2/(9 df) + z · sqrt(2/(9 df)))³ with z = 6.0 (the normal 1e-9 upper quantile), so a truly
// random blob is flagged about once in a billion blobs. The whole ciphertext after the header is counted
// (the audit reads every byte anyway to check the payload hash). Bins: the 256 byte values when n ≥ 2560
// (E ≥ 10), else the 16 high nibbles (which separate ASCII text, 0x2_–0x7_, from uniform bytes) when
// n ≥ 160; below 160 bytes there is too little to judge and the test reports `tooShort`.

const Z_ONE_IN_A_BILLION = 6.0;
const MIN_EXPECTED_PER_BIN = 10;

export interface RandomnessResult {
  tooShort: boolean;
  passed: boolean;
  sampleBytes: number;
  bins: number;
  chiSquare: number;
  threshold: number;
}

/** Upper quantile of chi-square(df) at probability 1e-9 (Wilson–Hilferty). */
export function chiSquareThreshold(degreesOfFreedom: number): number {
  const a = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - a + Z_ONE_IN_A_BILLION * Math.sqrt(a)) ** 3;
}

/** Byte counts of a stream, fed piece by piece (a blob is never held whole in memory). */
export class ByteHistogram {
  private readonly counts = new Float64Array(256);
  total = 0;

  add(bytes: Uint8Array): void {
    for (const byte of bytes) this.counts[byte]! += 1;
    this.total += bytes.length;
  }

  /** The test over everything added so far. */
  result(): RandomnessResult {
    const bins = this.total >= 256 * MIN_EXPECTED_PER_BIN ? 256 : 16;
    const threshold = chiSquareThreshold(bins - 1);
    if (this.total < bins * MIN_EXPECTED_PER_BIN) {
      return { tooShort: true, passed: true, sampleBytes: this.total, bins, chiSquare: 0, threshold };
    }
    const binned = new Float64Array(bins);
    const shift = bins === 256 ? 0 : 4;
    this.counts.forEach((count, byte) => { binned[byte >> shift]! += count; });
    const expected = this.total / bins;
    let chiSquare = 0;
    for (const observed of binned) chiSquare += (observed - expected) ** 2 / expected;
    return { tooShort: false, passed: chiSquare <= threshold, sampleBytes: this.total, bins, chiSquare, threshold };
  }
}

/** Tests `sample` (bytes that should be ciphertext) for uniformity. */
export function testRandomness(sample: Uint8Array): RandomnessResult {
  const histogram = new ByteHistogram();
  histogram.add(sample);
  return histogram.result();
}
