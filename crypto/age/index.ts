// The age format (C2SP age.md, age-encryption.org/v1), written for this project: stanza-level functions for
// key envelopes, streaming file encryption on Web Streams, and export to files the `age` tool opens.
// crypto/SPEC.md, part "age", defines every byte.

import { createAgeEncryptor, type AgeOptions } from './age.ts';
import { parseRecipient } from './keys.ts';

export {
  createAgeDecryptor,
  createAgeEncryptor,
  decryptAge,
  decryptAgeBytes,
  encryptAgeBytes,
  type AgeOptions,
  type ByteTransform,
} from './age.ts';
export { armorDecode, armorEncode, createArmorDecoder, createArmorEncoder } from './armor.ts';
export { decodeStanza, encodeStanza, encodeStanzaBytes, type Stanza } from './format.ts';
export {
  HYBRID_PUBLIC_KEY_BYTES,
  HYBRID_SEED_BYTES,
  HYBRID_STANZA_TYPE,
  hybridPublicKey,
  unwrapHybrid,
  wrapHybrid,
} from './hybrid.ts';
export {
  formatIdentity,
  formatRecipient,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
  parseIdentity,
  parseRecipient,
  type AgeIdentity,
  type AgeRecipient,
  type HybridIdentity,
  type HybridRecipient,
  type X25519Identity,
  type X25519Recipient,
} from './keys.ts';
export { unwrapFileKey, wrapFileKey } from './recipients.ts';
export { type ScryptIdentity, type ScryptRecipient } from './scrypt.ts';

/**
 * Export (DESIGN.md): re-encrypts a plaintext stream into a standard age file for one recipient string
 * ("age1…" for X25519, which every age tool reads; "age1pq1…" for the hybrid type, which needs age 1.3 or
 * later). Throws CryptoError('KEY_INVALID') for a malformed recipient.
 */
export function exportToAge(
  plaintext: ReadableStream<Uint8Array>,
  recipient: string,
  options: AgeOptions = {},
): ReadableStream<Uint8Array> {
  return plaintext.pipeThrough(createAgeEncryptor([parseRecipient(recipient)], options));
}
