// initPrimitives(): noble serves until libsodium has loaded, then libsodium; loading is idempotent and
// keys made on one path work on the other.
import { describe, expect, it } from 'vitest';
import {
  ed25519Keygen,
  ed25519Sign,
  ed25519Verify,
  initPrimitives,
  primitivesImplementation,
  testOnlyForceNoble,
  x25519Keygen,
  x25519SharedSecret,
} from '../../crypto/primitives.ts';
import { loadSodium, sodiumIfLoaded } from '../../crypto/sodium.ts';

describe('initPrimitives', () => {
  it('switches from noble to libsodium once, and keys cross the switch', async () => {
    expect(sodiumIfLoaded()).toBeNull();
    expect(primitivesImplementation()).toBe('noble');
    const signer = ed25519Keygen();
    const message = new TextEncoder().encode('before and after');
    const signature = ed25519Sign(signer.secretKey, message);
    const [alice, bob] = [x25519Keygen(), x25519Keygen()];
    const sharedBefore = x25519SharedSecret(alice.secretKey, bob.publicKey);

    await Promise.all([initPrimitives(), initPrimitives()]);
    await initPrimitives();
    expect(primitivesImplementation()).toBe('libsodium');
    expect(sodiumIfLoaded()).toBe(await loadSodium());
    expect(ed25519Verify(signer.publicKey, message, signature)).toBe(true);
    expect(ed25519Sign(signer.secretKey, message)).toEqual(signature);
    expect(x25519SharedSecret(bob.secretKey, alice.publicKey)).toEqual(sharedBefore);
    expect(x25519Keygen(alice.secretKey).publicKey).toEqual(alice.publicKey);
  });

  it('can be forced back to noble for tests, and released again', async () => {
    await initPrimitives();
    testOnlyForceNoble(true);
    expect(primitivesImplementation()).toBe('noble');
    testOnlyForceNoble(false);
    expect(primitivesImplementation()).toBe('libsodium');
  });

  it('rejects seeds and secret keys of the wrong length on both paths (RangeError)', async () => {
    await initPrimitives();
    for (const force of [true, false]) {
      testOnlyForceNoble(force);
      expect(() => ed25519Keygen(new Uint8Array(31))).toThrow(RangeError);
      expect(() => ed25519Sign(new Uint8Array(64), new Uint8Array(1))).toThrow(RangeError);
      expect(() => x25519Keygen(new Uint8Array(33))).toThrow(RangeError);
    }
    testOnlyForceNoble(false);
  });
});
