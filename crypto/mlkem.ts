// ML-KEM-768 (FIPS 203) behind a fixed contract, for the hybrid X25519 + ML-KEM-768 wrap.
//
// Contracts: lengths are checked first (RangeError: a caller parses fixed-size fields before calling, so
// a wrong length here is a bug); an encapsulation key that fails the FIPS 203 modulus check, or a
// decapsulation key whose embedded H(ek) does not match, throws CryptoError('KEY_INVALID');
// decapsulating a wrong or altered ciphertext does NOT throw: it returns the implicit-rejection key,
// so callers learn of a mismatch only from the AEAD that the key then fails to open.

import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError } from './errors.ts';
import { checkLength, type KeyPair } from './primitives.ts';

export const MLKEM768_SEED_BYTES = 64;
export const MLKEM768_PUBLIC_KEY_BYTES = 1184;
export const MLKEM768_SECRET_KEY_BYTES = 2400;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;
export const MLKEM768_SHARED_SECRET_BYTES = 32;
const MESSAGE_BYTES = 32;

export interface Encapsulation {
  cipherText: Uint8Array;
  sharedSecret: Uint8Array;
}

/** KeyGen_internal(d, z) from the 64-byte seed d || z, or from a random seed. secretKey is the expanded dk. */
export function mlkem768Keygen(seed?: Uint8Array): KeyPair {
  if (seed !== undefined) checkLength(seed, MLKEM768_SEED_BYTES, 'ML-KEM-768 seed');
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  return { publicKey, secretKey };
}

/**
 * Encaps(ek). `message` (32 bytes) is the FIPS 203 randomness m, only for known-answer tests: a fixed or
 * low-entropy m makes the shared secret predictable.
 */
export function mlkem768Encapsulate(publicKey: Uint8Array, message?: Uint8Array): Encapsulation {
  checkLength(publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'ML-KEM-768 public key');
  if (message !== undefined) checkLength(message, MESSAGE_BYTES, 'ML-KEM-768 message');
  let result: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    result = ml_kem768.encapsulate(publicKey, message);
  } catch (error) {
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
  return { cipherText: result.cipherText, sharedSecret: result.sharedSecret.slice() };
}

/** Decaps(dk, c): the shared secret, or the implicit-rejection key when c was not made for this dk. */
export function mlkem768Decapsulate(secretKey: Uint8Array, cipherText: Uint8Array): Uint8Array {
  checkLength(secretKey, MLKEM768_SECRET_KEY_BYTES, 'ML-KEM-768 secret key');
  checkLength(cipherText, MLKEM768_CIPHERTEXT_BYTES, 'ML-KEM-768 ciphertext');
  try {
    return ml_kem768.decapsulate(cipherText, secretKey).slice();
  } catch (error) {
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
}

/** The encapsulation key embedded in an expanded decapsulation key. */
export function mlkem768PublicKey(secretKey: Uint8Array): Uint8Array {
  checkLength(secretKey, MLKEM768_SECRET_KEY_BYTES, 'ML-KEM-768 secret key');
  return ml_kem768.getPublicKey(secretKey);
}
