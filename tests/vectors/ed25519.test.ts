// Ed25519 verification against Wycheproof (strict RFC 8032) and the CCTV edge cases, for both
// implementation paths, plus agreement of the two signing paths.
//
// CCTV has no expected results; we pin our policy (crypto/primitives.ts, "Verification policy"):
// - non_canonical_A / non_canonical_R: rejected, as RFC 8032 §5.1.3 requires (y >= p, or x = 0 with the
//   sign bit set, is not a valid encoding);
// - low_order_A / low_order_R: rejected (a small-order key or R lets one signature verify for many
//   messages or keys; libsodium and dalek verify_strict refuse them);
// - low_order_residue: rejected (we check the cofactorless equation [S]B = R + [k]A, which a residue of
//   low order breaks; RFC 8032 allows either equation);
// - low_order_component_A / low_order_component_R alone: accepted (no blocklist can see a mixed-order
//   point, and the cofactorless equation holds for these vectors);
// - reencoded_k: only ever appears with non_canonical_*, so already rejected.
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519Keygen,
  ed25519Sign,
  ed25519Verify,
  ed25519VerifyMany,
  randomBytes,
  testOnlyForceNoble,
} from '../../crypto/primitives.ts';
import { IMPLEMENTATIONS, restoreDefaultImplementation, useImplementation } from './implementations.ts';
import { describeFailure, hex, loadWycheproof, readVectorText, toHex, type WycheproofTest } from './vector-files.ts';

interface EddsaTest extends WycheproofTest {
  msg: string;
  sig: string;
}

interface CctvVector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

const wycheproof = loadWycheproof<{ publicKey: { pk: string }; tests: EddsaTest[] }>('ed25519_test.json');
const cctv = JSON.parse(readVectorText('cctv-ed25519/ed25519vectors.json')) as CctvVector[];

const REJECTING_FLAGS = ['non_canonical_A', 'non_canonical_R', 'low_order_A', 'low_order_R', 'low_order_residue'];

function expectedCctvDecision(flags: readonly string[]): boolean {
  return !flags.some((flag) => REJECTING_FLAGS.includes(flag));
}

describe.each(IMPLEMENTATIONS)('Ed25519 verification (%s)', (implementation) => {
  beforeAll(() => useImplementation(implementation));
  afterAll(restoreDefaultImplementation);

  it('ATK-35 matches every Wycheproof result (strict RFC 8032)', () => {
    const failures: string[] = [];
    let run = 0;
    for (const group of wycheproof.testGroups) {
      const publicKey = hex(group.publicKey.pk);
      for (const test of group.tests) {
        run += 1;
        const accepted = ed25519Verify(publicKey, hex(test.msg), hex(test.sig));
        if (accepted !== (test.result === 'valid')) failures.push(describeFailure(test, `accepted=${accepted}`));
      }
    }
    expect(failures).toEqual([]);
    expect(run).toBe(wycheproof.numberOfTests);
  });

  it('ATK-35 rejects Wycheproof tcId 151 (R with y = 1 and the x sign bit set, accepted by ZIP-215)', () => {
    const group = wycheproof.testGroups.find((g) => g.tests.some((t) => t.tcId === 151));
    const test = group?.tests.find((t) => t.tcId === 151);
    expect(test?.result).toBe('invalid');
    if (group === undefined || test === undefined) return;
    expect(ed25519Verify(hex(group.publicKey.pk), hex(test.msg), hex(test.sig))).toBe(false);
  });

  it('ATK-35 pins the CCTV flag -> decision policy on all 914 edge cases', () => {
    const encoder = new TextEncoder();
    const failures: string[] = [];
    let accepted = 0;
    for (const vector of cctv) {
      const flags = vector.flags ?? [];
      const decision = ed25519Verify(hex(vector.key), encoder.encode(vector.msg), hex(vector.sig));
      if (decision) accepted += 1;
      if (decision !== expectedCctvDecision(flags)) failures.push(`#${vector.number} [${flags.join(',')}] -> ${decision}`);
    }
    expect(failures).toEqual([]);
    expect(cctv.length).toBe(914);
    expect(accepted).toBe(43); // 1 clean + 42 with only low_order_component_* flags
  });

  it('verifies a list in order with ed25519VerifyMany', () => {
    const keys = ed25519Keygen();
    const message = randomBytes(40);
    const signature = ed25519Sign(keys.secretKey, message);
    const forged = signature.slice();
    forged[5] = (forged[5] ?? 0) ^ 1;
    const items = [
      { publicKey: keys.publicKey, message, signature },
      { publicKey: keys.publicKey, message, signature: forged },
      { publicKey: keys.publicKey, message: new Uint8Array(0), signature },
      { publicKey: keys.publicKey.subarray(1), message, signature },
    ];
    expect(ed25519VerifyMany(items)).toEqual([true, false, false, false]);
  });
});

describe('Ed25519 signing paths agree', () => {
  afterAll(restoreDefaultImplementation);

  it('noble and libsodium derive the same keys and the same deterministic signatures', async () => {
    await useImplementation('libsodium');
    for (let i = 0; i < 20; i += 1) {
      const seed = randomBytes(32);
      const message = randomBytes(i * 7);
      testOnlyForceNoble(true);
      const fromNoble = { keys: ed25519Keygen(seed), signature: ed25519Sign(seed, message) };
      testOnlyForceNoble(false);
      const fromSodium = { keys: ed25519Keygen(seed), signature: ed25519Sign(seed, message) };
      expect(toHex(fromSodium.keys.publicKey)).toBe(toHex(fromNoble.keys.publicKey));
      expect(toHex(fromSodium.signature)).toBe(toHex(fromNoble.signature));
      expect(ed25519Verify(fromSodium.keys.publicKey, message, fromNoble.signature)).toBe(true);
    }
  });
});

// Differential check beyond the fixed vectors: signatures built by hand with a torsion point T1 added to
// R and T2 added to A (S = r + k * a, k over the altered encodings). The cofactorless equation holds
// exactly when T1 + [k]T2 is the identity; both paths must decide that, and agree with each other.
describe('Ed25519 paths agree on random mixed-order signatures', () => {
  afterAll(restoreDefaultImplementation);
  const { Point } = ed25519;
  const order = Point.Fn.ORDER;
  const torsion = ED25519_TORSION_SUBGROUP.map((encoded) => Point.fromBytes(hex(encoded), true));

  function forge(seed: Uint8Array, message: Uint8Array, nonce: Uint8Array, t1: number, t2: number) {
    const a = ed25519.utils.getExtendedPublicKey(seed).scalar;
    const r = Point.Fn.create(bytesToNumberLE(sha512(nonce)));
    const R = Point.BASE.multiply(r === 0n ? 1n : r).add(torsion[t1] ?? Point.ZERO);
    const A = Point.BASE.multiply(a).add(torsion[t2] ?? Point.ZERO);
    const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(R.toBytes(), A.toBytes(), message))));
    const S = (((r === 0n ? 1n : r) + k * a) % order + order) % order;
    const residue = (torsion[t1] ?? Point.ZERO).add((torsion[t2] ?? Point.ZERO).multiplyUnsafe(k));
    return { publicKey: A.toBytes(), signature: concatBytes(R.toBytes(), numberToBytesLE(S, 32)), cancels: residue.is0() };
  }

  it('ATK-35 accepts exactly when the low-order residue cancels, on both paths', async () => {
    await useImplementation('libsodium');
    const outcomes = { accepted: 0, rejected: 0 };
    const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const property = fc.property(bytes32, bytes32, fc.uint8Array({ maxLength: 64 }), fc.nat(7), fc.nat(7), (seed, nonce, message, t1, t2) => {
      const { publicKey, signature, cancels } = forge(seed, message, nonce, t1, t2);
      testOnlyForceNoble(true);
      const byNoble = ed25519Verify(publicKey, message, signature);
      testOnlyForceNoble(false);
      const bySodium = ed25519Verify(publicKey, message, signature);
      expect(byNoble).toBe(bySodium);
      expect(bySodium).toBe(cancels);
      outcomes[bySodium ? 'accepted' : 'rejected'] += 1;
    });
    fc.assert(property, { numRuns: 150 });
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });
});
