// Timing helpers. Every figure is the best of several runs: on a shared 2-core machine the fastest run is
// the one least disturbed by other processes, and the same rule applies to a row and to its baselines.

export interface Timing {
  /** Best (shortest) wall time of one run, in milliseconds. */
  bestMs: number;
  runs: number;
}

export interface TimingOptions {
  /** One untimed run of the (first) function first: JIT, WebCrypto start-up, key import. Default true. */
  warmup?: boolean;
  minRuns?: number;
  /** Keep running until this much time has passed (after minRuns). */
  minTotalMs?: number;
  maxRuns?: number;
}

export async function timeBest(fn: () => unknown, options: TimingOptions = {}): Promise<Timing> {
  const [timing] = await timeInterleaved([fn], options);
  return timing!;
}

/**
 * Runs the functions in rounds (A B C, A B C, ...) so that each sees the same machine load, and returns
 * the best time of each. Rounds continue until `minRuns` rounds and `minTotalMs` have passed.
 */
export async function timeInterleaved(fns: readonly (() => unknown)[], options: TimingOptions = {}): Promise<Timing[]> {
  const { warmup = true, minRuns = 3, minTotalMs = 400, maxRuns = 50 } = options;
  if (warmup && fns[0] !== undefined) await fns[0]();
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  let runs = 0;
  const start = performance.now();
  while (runs < maxRuns && (runs < minRuns || performance.now() - start < minTotalMs)) {
    for (const [i, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      best[i] = Math.min(best[i]!, performance.now() - t0);
    }
    runs += 1;
  }
  return best.map((bestMs) => ({ bestMs, runs }));
}

/** Megabytes (10^6 bytes) per second, the unit of TOOLCHAIN.md and of `age`'s own benchmarks. */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

export function opsPerSecond(count: number, ms: number): number {
  return count / (ms / 1000);
}
