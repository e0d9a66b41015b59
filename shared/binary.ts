// Binary fields on the wire: unpadded base64url strings (RFC 4648 §5) with a byte-length bound checked by
// the schema, so an oversize field is refused before it is decoded. Only the canonical spelling is
// accepted (unused low bits zero), so one byte string has exactly one encoding.
import { base64urlnopad } from '@scure/base';
import { z } from 'zod';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SHAPE = /^[A-Za-z0-9_-]*$/;

/** Length in characters of n bytes encoded without padding. */
export function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** Bytes held by a canonical encoding of this many characters. */
export function decodedLength(characters: number): number {
  return Math.floor((characters * 3) / 4);
}

function isCanonical(text: string): boolean {
  if (!SHAPE.test(text)) return false;
  const tail = text.length % 4;
  if (tail === 0) return true;
  if (tail === 1) return false;
  const last = ALPHABET.indexOf(text.charAt(text.length - 1));
  return last % (tail === 2 ? 16 : 4) === 0;
}

/** A schema for minBytes..maxBytes bytes as canonical unpadded base64url. */
export function bytesField(maxBytes: number, minBytes = 0) {
  return z
    .string()
    .min(base64urlLength(minBytes))
    .max(base64urlLength(maxBytes))
    .refine(isCanonical, { message: 'not canonical base64url' })
    .refine((text) => decodedLength(text.length) >= minBytes && decodedLength(text.length) <= maxBytes);
}

/** Exactly n bytes. */
export function fixedBytesField(bytes: number) {
  return bytesField(bytes, bytes);
}

export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Decodes a string a bytesField schema accepted; throws on anything else. */
export function fromBase64url(text: string): Uint8Array {
  return base64urlnopad.decode(text);
}
