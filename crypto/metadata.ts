// Encrypted document metadata, format v1 (ATK-07, ATK-11, ATK-15, ATK-26).
//
//   blob    = header | XChaCha20-Poly1305(metadataKey, nonce, padded, aad)
//   header  = "CSDM" | u8 formatVersion (= 1) | u8 algorithm (= 0x03, XChaCha20-Poly1305) | fixed24 nonce
//   padded  = u32 bodyLength | body | zero bytes, metadataPaddedLength(4 + bodyLength) bytes in all
//   metadataKey = HKDF-SHA256(fileKey, salt = "", info = text("coffre-sante/v1/document-metadata") | context)
//   aad     = text("coffre-sante/v1/document-metadata") | fixed30 header | context | text(role = "metadata")
//
// body is the canonical encoding of metadata-fields.ts. The key binds the document version; the
// associated data binds it again with the header and the field role, so metadata moved to another record
// or version, or put in place of another encrypted field, fails to authenticate. The nonce is random:
// 192 bits make collisions negligible even if a file key were ever reused. Sizes leak only the bucket.

import { deriveDocumentKey, encodeDocumentContext, type DocumentContext } from './document-context.ts';
import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { decodeMetadataBody, encodeMetadataBody, type DocumentMetadata } from './metadata-fields.ts';
import { metadataPaddedLength } from './padding.ts';
import { randomBytes, xchacha20poly1305Open, xchacha20poly1305Seal } from './primitives.ts';

export type { DocumentMetadata } from './metadata-fields.ts';

export const METADATA_MAGIC = 'CSDM';
export const METADATA_FORMAT_VERSION = 1;
export const METADATA_LABEL = 'coffre-sante/v1/document-metadata';
export const METADATA_ROLE = 'metadata';
/** Algorithm ids share one space with the payload's: 0x03 is XChaCha20-Poly1305. */
export const METADATA_ALGORITHM_XCHACHA20_POLY1305 = 0x03;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
export const METADATA_HEADER_BYTES = 4 + 1 + 1 + NONCE_BYTES;
/** Largest padded plaintext a reader accepts; bodies are under 16 KiB, so this is never reached honestly. */
const MAX_PADDED_BYTES = 64 * 1024;

const MAGIC_BYTES = new TextEncoder().encode(METADATA_MAGIC);

export interface MetadataEncryptOptions {
  /** Fixes the nonce, for known-answer vectors only. Never set it in production. */
  testOnlyNonce?: Uint8Array;
}

/**
 * Encrypts `metadata` for the given document version under a key derived from its file key. RangeError or
 * TypeError when a field breaks its rule (the message names the field, never its value).
 */
export function encryptMetadata(
  fileKey: Uint8Array,
  context: DocumentContext,
  metadata: DocumentMetadata,
  options: MetadataEncryptOptions = {},
): Uint8Array {
  const body = encodeMetadataBody(metadata);
  const padded = new Uint8Array(metadataPaddedLength(4 + body.length));
  new DataView(padded.buffer).setUint32(0, body.length);
  padded.set(body, 4);
  const nonce = options.testOnlyNonce ?? randomBytes(NONCE_BYTES);
  const header = new ByteWriter()
    .fixed(MAGIC_BYTES, MAGIC_BYTES.length)
    .u8(METADATA_FORMAT_VERSION)
    .u8(METADATA_ALGORITHM_XCHACHA20_POLY1305)
    .fixed(nonce, NONCE_BYTES)
    .finish();
  const key = deriveDocumentKey(fileKey, new Uint8Array(0), METADATA_LABEL, context);
  const sealed = xchacha20poly1305Seal(key, nonce, padded, associatedData(header, context));
  key.fill(0);
  const blob = new Uint8Array(header.length + sealed.length);
  blob.set(header);
  blob.set(sealed, header.length);
  return blob;
}

/**
 * Decrypts and validates a metadata blob. Throws CryptoError: VERSION_UNSUPPORTED (format version or
 * algorithm not allowlisted), FORMAT_INVALID (magic, size, padding, encoding, a field out of its rules),
 * DECRYPTION_FAILED (wrong key, another record's or role's metadata, altered bytes).
 */
export function decryptMetadata(fileKey: Uint8Array, context: DocumentContext, blob: Uint8Array): DocumentMetadata {
  const reader = new ByteReader(blob);
  const magic = reader.fixed(MAGIC_BYTES.length);
  if (!magic.every((byte, i) => byte === MAGIC_BYTES[i])) throw new CryptoError('FORMAT_INVALID');
  if (reader.u8() !== METADATA_FORMAT_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  if (reader.u8() !== METADATA_ALGORITHM_XCHACHA20_POLY1305) throw new CryptoError('VERSION_UNSUPPORTED');
  const nonce = reader.fixed(NONCE_BYTES);
  const sealed = reader.fixed(reader.remaining);
  if (sealed.length < TAG_BYTES + 4 || sealed.length > MAX_PADDED_BYTES + TAG_BYTES) throw new CryptoError('FORMAT_INVALID');
  const header = blob.subarray(0, METADATA_HEADER_BYTES);
  const key = deriveDocumentKey(fileKey, new Uint8Array(0), METADATA_LABEL, context);
  try {
    return decodeMetadataBody(unpad(xchacha20poly1305Open(key, nonce, sealed, associatedData(header, context))));
  } finally {
    key.fill(0);
  }
}

/** The body inside `padded`, after checking the length prefix, the bucket and that padding is zero. */
function unpad(padded: Uint8Array): Uint8Array {
  const bodyLength = new ByteReader(padded.subarray(0, 4)).u32();
  if (bodyLength > padded.length - 4 || metadataPaddedLength(4 + bodyLength) !== padded.length) {
    throw new CryptoError('FORMAT_INVALID');
  }
  let padding = 0;
  for (const byte of padded.subarray(4 + bodyLength)) padding |= byte;
  if (padding !== 0) throw new CryptoError('FORMAT_INVALID');
  return padded.subarray(4, 4 + bodyLength);
}

function associatedData(header: Uint8Array, context: DocumentContext): Uint8Array {
  const encodedContext = encodeDocumentContext(context);
  return new ByteWriter()
    .text(METADATA_LABEL)
    .fixed(header, METADATA_HEADER_BYTES)
    .fixed(encodedContext, encodedContext.length)
    .text(METADATA_ROLE)
    .finish();
}
