// Where a document version's payload and metadata belong, and the keys derived for them from its file key.
//
// Every key derived from a file key binds a versioned purpose label and the canonical context
//   context = text(vaultId) | text(documentId) | u32(version)        (ByteWriter encoding, as the manifest
//                                                                      and envelopes write it)
// so a blob moved to another vault, document, version or role is opened under a different key and fails
// to authenticate (ATK-11), even when the same file key were reused by mistake.

import { ByteWriter } from './encoding.ts';
import { checkLength, hkdfSha256, KEY_BYTES, randomBytes } from './primitives.ts';

/** Identifies one version of one document. Ids are opaque strings of 1 to 256 UTF-8 bytes (UUIDs here). */
export interface DocumentContext {
  vaultId: string;
  documentId: string;
  /** Document version, 0 .. 2^32 - 1. */
  version: number;
}

export const FILE_KEY_BYTES = KEY_BYTES;
const MAX_ID_BYTES = 256;

/** A fresh random file key. One per document version: never reuse it for another version. */
export function newFileKey(): Uint8Array {
  return randomBytes(FILE_KEY_BYTES);
}

/** The canonical context encoding. RangeError when an id is empty or too long, or the version not a u32. */
export function encodeDocumentContext(context: DocumentContext): Uint8Array {
  checkId(context.vaultId, 'vaultId');
  checkId(context.documentId, 'documentId');
  return new ByteWriter().text(context.vaultId).text(context.documentId).u32(context.version).finish();
}

/**
 * subkey = HKDF-SHA256(ikm = fileKey, salt, info = text(label) | context, 32 bytes).
 * `label` names the purpose and the format version ("coffre-sante/v1/...").
 */
export function deriveDocumentKey(fileKey: Uint8Array, salt: Uint8Array, label: string, context: DocumentContext): Uint8Array {
  checkLength(fileKey, FILE_KEY_BYTES, 'file key');
  const encoded = encodeDocumentContext(context);
  const info = new ByteWriter().text(label).fixed(encoded, encoded.length).finish();
  return hkdfSha256(fileKey, salt, info, KEY_BYTES);
}

function checkId(id: string, what: string): void {
  if (typeof id !== 'string') throw new TypeError(`${what} must be a string`);
  const length = new TextEncoder().encode(id).length;
  if (length === 0 || length > MAX_ID_BYTES) throw new RangeError(`${what} must be 1 to ${MAX_ID_BYTES} UTF-8 bytes`);
}
