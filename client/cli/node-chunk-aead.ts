// ChunkAead implementations backed by node:crypto (OpenSSL) for the Node command-line client. They produce
// exactly the bytes of the pure implementations in crypto/chunk-aead.ts (same AEAD, same nonce, no
// associated data, ciphertext || 16-byte tag), so a file written by one opens with the other; the bench
// and the tests cross-check that. This file lives outside crypto/ because crypto/ imports nothing from node:.
//
// Contracts: the key is 32 bytes and the nonce 12 (RangeError otherwise); `open` releases plaintext only
// after the tag verified, and throws CryptoError('DECRYPTION_FAILED') for any sealed chunk that does not.

import {
  createCipheriv, createDecipheriv, createSecretKey,
  type CipherChaCha20Poly1305, type CipherGCM, type DecipherChaCha20Poly1305, type DecipherGCM, type KeyObject,
} from 'node:crypto';
import { CryptoError } from '../../crypto/errors.ts';
import { checkLength } from '../../crypto/primitives.ts';
import type { ChunkAead } from '../../crypto/stream.ts';

const TAG_BYTES = 16;
const NONCE_BYTES = 12;
const KEY_BYTES = 32;

type OpenSslAead = 'chacha20-poly1305' | 'aes-256-gcm';

/** ChaCha20-Poly1305 (RFC 8439) through OpenSSL: the algorithm of age's payload. */
export function nodeChaCha20Poly1305ChunkAead(key: Uint8Array): ChunkAead {
  return opensslChunkAead('chacha20-poly1305', key);
}

/** AES-256-GCM (12-byte nonce, 16-byte tag) through OpenSSL. */
export function nodeAes256GcmChunkAead(key: Uint8Array): ChunkAead {
  return opensslChunkAead('aes-256-gcm', key);
}

function opensslChunkAead(cipher: OpenSslAead, key: Uint8Array): ChunkAead {
  checkLength(key, KEY_BYTES, `${cipher} key`);
  // One KeyObject for the life of the stream: OpenSSL then skips re-importing raw key bytes per chunk.
  const secret = createSecretKey(Uint8Array.from(key));
  return {
    seal: (nonce, plaintext) => seal(cipher, secret, nonce, plaintext),
    open: (nonce, sealed) => open(cipher, secret, nonce, sealed),
  };
}

// The pieces, not their concatenation: copying 64 KiB per chunk into a new array cost about a third of
// the throughput (tests/bench), and the STREAM emits pieces as they are.
function seal(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array[] {
  checkLength(nonce, NONCE_BYTES, `${cipher} nonce`);
  const context = cipherContext(cipher, key, nonce);
  const body = context.update(plaintext);
  const tail = context.final(); // empty for these stream-mode AEADs, kept for correctness
  const pieces = [body, tail, context.getAuthTag()].filter((piece) => piece.length > 0);
  return pieces.map(asPlainBytes);
}

function open(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array, sealed: Uint8Array): Uint8Array {
  checkLength(nonce, NONCE_BYTES, `${cipher} nonce`);
  if (sealed.length < TAG_BYTES) throw new CryptoError('DECRYPTION_FAILED');
  const split = sealed.length - TAG_BYTES;
  const context = decipherContext(cipher, key, nonce);
  context.setAuthTag(sealed.subarray(split));
  const body = context.update(sealed.subarray(0, split));
  try {
    // final() checks the tag; `body` is unauthenticated until it returns and is dropped if it throws.
    const tail = context.final();
    return asPlainBytes(tail.length === 0 ? body : Buffer.concat([body, tail]));
  } catch (error) {
    throw new CryptoError('DECRYPTION_FAILED', { cause: error });
  }
}

// node's typings have one overload per AEAD family, hence one call per name.
function cipherContext(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array): CipherGCM | CipherChaCha20Poly1305 {
  const options = { authTagLength: TAG_BYTES };
  return cipher === 'aes-256-gcm' ? createCipheriv(cipher, key, nonce, options) : createCipheriv(cipher, key, nonce, options);
}

function decipherContext(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array): DecipherGCM | DecipherChaCha20Poly1305 {
  const options = { authTagLength: TAG_BYTES };
  return cipher === 'aes-256-gcm' ? createDecipheriv(cipher, key, nonce, options) : createDecipheriv(cipher, key, nonce, options);
}

/** A Uint8Array view of a Buffer's bytes (no copy), so callers never meet Buffer's different slice(). */
function asPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
