// Reading and removing documents. Everything shown comes from a vault manifest verified against the last
// head (ATK-16/17) and a server listing reconciled with it (ATK-18: a hidden record is RECORD_MISSING, an
// injected one RECORD_UNEXPECTED); each version is opened by open-version.ts. Payloads stream through the
// decryptor with their hash checked at the end: a consumer MUST discard the output when the stream errors.
import { createDocumentDecryptor, documentPayloadLength, type ChunkAeadFactory } from '../../crypto/document.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { constantTimeEqual, createSha256 } from '../../crypto/primitives.ts';
import { listVersionsResponseSchema, type ListVersionsResponse } from '../../shared/documents.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, requestStream, type ApiClient } from './api.ts';
import { openVersion, writersOf, type OpenedVersion } from './open-version.ts';
import { fetchVersion, openVault, recordOf, type DocumentEntry } from './opened-vault.ts';
import { fetchVaultManifest, nextVaultManifest, type VaultState } from './vault.ts';
import type { SettingsState } from './vault-settings.ts';

export type { DocumentEntry } from './opened-vault.ts';

/**
 * Every document of the vault, verified and with its metadata decrypted (with addedBy and the hidden flags);
 * throws on any discrepancy. Pending contributions are settled on the way (openVault).
 */
export async function listDocuments(api: ApiClient, account: UnlockedAccount, state: VaultState & SettingsState): Promise<DocumentEntry[]> {
  const vault = await openVault(api, account, state);
  return vault.documents.map((item): DocumentEntry => {
    const { fileKey, ...entry } = item;
    fileKey.fill(0);
    return entry;
  });
}

export interface DownloadOptions {
  /** An older version; default: the current one. */
  version?: number;
  chunkAead?: ChunkAeadFactory;
}

export interface Download {
  documentId: string;
  version: number;
  metadata: DocumentMetadata;
  /** The encrypted size, from the signed realLength (not the server's column). */
  payloadSize: number;
  /** The plaintext. Trust it only if the stream closes without error. */
  stream: ReadableStream<Uint8Array>;
}

/** Opens one version and streams its plaintext; the manifest and file key are checked before any byte. */
export async function downloadDocument(api: ApiClient, account: UnlockedAccount, state: VaultState, documentId: string, options: DownloadOptions = {}): Promise<Download> {
  const opened = await openDocument(api, account, state, documentId, options.version);
  const { context } = opened;
  const payloadSize = documentPayloadLength(opened.metadata.realLength);
  const path = `/api/vaults/${account.vaultId}/documents/${documentId}/versions/${String(context.version)}/payload`;
  const payload = await requestStream(api, 'GET', path);
  const stream = payload
    .pipeThrough(hashCheck(opened.manifest.payloadHash))
    .pipeThrough(createDocumentDecryptor(opened.fileKey, context, { chunkAead: options.chunkAead }));
  return { documentId, version: context.version, metadata: opened.metadata, payloadSize, stream };
}

/** The versions the server holds for a document of the signed vault manifest. */
export async function listVersions(api: ApiClient, account: UnlockedAccount, state: VaultState, documentId: string): Promise<ListVersionsResponse['versions']> {
  const vault = await fetchVaultManifest(api, account, state);
  if (vault === null) throw new ApiClientError('NOT_FOUND', 404);
  recordOf(vault, documentId);
  const answer = await request(api, 'GET', `/api/vaults/${account.vaultId}/documents/${documentId}/versions`, listVersionsResponseSchema);
  return answer.versions;
}

/** Deletes every version of a document, with the signed vault manifest that no longer lists it. */
export async function deleteDocument(api: ApiClient, account: UnlockedAccount, state: VaultState, documentId: string): Promise<void> {
  const vault = await fetchVaultManifest(api, account, state);
  if (vault === null) throw new ApiClientError('NOT_FOUND', 404);
  recordOf(vault, documentId);
  const next = nextVaultManifest(account, vault, state, { remove: documentId }, Date.now());
  await request(api, 'DELETE', `/api/vaults/${account.vaultId}/documents/${documentId}`, null, { json: { vaultManifest: next.update } });
  state.head = next.head;
}

async function openDocument(api: ApiClient, account: UnlockedAccount, state: VaultState, documentId: string, version?: number): Promise<OpenedVersion> {
  const vault = await fetchVaultManifest(api, account, state);
  if (vault === null) throw new ApiClientError('NOT_FOUND', 404);
  const record = recordOf(vault, documentId);
  const wanted = version ?? record.currentVersion;
  if (wanted < 1 || wanted > record.currentVersion) throw new ApiClientError('NOT_FOUND', 404);
  const served = await fetchVersion(api, account.vaultId, documentId, wanted);
  const listedHash = wanted === record.currentVersion ? record.manifestHash : undefined;
  const context = { vaultId: account.vaultId, documentId, version: wanted };
  return openVersion(account, writersOf(account, vault, Date.now()), served, context, listedHash);
}

/** Passes bytes through and fails the stream at its end unless their SHA-256 is the signed payload hash. */
export function hashCheck(expected: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  // libsodium's SHA-256 once loaded (about 3x noble's in a Worker): the hash runs over every payload byte.
  const hasher = createSha256();
  return new TransformStream({
    transform: (chunk, controller) => { hasher.update(chunk); controller.enqueue(chunk); },
    flush: () => { if (!constantTimeEqual(hasher.digest(), expected)) throw new CryptoError('MANIFEST_MISMATCH'); },
  });
}
