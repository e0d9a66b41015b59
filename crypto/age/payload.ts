// The age payload (C2SP age.md, "Payload"): a 16-byte random nonce, then the plaintext sealed with STREAM
// (crypto/stream.ts: 64 KiB chunks, nonce = 11-byte big-endian counter || last-chunk flag) under
//
//   payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
//
// with ChaCha20-Poly1305. The key is fresh per file (random file key and nonce), which is what lets STREAM
// restart its counter at zero.

import { chacha20Poly1305ChunkAead } from '../chunk-aead.ts';
import { CryptoError, isCryptoError } from '../errors.ts';
import { checkLength, hkdfSha256 } from '../primitives.ts';
import {
  createStreamDecryptor,
  createStreamEncryptor,
  decryptStreamBytes,
  encryptStreamBytes,
  type ChunkAead,
} from '../stream.ts';

export const PAYLOAD_NONCE_BYTES = 16;
const FILE_KEY_BYTES = 16;
const PAYLOAD_LABEL = new TextEncoder().encode('payload');

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  checkLength(fileKey, FILE_KEY_BYTES, 'file key');
  checkLength(nonce, PAYLOAD_NONCE_BYTES, 'payload nonce');
  return hkdfSha256(fileKey, nonce, PAYLOAD_LABEL, 32);
}

export function payloadAead(fileKey: Uint8Array, nonce: Uint8Array): ChunkAead {
  return chacha20Poly1305ChunkAead(payloadKey(fileKey, nonce));
}

/** Plaintext in, sealed STREAM out (the nonce is not included: the caller writes it after the header). */
export function createPayloadEncryptor(fileKey: Uint8Array, nonce: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  return createStreamEncryptor(payloadAead(fileKey, nonce));
}

/** Sealed STREAM in, plaintext out. Errors pass through payloadError(). */
export function createPayloadDecryptor(fileKey: Uint8Array, nonce: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  return createStreamDecryptor(payloadAead(fileKey, nonce));
}

export function encryptPayloadBytes(fileKey: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  return encryptStreamBytes(payloadAead(fileKey, nonce), plaintext);
}

export async function decryptPayloadBytes(fileKey: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  try {
    return await decryptStreamBytes(payloadAead(fileKey, nonce), sealed);
  } catch (error) {
    throw payloadError(error);
  }
}

/**
 * Every failure after the header is a payload failure, kept apart from header failures (FORMAT_INVALID):
 * STREAM reports an empty final chunk after a full one as FORMAT_INVALID, which in an age file becomes
 * DECRYPTION_FAILED. STREAM_TRUNCATED and STREAM_TRAILING_DATA pass through.
 */
export function payloadError(error: unknown): unknown {
  return isCryptoError(error, 'FORMAT_INVALID') ? new CryptoError('DECRYPTION_FAILED', { cause: error }) : error;
}
