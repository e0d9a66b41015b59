// The signed manifest of one document version (ATK-06, ATK-11, ATK-12, ATK-13, ATK-26).
//
// Signed layout (integers big-endian):
//   u16 version (= 1) | text vaultId | text documentId | u32 documentVersion | text authorAccountId
//   | fixed32 authorSigningKey | fixed32 fileKeyCommitment | fixed32 payloadHash | fixed32 metadataHash
//   | fixed32 envelopeSetHash | u64 createdAt (ms) | fixed64 signature
//   signature         = Ed25519(author, text("coffre-sante/v1/document-manifest") | bytes(everything before it))
//   fileKeyCommitment = HMAC-SHA256(key = fileKey, text("coffre-sante/v1/file-key-commitment") | u32 len(fileKey)
//                                    | text vaultId | text documentId | u32 documentVersion)
//   payloadHash, metadataHash = SHA-256 of the ciphertext blobs exactly as stored
//   envelopeSetHash   = SHA-256(text("coffre-sante/v1/envelope-set") | u32 n | SHA-256(envelope_i) sorted ascending)
//   manifestHash      = SHA-256(text("coffre-sante/v1/document-manifest-hash") | bytes(signed manifest))
// The commitment makes every reader check that it got the author's file key (ATK-12): HMAC-SHA256 is
// collision resistant in its key for a fixed message, and the key length is in the message, so no second
// key (not even the first one with zero bytes appended) gives the same commitment.

import { ByteReader, ByteWriter } from './encoding.ts';
import type { DocumentVersionRef } from './envelope.ts';
import { isAllowedSigner } from './envelope.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, readAccountId } from './identity.ts';
import { constantTimeEqual, ed25519Keygen, ed25519Sign, ed25519Verify, HASH_BYTES, hmacSha256, KEY_BYTES, sha256, SIGNATURE_BYTES } from './primitives.ts';

export const DOCUMENT_MANIFEST_VERSION = 1;
export const DOCUMENT_MANIFEST_LABEL = 'coffre-sante/v1/document-manifest';
export const DOCUMENT_MANIFEST_HASH_LABEL = 'coffre-sante/v1/document-manifest-hash';
export const FILE_KEY_COMMITMENT_LABEL = 'coffre-sante/v1/file-key-commitment';
export const ENVELOPE_SET_LABEL = 'coffre-sante/v1/envelope-set';

export interface DocumentManifestFields {
  vaultId: string;
  documentId: string;
  documentVersion: number;
  authorAccountId: string;
  fileKeyCommitment: Uint8Array;
  payloadHash: Uint8Array;
  metadataHash: Uint8Array;
  envelopeSetHash: Uint8Array;
  /** Milliseconds since the Unix epoch, as the author's clock saw it. */
  createdAt: number;
}

export interface DocumentManifest extends DocumentManifestFields {
  version: typeof DOCUMENT_MANIFEST_VERSION;
  authorSigningKey: Uint8Array;
}

export function fileKeyCommitment(fileKey: Uint8Array, ref: DocumentVersionRef): Uint8Array {
  checkAccountId(ref.vaultId);
  checkAccountId(ref.documentId);
  const message = new ByteWriter()
    .text(FILE_KEY_COMMITMENT_LABEL)
    .u32(fileKey.length)
    .text(ref.vaultId)
    .text(ref.documentId)
    .u32(ref.version)
    .finish();
  return hmacSha256(fileKey, message);
}

/** Order-independent hash of the envelopes made with this version. */
export function envelopeSetHash(envelopes: readonly Uint8Array[]): Uint8Array {
  const hashes = envelopes.map((envelope) => sha256(envelope)).sort(compareBytes);
  const writer = new ByteWriter().text(ENVELOPE_SET_LABEL).u32(hashes.length);
  for (const hash of hashes) writer.fixed(hash, HASH_BYTES);
  return sha256(writer.finish());
}

export function signDocumentManifest(fields: DocumentManifestFields, authorSigningSeed: Uint8Array): Uint8Array {
  const manifest: DocumentManifest = {
    version: DOCUMENT_MANIFEST_VERSION,
    ...fields,
    authorSigningKey: ed25519Keygen(authorSigningSeed).publicKey,
  };
  const body = encodeBody(manifest);
  const signature = ed25519Sign(authorSigningSeed, labelled(DOCUMENT_MANIFEST_LABEL, body));
  return new ByteWriter().fixed(body, body.length).fixed(signature, SIGNATURE_BYTES).finish();
}

/**
 * Parses and verifies a signed manifest. Throws VERSION_UNSUPPORTED (unknown version), FORMAT_INVALID,
 * SIGNER_NOT_ALLOWED (author key not in `allowedSigners`), SIGNATURE_INVALID, and MANIFEST_MISMATCH when
 * `expected` is given and the manifest is for another vault, document or version (a swapped record).
 */
export function verifyDocumentManifest(
  bytes: Uint8Array,
  options: { allowedSigners: readonly Uint8Array[]; expected?: DocumentVersionRef },
): DocumentManifest {
  const { body, signature } = splitSigned(bytes);
  const manifest = decodeBody(body);
  if (!isAllowedSigner(manifest.authorSigningKey, options.allowedSigners)) throw new CryptoError('SIGNER_NOT_ALLOWED');
  if (!ed25519Verify(manifest.authorSigningKey, labelled(DOCUMENT_MANIFEST_LABEL, body), signature)) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  if (options.expected !== undefined) checkRef(manifest, options.expected);
  return manifest;
}

/**
 * The fast path when opening a vault: a manifest whose manifestHash the owner-signed vault manifest lists
 * was checked by the owner's client before it was listed, so matching the hash replaces the signature check
 * (one SHA-256 instead of one Ed25519 verification). MANIFEST_MISMATCH when the hash or `expected` differs.
 */
export function acceptListedDocumentManifest(bytes: Uint8Array, listedHash: Uint8Array, expected?: DocumentVersionRef): DocumentManifest {
  if (!constantTimeEqual(documentManifestHash(bytes), listedHash)) throw new CryptoError('MANIFEST_MISMATCH');
  const manifest = decodeBody(splitSigned(bytes).body);
  if (expected !== undefined) checkRef(manifest, expected);
  return manifest;
}

export function documentManifestHash(bytes: Uint8Array): Uint8Array {
  return sha256(labelled(DOCUMENT_MANIFEST_HASH_LABEL, bytes));
}

/** Throws COMMITMENT_MISMATCH unless `fileKey` is the key the author committed to. */
export function checkFileKeyCommitment(manifest: DocumentManifest, fileKey: Uint8Array): void {
  const ref = { vaultId: manifest.vaultId, documentId: manifest.documentId, version: manifest.documentVersion };
  if (!constantTimeEqual(fileKeyCommitment(fileKey, ref), manifest.fileKeyCommitment)) {
    throw new CryptoError('COMMITMENT_MISMATCH');
  }
}

/** Throws MANIFEST_MISMATCH when any given hash differs from the signed one. */
export function checkBlobHashes(
  manifest: DocumentManifest,
  hashes: { payloadHash?: Uint8Array; metadataHash?: Uint8Array; envelopeSetHash?: Uint8Array },
): void {
  const pairs: [Uint8Array | undefined, Uint8Array][] = [
    [hashes.payloadHash, manifest.payloadHash],
    [hashes.metadataHash, manifest.metadataHash],
    [hashes.envelopeSetHash, manifest.envelopeSetHash],
  ];
  for (const [given, signed] of pairs) {
    if (given !== undefined && !constantTimeEqual(given, signed)) throw new CryptoError('MANIFEST_MISMATCH');
  }
}

function checkRef(manifest: DocumentManifest, expected: DocumentVersionRef): void {
  if (
    manifest.vaultId !== expected.vaultId ||
    manifest.documentId !== expected.documentId ||
    manifest.documentVersion !== expected.version
  ) {
    throw new CryptoError('MANIFEST_MISMATCH');
  }
}

function splitSigned(bytes: Uint8Array): { body: Uint8Array; signature: Uint8Array } {
  if (bytes.length < 2 + SIGNATURE_BYTES) throw new CryptoError('FORMAT_INVALID');
  return { body: bytes.subarray(0, bytes.length - SIGNATURE_BYTES), signature: bytes.subarray(bytes.length - SIGNATURE_BYTES) };
}

function encodeBody(manifest: DocumentManifest): Uint8Array {
  checkAccountId(manifest.vaultId);
  checkAccountId(manifest.documentId);
  checkAccountId(manifest.authorAccountId);
  return new ByteWriter()
    .u16(manifest.version)
    .text(manifest.vaultId)
    .text(manifest.documentId)
    .u32(manifest.documentVersion)
    .text(manifest.authorAccountId)
    .fixed(manifest.authorSigningKey, KEY_BYTES)
    .fixed(manifest.fileKeyCommitment, HASH_BYTES)
    .fixed(manifest.payloadHash, HASH_BYTES)
    .fixed(manifest.metadataHash, HASH_BYTES)
    .fixed(manifest.envelopeSetHash, HASH_BYTES)
    .u64(manifest.createdAt)
    .finish();
}

function decodeBody(body: Uint8Array): DocumentManifest {
  const reader = new ByteReader(body);
  if (reader.u16() !== DOCUMENT_MANIFEST_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const manifest: DocumentManifest = {
    version: DOCUMENT_MANIFEST_VERSION,
    vaultId: readAccountId(reader),
    documentId: readAccountId(reader),
    documentVersion: reader.u32(),
    authorAccountId: readAccountId(reader),
    authorSigningKey: reader.fixed(KEY_BYTES),
    fileKeyCommitment: reader.fixed(HASH_BYTES),
    payloadHash: reader.fixed(HASH_BYTES),
    metadataHash: reader.fixed(HASH_BYTES),
    envelopeSetHash: reader.fixed(HASH_BYTES),
    createdAt: reader.u64(),
  };
  reader.end();
  return manifest;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
