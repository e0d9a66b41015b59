// The primitives, each behind one function with a fixed contract, so the rest of crypto/ never touches a
// library directly and an implementation can be swapped after measuring (see SPEC.md, "Implementations").
//
// Contracts: key sizes are checked (RangeError on misuse); authentication failures throw
// CryptoError('DECRYPTION_FAILED'); X25519 refuses an all-zero shared secret (low-order point, ATK-35);
// Ed25519 verification is strict RFC 8032 (no ZIP-215 leniency) plus the libsodium rules, see below.
//
// Two implementations of the curve operations give identical results (pinned by tests/vectors):
// noble (pure JS, synchronous, usable at once) and libsodium (wasm, ~10x faster: 10,000 signature
// checks in ~1 s instead of ~10 s), used once initPrimitives() has resolved.

import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import { CryptoError } from './errors.ts';
import { loadSodium, sodiumIfLoaded, type Sodium } from './sodium.ts';

export const KEY_BYTES = 32;
export const HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;

// ---- Implementation selection ----

export type PrimitivesImplementation = 'libsodium' | 'noble';

let sodiumAllowed = true;

/** Loads libsodium once (idempotent; concurrent calls share the load). Until it resolves, noble runs. */
export async function initPrimitives(): Promise<void> {
  await loadSodium();
}

/** Which implementation the X25519 and Ed25519 functions use right now. */
export function primitivesImplementation(): PrimitivesImplementation {
  return activeSodium() === null ? 'noble' : 'libsodium';
}

/** Test hook: force the noble path (true) or allow libsodium again (false). */
export function testOnlyForceNoble(force: boolean): void {
  sodiumAllowed = !force;
}

function activeSodium(): Sodium | null {
  return sodiumAllowed ? sodiumIfLoaded() : null;
}

// ---- Hashes, MACs, KDFs ----

export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** An incremental SHA-256 (a whole payload, range by range): libsodium once loaded (faster), else noble. */
export interface Sha256Hasher {
  update: (data: Uint8Array) => void;
  digest: () => Uint8Array;
}

export function createSha256(): Sha256Hasher {
  const sodium = activeSodium();
  if (sodium === null) {
    const hasher = nobleSha256.create();
    return { update: (data) => { hasher.update(data); }, digest: () => hasher.digest() };
  }
  const state = sodium.crypto_hash_sha256_init();
  return { update: (data) => { sodium.crypto_hash_sha256_update(state, data); }, digest: () => sodium.crypto_hash_sha256_final(state) };
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

/** A key pair from a 32-byte seed (the secret key itself, clamped when used), or a random one. */
export function x25519Keygen(seed?: Uint8Array): KeyPair {
  const secretKey = seed === undefined ? randomBytes(KEY_BYTES) : seed.slice();
  return { secretKey, publicKey: x25519PublicKey(secretKey) };
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  checkLength(secretKey, KEY_BYTES, 'X25519 secret key');
  const sodium = activeSodium();
  return sodium === null ? x25519.getPublicKey(secretKey) : sodium.crypto_scalarmult_base(secretKey);
}

/** X25519(secret, public). Throws CryptoError('KEY_INVALID') when the result is all zeros. */
export function x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkLength(secretKey, KEY_BYTES, 'X25519 secret key');
  checkLength(publicKey, KEY_BYTES, 'X25519 public key');
  const sodium = activeSodium();
  let shared: Uint8Array;
  try {
    shared = sodium === null
      ? x25519.getSharedSecret(secretKey, publicKey)
      : sodium.crypto_scalarmult(secretKey, publicKey);
  } catch (error) {
    // noble and libsodium both throw on an all-zero result (libsodium also on a low-order input, which
    // gives that result); we keep one typed error whatever the library does.
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
  if (shared.every((byte) => byte === 0)) throw new CryptoError('KEY_INVALID');
  return shared;
}

// ---- Ed25519 ----
//
// Verification policy (identical in both implementations, pinned by the Wycheproof and CCTV vectors):
// reject S >= L; reject a non-canonical encoding of A or R (y >= p, or x = 0 with the sign bit set);
// reject A or R of small order (the 8 torsion points); then accept only if [S]B = R + [k]A exactly, with
// k = SHA-512(R || A || M) mod L (cofactorless: a residue of low order makes it fail). This is
// libsodium's crypto_sign_verify_detached; noble's own verify is cofactored and accepts a low-order R,
// so the noble path runs the equation itself on noble's point arithmetic.

const Point = ed25519.Point;
const GROUP_ORDER = Point.Fn.ORDER;

/** A key pair from a 32-byte seed (RFC 8032 private key), or a random one. */
export function ed25519Keygen(seed?: Uint8Array): KeyPair {
  const secretKey = seed === undefined ? randomBytes(KEY_BYTES) : seed.slice();
  checkLength(secretKey, KEY_BYTES, 'Ed25519 seed');
  const sodium = activeSodium();
  const publicKey = sodium === null
    ? ed25519.getPublicKey(secretKey)
    : sodium.crypto_sign_seed_keypair(secretKey).publicKey;
  return { secretKey, publicKey };
}

/** Deterministic RFC 8032 signature with the 32-byte seed `secretKey`. */
export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkLength(secretKey, KEY_BYTES, 'Ed25519 seed');
  const sodium = activeSodium();
  if (sodium === null) return ed25519.sign(message, secretKey);
  const expanded = sodium.crypto_sign_seed_keypair(secretKey).privateKey;
  try {
    return sodium.crypto_sign_detached(message, expanded);
  } finally {
    expanded.fill(0);
  }
}

/** Strict verification (policy above); malformed keys or signatures return false, never throw. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  const sodium = activeSodium();
  try {
    return sodium === null
      ? nobleStrictVerify(publicKey, message, signature)
      : sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

export interface SignedMessage {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/** ed25519Verify over a list, in order: one boolean per item. */
export function ed25519VerifyMany(items: readonly SignedMessage[]): boolean[] {
  return items.map((item) => ed25519Verify(item.publicKey, item.message, item.signature));
}

function nobleStrictVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const encodedR = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  if (s >= GROUP_ORDER) return false;
  let A: typeof Point.BASE;
  let R: typeof Point.BASE;
  try {
    A = Point.fromBytes(publicKey, false);
    R = Point.fromBytes(encodedR, false);
  } catch {
    return false;
  }
  if (A.isSmallOrder() || R.isSmallOrder()) return false;
  const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(encodedR, publicKey, message))));
  return Point.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(k)));
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

// XChaCha20-Poly1305 seals small items by the thousand (grant wraps: 10,000 per share), where libsodium's
// is several times faster than noble's; both give the same bytes (ciphertext || tag), pinned by Wycheproof.
export function xchacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'XChaCha20-Poly1305 key');
  checkLength(nonce, 24, 'XChaCha20-Poly1305 nonce');
  const sodium = activeSodium();
  if (sodium !== null) return sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad ?? null, null, nonce, key);
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

export function xchacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  checkLength(key, KEY_BYTES, 'XChaCha20-Poly1305 key');
  checkLength(nonce, 24, 'XChaCha20-Poly1305 nonce');
  const sodium = activeSodium();
  if (sodium !== null) return openOrThrow(() => sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, aad ?? null, nonce, key));
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
