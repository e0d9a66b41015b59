// Small records only an identity's own seeds open (grant scope, vault settings, record label): a key derived
// from the seeds, then one padded XChaCha20-Poly1305 box bound to its context by the associated data.
//
//   key       = HKDF-SHA256(ikm = signingSeed | kemSeed, salt = empty, info, L)
//   plaintext = u32 len(body) | body | zero padding to the next multiple of 256 bytes
//   sealed    = u8 version | fixed24 nonce | XChaCha20-Poly1305(key, nonce, plaintext, aad)
// The padding hides the body's exact size; the shortest padding is the only valid one, so a body has one
// plaintext. Callers decode the returned body strictly.

import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_SEED_BYTES } from './envelope-kem.ts';
import { CryptoError } from './errors.ts';
import type { IdentitySecrets } from './identity.ts';
import { checkLength, hkdfSha256, KEY_BYTES, randomBytes, xchacha20poly1305Open, xchacha20poly1305Seal } from './primitives.ts';

export const OWNER_SEALED_PADDING = 256;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/** HKDF-SHA256 over the identity's two seeds (empty salt): a secret only that identity's holders derive. */
export function seedDerivedKey(secrets: IdentitySecrets, info: Uint8Array, length = KEY_BYTES): Uint8Array {
  checkLength(secrets.signingSeed, KEY_BYTES, 'signing seed');
  checkLength(secrets.kemSeed, HYBRID_SEED_BYTES, 'KEM seed');
  const ikm = new Uint8Array(KEY_BYTES + HYBRID_SEED_BYTES);
  ikm.set(secrets.signingSeed);
  ikm.set(secrets.kemSeed, KEY_BYTES);
  const key = hkdfSha256(ikm, new Uint8Array(0), info, length);
  ikm.fill(0);
  return key;
}

/** Pads `body` and seals it under `key` with a fresh random nonce. */
export function sealPadded(key: Uint8Array, aad: Uint8Array, body: Uint8Array, version: number): Uint8Array {
  const padded = new Uint8Array(paddedLength(body.length));
  padded.set(new ByteWriter().u32(body.length).finish());
  padded.set(body, 4);
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305Seal(key, nonce, padded, aad);
  return new ByteWriter().u8(version).fixed(nonce, NONCE_BYTES).fixed(sealed, sealed.length).finish();
}

/**
 * The body sealed by sealPadded. VERSION_UNSUPPORTED for another version byte, FORMAT_INVALID for a length
 * that cannot be a padded box or a plaintext whose length prefix or padding is not canonical,
 * DECRYPTION_FAILED for another key or context or any altered byte.
 */
export function openPadded(key: Uint8Array, aad: Uint8Array, bytes: Uint8Array, version: number): Uint8Array {
  if (bytes.length < 1) throw new CryptoError('FORMAT_INVALID');
  if (bytes[0] !== version) throw new CryptoError('VERSION_UNSUPPORTED');
  const ciphertextLength = bytes.length - 1 - NONCE_BYTES - TAG_BYTES;
  if (ciphertextLength < OWNER_SEALED_PADDING || ciphertextLength % OWNER_SEALED_PADDING !== 0) throw new CryptoError('FORMAT_INVALID');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const plaintext = xchacha20poly1305Open(key, nonce, bytes.subarray(1 + NONCE_BYTES), aad);
  const reader = new ByteReader(plaintext);
  const length = reader.u32();
  if (length > reader.remaining || plaintext.length !== paddedLength(length)) throw new CryptoError('FORMAT_INVALID');
  if (plaintext.subarray(4 + length).some((byte) => byte !== 0)) throw new CryptoError('FORMAT_INVALID');
  return reader.fixed(length);
}

/** The smallest multiple of 256 that holds the u32 length and the body. */
function paddedLength(bodyLength: number): number {
  return Math.ceil((4 + bodyLength) / OWNER_SEALED_PADDING) * OWNER_SEALED_PADDING;
}
