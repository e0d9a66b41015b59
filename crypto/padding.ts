// Length hiding (ATK-15). The server sees every blob's size, so sizes are rounded up before encryption:
//
// - Payloads use Padmé (Nikitin, Barman, Lueks, Underwood, Hubaux, Ford, "Reducing Metadata Leakage from
//   Encrypted Files and Communication with PURBs", PETS 2019, §4): a length L with E = floor(log2 L) keeps
//   only its top floor(log2 E) + 1 bits, the rest rounded up. The overhead is below 12% (worst case
//   L = 129 -> 144, +11.6%) and the padded length reveals O(log log L) bits instead of O(log L).
// - Metadata uses fixed buckets (512 B, 1, 2, 4 KiB): almost every record falls in the first one or two,
//   so metadata sizes say nothing about titles or file names. Past 4 KiB it falls back to Padmé.

/** Buckets for encoded metadata, in bytes, smallest first. */
export const METADATA_BUCKETS: readonly number[] = [512, 1024, 2048, 4096];

/**
 * Padmé(n): the padded length for a plaintext of n bytes (n a non-negative safe integer; RangeError if
 * the result would pass 2^53 - 1). Padmé(0) = 0 and Padmé(1) = 1; Padmé is increasing, Padmé(n) >= n, and Padmé(Padmé(n)) = Padmé(n).
 */
export function padmeLength(n: number): number {
  checkSize(n);
  if (n < 2) return n;
  const e = bitLength(n) - 1; // floor(log2 n)
  const s = bitLength(e); // floor(log2 e) + 1
  const lastBits = e - s;
  if (lastBits <= 0) return n;
  const unit = 2 ** lastBits; // exact for safe integers: a power of two
  const padded = Math.ceil(n / unit) * unit;
  if (!Number.isSafeInteger(padded)) throw new RangeError('length too large to pad');
  return padded;
}

/** Padded length of n bytes of encoded metadata: the smallest bucket that fits, else Padmé(n). */
export function metadataPaddedLength(n: number): number {
  checkSize(n);
  for (const bucket of METADATA_BUCKETS) if (n <= bucket) return bucket;
  return padmeLength(n);
}

/** True when n is a value padmeLength can return (a Padmé bucket). */
export function isPadmeLength(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && padmeLength(n) === n;
}

/** Number of bits needed to write n (n >= 1): bitLength(1) = 1, bitLength(8) = 4. */
function bitLength(n: number): number {
  let bits = 0;
  let rest = n;
  // Division, not shifts: shifts are 32-bit in JavaScript and sizes reach 2^53.
  while (rest >= 1) {
    rest = Math.floor(rest / 2);
    bits++;
  }
  return bits;
}

function checkSize(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('length must be a non-negative safe integer');
}
