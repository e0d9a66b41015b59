// The one place where envelopes meet the hybrid post-quantum KEM: age's `mlkem768x25519` recipient stanza
// (X25519 + ML-KEM-768, HPKE; crypto/age/hybrid.ts). envelope.ts and identity.ts call only these functions,
// so the KEM can change without touching any signed layout other than the stanza bytes.
//
// Stanza bytes = the canonical age stanza text (encodeStanzaBytes): "-> mlkem768x25519 <base64 enc>\n"
// then the body (wrapped key || 16-byte tag) in base64 lines of 64 columns. They are what an age header
// would hold, so one code path (and the age testkit's hybrid_* vectors) covers both uses.
//
// Contracts: kemWrap(key, publicKey) returns the stanza bytes; kemUnwrap(stanza, seed, keyLength) returns
// the key, null when the stanza was not made for this seed (or is another recipient type), and throws
// CryptoError FORMAT_INVALID / KEY_INVALID when the bytes are not a well-formed hybrid stanza of that length.

import { decodeStanza, encodeStanzaBytes, hybridPublicKey, unwrapHybrid, wrapHybrid } from './age/index.ts';

export { HYBRID_PUBLIC_KEY_BYTES, HYBRID_SEED_BYTES } from './age/index.ts';

/** The hybrid public key (1216 bytes) of a 32-byte identity seed. */
export function kemPublicKey(seed: Uint8Array): Uint8Array {
  return hybridPublicKey(seed);
}

/** Wraps `key` (16 to 64 bytes) for the holder of `recipientPublicKey`'s seed. */
export function kemWrap(key: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  return encodeStanzaBytes(wrapHybrid(key, recipientPublicKey));
}

/** The wrapped key of length `keyLength`, or null when the stanza is not for this seed. */
export function kemUnwrap(stanza: Uint8Array, seed: Uint8Array, keyLength: number): Uint8Array | null {
  return unwrapHybrid(decodeStanza(stanza), seed, keyLength);
}
