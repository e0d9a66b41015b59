// The primitives, each behind one function with a fixed contract, so the rest of crypto/ never touches a
// library directly and an implementation can be swapped after measuring (see SPEC.md, "Implementations").
//
// Contracts: key sizes are checked (RangeError on misuse); authentication failures throw
// CryptoError('DECRYPTION_FAILED'); X25519 refuses an all-zero shared secret (low-order point, ATK-35);
// Ed25519 verification is strict RFC 8032 (no ZIP-215 leniency).

import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import { CryptoError } from './errors.ts';

export const KEY_BYTES = 32;
export const HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, message);
}

/** HKDF-SHA256 (RFC 5869). An empty salt means no salt. Throws RangeError past 255 * 32 bytes. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 255 * HASH_BYTES) {
    throw new RangeError(`HKDF output length out of range: ${length}`);
  }
  return hkdf(nobleSha256, ikm, salt.length === 0 ? undefined : salt, info, length);
}

/** Constant-time comparison of two byte strings. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b);
}

// ---- X25519 ----

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function x25519Keygen(seed?: Uint8Array): KeyPair {
  return x25519.keygen(seed);
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** X25519(secret, public). Throws CryptoError('KEY_INVALID') when the result is all zeros. */
export function x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkLength(secretKey, KEY_BYTES, 'X25519 secret key');
  checkLength(publicKey, KEY_BYTES, 'X25519 public key');
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, publicKey);
  } catch (error) {
    // noble throws on an all-zero result itself; we keep one typed error whatever the library does.
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
  if (shared.every((byte) => byte === 0)) throw new CryptoError('KEY_INVALID');
  return shared;
}

// ---- Ed25519 ----

export function ed25519Keygen(seed?: Uint8Array): KeyPair {
  return ed25519.keygen(seed);
}

export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Strict RFC 8032 verification; malformed keys or signatures return false, never throw. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

// ---- AEAD (ChaCha20-Poly1305, RFC 8439; XChaCha20-Poly1305) ----

export function chacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'ChaCha20-Poly1305 key');
  checkLength(nonce, 12, 'ChaCha20-Poly1305 nonce');
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

export function chacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'ChaCha20-Poly1305 key');
  checkLength(nonce, 12, 'ChaCha20-Poly1305 nonce');
  return openOrThrow(() => chacha20poly1305(key, nonce, aad).decrypt(sealed));
}

export function xchacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'XChaCha20-Poly1305 key');
  checkLength(nonce, 24, 'XChaCha20-Poly1305 nonce');
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

export function xchacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'XChaCha20-Poly1305 key');
  checkLength(nonce, 24, 'XChaCha20-Poly1305 nonce');
  return openOrThrow(() => xchacha20poly1305(key, nonce, aad).decrypt(sealed));
}

function openOrThrow(open: () => Uint8Array): Uint8Array {
  try {
    return open();
  } catch (error) {
    throw new CryptoError('DECRYPTION_FAILED', { cause: error });
  }
}

export function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes`);
  }
}
