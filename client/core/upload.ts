// Adding a document version: a new file key, the payload encrypted as a stream and sent in ranges to the
// resumable upload routes (memory bounded by two ranges, whatever the file size), then encrypted metadata,
// the file key sealed for the account, the signed document manifest and the signed next vault manifest,
// all committed at once by the server. The new version is also wrapped for every active grant whose scope
// covers it, with that grant's next signed list, in the same commit (SHARING.md "Upload") — unless the
// sealed vault settings hide the document from practitioners.
import { newFileKey, type DocumentContext } from '../../crypto/document-context.ts';
import { createDocumentEncryptor, documentPayloadLength, type ChunkAeadFactory } from '../../crypto/document.ts';
import { sealEnvelope, wrapForGrant } from '../../crypto/envelope.ts';
import { signGrantList } from '../../crypto/grant-list.ts';
import { documentManifestHash, envelopeSetHash, fileKeyCommitment, signDocumentManifest } from '../../crypto/manifest.ts';
import { encryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { createSha256, randomBytes, sha256 } from '../../crypto/primitives.ts';
import { toBase64url } from '../../shared/binary.ts';
import { commitUploadResponseSchema, uploadStateSchema, type CommitUploadRequest } from '../../shared/documents.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import { fetchOwnedGrants, forgetGrantKeys, isActive, scopeCovers, type OpenedGrant } from './owned-grants.ts';
import { fetchVaultManifest, nextVaultManifest, type VaultState } from './vault.ts';
import { fetchVaultSettings, type SettingsState } from './vault-settings.ts';

/** Bytes per PUT: a few MiB keeps memory flat and a lost connection cheap (the server allows 64 MiB). */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export interface UploadInput {
  /** The plaintext, exactly `size` bytes. */
  stream: ReadableStream<Uint8Array>;
  size: number;
  metadata: Omit<DocumentMetadata, 'realLength'>;
  /** A new version of this existing document; omitted: a new document. */
  documentId?: string;
  chunkBytes?: number;
  /** Called after each range the server stored: encrypted bytes sent so far, and in all. */
  onProgress?: (sent: number, total: number) => void;
  /** node:crypto in the CLI (client/cli/node-chunk-aead.ts); the pure default elsewhere. */
  chunkAead?: ChunkAeadFactory;
}

/** Uploads and commits one version; updates state.head to the new vault manifest. */
export async function uploadDocument(api: ApiClient, account: UnlockedAccount, state: VaultState & SettingsState, input: UploadInput): Promise<{ documentId: string; version: number }> {
  const current = await fetchVaultManifest(api, account, state);
  const documentId = input.documentId ?? newDocumentId();
  const existing = current?.records.find((record) => record.documentId === documentId);
  if (input.documentId !== undefined && existing === undefined) throw new ApiClientError('NOT_FOUND', 404);
  const context: DocumentContext = { vaultId: account.vaultId, documentId, version: (existing?.currentVersion ?? 0) + 1 };
  // Grants only exist with a share in the signed manifest; without one there is nothing to fetch.
  const grants = current !== null && current.shares.length > 0 ? await fetchOwnedGrants(api, account, current) : [];
  if (grants.length > 0 && (await fetchVaultSettings(api, account, state)).hiddenFromPractitioners.includes(documentId)) {
    forgetGrantKeys(grants);
    grants.length = 0;
  }
  const fileKey = newFileKey();
  const total = documentPayloadLength(input.size);
  const { uploadId } = await request(api, 'POST', `/api/vaults/${account.vaultId}/uploads`, uploadStateSchema, { json: { size: total } });
  const uploadPath = `/api/vaults/${account.vaultId}/uploads/${uploadId}`;
  try {
    const encrypted = input.stream.pipeThrough(createDocumentEncryptor(fileKey, context, input.size, { chunkAead: input.chunkAead }));
    const payloadHash = await sendRanges(api, uploadPath, encrypted, total, input);
    const metadata = encryptMetadata(fileKey, context, { ...input.metadata, realLength: input.size });
    const envelope = sealEnvelope(fileKey, context, account.bundle.encryptionPublicKey, account.identity.signingSeed);
    const manifest = signDocumentManifest({
      vaultId: account.vaultId, documentId, documentVersion: context.version, authorAccountId: account.accountId,
      fileKeyCommitment: fileKeyCommitment(fileKey, context), payloadHash, metadataHash: sha256(metadata),
      envelopeSetHash: envelopeSetHash([envelope]), createdAt: Date.now(),
    }, account.identity.signingSeed);
    const record = { documentId, currentVersion: context.version, manifestHash: documentManifestHash(manifest) };
    const next = nextVaultManifest(account, current, state, { set: record }, Date.now());
    const body: CommitUploadRequest = {
      documentId, version: context.version, metadata: toBase64url(metadata), manifest: toBase64url(manifest),
      envelopes: [toBase64url(envelope)], vaultManifest: next.update,
    };
    const grantUpdates = grantWrapsFor(account, grants, context, input.metadata.category, fileKey);
    if (grantUpdates.length > 0) body.grants = grantUpdates;
    await request(api, 'POST', `${uploadPath}/commit`, commitUploadResponseSchema, { json: body });
    state.head = next.head;
    return { documentId, version: context.version };
  } catch (error) {
    await request(api, 'DELETE', uploadPath, null).catch(() => undefined);
    throw error;
  } finally {
    fileKey.fill(0);
    forgetGrantKeys(grants);
  }
}

/**
 * The new version wrapped for each grant whose share is active in the signed manifest and whose scope
 * covers it (all; its category; or the document is listed already), with the grant's next list: the old
 * entries stay, so older versions remain readable.
 */
function grantWrapsFor(account: UnlockedAccount, grants: readonly OpenedGrant[], context: DocumentContext, category: string, fileKey: Uint8Array): NonNullable<CommitUploadRequest['grants']> {
  const now = Date.now();
  return grants
    .filter((grant) => isActive(grant, now) && scopeCovers(grant.scope, category, context.documentId, new Set(grant.list.entries.map((entry) => entry.documentId))))
    .map((grant) => {
      const sequence = grant.list.sequence + 1;
      const entries = [...grant.list.entries, { documentId: context.documentId, version: context.version }];
      const list = signGrantList({ vaultId: account.vaultId, grantId: grant.grantId, recipient: grant.list.recipient, sequence, createdAt: now, entries }, account.identity.signingSeed);
      return { grantId: grant.grantId, wrap: toBase64url(wrapForGrant(grant.grantKey, grant.grantId, context, fileKey)), list: { sequence, list: toBase64url(list) } };
    });
}

/**
 * Sends the encrypted stream in ranges of chunkBytes; returns SHA-256 of everything sent. The server takes
 * one PUT per upload at a time, in order, so the ranges alternate between two buffers: one is on the wire
 * while the next is encrypted and hashed into the other. An upload then costs about the slower of the two
 * (network or crypto), not their sum, and memory stays two ranges whatever the file size.
 */
export async function sendRanges(api: ApiClient, path: string, encrypted: ReadableStream<Uint8Array>, total: number, input: Pick<UploadInput, 'chunkBytes' | 'onProgress'>): Promise<Uint8Array> {
  const hasher = createSha256();
  const rangeBytes = Math.min(input.chunkBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES, Math.max(total, 1));
  const buffers = [new Uint8Array(rangeBytes), new Uint8Array(rangeBytes)] as const;
  let buffer: Uint8Array = buffers[0];
  let filled = 0;
  let sent = 0;
  /** The PUT on the wire; its buffer is not touched until it has settled. */
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    await inFlight;
    const range = buffer.subarray(0, filled);
    const end = sent + filled;
    inFlight = request(api, 'PUT', path, uploadStateSchema, {
      body: range,
      headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${String(sent)}-${String(end - 1)}/${String(total)}` },
    }).then(() => { input.onProgress?.(end, total); });
    // Its failure is thrown by the next flush or the final await; until then, it must not count as unhandled.
    inFlight.catch(() => undefined);
    hasher.update(range);
    sent = end;
    filled = 0;
    buffer = buffer === buffers[0] ? buffers[1] : buffers[0];
  };
  const reader = encrypted.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const piece = next.value;
      for (let offset = 0; offset < piece.length;) {
        const take = Math.min(piece.length - offset, buffer.length - filled);
        buffer.set(piece.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === buffer.length) await flush();
      }
    }
    if (filled > 0) await flush();
    await inFlight;
  } catch (error) {
    // The server refuses to abort an upload while one of its PUTs runs: let it end before the caller's DELETE.
    await inFlight.catch(() => undefined);
    throw error;
  }
  if (sent !== total) throw new RangeError('the encryptor produced another length than announced');
  return hasher.digest();
}

/**
 * A fresh document id: 16 random bytes in base64url, drawn again while it starts with '-', which a shell
 * command line would read as an option (`vault download -x…`). That leaves 128 - 0.02 bits of entropy.
 */
export function newDocumentId(): string {
  for (;;) {
    const id = toBase64url(randomBytes(16));
    if (!id.startsWith('-')) return id;
  }
}
