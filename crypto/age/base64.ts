// Strict base64 for the age format (C2SP age.md, "Conventions"): the header uses unpadded base64, the
// ASCII armor padded base64. Decoders accept only the canonical encoding (RFC 4648 §3.5): no padding where
// none belongs, zero unused bits, no whitespace or line breaks. We check canonicality ourselves by
// re-encoding, so a more lenient library (or a native fast path) can never make a stanza malleable.

import { base64, base64nopad } from '@scure/base';
import { CryptoError, type CryptoErrorCode } from '../errors.ts';

const RAW_ALPHABET = /^[A-Za-z0-9+/]*$/;
const PADDED_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeRawBase64(bytes: Uint8Array): string {
  return base64nopad.encode(bytes);
}

export function encodePaddedBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/** Unpadded canonical base64 to bytes; anything else throws CryptoError(`code`). */
export function decodeRawBase64(text: string, code: CryptoErrorCode = 'FORMAT_INVALID'): Uint8Array {
  if (!RAW_ALPHABET.test(text)) throw new CryptoError(code);
  return decodeCanonical(text, code, (s) => base64nopad.decode(s), encodeRawBase64);
}

/** Padded canonical base64 to bytes; anything else throws CryptoError(`code`). */
export function decodePaddedBase64(text: string, code: CryptoErrorCode = 'ARMOR_INVALID'): Uint8Array {
  if (!PADDED_ALPHABET.test(text) || text.length % 4 !== 0) throw new CryptoError(code);
  return decodeCanonical(text, code, (s) => base64.decode(s), encodePaddedBase64);
}

function decodeCanonical(
  text: string,
  code: CryptoErrorCode,
  decode: (s: string) => Uint8Array,
  encode: (b: Uint8Array) => string,
): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decode(text);
  } catch (error) {
    throw new CryptoError(code, { cause: error });
  }
  if (encode(bytes) !== text) throw new CryptoError(code);
  return bytes;
}

// Fast paths for the armor body, where almost every line is 64 characters for 48 bytes: table lookups on
// bytes, no strings. A full line has no padding and no unused bits, so any line of alphabet characters is
// canonical; anything else goes to the strict decoder above.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHAR_CODES = new TextEncoder().encode(ALPHABET);
const VALUES = new Int16Array(256).fill(-1);
for (const [index, code] of CHAR_CODES.entries()) VALUES[code] = index;
export const LINE_CHARS = 64;
export const LINE_BYTES = 48;

/** `bytes` (a multiple of 48 long) as 64-character lines, each followed by LF. */
export function encodeFullLines(bytes: Uint8Array): Uint8Array {
  if (bytes.length % LINE_BYTES !== 0) throw new RangeError('expected whole 48-byte lines');
  const out = new Uint8Array((bytes.length / LINE_BYTES) * (LINE_CHARS + 1));
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CHAR_CODES[n >>> 18]!;
    out[o++] = CHAR_CODES[(n >>> 12) & 63]!;
    out[o++] = CHAR_CODES[(n >>> 6) & 63]!;
    out[o++] = CHAR_CODES[n & 63]!;
    if ((i + 3) % LINE_BYTES === 0) out[o++] = 0x0a;
  }
  return out;
}

/** Decodes the 64 characters at src[start..] into 48 bytes at out[at..]; false if any is not base64. */
export function decodeFullLine(src: Uint8Array, start: number, out: Uint8Array, at: number): boolean {
  let o = at;
  for (let i = start; i < start + LINE_CHARS; i += 4) {
    const a = VALUES[src[i]!]!;
    const b = VALUES[src[i + 1]!]!;
    const c = VALUES[src[i + 2]!]!;
    const d = VALUES[src[i + 3]!]!;
    if ((a | b | c | d) < 0) return false;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  return true;
}
