// A practitioner adds a document to a patient's record (SHARING2.md A). Before anything is encrypted or
// sent, the grant is checked as listSharedWithMe checks it (owner bundle against its pin, the owner's
// vault manifest against our last head, our own active share in it) and the signed share must make us a
// contributor (RECIPIENT_NOT_ALLOWED otherwise). Then the payload goes up through the usual upload routes,
// and the contribution is sent: metadata under a new file key, a document manifest we sign as its author,
// and one envelope — the file key sealed for the owner's pinned key, signed by us. The owner's client
// verifies all of it before the document joins the record (pending-contributions.ts).
import { newFileKey, type DocumentContext } from '../../crypto/document-context.ts';
import { createDocumentEncryptor, documentPayloadLength, type ChunkAeadFactory } from '../../crypto/document.ts';
import { sealEnvelope } from '../../crypto/envelope.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { envelopeSetHash, fileKeyCommitment, signDocumentManifest } from '../../crypto/manifest.ts';
import { encryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { sha256 } from '../../crypto/primitives.ts';
import { toBase64url } from '../../shared/binary.ts';
import type { ContributeRequest } from '../../shared/contributions.ts';
import { commitUploadResponseSchema, uploadStateSchema } from '../../shared/documents.ts';
import { listReceivedGrantsResponseSchema } from '../../shared/grants.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import type { PinStore } from './pins.ts';
import { commitHeads, openReceivedGrant, type SharedState } from './shared-with-me.ts';
import { newDocumentId, sendRanges } from './upload.ts';

export interface ContributionInput {
  /** The grant that makes us a contributor (SharedByPatient.grants[].grantId). */
  grantId: string;
  /** The plaintext, exactly `size` bytes. */
  stream: ReadableStream<Uint8Array>;
  size: number;
  metadata: Omit<DocumentMetadata, 'realLength'>;
  chunkBytes?: number;
  onProgress?: (sent: number, total: number) => void;
  chunkAead?: ChunkAeadFactory;
}

/**
 * Uploads one new document into the patient's vault of `input.grantId` as a pending contribution. Throws
 * NOT_FOUND (no such active grant), KEY_CHANGED, ROLLBACK / CHAIN_BROKEN, RECIPIENT_NOT_ALLOWED (not an
 * active contributor in the signed manifest), and the server's refusals (CONFLICT: too many pending).
 */
export async function contribute(api: ApiClient, account: UnlockedAccount, pins: PinStore, state: SharedState, input: ContributionInput): Promise<{ vaultId: string; documentId: string }> {
  const { grants } = await request(api, 'GET', '/api/shares', listReceivedGrantsResponseSchema);
  const received = grants.find((entry) => entry.grantId === input.grantId);
  if (received === undefined) throw new ApiClientError('NOT_FOUND', 404);
  const grant = await openReceivedGrant(api, account, pins, state, received);
  grant.grantKey.fill(0);
  if (grant.share.role !== 'contributor') throw new CryptoError('RECIPIENT_NOT_ALLOWED');
  commitHeads(state, grant);

  const { vaultId } = grant;
  const documentId = newDocumentId();
  const context: DocumentContext = { vaultId, documentId, version: 1 };
  const fileKey = newFileKey();
  const total = documentPayloadLength(input.size);
  const { uploadId } = await request(api, 'POST', `/api/vaults/${vaultId}/uploads`, uploadStateSchema, { json: { size: total } });
  const uploadPath = `/api/vaults/${vaultId}/uploads/${uploadId}`;
  try {
    const encrypted = input.stream.pipeThrough(createDocumentEncryptor(fileKey, context, input.size, { chunkAead: input.chunkAead }));
    const payloadHash = await sendRanges(api, uploadPath, encrypted, total, input);
    const metadata = encryptMetadata(fileKey, context, { ...input.metadata, realLength: input.size });
    const envelope = sealEnvelope(fileKey, context, grant.owner.encryptionPublicKey, account.identity.signingSeed);
    const manifest = signDocumentManifest({
      vaultId, documentId, documentVersion: 1, authorAccountId: account.accountId,
      fileKeyCommitment: fileKeyCommitment(fileKey, context), payloadHash, metadataHash: sha256(metadata),
      envelopeSetHash: envelopeSetHash([envelope]), createdAt: Date.now(),
    }, account.identity.signingSeed);
    const body: ContributeRequest = { documentId, metadata: toBase64url(metadata), manifest: toBase64url(manifest), envelopes: [toBase64url(envelope)] };
    await request(api, 'POST', `${uploadPath}/contribute`, commitUploadResponseSchema, { json: body });
    return { vaultId, documentId };
  } catch (error) {
    await request(api, 'DELETE', uploadPath, null).catch(() => undefined);
    throw error;
  } finally {
    fileKey.fill(0);
  }
}
