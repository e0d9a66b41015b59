// The owner's vault opened in one pass: the verified vault manifest, every document verified and its
// metadata decrypted (as listDocuments), and — for sharing — each current version's file key, checked
// against its signed commitment. The keys live only in this object, in memory: never persisted, never
// sent; forgetFileKeys() wipes them once the caller no longer shares from this listing. The sealed vault
// settings are read too (what is hidden, who is blocked), and pending contributions are settled: genuine
// ones accepted into the manifest, a blocked author's deleted, the rest quarantined (pending-contributions.ts).
import { documentPayloadLength } from '../../crypto/document.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { documentManifestHash } from '../../crypto/manifest.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import { reconcileListing, type VaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url } from '../../shared/binary.ts';
import { documentVersionResponseSchema, listDocumentsResponseSchema, type DocumentSummary } from '../../shared/documents.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import { openVersion, writersOf } from './open-version.ts';
import { fetchContributions, settleContributions, type ContributionsOutcome } from './pending-contributions.ts';
import { fetchVaultManifest, type VaultState } from './vault.ts';
import { fetchVaultSettings, type SettingsState, type VaultSettings } from './vault-settings.ts';

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
  /** Who signed it, when not the vault's owner: a practitioner's accepted contribution. */
  addedBy?: { accountId: string; signingPublicKey: Uint8Array };
  /** From the vault settings (openVault sets both): kept out of the main list unless asked for. */
  hidden?: boolean;
  /** From the vault settings: never wrapped for a practitioner's grant. */
  hiddenFromPractitioners?: boolean;
}

/** A document with the file key of its current version (memory only). */
export interface OpenedDocument extends DocumentEntry {
  fileKey: Uint8Array;
}

export interface OpenedVault {
  /** The verified manifest state.head points at; null for a vault with nothing yet. Sharing replaces it. */
  manifest: VaultManifest | null;
  documents: OpenedDocument[];
  /** The vault settings as openVault read them; absent only in hand-built fixtures (then nothing is hidden or blocked). */
  settings?: VaultSettings;
}

/** What openVault returns: the vault, its settings, and what became of pending contributions. */
export interface OwnerVault extends OpenedVault {
  settings: VaultSettings;
  contributions: ContributionsOutcome;
}

/**
 * Every document of the vault, verified, with its metadata and file key; throws on any discrepancy. Pending
 * contributions are settled on the way (accepted ones join `documents`, with `addedBy`).
 */
export async function openVault(api: ApiClient, account: UnlockedAccount, state: VaultState & SettingsState): Promise<OwnerVault> {
  const vault = await fetchVaultManifest(api, account, state);
  const settings = await fetchVaultSettings(api, account, state);
  const summaries = await listSummaries(api, account.vaultId);
  const served = await Promise.all(summaries.map((summary) => fetchVersion(api, account.vaultId, summary.documentId)));
  const listed = summaries.map((summary, index) => ({
    documentId: summary.documentId,
    version: summary.currentVersion,
    manifestHash: documentManifestHash(fromBase64url(served[index]?.manifest ?? '')),
  }));
  if (vault === null && listed.length > 0) throw new CryptoError('RECORD_UNEXPECTED');
  if (vault !== null) reconcileListing(vault, listed);
  const writers = writersOf(account, vault, Date.now());
  const documents = vault === null ? [] : summaries.map((summary, index): OpenedDocument => {
    const record = recordOf(vault, summary.documentId);
    const context = { vaultId: account.vaultId, documentId: summary.documentId, version: record.currentVersion };
    const item = served[index];
    if (item === undefined) throw new RangeError('index out of range');
    const opened = openVersion(account, writers, item, context, record.manifestHash);
    const { authorAccountId, authorSigningKey } = opened.manifest;
    return {
      documentId: summary.documentId, version: context.version, metadata: opened.metadata, fileKey: opened.fileKey,
      payloadSize: documentPayloadLength(opened.metadata.realLength), updatedAt: opened.manifest.createdAt,
      ...(constantTimeEqual(authorSigningKey, vault.owner.signingPublicKey) ? {} : { addedBy: { accountId: authorAccountId, signingPublicKey: authorSigningKey } }),
    };
  });
  const pending = await fetchContributions(api, account.vaultId);
  const settled = await settleContributions(api, account, state, vault, settings, pending);
  const all = [...documents, ...settled.documents].map((item) => ({
    ...item, hidden: settings.hiddenDocuments.includes(item.documentId), hiddenFromPractitioners: settings.hiddenFromPractitioners.includes(item.documentId),
  }));
  return { manifest: settled.manifest, documents: all, settings, contributions: settled.outcome };
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
