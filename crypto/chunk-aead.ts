// The two AEADs a STREAM can run on, each as a ChunkAead bound to one 32-byte key.
//
// ChaCha20-Poly1305 (RFC 8439) is age's payload cipher, computed by noble in pure JS (synchronous).
// AES-256-GCM goes through WebCrypto (globalThis.crypto.subtle): native code in every browser and in Node,
// several times faster than any JS or wasm ChaCha in Chromium (TOOLCHAIN.md), so the document payload uses
// it. Both take 12-byte nonces and 16-byte tags, so STREAM's nonce layout fits either unchanged. The
// STREAM nonce never repeats under one key (a counter, one stream per key), which GCM requires.

import { CryptoError } from './errors.ts';
import { chacha20poly1305Open, chacha20poly1305Seal, checkLength, KEY_BYTES } from './primitives.ts';
import { NONCE_SIZE, TAG_SIZE, type ChunkAead } from './stream.ts';

/** ChaCha20-Poly1305 under `key` (32 bytes), synchronous. */
export function chacha20Poly1305ChunkAead(key: Uint8Array): ChunkAead {
  checkLength(key, KEY_BYTES, 'ChaCha20-Poly1305 key');
  const ownKey = key.slice();
  return {
    seal: (nonce, plaintext) => chacha20poly1305Seal(ownKey, nonce, plaintext),
    open: (nonce, sealed) => chacha20poly1305Open(ownKey, nonce, sealed),
  };
}

/**
 * AES-256-GCM under `key` (32 bytes) through WebCrypto. The key is imported once, non-extractable; the
 * caller may wipe its copy as soon as this returns. Every operation is asynchronous; a failed tag check
 * (or a sealed chunk shorter than the tag) throws CryptoError('DECRYPTION_FAILED').
 */
export function aes256GcmChunkAead(key: Uint8Array): ChunkAead {
  checkLength(key, KEY_BYTES, 'AES-256-GCM key');
  const subtle = webCryptoSubtle();
  const cryptoKey = subtle.importKey('raw', key.slice(), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  // Attach a handler now so an import failure surfaces on first use, not as an unhandled rejection.
  cryptoKey.catch(() => undefined);
  return {
    async seal(nonce, plaintext) {
      checkLength(nonce, NONCE_SIZE, 'AES-256-GCM nonce');
      const params = { name: 'AES-GCM', iv: nonce.slice(), tagLength: TAG_SIZE * 8 };
      return new Uint8Array(await subtle.encrypt(params, await cryptoKey, asBufferSource(plaintext)));
    },
    async open(nonce, sealed) {
      checkLength(nonce, NONCE_SIZE, 'AES-256-GCM nonce');
      if (sealed.length < TAG_SIZE) throw new CryptoError('DECRYPTION_FAILED');
      const params = { name: 'AES-GCM', iv: nonce.slice(), tagLength: TAG_SIZE * 8 };
      const key = await cryptoKey;
      try {
        return new Uint8Array(await subtle.decrypt(params, key, asBufferSource(sealed)));
      } catch (error) {
        throw new CryptoError('DECRYPTION_FAILED', { cause: error });
      }
    },
  };
}

function webCryptoSubtle(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle === undefined) throw new TypeError('WebCrypto (crypto.subtle) is not available here');
  return subtle;
}

// WebCrypto copies its input at call time; a view onto a SharedArrayBuffer is not accepted, so copy those.
function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
