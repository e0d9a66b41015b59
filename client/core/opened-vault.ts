// The owner's vault opened in one pass: the verified vault manifest, every document verified and its
// metadata decrypted (as listDocuments), and — for sharing — each current version's file key, checked
// against its signed commitment. The keys live only in this object, in memory: never persisted, never
// sent; forgetFileKeys() wipes them once the caller no longer shares from this listing.
import { documentPayloadLength } from '../../crypto/document.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { documentManifestHash } from '../../crypto/manifest.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { reconcileListing, type VaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url } from '../../shared/binary.ts';
import { documentVersionResponseSchema, listDocumentsResponseSchema, type DocumentSummary } from '../../shared/documents.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import { openVersion, writersOf } from './open-version.ts';
import { fetchVaultManifest, type VaultState } from './vault.ts';

/**
 * A verified document. Sizes and times come from signed data, never from the server's columns (ATK-13):
 * payloadSize is the padded length the signed realLength gives, updatedAt the author-signed creation time
 * of the current version.
 */
export interface DocumentEntry {
  documentId: string;
  version: number;
  payloadSize: number;
  updatedAt: number;
  metadata: DocumentMetadata;
}

/** A document with the file key of its current version (memory only). */
export interface OpenedDocument extends DocumentEntry {
  fileKey: Uint8Array;
}

export interface OpenedVault {
  /** The verified manifest state.head points at; null for a vault with nothing yet. Sharing replaces it. */
  manifest: VaultManifest | null;
  documents: OpenedDocument[];
}

/** Every document of the vault, verified, with its metadata and file key; throws on any discrepancy. */
export async function openVault(api: ApiClient, account: UnlockedAccount, state: VaultState): Promise<OpenedVault> {
  const vault = await fetchVaultManifest(api, account, state);
  const summaries = await listSummaries(api, account.vaultId);
  const served = await Promise.all(summaries.map((summary) => fetchVersion(api, account.vaultId, summary.documentId)));
  const listed = summaries.map((summary, index) => ({
    documentId: summary.documentId,
    version: summary.currentVersion,
    manifestHash: documentManifestHash(fromBase64url(served[index]?.manifest ?? '')),
  }));
  if (vault === null) {
    if (listed.length > 0) throw new CryptoError('RECORD_UNEXPECTED');
    return { manifest: null, documents: [] };
  }
  reconcileListing(vault, listed);
  const writers = writersOf(account, vault, Date.now());
  const documents = summaries.map((summary, index): OpenedDocument => {
    const record = recordOf(vault, summary.documentId);
    const context = { vaultId: account.vaultId, documentId: summary.documentId, version: record.currentVersion };
    const item = served[index];
    if (item === undefined) throw new RangeError('index out of range');
    const opened = openVersion(account, writers, item, context, record.manifestHash);
    return {
      documentId: summary.documentId, version: context.version, metadata: opened.metadata, fileKey: opened.fileKey,
      payloadSize: documentPayloadLength(opened.metadata.realLength), updatedAt: opened.manifest.createdAt,
    };
  });
  return { manifest: vault, documents };
}

/** Overwrites every file key of `vault` with zeros. */
export function forgetFileKeys(vault: OpenedVault): void {
  for (const item of vault.documents) item.fileKey.fill(0);
}

/** The record of a document in the signed manifest; NOT_FOUND when the owner never listed it. */
export function recordOf(vault: VaultManifest, documentId: string) {
  const record = vault.records.find((entry) => entry.documentId === documentId);
  if (record === undefined) throw new ApiClientError('NOT_FOUND', 404);
  return record;
}

export function fetchVersion(api: ApiClient, vaultId: string, documentId: string, version?: number) {
  const suffix = version === undefined ? '' : `/versions/${String(version)}`;
  return request(api, 'GET', `/api/vaults/${vaultId}/documents/${documentId}${suffix}`, documentVersionResponseSchema);
}

async function listSummaries(api: ApiClient, vaultId: string): Promise<DocumentSummary[]> {
  const all: DocumentSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=200' : `?limit=200&cursor=${cursor}`;
    const page = await request(api, 'GET', `/api/vaults/${vaultId}/documents${query}`, listDocumentsResponseSchema);
    all.push(...page.documents);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return all;
}
