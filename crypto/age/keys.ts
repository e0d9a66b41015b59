// age identities and recipients as Bech32 strings (C2SP age.md, "Native recipient types"; BIP 173 without
// its 90-character limit, which the 1216-byte hybrid recipient exceeds).
//
//   AGE-SECRET-KEY-1…     X25519 identity: the 32-byte scalar
//   age1…                 X25519 recipient: X25519(scalar, basepoint)
//   AGE-SECRET-KEY-PQ-1…  MLKEM768-X25519 identity: the 32-byte seed
//   age1pq1…              MLKEM768-X25519 recipient: ML-KEM-768 encapsulation key (1184) || X25519 key (32)
//
// Identities are written in upper case and recipients in lower case, as age does; either case is read
// (Bech32 forbids mixing them). Malformed strings throw CryptoError('KEY_INVALID').

import { bech32 } from '@scure/base';
import { CryptoError } from '../errors.ts';
import { checkLength, KEY_BYTES, randomBytes, x25519PublicKey } from '../primitives.ts';
import { HYBRID_PUBLIC_KEY_BYTES, HYBRID_SEED_BYTES, hybridPublicKey } from './hybrid.ts';
import type { ScryptIdentity, ScryptRecipient } from './scrypt.ts';

export interface X25519Identity {
  readonly type: 'X25519';
  readonly secretKey: Uint8Array;
}
export interface X25519Recipient {
  readonly type: 'X25519';
  readonly publicKey: Uint8Array;
}
export interface HybridIdentity {
  readonly type: 'mlkem768x25519';
  readonly seed: Uint8Array;
}
export interface HybridRecipient {
  readonly type: 'mlkem768x25519';
  readonly publicKey: Uint8Array;
}

export type AgeIdentity = X25519Identity | HybridIdentity | ScryptIdentity;
export type AgeRecipient = X25519Recipient | HybridRecipient | ScryptRecipient;

const X25519_IDENTITY_HRP = 'age-secret-key-';
const HYBRID_IDENTITY_HRP = 'age-secret-key-pq-';
const X25519_RECIPIENT_HRP = 'age';
const HYBRID_RECIPIENT_HRP = 'age1pq';
/** Longest string we decode: the hybrid recipient is 1959 characters. */
const MAX_BECH32_LENGTH = 2048;

/** A fresh X25519 identity, as "AGE-SECRET-KEY-1…". */
export function generateX25519Identity(): string {
  return formatIdentity({ type: 'X25519', secretKey: randomBytes(KEY_BYTES) });
}

/** A fresh MLKEM768-X25519 identity, as "AGE-SECRET-KEY-PQ-1…". */
export function generateHybridIdentity(): string {
  return formatIdentity({ type: 'mlkem768x25519', seed: randomBytes(HYBRID_SEED_BYTES) });
}

/** The recipient string ("age1…" or "age1pq1…") of an identity string. */
export function identityToRecipient(identity: string): string {
  const parsed = parseIdentity(identity);
  return parsed.type === 'X25519'
    ? formatRecipient({ type: 'X25519', publicKey: x25519PublicKey(parsed.secretKey) })
    : formatRecipient({ type: 'mlkem768x25519', publicKey: hybridPublicKey(parsed.seed) });
}

export function parseIdentity(text: string): X25519Identity | HybridIdentity {
  const { prefix, bytes } = decodeBech32(text);
  if (bytes.length !== KEY_BYTES) throw new CryptoError('KEY_INVALID');
  if (prefix === X25519_IDENTITY_HRP) return { type: 'X25519', secretKey: bytes };
  if (prefix === HYBRID_IDENTITY_HRP) return { type: 'mlkem768x25519', seed: bytes };
  throw new CryptoError('KEY_INVALID');
}

export function parseRecipient(text: string): X25519Recipient | HybridRecipient {
  const { prefix, bytes } = decodeBech32(text);
  if (prefix === X25519_RECIPIENT_HRP && bytes.length === KEY_BYTES) return { type: 'X25519', publicKey: bytes };
  if (prefix === HYBRID_RECIPIENT_HRP && bytes.length === HYBRID_PUBLIC_KEY_BYTES) {
    return { type: 'mlkem768x25519', publicKey: bytes };
  }
  throw new CryptoError('KEY_INVALID');
}

export function formatIdentity(identity: X25519Identity | HybridIdentity): string {
  if (identity.type === 'X25519') {
    checkLength(identity.secretKey, KEY_BYTES, 'X25519 identity');
    return encodeBech32(X25519_IDENTITY_HRP, identity.secretKey).toUpperCase();
  }
  checkLength(identity.seed, HYBRID_SEED_BYTES, 'hybrid identity seed');
  return encodeBech32(HYBRID_IDENTITY_HRP, identity.seed).toUpperCase();
}

export function formatRecipient(recipient: X25519Recipient | HybridRecipient): string {
  if (recipient.type === 'X25519') {
    checkLength(recipient.publicKey, KEY_BYTES, 'X25519 recipient');
    return encodeBech32(X25519_RECIPIENT_HRP, recipient.publicKey);
  }
  checkLength(recipient.publicKey, HYBRID_PUBLIC_KEY_BYTES, 'hybrid recipient');
  return encodeBech32(HYBRID_RECIPIENT_HRP, recipient.publicKey);
}

function encodeBech32(prefix: string, bytes: Uint8Array): string {
  return bech32.encode(prefix, bech32.toWords(bytes), MAX_BECH32_LENGTH);
}

// scure lower-cases the prefix and rejects mixed case, bad checksums and non-zero padding bits.
function decodeBech32(text: string): { prefix: string; bytes: Uint8Array } {
  if (text.length > MAX_BECH32_LENGTH) throw new CryptoError('KEY_INVALID');
  try {
    const { prefix, words } = bech32.decode(text as `${string}1${string}`, MAX_BECH32_LENGTH);
    return { prefix, bytes: bech32.fromWords(words) };
  } catch (error) {
    throw new CryptoError('KEY_INVALID', { cause: error });
  }
}
