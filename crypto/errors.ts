// Typed failures of the crypto layer. Every code is stable (callers and the UI switch on it) and every
// message is fixed text: no key, plaintext, file name or identifier ever goes into an error.
//
// Misuse by the caller (a key of the wrong length, a negative size) throws TypeError/RangeError instead,
// as noble does: those are bugs, not attacks.

export const CRYPTO_ERROR_MESSAGES = {
  FORMAT_INVALID: 'malformed encoding',
  VERSION_UNSUPPORTED: 'unsupported format version or algorithm',
  DECRYPTION_FAILED: 'authentication failed: the data was altered or the key is wrong',
  STREAM_TRUNCATED: 'the encrypted stream ends before its final chunk',
  STREAM_TRAILING_DATA: 'data follows the final chunk of the encrypted stream',
  NO_MATCH: 'nothing in this file is addressed to the given keys',
  HEADER_MAC_INVALID: 'the header authentication code is wrong',
  ARMOR_INVALID: 'malformed ASCII armor',
  KEY_INVALID: 'invalid public key or low-order point',
  KDF_PARAMS_TOO_WEAK: 'password hashing parameters are below the minimum this client accepts',
  KDF_PARAMS_TOO_COSTLY: 'password hashing parameters exceed the maximum this client accepts',
  KEY_BUNDLE_INVALID: 'the key bundle could not be opened',
  RECOVERY_PHRASE_INVALID: 'the recovery words are not valid',
  SIGNATURE_INVALID: 'signature verification failed',
  SIGNER_NOT_ALLOWED: 'signed by a key that is not allowed to write here',
  KEY_CHANGED: 'this contact’s keys changed since they were verified',
  COMMITMENT_MISMATCH: 'the file key does not match the signed commitment',
  MANIFEST_MISMATCH: 'the data does not match its signed manifest',
  ROLLBACK: 'older than a version already seen',
  CHAIN_BROKEN: 'the hash chain is broken',
  RECORD_MISSING: 'a record listed in the signed manifest is missing',
  RECORD_UNEXPECTED: 'a record is not listed in the signed manifest',
  RECIPIENT_NOT_ALLOWED: 'this recipient is not on the signed share list',
} as const;

export type CryptoErrorCode = keyof typeof CRYPTO_ERROR_MESSAGES;

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, options?: { cause?: unknown }) {
    super(CRYPTO_ERROR_MESSAGES[code], options);
    this.code = code;
  }
}

/** True when `error` is a CryptoError, optionally with the given code. */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
