// Argon2id time (libsodium-sumo, one lane), cross-checked first against noble's independent Argon2id on
// small parameters. No node: import: Node and the Chromium Worker run this same file.

import { argon2id } from '@noble/hashes/argon2.js';
import { loadSodium } from '../../crypto/sodium.ts';
import { fillRandom } from './streams.ts';

export interface Argon2Params {
  memoryKiB: number;
  passes: number;
  runs: number;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Best wall time of `runs` libsodium Argon2id derivations (32-byte output, 16-byte salt, p = 1). */
export async function benchArgon2(params: Argon2Params): Promise<number> {
  const sodium = await loadSodium();
  const password = fillRandom(new Uint8Array(16));
  const salt = fillRandom(new Uint8Array(16));
  const derive = (memoryKiB: number, passes: number): Uint8Array =>
    sodium.crypto_pwhash(32, password, salt, passes, memoryKiB * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
  const reference = argon2id(password, salt, { t: 3, m: 256, p: 1, dkLen: 32 });
  if (!equal(derive(256, 3), reference)) throw new Error('cross-check failed: libsodium Argon2id differs from noble');
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < params.runs; i++) {
    const t0 = performance.now();
    derive(params.memoryKiB, params.passes);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
