// The MLKEM768-X25519 hybrid post-quantum recipient type (C2SP age.md, "mlkem768x25519 recipient stanza").
//
// The file key is sealed with HPKE SealBase (RFC 9180 §6.1), mode_base, with
//   KEM  = MLKEM768-X25519 (X-Wing; HPKE KEM id 0x647a), KDF = HKDF-SHA256 (0x0001),
//   AEAD = ChaCha20Poly1305 (0x0003), info = "age-encryption.org/mlkem768x25519", aad = empty;
// stanza = "-> mlkem768x25519 " base64(enc) (enc: 1088-byte ML-KEM ciphertext || 32-byte X25519 share),
// body = the HPKE ciphertext (file key || 16-byte tag).
//
// The KEM is @noble/post-quantum's `ml_kem768_x25519`: seed (32) -> SHAKE256 -> ML-KEM-768 (d, z) and an
// X25519 scalar; shared secret = SHA3-256(ss_MLKEM || ss_X25519 || ct_X25519 || pk_X25519 || "\.//^\").
// The testkit's hybrid_* vectors (made by Go's filippo.io/hpke-pq) check that it is the same KEM.
//
// Envelopes (crypto/envelope*) use these functions with other key lengths (a 32-byte grant key): the
// stanza layout is the same, and unwrapHybrid checks the body against the length the caller expects.

import { concatBytes } from '@noble/hashes/utils.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { CryptoError } from '../errors.ts';
import { chacha20poly1305Open, chacha20poly1305Seal, checkLength } from '../primitives.ts';
import { decodeRawBase64, encodeRawBase64 } from './base64.ts';
import type { Stanza } from './format.ts';

export const HYBRID_STANZA_TYPE = 'mlkem768x25519';
export const HYBRID_SEED_BYTES = 32;
export const HYBRID_PUBLIC_KEY_BYTES = 1216;
export const HYBRID_ENC_BYTES = 1120;
const TAG_BYTES = 16;
const AGE_FILE_KEY_BYTES = 16;
const MAX_WRAPPED_KEY_BYTES = 64;

const KEM_ID = 0x647a;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0003;
const INFO = 'age-encryption.org/mlkem768x25519';

/** The 1216-byte recipient public key of a 32-byte identity seed. */
export function hybridPublicKey(seed: Uint8Array): Uint8Array {
  checkLength(seed, HYBRID_SEED_BYTES, 'hybrid identity seed');
  return ml_kem768_x25519.getPublicKey(seed);
}

/**
 * Wraps `key` (16 bytes for an age file key; 16 to 64 bytes for envelopes) for `recipientPublicKey`.
 * Throws KEY_INVALID when the public key is refused (ML-KEM modulus check, low-order X25519 point).
 */
export function wrapHybrid(key: Uint8Array, recipientPublicKey: Uint8Array): Stanza {
  checkLength(recipientPublicKey, HYBRID_PUBLIC_KEY_BYTES, 'hybrid recipient');
  if (key.length < AGE_FILE_KEY_BYTES || key.length > MAX_WRAPPED_KEY_BYTES) {
    throw new RangeError('wrapped key must be 16 to 64 bytes');
  }
  let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    encapsulated = ml_kem768_x25519.encapsulate(recipientPublicKey);
  } catch (error) {
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
  const { aeadKey, nonce } = hpkeKeySchedule(encapsulated.sharedSecret);
  const body = chacha20poly1305Seal(aeadKey, nonce, key);
  return { type: HYBRID_STANZA_TYPE, args: [encodeRawBase64(encapsulated.cipherText)], body };
}

/**
 * The key in `stanza` for `seed`, or null when the stanza is of another type or was not made for this
 * seed. Throws FORMAT_INVALID for a malformed mlkem768x25519 stanza (argument count, enc length, body
 * length = keyLength + 16, checked before decrypting) and KEY_INVALID when the X25519 share is low order.
 */
export function unwrapHybrid(stanza: Stanza, seed: Uint8Array, keyLength = AGE_FILE_KEY_BYTES): Uint8Array | null {
  checkLength(seed, HYBRID_SEED_BYTES, 'hybrid identity seed');
  if (stanza.type !== HYBRID_STANZA_TYPE) return null;
  if (stanza.args.length !== 1) throw new CryptoError('FORMAT_INVALID');
  const enc = decodeRawBase64(stanza.args[0]!);
  if (enc.length !== HYBRID_ENC_BYTES) throw new CryptoError('FORMAT_INVALID');
  if (stanza.body.length !== keyLength + TAG_BYTES) throw new CryptoError('FORMAT_INVALID');
  const { aeadKey, nonce } = hpkeKeySchedule(decapsulate(enc, seed));
  try {
    return chacha20poly1305Open(aeadKey, nonce, stanza.body);
  } catch {
    return null;
  }
}

// With correct lengths, ML-KEM decapsulation never fails (implicit rejection), so the only failure left
// is the X25519 half: noble refuses an all-zero X25519 shared secret, which age requires (ATK-35).
function decapsulate(enc: Uint8Array, seed: Uint8Array): Uint8Array {
  try {
    return ml_kem768_x25519.decapsulate(enc, seed);
  } catch (error) {
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
}

/** RFC 9180 KeySchedule for mode_base with an empty PSK: the AEAD key and base nonce (sequence 0). */
function hpkeKeySchedule(sharedSecret: Uint8Array): { aeadKey: Uint8Array; nonce: Uint8Array } {
  const empty = new Uint8Array(0);
  const pskIdHash = labeledExtract(empty, 'psk_id_hash', empty);
  const infoHash = labeledExtract(empty, 'info_hash', utf8(INFO));
  const context = concatBytes(Uint8Array.of(0x00), pskIdHash, infoHash);
  const secret = labeledExtract(sharedSecret, 'secret', empty);
  return {
    aeadKey: labeledExpand(secret, 'key', context, 32),
    nonce: labeledExpand(secret, 'base_nonce', context, 12),
  };
}

/** suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2) */
const SUITE_ID = concatBytes(utf8('HPKE'), u16(KEM_ID), u16(KDF_ID), u16(AEAD_ID));

/** LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" || suite_id || label || ikm) */
function labeledExtract(salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return extract(sha256, concatBytes(utf8('HPKE-v1'), SUITE_ID, utf8(label), ikm), salt.length === 0 ? undefined : salt);
}

/** LabeledExpand(prk, label, info, L) = HKDF-Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L) */
function labeledExpand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
  return expand(sha256, prk, concatBytes(u16(length), utf8('HPKE-v1'), SUITE_ID, utf8(label), info), length);
}

function u16(value: number): Uint8Array {
  return Uint8Array.of(value >>> 8, value & 0xff);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
