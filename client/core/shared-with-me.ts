// What others share with us (a practitioner's side, SHARING.md "Recipient"). Every grant the server
// lists is checked from the owner's self-signed bundle down: the bundle pinned on first use (KEY_CHANGED
// after), the owner's vault manifest against the last head we accepted (ROLLBACK, CHAIN_BROKEN, ATK-17)
// and listing us as an active share with our keys (RECIPIENT_NOT_ALLOWED, ATK-20/21), the signed grant
// list against its last head, the grant key from an envelope the owner signed (SIGNER_NOT_ALLOWED
// otherwise, ATK-05), then each document through its grant wrap, the signed manifest and the file-key
// commitment (COMMITMENT_MISMATCH for a wrap around another key). A listed version withheld is RECORD_MISSING.
import { createDocumentDecryptor, documentPayloadLength, type ChunkAeadFactory } from '../../crypto/document.ts';
import type { DocumentContext } from '../../crypto/document-context.ts';
import { envelopeOpener, openGrantKey, openGrantWrap } from '../../crypto/envelope.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { keysHash, type Pin } from '../../crypto/fingerprint.ts';
import { verifyGrantList, type GrantList, type GrantListHead } from '../../crypto/grant-list.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import {
  acceptListedDocumentManifest, checkBlobHashes, checkFileKeyCommitment, envelopeSetHash, verifyDocumentManifest, type DocumentManifest,
} from '../../crypto/manifest.ts';
import { decryptMetadata, type DocumentMetadata } from '../../crypto/metadata.ts';
import { constantTimeEqual, sha256 } from '../../crypto/primitives.ts';
import { allowedWriters, verifyVaultManifest, type ShareRole, type VaultHead, type VaultManifest, type VaultShare } from '../../crypto/vault-manifest.ts';
import { fromBase64url } from '../../shared/binary.ts';
import { listReceivedGrantsResponseSchema, type ReceivedGrant } from '../../shared/grants.ts';
import { vaultManifestResponseSchema } from '../../shared/vaults.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, isApiClientError, request, requestStream, type ApiClient } from './api.ts';
import { hashCheck } from './documents.ts';
import { fetchVersion } from './opened-vault.ts';
import { pinOnFirstUse, type PinStatus, type PinStore } from './pins.ts';
import { loadHead, storeHead, type StoredHead } from './vault.ts';
import { verifiedBundle } from './bundles.ts';

/** What the recipient remembers between runs (no secret): heads per owner vault and per grant, and what was shown. */
export interface SharedState {
  vaults: Map<string, VaultHead>;
  grants: Map<string, GrantListHead>;
  /** "vaultId/documentId/version" already listed once: the rest are marked new. */
  seen: Set<string>;
}

export function newSharedState(): SharedState {
  return { vaults: new Map(), grants: new Map(), seen: new Set() };
}

/** SharedState as JSON-friendly fields, for the caller's storage. */
export interface StoredSharedState {
  vaults: Record<string, StoredHead>;
  grants: Record<string, StoredHead>;
  seen: string[];
}

export function storeSharedState(state: SharedState): StoredSharedState {
  const heads = (map: Map<string, VaultHead>) => Object.fromEntries([...map].map(([id, head]) => [id, storeHead(head)]));
  return { vaults: heads(state.vaults), grants: heads(state.grants), seen: [...state.seen] };
}

export function loadSharedState(stored: StoredSharedState): SharedState {
  const heads = (record: Record<string, StoredHead>) => new Map(Object.entries(record).map(([id, head]) => [id, loadHead(head)]));
  return { vaults: heads(stored.vaults), grants: heads(stored.grants), seen: new Set(stored.seen) };
}

export interface SharedDocument {
  vaultId: string;
  grantId: string;
  documentId: string;
  /** The highest version the grant list names (older ones: openSharedPayload with a version). */
  version: number;
  versions: number[];
  metadata: DocumentMetadata;
  payloadSize: number;
  updatedAt: number;
  /** Not listed to us before this call. */
  isNew: boolean;
}

export interface SharedByPatient {
  ownerAccountId: string;
  ownerBundle: PublicKeyBundle;
  pinStatus: PinStatus;
  /** role: the signed share's ('contributor': contributions.ts contribute may add documents). */
  grants: { vaultId: string; grantId: string; role: ShareRole; endsAt: number | null; documents: SharedDocument[] }[];
}

/** Every active grant addressed to us, verified, grouped by owner. Throws on the first discrepancy. */
export async function listSharedWithMe(api: ApiClient, account: UnlockedAccount, pins: PinStore, state: SharedState): Promise<SharedByPatient[]> {
  const { grants } = await request(api, 'GET', '/api/shares', listReceivedGrantsResponseSchema);
  const byOwner = new Map<string, SharedByPatient>();
  for (const received of grants) {
    const grant = await openReceivedGrant(api, account, pins, state, received);
    try {
      const latest = [...listedVersions(grant)].map(([documentId, versions]) => ({ documentId, versions: versions.sort((a, b) => a - b), version: Math.max(...versions) }));
      const opened = await Promise.all(latest.map(({ documentId, version }) => openSharedVersion(api, grant, { vaultId: received.vaultId, documentId, version })));
      const documents = latest.map(({ documentId, versions, version }, index): SharedDocument => {
        const item = opened[index];
        if (item === undefined) throw new RangeError('index out of range');
        item.fileKey.fill(0);
        return {
          vaultId: received.vaultId, grantId: received.grantId, documentId, version, versions,
          metadata: item.metadata, payloadSize: documentPayloadLength(item.metadata.realLength), updatedAt: item.manifest.createdAt,
          isNew: !state.seen.has(`${received.vaultId}/${documentId}/${String(version)}`),
        };
      });
      for (const item of documents) state.seen.add(`${item.vaultId}/${item.documentId}/${String(item.version)}`);
      commitHeads(state, grant);
      const patient = byOwner.get(received.ownerAccountId) ?? { ownerAccountId: received.ownerAccountId, ownerBundle: grant.owner, pinStatus: grant.pinStatus, grants: [] };
      patient.grants.push({ vaultId: received.vaultId, grantId: received.grantId, role: grant.share.role, endsAt: grant.share.endsAt, documents });
      byOwner.set(received.ownerAccountId, patient);
    } finally {
      grant.grantKey.fill(0);
    }
  }
  return [...byOwner.values()];
}

export interface SharedDownload {
  documentId: string;
  version: number;
  metadata: DocumentMetadata;
  payloadSize: number;
  /** The plaintext. Trust it only if the stream closes without error. */
  stream: ReadableStream<Uint8Array>;
}

/** Opens one shared version (default: the highest the grant lists) and streams its hash-checked plaintext. */
export async function openSharedPayload(
  api: ApiClient, account: UnlockedAccount, pins: PinStore, state: SharedState,
  ref: { grantId: string; documentId: string; version?: number }, options: { chunkAead?: ChunkAeadFactory } = {},
): Promise<SharedDownload> {
  const { grants } = await request(api, 'GET', '/api/shares', listReceivedGrantsResponseSchema);
  const received = grants.find((entry) => entry.grantId === ref.grantId);
  if (received === undefined) throw new ApiClientError('NOT_FOUND', 404);
  const grant = await openReceivedGrant(api, account, pins, state, received);
  let opened: OpenedShared;
  try {
    const versions = listedVersions(grant).get(ref.documentId);
    const version = ref.version ?? (versions === undefined ? undefined : Math.max(...versions));
    if (versions === undefined || version === undefined || !versions.includes(version)) throw new ApiClientError('NOT_FOUND', 404);
    opened = await openSharedVersion(api, grant, { vaultId: received.vaultId, documentId: ref.documentId, version });
    commitHeads(state, grant);
  } finally {
    grant.grantKey.fill(0);
  }
  const { context } = opened;
  const path = `/api/vaults/${context.vaultId}/documents/${context.documentId}/versions/${String(context.version)}/payload`;
  const payload = await requestStream(api, 'GET', path);
  const stream = payload
    .pipeThrough(hashCheck(opened.manifest.payloadHash))
    .pipeThrough(createDocumentDecryptor(opened.fileKey, context, { chunkAead: options.chunkAead }));
  return { documentId: context.documentId, version: context.version, metadata: opened.metadata, payloadSize: documentPayloadLength(opened.metadata.realLength), stream };
}

export interface ReceivedGrantOpened {
  vaultId: string;
  grantId: string;
  owner: PublicKeyBundle;
  pin: Pin;
  pinStatus: PinStatus;
  grantKey: Uint8Array;
  vault: VaultManifest;
  vaultHead: VaultHead;
  share: VaultShare;
  list: GrantList;
  listHead: GrantListHead;
}

/** Checks one received grant down to its signed list; heads are committed by the caller once all of it verified. */
export async function openReceivedGrant(api: ApiClient, account: UnlockedAccount, pins: PinStore, state: SharedState, received: ReceivedGrant): Promise<ReceivedGrantOpened> {
  const owner = ownerBundle(fromBase64url(received.ownerPublicBundle), received.ownerAccountId, received.vaultId);
  const { pin, status } = await pinOnFirstUse(pins, owner);
  const ref = { vaultId: received.vaultId, grantId: received.grantId };
  // The signed share list first: a grant for someone the owner does not list is refused before any unwrap.
  const answer = await request(api, 'GET', `/api/vaults/${received.vaultId}/manifest`, vaultManifestResponseSchema);
  const lastVault = state.vaults.get(received.vaultId);
  if (answer.manifest === null) throw new CryptoError(lastVault === undefined ? 'RECIPIENT_NOT_ALLOWED' : 'ROLLBACK');
  const { manifest: vault, head: vaultHead } = verifyVaultManifest(fromBase64url(answer.manifest), owner.signingPublicKey, lastVault);
  if (vault.vaultId !== received.vaultId || vault.sequence !== answer.sequence) throw new CryptoError('MANIFEST_MISMATCH');
  const ownKeys = keysHash(account.bundle);
  const share = vault.shares.find((entry) => entry.accountId === account.accountId);
  if (share === undefined || !constantTimeEqual(share.keysHash, ownKeys) || (share.endsAt !== null && share.endsAt <= Date.now())) {
    throw new CryptoError('RECIPIENT_NOT_ALLOWED');
  }
  const { list, head: listHead } = verifyGrantList(fromBase64url(received.list.list), {
    ownerSigningKey: owner.signingPublicKey, ...ref, recipient: { accountId: account.accountId, keysHash: ownKeys }, lastSeen: state.grants.get(received.grantId),
  });
  if (list.sequence !== received.list.sequence) throw new CryptoError('MANIFEST_MISMATCH');
  const grantKey = openGrantKey(fromBase64url(received.recipientEnvelope), ref, envelopeOpener(account.identity.kemSeed), [owner.signingPublicKey]);
  if (grantKey === null) throw new CryptoError('NO_MATCH');
  return { ...ref, owner, pin, pinStatus: status, grantKey, vault, vaultHead, share, list, listHead };
}

export function commitHeads(state: SharedState, grant: ReceivedGrantOpened): void {
  state.vaults.set(grant.vaultId, grant.vaultHead);
  state.grants.set(grant.grantId, grant.listHead);
}

/** Listed versions per document still in the vault, no newer than its signed current version. */
function listedVersions(grant: ReceivedGrantOpened): Map<string, number[]> {
  const current = new Map(grant.vault.records.map((record) => [record.documentId, record.currentVersion]));
  const out = new Map<string, number[]>();
  for (const entry of grant.list.entries) {
    const latest = current.get(entry.documentId);
    if (latest === undefined || entry.version > latest) continue;
    out.set(entry.documentId, [...(out.get(entry.documentId) ?? []), entry.version]);
  }
  return out;
}

interface OpenedShared {
  context: DocumentContext;
  manifest: DocumentManifest;
  metadata: DocumentMetadata;
  fileKey: Uint8Array;
}

/** Fetches and opens one listed version through the grant wrap; a withheld one is RECORD_MISSING. */
async function openSharedVersion(api: ApiClient, grant: ReceivedGrantOpened, context: DocumentContext): Promise<OpenedShared> {
  let served;
  try {
    served = await fetchVersion(api, context.vaultId, context.documentId, context.version);
  } catch (error) {
    if (isApiClientError(error, 'NOT_FOUND')) throw new CryptoError('RECORD_MISSING', { cause: error });
    throw error;
  }
  if (served.documentId !== context.documentId || served.version !== context.version) throw new CryptoError('MANIFEST_MISMATCH');
  if (served.grantWrap === undefined) throw new CryptoError('RECORD_MISSING');
  const record = grant.vault.records.find((entry) => entry.documentId === context.documentId);
  const bytes = fromBase64url(served.manifest);
  const manifest = record?.currentVersion === context.version
    ? acceptListedDocumentManifest(bytes, record.manifestHash, context)
    : verifyDocumentManifest(bytes, { allowedSigners: allowedWriters(grant.vault, Date.now()), expected: context });
  const metadataBlob = fromBase64url(served.metadata);
  checkBlobHashes(manifest, { metadataHash: sha256(metadataBlob), envelopeSetHash: envelopeSetHash(served.envelopes.map(fromBase64url)) });
  // A wrap altered or moved is DECRYPTION_FAILED; one made with the grant key around another key fails the commitment.
  const fileKey = openGrantWrap(grant.grantKey, grant.grantId, context, fromBase64url(served.grantWrap));
  checkFileKeyCommitment(manifest, fileKey);
  return { context, manifest, metadata: decryptMetadata(fileKey, context, metadataBlob), fileKey };
}

/**
 * The vault owner's bundle: a person's own record is owned by their account; a record managed for someone
 * else (a child's) by the record's own identity, whose account id is the vault id.
 */
function ownerBundle(bytes: Uint8Array, accountId: string, vaultId: string): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  const ownsItself = bundle.role === 'vault' && bundle.accountId === vaultId;
  if (bundle.accountId !== accountId || (bundle.role === 'vault' && !ownsItself)) throw new CryptoError('KEY_BUNDLE_INVALID');
  return bundle;
}
