// ed25519VerifyManyAsync must decide exactly as ed25519Verify: the Wycheproof and CCTV Ed25519 vectors
// through the WebCrypto path (OpenSSL in Node; BoringSSL in Chromium runs the same code) and through
// the synchronous fallback. The byte-level pre-checks are what make WebCrypto strict: see the policy
// in crypto/ed25519-batch.ts and crypto/primitives.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519BatchImplementation,
  ed25519VerifyManyAsync,
  passesStrictEncodingChecks,
  testOnlyForceSyncBatch,
  testOnlyProbeSignatures,
  type BatchImplementation,
} from '../../crypto/ed25519-batch.ts';
import {
  ed25519Keygen,
  ed25519Sign,
  ed25519Verify,
  initPrimitives,
  randomBytes,
  testOnlyForceNoble,
  type SignedMessage,
} from '../../crypto/primitives.ts';
import { hex, loadWycheproof, readVectorText } from './vector-files.ts';

interface LabelledItem extends SignedMessage {
  label: string;
  expected: boolean;
}

const REJECTING_FLAGS = ['non_canonical_A', 'non_canonical_R', 'low_order_A', 'low_order_R', 'low_order_residue'];

function wycheproofItems(): LabelledItem[] {
  const file = loadWycheproof<{ publicKey: { pk: string }; tests: { tcId: number; msg: string; sig: string; result: string }[] }>('ed25519_test.json');
  const items = file.testGroups.flatMap((group) =>
    group.tests.map((test) => ({
      label: `Wycheproof tcId ${test.tcId}`,
      publicKey: hex(group.publicKey.pk),
      message: hex(test.msg),
      signature: hex(test.sig),
      expected: test.result === 'valid',
    })),
  );
  expect(items.length).toBe(file.numberOfTests);
  return items;
}

function cctvItems(): LabelledItem[] {
  const vectors = JSON.parse(readVectorText('cctv-ed25519/ed25519vectors.json')) as { number: number; key: string; sig: string; msg: string; flags: string[] | null }[];
  expect(vectors.length).toBe(914);
  return vectors.map((vector) => ({
    label: `CCTV #${vector.number} [${(vector.flags ?? []).join(',')}]`,
    publicKey: hex(vector.key),
    message: new TextEncoder().encode(vector.msg),
    signature: hex(vector.sig),
    expected: !(vector.flags ?? []).some((flag) => REJECTING_FLAGS.includes(flag)),
  }));
}

describe.each<BatchImplementation>(['webcrypto', 'sync'])('ed25519VerifyManyAsync (%s)', (implementation) => {
  beforeAll(async () => {
    await initPrimitives();
    testOnlyForceSyncBatch(implementation === 'sync');
    expect(await ed25519BatchImplementation()).toBe(implementation);
  });
  afterAll(() => {
    testOnlyForceSyncBatch(false);
  });

  it('ATK-35 decides every Wycheproof and CCTV Ed25519 vector as the strict policy requires', async () => {
    const items = [...wycheproofItems(), ...cctvItems()];
    const decisions = await ed25519VerifyManyAsync(items);
    const failures = items.filter((item, i) => decisions[i] !== item.expected).map((item) => item.label);
    expect(failures).toEqual([]);
    expect(decisions.length).toBe(151 + 914);
  });

  it('keeps the order of a mixed batch and refuses malformed lengths', async () => {
    const keys = ed25519Keygen();
    const other = ed25519Keygen();
    const message = randomBytes(64);
    const signature = ed25519Sign(keys.secretKey, message);
    const decisions = await ed25519VerifyManyAsync([
      { publicKey: keys.publicKey, message, signature },
      { publicKey: other.publicKey, message, signature },
      { publicKey: keys.publicKey, message: message.subarray(1), signature },
      { publicKey: keys.publicKey, message, signature: signature.subarray(0, 63) },
      { publicKey: other.publicKey, message, signature: ed25519Sign(other.secretKey, message) },
    ]);
    expect(decisions).toEqual([true, false, false, false, true]);
  });
});

describe('passesStrictEncodingChecks', () => {
  it('never lets through a vector that ed25519Verify rejects for its encoding (it is only a pre-filter)', () => {
    const items = [...wycheproofItems(), ...cctvItems()];
    const inconsistent = items.filter(
      (item) => ed25519Verify(item.publicKey, item.message, item.signature) && !passesStrictEncodingChecks(item.publicKey, item.signature),
    );
    expect(inconsistent).toEqual([]);
  });
});

describe('WebCrypto probe signatures', () => {
  it('ATK-35 are decided by ed25519Verify as the probe expects, on both paths (residue refused, torsion key accepted)', async () => {
    await initPrimitives();
    const probes = testOnlyProbeSignatures();
    expect(probes.map((probe) => probe.expected)).toEqual([true, false, false, true]);
    for (const force of [true, false]) {
      testOnlyForceNoble(force);
      expect(probes.map((probe) => ed25519Verify(probe.publicKey, probe.message, probe.signature))).toEqual([true, false, false, true]);
    }
    testOnlyForceNoble(false);
    expect(probes.every((probe) => passesStrictEncodingChecks(probe.publicKey, probe.signature))).toBe(true);
  });
});
