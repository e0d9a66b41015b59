// The X25519 recipient type (C2SP age.md, "The X25519 recipient type").
//
//   share      = X25519(ephemeral secret, basepoint)
//   wrap key   = HKDF-SHA-256(ikm = X25519(ephemeral secret, recipient), salt = share || recipient,
//                             info = "age-encryption.org/v1/X25519")
//   stanza     = "-> X25519 " base64(share), body = ChaCha20-Poly1305(wrap key, nonce = 12 zero bytes, file key)
//
// A fixed nonce is safe because every wrap key is used once: the ephemeral secret is fresh per stanza.

import { CryptoError } from '../errors.ts';
import {
  chacha20poly1305Open,
  chacha20poly1305Seal,
  checkLength,
  hkdfSha256,
  KEY_BYTES,
  randomBytes,
  x25519PublicKey,
  x25519SharedSecret,
} from '../primitives.ts';
import { decodeRawBase64, encodeRawBase64 } from './base64.ts';
import type { Stanza } from './format.ts';

export const X25519_STANZA_TYPE = 'X25519';
export const FILE_KEY_BYTES = 16;
const TAG_BYTES = 16;
const LABEL = new TextEncoder().encode('age-encryption.org/v1/X25519');
const ZERO_NONCE = new Uint8Array(12);

/** Wraps a 16-byte file key for an X25519 public key. Throws KEY_INVALID for a low-order public key. */
export function wrapX25519(fileKey: Uint8Array, recipientPublicKey: Uint8Array): Stanza {
  checkLength(fileKey, FILE_KEY_BYTES, 'file key');
  checkLength(recipientPublicKey, KEY_BYTES, 'X25519 recipient');
  const ephemeral = randomBytes(KEY_BYTES);
  const share = x25519PublicKey(ephemeral);
  const secret = x25519SharedSecret(ephemeral, recipientPublicKey);
  const key = wrapKey(secret, share, recipientPublicKey);
  return { type: X25519_STANZA_TYPE, args: [encodeRawBase64(share)], body: sealFileKey(key, fileKey) };
}

/**
 * The file key in `stanza` for `secretKey`, or null when the stanza is of another type or was not made
 * for this key. Throws FORMAT_INVALID for a malformed X25519 stanza (argument count, share length, body
 * length checked before decrypting) and KEY_INVALID for a low-order share.
 */
export function unwrapX25519(stanza: Stanza, secretKey: Uint8Array, publicKey = x25519PublicKey(secretKey)): Uint8Array | null {
  if (stanza.type !== X25519_STANZA_TYPE) return null;
  if (stanza.args.length !== 1) throw new CryptoError('FORMAT_INVALID');
  const share = decodeRawBase64(stanza.args[0]!);
  if (share.length !== KEY_BYTES) throw new CryptoError('FORMAT_INVALID');
  if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) throw new CryptoError('FORMAT_INVALID');
  const secret = x25519SharedSecret(secretKey, share);
  const key = wrapKey(secret, share, publicKey);
  return openOrNull(key, stanza.body);
}

function wrapKey(secret: Uint8Array, share: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const salt = new Uint8Array(2 * KEY_BYTES);
  salt.set(share);
  salt.set(recipientPublicKey, KEY_BYTES);
  return hkdfSha256(secret, salt, LABEL, KEY_BYTES);
}

/** ChaCha20-Poly1305 with the zero nonce; null when the tag does not verify (not for us). */
export function openOrNull(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  try {
    return chacha20poly1305Open(key, ZERO_NONCE, body);
  } catch {
    return null;
  }
}

export function sealFileKey(key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  return chacha20poly1305Seal(key, ZERO_NONCE, fileKey);
}
