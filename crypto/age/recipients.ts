// One interface over the three native recipient types (STYLE.md point 4): wrapping makes one stanza;
// unwrapping returns the file key, or null when nothing is addressed to the identity, and throws only
// when a stanza addressed to it is bad.

import { CryptoError } from '../errors.ts';
import { x25519PublicKey } from '../primitives.ts';
import type { Stanza } from './format.ts';
import { unwrapHybrid, wrapHybrid } from './hybrid.ts';
import type { AgeIdentity, AgeRecipient } from './keys.ts';
import { SCRYPT_STANZA_TYPE, unwrapScrypt, wrapScrypt } from './scrypt.ts';
import { FILE_KEY_BYTES, unwrapX25519, wrapX25519 } from './x25519.ts';

/** Wraps a 16-byte file key for one recipient. */
export function wrapFileKey(fileKey: Uint8Array, recipient: AgeRecipient): Stanza {
  if (fileKey.length !== FILE_KEY_BYTES) throw new RangeError('an age file key is 16 bytes');
  switch (recipient.type) {
    case 'X25519':
      return wrapX25519(fileKey, recipient.publicKey);
    case 'mlkem768x25519':
      return wrapHybrid(fileKey, recipient.publicKey);
    case 'scrypt':
      return wrapScrypt(fileKey, recipient);
  }
}

/**
 * The file key of the first stanza that opens with `identity`, or null. Throws FORMAT_INVALID or
 * KEY_INVALID for a malformed stanza of the identity's type, and FORMAT_INVALID when an scrypt stanza is
 * not alone (age.md: passphrase files carry exactly one stanza).
 */
export function unwrapFileKey(stanzas: readonly Stanza[], identity: AgeIdentity): Uint8Array | null {
  if (identity.type === 'scrypt') checkStanzaSet(stanzas);
  const unwrap = unwrapperFor(identity);
  for (const stanza of stanzas) {
    const fileKey = unwrap(stanza);
    if (fileKey !== null) return fileKey;
  }
  return null;
}

/** Rules on the whole stanza list that hold whatever the identities: an scrypt stanza stands alone. */
export function checkStanzaSet(stanzas: readonly Stanza[]): void {
  if (stanzas.length > 1 && stanzas.some((stanza) => stanza.type === SCRYPT_STANZA_TYPE)) {
    throw new CryptoError('FORMAT_INVALID');
  }
}

function unwrapperFor(identity: AgeIdentity): (stanza: Stanza) => Uint8Array | null {
  switch (identity.type) {
    case 'X25519': {
      const publicKey = x25519PublicKey(identity.secretKey);
      return (stanza) => unwrapX25519(stanza, identity.secretKey, publicKey);
    }
    case 'mlkem768x25519':
      return (stanza) => unwrapHybrid(stanza, identity.seed);
    case 'scrypt':
      return (stanza) => unwrapScrypt(stanza, identity);
  }
}
