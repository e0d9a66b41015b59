// Opening one document version served by the server: its manifest is accepted by the hash the verified
// vault manifest lists (current versions) or by the author's signature (older versions), the metadata and
// envelope set must match the signed hashes, and the file key from our envelope must match the signed
// commitment before anything is decrypted with it (ATK-05/06/11/12/13).
import type { DocumentContext } from '../../crypto/document-context.ts';
import { envelopeOpener, openEnvelope } from '../../crypto/envelope.ts';
import { CryptoError } from '../../crypto/errors.ts';
import {
  acceptListedDocumentManifest, checkBlobHashes, checkFileKeyCommitment, envelopeSetHash, verifyDocumentManifest,
  type DocumentManifest,
} from '../../crypto/manifest.ts';
import { decryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { sha256 } from '../../crypto/primitives.ts';
import { allowedWriters, type VaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url } from '../../shared/binary.ts';
import type { DocumentVersionResponse } from '../../shared/documents.ts';
import type { UnlockedAccount } from './account.ts';

export interface OpenedVersion {
  context: DocumentContext;
  manifest: DocumentManifest;
  metadata: DocumentMetadata;
  /** Checked against the signed commitment. Held only in memory, for the payload of this version. */
  fileKey: Uint8Array;
}

/** Signing keys that may author documents and envelopes here: from the vault manifest, or the owner alone. */
export function writersOf(account: UnlockedAccount, vault: VaultManifest | null, now: number): Uint8Array[] {
  return vault === null ? [account.bundle.signingPublicKey] : allowedWriters(vault, now);
}

/**
 * Verifies and opens `served`, expected to be version `context`. `listedHash` is the manifest hash the
 * verified vault manifest lists for it (current version); without it the signature is checked.
 */
export function openVersion(account: UnlockedAccount, writers: readonly Uint8Array[], served: DocumentVersionResponse, context: DocumentContext, listedHash?: Uint8Array): OpenedVersion {
  if (served.documentId !== context.documentId || served.version !== context.version) throw new CryptoError('MANIFEST_MISMATCH');
  const bytes = fromBase64url(served.manifest);
  const manifest = listedHash === undefined
    ? verifyDocumentManifest(bytes, { allowedSigners: writers, expected: context })
    : acceptListedDocumentManifest(bytes, listedHash, context);
  const metadataBlob = fromBase64url(served.metadata);
  const envelopes = served.envelopes.map(fromBase64url);
  checkBlobHashes(manifest, { metadataHash: sha256(metadataBlob), envelopeSetHash: envelopeSetHash(envelopes) });
  // A listed manifest was verified by the owner's client before it was listed, author included: its envelope
  // stays openable once that author (a contributor) is no longer a writer.
  const signers = listedHash === undefined ? writers : [...writers, manifest.authorSigningKey];
  const fileKey = fileKeyFrom(account, signers, envelopes, context);
  checkFileKeyCommitment(manifest, fileKey);
  return { context, manifest, metadata: decryptMetadata(fileKey, context, metadataBlob), fileKey };
}

/** The file key from the first envelope addressed to us; NO_MATCH when none is. */
function fileKeyFrom(account: UnlockedAccount, writers: readonly Uint8Array[], envelopes: readonly Uint8Array[], context: DocumentContext): Uint8Array {
  const opener = envelopeOpener(account.identity.kemSeed);
  for (const envelope of envelopes) {
    const key = openEnvelope(envelope, context, opener, writers);
    if (key !== null) return key;
  }
  throw new CryptoError('NO_MATCH');
}
