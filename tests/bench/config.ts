// Sizes and repetition counts of one bench run. BENCH_QUICK=1 shrinks everything so the whole run takes
// under a minute (a smoke run of the harness, not a measurement).

export const MiB = 1024 * 1024;
export const QUICK = process.env['BENCH_QUICK'] === '1';

export interface BenchConfig {
  /** Plaintext size of the AEAD baselines and of the memory copy. */
  baselineBytes: number;
  /** The two payload sizes measured in Node (small, large). */
  payloadSizes: readonly number[];
  /** Sizes of the streamed round trip whose peak memory is measured (one fresh process each). */
  memorySizes: readonly number[];
  /** The two payload sizes measured in Chromium. */
  browserPayloadSizes: readonly number[];
  /** Size of the file the age CLI and the CLI path read. */
  ageFileBytes: number;
  /** Signatures verified per library; the 10,000 target is extrapolated when this is smaller. */
  verifications: number;
  /** Signatures verified with the pure-JS library (slow: ~1k/s in Node, ~3k/s in Chromium). */
  nobleVerifications: number;
  /** Grant wraps per measurement. */
  grantWraps: number;
  /** Hybrid (X25519 + ML-KEM-768) wraps per measurement. */
  hybridWraps: number;
  /** Argon2id memory in KiB and passes; runs per library. */
  argon2: { memoryKiB: number; passes: number; runs: number };
}

const FULL: BenchConfig = {
  baselineBytes: 64 * MiB,
  payloadSizes: [1 * MiB, 256 * MiB],
  memorySizes: [1 * MiB, 256 * MiB, 1024 * MiB],
  browserPayloadSizes: [1 * MiB, 256 * MiB],
  ageFileBytes: 256 * MiB,
  verifications: 10_000,
  nobleVerifications: 2_000,
  grantWraps: 10_000,
  hybridWraps: 300,
  argon2: { memoryKiB: 64 * 1024, passes: 3, runs: 3 },
};

const SMALL: BenchConfig = {
  baselineBytes: 8 * MiB,
  payloadSizes: [1 * MiB, 8 * MiB],
  memorySizes: [1 * MiB, 8 * MiB],
  browserPayloadSizes: [1 * MiB, 8 * MiB],
  ageFileBytes: 16 * MiB,
  verifications: 500,
  nobleVerifications: 100,
  grantWraps: 500,
  hybridWraps: 20,
  argon2: { memoryKiB: 64 * 1024, passes: 3, runs: 1 },
};

export const CONFIG: BenchConfig = QUICK ? SMALL : FULL;

export function formatSize(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}
