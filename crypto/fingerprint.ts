// Fingerprints and pinning of contacts' keys (ATK-03).
//
// keysHash = SHA-256(text("coffre-sante/v1/fingerprint") | fixed32 signingPublicKey | fixed1216 encryptionPublicKey)
// Displayed number: 8 groups of 5 digits; group i = (big-endian u32 of keysHash[4i .. 4i+4]) mod 100000
// (the modulo bias, 2^32 mod 10^5 out of 2^32, is below 10^-5 and costs nothing measurable).
// 40 digits carry log2(10^40) ~ 132.9 bits: finding another key pair with the same number (a second preimage)
// costs ~2^132 hashes, and ~2^100 even when aiming at any one of 2^32 published keys. Signal's safety numbers
// show 30 digits per party (~100 bits, plus an iteration count); we add 10 digits instead of iterating.
// QR payload: "coffre-sante:fp1:" + base64url (no padding) of all 32 bytes of keysHash (256 bits).
//
// A pin records the keys hash the user saw (and whether they compared it out of band). Sharing checks the
// current bundle against the pin and stops with KEY_CHANGED when the server hands back other keys.

import { base64urlnopad } from '@scure/base';
import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_PUBLIC_KEY_BYTES } from './envelope-kem.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, readAccountId, type IdentityPublicKeys, type PublicKeyBundle } from './identity.ts';
import { constantTimeEqual, HASH_BYTES, KEY_BYTES, sha256 } from './primitives.ts';

export const FINGERPRINT_LABEL = 'coffre-sante/v1/fingerprint';
export const FINGERPRINT_QR_PREFIX = 'coffre-sante:fp1:';
const QR_PREFIX_PATTERN = /^coffre-sante:fp(\d+):/;
const DIGIT_GROUPS = 8;
const PIN_VERSION = 1;

/** SHA-256 over the labelled public keys: what every fingerprint form encodes. */
export function keysHash(keys: IdentityPublicKeys): Uint8Array {
  return sha256(
    new ByteWriter()
      .text(FINGERPRINT_LABEL)
      .fixed(keys.signingPublicKey, KEY_BYTES)
      .fixed(keys.encryptionPublicKey, HYBRID_PUBLIC_KEY_BYTES)
      .finish(),
  );
}

/** "12345 67890 …": 8 groups of 5 digits, for reading aloud or comparing on screen. */
export function fingerprintNumber(keys: IdentityPublicKeys): string {
  const hash = keysHash(keys);
  const groups: string[] = [];
  for (let i = 0; i < DIGIT_GROUPS; i++) {
    const value = new DataView(hash.buffer, hash.byteOffset + 4 * i, 4).getUint32(0);
    groups.push((value % 100_000).toString().padStart(5, '0'));
  }
  return groups.join(' ');
}

/** The string to put in a QR code. */
export function fingerprintQrPayload(keys: IdentityPublicKeys): string {
  return FINGERPRINT_QR_PREFIX + base64urlnopad.encode(keysHash(keys));
}

/**
 * True when a scanned payload matches `keys`, false when it names other keys. Throws VERSION_UNSUPPORTED
 * for a later fingerprint version and FORMAT_INVALID for anything that is not a fingerprint payload.
 */
export function comparePayload(qrPayload: string, keys: IdentityPublicKeys): boolean {
  const match = QR_PREFIX_PATTERN.exec(qrPayload);
  if (match === null) throw new CryptoError('FORMAT_INVALID');
  if (match[0] !== FINGERPRINT_QR_PREFIX) throw new CryptoError('VERSION_UNSUPPORTED');
  let scanned: Uint8Array;
  try {
    scanned = base64urlnopad.decode(qrPayload.slice(FINGERPRINT_QR_PREFIX.length));
  } catch (error) {
    throw new CryptoError('FORMAT_INVALID', { cause: error });
  }
  if (scanned.length !== HASH_BYTES) throw new CryptoError('FORMAT_INVALID');
  return constantTimeEqual(scanned, keysHash(keys));
}

export interface Pin {
  accountId: string;
  keysHash: Uint8Array;
  /** True once the user compared the fingerprint out of band (number or QR). */
  verified: boolean;
}

/** Pins a verified bundle (trust on first use, or after the user compared fingerprints). */
export function pinContact(bundle: PublicKeyBundle, options: { verified: boolean } = { verified: false }): Pin {
  return { accountId: bundle.accountId, keysHash: keysHash(bundle), verified: options.verified };
}

/** Throws KEY_CHANGED unless `bundle` has the pinned account id and keys. */
export function checkPinned(pin: Pin, bundle: PublicKeyBundle): void {
  if (pin.accountId !== bundle.accountId || !constantTimeEqual(pin.keysHash, keysHash(bundle))) {
    throw new CryptoError('KEY_CHANGED');
  }
}

/** u16 version | text accountId | fixed32 keysHash | u8 verified (0 or 1). */
export function encodePin(pin: Pin): Uint8Array {
  checkAccountId(pin.accountId);
  return new ByteWriter()
    .u16(PIN_VERSION)
    .text(pin.accountId)
    .fixed(pin.keysHash, HASH_BYTES)
    .u8(pin.verified ? 1 : 0)
    .finish();
}

export function decodePin(bytes: Uint8Array): Pin {
  const reader = new ByteReader(bytes);
  if (reader.u16() !== PIN_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const accountId = readAccountId(reader);
  const hash = reader.fixed(HASH_BYTES);
  const verified = reader.u8();
  reader.end();
  if (verified > 1) throw new CryptoError('FORMAT_INVALID');
  return { accountId, keysHash: hash, verified: verified === 1 };
}
