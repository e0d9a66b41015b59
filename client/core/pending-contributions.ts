// The owner's side of contributions (SHARING2.md A, ATK-06): documents a practitioner added, waiting outside
// the signed vault manifest. Each is verified as if it were a listed version, except that its manifest must
// be signed by an active contributor of the verified vault manifest (the server, a reader, someone whose
// share ended: SIGNER_NOT_ALLOWED), naming that contributor as author, and its envelope by that author.
// Verified ones join the next manifest (accepted) and the grants whose scope covers them; a blocked
// account's are deleted; anything else is kept apart with its error code, never shown as genuine (quarantined).
import { documentPayloadLength } from '../../crypto/document.ts';
import { envelopeOpener, openEnvelope, wrapManyForGrant } from '../../crypto/envelope.ts';
import { signGrantList } from '../../crypto/grant-list.ts';
import { CryptoError, isCryptoError, type CryptoErrorCode } from '../../crypto/errors.ts';
import {
  checkBlobHashes, checkFileKeyCommitment, documentManifestHash, envelopeSetHash, verifyDocumentManifest, type DocumentManifest,
} from '../../crypto/manifest.ts';
import { decryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { constantTimeEqual, sha256 } from '../../crypto/primitives.ts';
import type { VaultSettings } from '../../crypto/vault-settings.ts';
import type { VaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { listContributionsResponseSchema, type AcceptContributionRequest, type Contribution } from '../../shared/contributions.ts';
import type { UpdateGrantRequest } from '../../shared/grants.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';
import type { OpenedDocument } from './opened-vault.ts';
import { fetchOwnedGrants, forgetGrantKeys, isActive, scopeCovers } from './owned-grants.ts';
import { nextVaultManifest, type VaultState } from './vault.ts';

/** A contribution that failed verification: listed apart with only "Supprimer", its code kept. */
export interface QuarantinedContribution {
  documentId: string;
  code: CryptoErrorCode;
}

export interface ContributionsOutcome {
  /** Accepted into the vault manifest by this call (they are in `documents` too). */
  accepted: string[];
  /** Deleted by this call: their author is blocked. */
  deleted: string[];
  quarantined: QuarantinedContribution[];
}

/** The pending contributions, as the server lists them to the vault's managers. */
export async function fetchContributions(api: ApiClient, vaultId: string): Promise<Contribution[]> {
  const { contributions } = await request(api, 'GET', `/api/vaults/${vaultId}/contributions`, listContributionsResponseSchema);
  return contributions;
}

/** Deletes a pending contribution and its blob (a quarantined one, or one the owner refuses). */
export async function deleteContribution(api: ApiClient, account: Pick<UnlockedAccount, 'vaultId'>, documentId: string): Promise<void> {
  await request(api, 'DELETE', `/api/vaults/${account.vaultId}/contributions/${documentId}`, null);
}

/**
 * Verifies every pending contribution against `vault` (verified, state.head at it), accepts the genuine
 * ones one manifest each (state.head moves), deletes a blocked author's, and quarantines the rest.
 * Returns the accepted documents (file keys in memory) and the manifest now current.
 */
export async function settleContributions(
  api: ApiClient, account: UnlockedAccount, state: VaultState, vault: VaultManifest | null, settings: VaultSettings, pending: readonly Contribution[],
): Promise<{ manifest: VaultManifest | null; documents: OpenedDocument[]; outcome: ContributionsOutcome }> {
  const outcome: ContributionsOutcome = { accepted: [], deleted: [], quarantined: [] };
  const documents: OpenedDocument[] = [];
  const blocked = new Set(settings.blockedAccounts);
  let manifest = vault;
  for (const contribution of pending) {
    // The server's word on the author is enough to refuse: deleting is the owner's own choice.
    if (blocked.has(contribution.authorAccountId)) {
      await deleteContribution(api, account, contribution.documentId);
      outcome.deleted.push(contribution.documentId);
      continue;
    }
    let document: OpenedDocument & { manifestBytes: Uint8Array };
    try {
      document = verifyContribution(account, manifest, contribution, Date.now());
    } catch (error) {
      if (!isCryptoError(error)) throw error;
      outcome.quarantined.push({ documentId: contribution.documentId, code: error.code });
      continue;
    }
    const { manifestBytes, ...opened } = document;
    if (blocked.has(opened.addedBy?.accountId ?? '')) {
      opened.fileKey.fill(0);
      await deleteContribution(api, account, contribution.documentId);
      outcome.deleted.push(contribution.documentId);
      continue;
    }
    const record = { documentId: opened.documentId, currentVersion: 1, manifestHash: documentManifestHash(manifestBytes) };
    const next = nextVaultManifest(account, manifest, state, { set: record }, Date.now());
    const body: AcceptContributionRequest = { vaultManifest: next.update };
    await request(api, 'POST', `/api/vaults/${account.vaultId}/contributions/${opened.documentId}/accept`, null, { json: body });
    state.head = next.head;
    manifest = next.manifest;
    documents.push(opened);
    outcome.accepted.push(opened.documentId);
  }
  if (manifest !== null && documents.length > 0) await wrapForGrants(api, account, manifest, settings, documents);
  return { manifest, documents, outcome };
}

/**
 * Accepted documents follow the shares as an upload does (SHARING.md "Upload"): each active grant whose
 * scope covers one (and the settings do not hide it from practitioners) gets its wrap and the next signed
 * list, one PATCH per grant. Kind 'documents' never covers a new document.
 */
async function wrapForGrants(api: ApiClient, account: UnlockedAccount, manifest: VaultManifest, settings: VaultSettings, documents: readonly OpenedDocument[]): Promise<void> {
  if (manifest.shares.length === 0) return;
  const hidden = new Set(settings.hiddenFromPractitioners);
  const grants = await fetchOwnedGrants(api, account, manifest);
  try {
    const now = Date.now();
    for (const grant of grants.filter((entry) => isActive(entry, now))) {
      const covered = documents.filter((item) => !hidden.has(item.documentId) && scopeCovers(grant.scope, item.metadata.category, item.documentId, new Set()));
      if (covered.length === 0) continue;
      const sequence = grant.list.sequence + 1;
      const entries = [...grant.list.entries, ...covered.map(({ documentId, version }) => ({ documentId, version }))];
      const list = signGrantList({ vaultId: account.vaultId, grantId: grant.grantId, recipient: grant.list.recipient, sequence, createdAt: now, entries }, account.identity.signingSeed);
      const wraps = wrapManyForGrant(grant.grantKey, grant.grantId, covered.map((item) => ({ ref: { vaultId: account.vaultId, documentId: item.documentId, version: item.version }, fileKey: item.fileKey })));
      const body: UpdateGrantRequest = {
        list: { sequence, list: toBase64url(list) }, removeDocuments: [],
        wraps: covered.map((item, index) => {
          const wrap = wraps[index];
          if (wrap === undefined) throw new RangeError('index out of range');
          return { documentId: item.documentId, version: item.version, wrap: toBase64url(wrap) };
        }),
      };
      await request(api, 'PATCH', `/api/vaults/${account.vaultId}/grants/${grant.grantId}`, null, { json: body });
    }
  } finally {
    forgetGrantKeys(grants);
  }
}

/**
 * One contribution, checked as SHARING2.md A says: signed by an active contributor who is its named author,
 * for this vault, document and version 1, not an existing record; every envelope signed by the author;
 * metadata and envelope set as signed; the file key as committed. Throws the first CryptoError.
 */
export function verifyContribution(account: UnlockedAccount, vault: VaultManifest | null, contribution: Contribution, now: number): OpenedDocument & { manifestBytes: Uint8Array } {
  const context = { vaultId: account.vaultId, documentId: contribution.documentId, version: 1 };
  const contributors = (vault?.shares ?? []).filter((share) => share.role === 'contributor' && (share.endsAt === null || share.endsAt > now));
  const manifestBytes = fromBase64url(contribution.manifest);
  const manifest = verifyDocumentManifest(manifestBytes, { allowedSigners: contributors.map((share) => share.signingPublicKey), expected: context });
  const author = contributors.find((share) => constantTimeEqual(share.signingPublicKey, manifest.authorSigningKey));
  if (author === undefined || author.accountId !== manifest.authorAccountId) throw new CryptoError('SIGNER_NOT_ALLOWED');
  // A contribution may not replace a document of the vault: only the owner's manifest does that.
  if (vault?.records.some((record) => record.documentId === contribution.documentId) === true) throw new CryptoError('RECORD_UNEXPECTED');
  const metadataBlob = fromBase64url(contribution.metadata);
  const envelopes = contribution.envelopes.map(fromBase64url);
  // Every envelope must be the author's (one the server swapped in or added is SIGNER_NOT_ALLOWED), and the
  // set exactly the signed one; only then is anything decrypted with the key.
  const fileKey = authorEnvelopeKey(account, manifest, envelopes);
  let metadata: DocumentMetadata;
  try {
    checkBlobHashes(manifest, { metadataHash: sha256(metadataBlob), envelopeSetHash: envelopeSetHash(envelopes) });
    checkFileKeyCommitment(manifest, fileKey);
    metadata = decryptMetadata(fileKey, context, metadataBlob);
  } catch (error) {
    fileKey.fill(0);
    throw error;
  }
  return {
    documentId: contribution.documentId, version: 1, metadata, fileKey, manifestBytes,
    payloadSize: documentPayloadLength(metadata.realLength), updatedAt: manifest.createdAt,
    addedBy: { accountId: author.accountId, signingPublicKey: author.signingPublicKey },
  };
}

/** The file key from the envelope addressed to us; every envelope must be signed by the author. */
function authorEnvelopeKey(account: UnlockedAccount, manifest: DocumentManifest, envelopes: readonly Uint8Array[]): Uint8Array {
  const opener = envelopeOpener(account.identity.kemSeed);
  const context = { vaultId: manifest.vaultId, documentId: manifest.documentId, version: manifest.documentVersion };
  let found: Uint8Array | null = null;
  for (const envelope of envelopes) {
    const key = openEnvelope(envelope, context, opener, [manifest.authorSigningKey]);
    if (key !== null && found === null) found = key;
    else key?.fill(0);
  }
  if (found === null) throw new CryptoError('NO_MATCH');
  return found;
}
