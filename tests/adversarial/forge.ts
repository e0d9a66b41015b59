// Documents built outside the client core with the real crypto: what a malicious server can make (anything
// encrypted TO a public key it knows, signed by keys of its own), and what a faulty author could commit
// (an envelope set holding a key other than the committed one).
import type { UnlockedAccount } from '../../client/core/account.ts';
import { request, type ApiClient } from '../../client/core/api.ts';
import { fetchVaultManifest, nextVaultManifest, type VaultState } from '../../client/core/vault.ts';
import { newFileKey, type DocumentContext } from '../../crypto/document-context.ts';
import { encryptDocumentBytes } from '../../crypto/document.ts';
import { ENVELOPE_VERSION, sealEnvelope } from '../../crypto/envelope.ts';
import { ByteReader, ByteWriter } from '../../crypto/encoding.ts';
import { labelled } from '../../crypto/identity.ts';
import { documentManifestHash, envelopeSetHash, fileKeyCommitment, signDocumentManifest } from '../../crypto/manifest.ts';
import { encryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { ed25519Keygen, ed25519Sign, sha256 } from '../../crypto/primitives.ts';
import { toBase64url } from '../../shared/binary.ts';
import { commitUploadResponseSchema, uploadStateSchema, type DocumentVersionResponse } from '../../shared/documents.ts';
import { METADATA } from './world.ts';

export interface ForgeSpec {
  context: DocumentContext;
  plaintext: Uint8Array;
  metadata?: Partial<DocumentMetadata>;
  /** Who the envelope is encrypted to (the patient's hybrid public key). */
  recipientPublicKey: Uint8Array;
  /** Signs the envelopes and the document manifest. */
  signerSeed: Uint8Array;
  authorAccountId: string;
  /** Wrapped and signed beside the real file key, listed in the same envelope set. */
  otherFileKeys?: Uint8Array[];
}

export interface Forged {
  response: DocumentVersionResponse;
  payload: Uint8Array;
  fileKey: Uint8Array;
  manifest: Uint8Array;
}

export async function forgeVersion(spec: ForgeSpec): Promise<Forged> {
  const { context } = spec;
  const fileKey = newFileKey();
  const payload = await encryptDocumentBytes(fileKey, context, spec.plaintext);
  const metadata = encryptMetadata(fileKey, context, { ...METADATA, ...spec.metadata, realLength: spec.plaintext.length });
  const envelopes = [fileKey, ...(spec.otherFileKeys ?? [])].map((key) => sealEnvelope(key, context, spec.recipientPublicKey, spec.signerSeed));
  const createdAt = Date.now();
  const manifest = signDocumentManifest({
    vaultId: context.vaultId, documentId: context.documentId, documentVersion: context.version, authorAccountId: spec.authorAccountId,
    fileKeyCommitment: fileKeyCommitment(fileKey, context), payloadHash: sha256(payload), metadataHash: sha256(metadata),
    envelopeSetHash: envelopeSetHash(envelopes), createdAt,
  }, spec.signerSeed);
  const response: DocumentVersionResponse = {
    documentId: context.documentId, version: context.version, authorAccountId: spec.authorAccountId, payloadSize: payload.length, createdAt,
    metadata: toBase64url(metadata), manifest: toBase64url(manifest), envelopes: envelopes.map(toBase64url),
  };
  return { response, payload, fileKey, manifest };
}

/** Commits a forged version through the real upload routes with the next signed vault manifest. */
export async function commitForged(api: ApiClient, account: UnlockedAccount, state: VaultState, forged: Forged): Promise<void> {
  const { vaultId } = account;
  const current = await fetchVaultManifest(api, account, state);
  const { uploadId } = await request(api, 'POST', `/api/vaults/${vaultId}/uploads`, uploadStateSchema, { json: { size: forged.payload.length } });
  const path = `/api/vaults/${vaultId}/uploads/${uploadId}`;
  await request(api, 'PUT', path, uploadStateSchema, {
    body: forged.payload,
    headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${String(forged.payload.length - 1)}/${String(forged.payload.length)}` },
  });
  const { documentId, version } = forged.response;
  const record = { documentId, currentVersion: version, manifestHash: documentManifestHash(forged.manifest) };
  const next = nextVaultManifest(account, current, state, { set: record }, Date.now());
  await request(api, 'POST', `${path}/commit`, commitUploadResponseSchema, {
    json: { documentId, version, metadata: forged.response.metadata, manifest: forged.response.manifest, envelopes: forged.response.envelopes, vaultManifest: next.update },
  });
  state.head = next.head;
}

/**
 * A signed envelope (envelope.ts layout) with its stanza untouched but its recipient key id replaced by
 * `keyId`, signed again by `signerSeed` over `context` (the bytes envelope.ts binds for its `label`). Signed
 * by an allowed writer, it passes every check but the KEM itself: what is left is whether the stanza opens
 * with the reader's seed.
 */
export function readdressEnvelope(envelope: Uint8Array, spec: { label: string; context: Uint8Array; keyId: Uint8Array; signerSeed: Uint8Array }): Uint8Array {
  const reader = new ByteReader(envelope);
  reader.u16();
  reader.fixed(32);
  const stanza = reader.bytes();
  const body = new ByteWriter().u16(ENVELOPE_VERSION).fixed(spec.context, spec.context.length).fixed(spec.keyId, 32).bytes(stanza).finish();
  const signature = ed25519Sign(spec.signerSeed, labelled(spec.label, body));
  return new ByteWriter().u16(ENVELOPE_VERSION).fixed(spec.keyId, 32).bytes(stanza).fixed(ed25519Keygen(spec.signerSeed).publicKey, 32).fixed(signature, 64).finish();
}
