// node:crypto AEAD contexts for the raw OpenSSL baselines and the independent STREAM decoder. node's
// typings have one overload per AEAD family, hence one call per name.

import {
  createCipheriv, createDecipheriv,
  type CipherChaCha20Poly1305, type CipherGCM, type DecipherChaCha20Poly1305, type DecipherGCM, type KeyObject,
} from 'node:crypto';

export type OpenSslAead = 'chacha20-poly1305' | 'aes-256-gcm';

export function cipherContext(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array): CipherGCM | CipherChaCha20Poly1305 {
  const options = { authTagLength: 16 };
  return cipher === 'aes-256-gcm' ? createCipheriv(cipher, key, nonce, options) : createCipheriv(cipher, key, nonce, options);
}

export function decipherContext(cipher: OpenSslAead, key: KeyObject, nonce: Uint8Array): DecipherGCM | DecipherChaCha20Poly1305 {
  const options = { authTagLength: 16 };
  return cipher === 'aes-256-gcm' ? createDecipheriv(cipher, key, nonce, options) : createDecipheriv(cipher, key, nonce, options);
}
