// The scrypt (passphrase) recipient type (C2SP age.md, "The scrypt recipient type").
//
//   stanza   = "-> scrypt " base64(salt) " " decimal(log2 N)     (salt: 16 random bytes)
//   wrap key = scrypt(P = passphrase (UTF-8), S = "age-encryption.org/v1/scrypt" || salt, N, r = 8, p = 1,
//                     dkLen = 32)
//   body     = ChaCha20-Poly1305(wrap key, nonce = 12 zero bytes, file key)
//
// An scrypt stanza must be the only stanza of its header (checked in age.ts for every file, whatever the
// identities). The work factor read from a file is capped: a file must not make us spend minutes or
// gigabytes (memory = 128 * r * N bytes, so 2^20 costs 1 GiB).

import { scrypt } from '@noble/hashes/scrypt.js';
import { CryptoError } from '../errors.ts';
import { checkLength, randomBytes } from '../primitives.ts';
import { decodeRawBase64, encodeRawBase64 } from './base64.ts';
import type { Stanza } from './format.ts';
import { FILE_KEY_BYTES, openOrNull, sealFileKey } from './x25519.ts';

export const SCRYPT_STANZA_TYPE = 'scrypt';
/** age's default for new files. */
export const DEFAULT_SCRYPT_WORK_FACTOR = 18;
/** The highest log2 N we compute unless the identity asks for more (1 GiB of memory). */
export const DEFAULT_MAX_SCRYPT_WORK_FACTOR = 20;
/** The highest log2 N an identity may allow at all (age's own limit). */
export const MAX_SCRYPT_WORK_FACTOR = 22;
const SALT_BYTES = 16;
const TAG_BYTES = 16;
const LABEL = 'age-encryption.org/v1/scrypt';

export interface ScryptRecipient {
  readonly type: 'scrypt';
  readonly passphrase: string;
  /** log2 N, 1..22; DEFAULT_SCRYPT_WORK_FACTOR when absent. */
  readonly workFactor?: number;
}

export interface ScryptIdentity {
  readonly type: 'scrypt';
  readonly passphrase: string;
  /** Highest log2 N accepted from a file, 1..22; DEFAULT_MAX_SCRYPT_WORK_FACTOR when absent. */
  readonly maxWorkFactor?: number;
}

export function wrapScrypt(fileKey: Uint8Array, recipient: ScryptRecipient): Stanza {
  checkLength(fileKey, FILE_KEY_BYTES, 'file key');
  const workFactor = checkWorkFactor(recipient.workFactor ?? DEFAULT_SCRYPT_WORK_FACTOR);
  const salt = randomBytes(SALT_BYTES);
  const key = deriveKey(recipient.passphrase, salt, workFactor);
  return { type: SCRYPT_STANZA_TYPE, args: [encodeRawBase64(salt), String(workFactor)], body: sealFileKey(key, fileKey) };
}

/**
 * The file key, or null when the stanza is of another type or the passphrase (or work factor) is wrong.
 * Throws FORMAT_INVALID for a malformed scrypt stanza: argument count, salt length, a work factor that is
 * not `^[1-9][0-9]*$` or exceeds the identity's maximum, a body that is not 32 bytes.
 */
export function unwrapScrypt(stanza: Stanza, identity: ScryptIdentity): Uint8Array | null {
  if (stanza.type !== SCRYPT_STANZA_TYPE) return null;
  const max = checkWorkFactor(identity.maxWorkFactor ?? DEFAULT_MAX_SCRYPT_WORK_FACTOR);
  if (stanza.args.length !== 2) throw new CryptoError('FORMAT_INVALID');
  const salt = decodeRawBase64(stanza.args[0]!);
  if (salt.length !== SALT_BYTES) throw new CryptoError('FORMAT_INVALID');
  const workFactor = parseWorkFactor(stanza.args[1]!);
  if (workFactor > max) throw new CryptoError('FORMAT_INVALID');
  if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) throw new CryptoError('FORMAT_INVALID');
  return openOrNull(deriveKey(identity.passphrase, salt, workFactor), stanza.body);
}

// A decimal without sign, leading zero or other characters; the length cap keeps Number() exact.
function parseWorkFactor(text: string): number {
  if (!/^[1-9][0-9]{0,2}$/.test(text)) throw new CryptoError('FORMAT_INVALID');
  return Number(text);
}

function checkWorkFactor(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SCRYPT_WORK_FACTOR) {
    throw new RangeError(`scrypt work factor must be an integer from 1 to ${MAX_SCRYPT_WORK_FACTOR}`);
  }
  return value;
}

function deriveKey(passphrase: string, salt: Uint8Array, workFactor: number): Uint8Array {
  const label = new TextEncoder().encode(LABEL);
  const fullSalt = new Uint8Array(label.length + salt.length);
  fullSalt.set(label);
  fullSalt.set(salt, label.length);
  const N = 2 ** workFactor;
  // noble refuses memory above maxmem; allow what this N needs (128 * r * N) plus its small buffers.
  return scrypt(new TextEncoder().encode(passphrase), fullSalt, { N, r: 8, p: 1, dkLen: 32, maxmem: 128 * 8 * N + 1024 * 1024 });
}
