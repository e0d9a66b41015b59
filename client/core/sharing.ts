// Sharing from the owner's side (SHARING.md "Client rules"). A share is one grant per recipient: a new
// grant key sealed for them and for us (signed grant-key envelopes), one grant wrap per shared document
// version, the signed grant list naming exactly those versions, the scope only we can read, and the share
// itself in the next signed vault manifest — all sent in one request. The recipient's bundle must match
// its pin (KEY_CHANGED stops everything before anything is sealed or sent, ATK-03). The share's role
// ('contributor' lets the recipient add documents) is signed in the manifest and sent to the server alike.
// The vault settings rule out a blocked recipient (SHARE_BLOCKED) and every document hidden from practitioners.
import { generateGrantKey, sealGrantKey, wrapManyForGrant } from '../../crypto/envelope.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { signGrantList, type GrantListEntry } from '../../crypto/grant-list.ts';
import { sealGrantScope, type GrantScope } from '../../crypto/grant-scope.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { randomBytes } from '../../crypto/primitives.ts';
import { assertRecipientsAllowed, memberOf, type ShareRole, type VaultMember, type VaultShare } from '../../crypto/vault-manifest.ts';
import { toBase64url } from '../../shared/binary.ts';
import { createGrantResponseSchema, type CreateGrantRequest, type GrantWrap, type UpdateGrantRequest } from '../../shared/grants.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import type { OpenedDocument, OpenedVault } from './opened-vault.ts';
import { fetchOwnedGrants, forgetGrantKeys, isActive, scopeCovers, type OpenedGrant } from './owned-grants.ts';
import { pinOnFirstUse, type PinStore } from './pins.ts';
import { fetchVaultManifest, nextVaultManifest, type VaultState } from './vault.ts';

/** Refusals of the client core itself (not the server's, not a forgery): stable codes for the UI. */
const SHARING_ERROR_MESSAGES = {
  SHARE_BLOCKED: 'this account is blocked in the vault settings',
} as const;

export type SharingErrorCode = keyof typeof SHARING_ERROR_MESSAGES;

export class SharingError extends Error {
  override readonly name = 'SharingError';
  readonly code: SharingErrorCode;

  constructor(code: SharingErrorCode) {
    super(SHARING_ERROR_MESSAGES[code]);
    this.code = code;
  }
}

export function isSharingError(error: unknown): error is SharingError {
  return error instanceof SharingError;
}

export interface ShareSummary {
  grantId: string;
  recipientAccountId: string;
  scope: GrantScope;
  /** From the signed share; the server's column when the manifest no longer lists it. */
  role: ShareRole;
  /** From the signed share (null: no end); null too when the share is no longer in the manifest. */
  endsAt: number | null;
  /** False once ended (or missing from the signed manifest): the server no longer serves it. */
  active: boolean;
  /** Documents the grant list names (any version). */
  documentCount: number;
  createdAt: number;
}

/** Our grants (ended ones too) with their scope, as the verified vault manifest and grant lists say. */
export async function listShares(api: ApiClient, account: UnlockedAccount, state: VaultState): Promise<ShareSummary[]> {
  const manifest = await fetchVaultManifest(api, account, state);
  const grants = await fetchOwnedGrants(api, account, manifest);
  forgetGrantKeys(grants);
  const now = Date.now();
  return grants.map((grant) => ({
    grantId: grant.grantId, recipientAccountId: grant.recipientAccountId, scope: grant.scope, createdAt: grant.createdAt, role: grant.share?.role ?? grant.role,
    endsAt: grant.share?.endsAt ?? null, active: isActive(grant, now),
    documentCount: new Set(grant.list.entries.map((entry) => entry.documentId)).size,
  }));
}

export interface ShareInput {
  /** The recipient's bundle, verified (practitioners.ts fetchPractitioner); checked against its pin here. */
  recipient: PublicKeyBundle;
  scope: GrantScope;
  /** Kind 'documents': which documents of the vault. */
  documentIds?: readonly string[];
  /** End of the share (ms since the epoch, in the future), or null. */
  endsAt: number | null;
  /** 'contributor' also lets the recipient add documents; default 'reader'. */
  role?: ShareRole;
}

/**
 * Shares the documents of `vault` (openVault, with state.head at its manifest) that `input.scope` covers,
 * except those hidden from practitioners: one POST, then vault.manifest and state.head move to the manifest
 * with the share. Throws SHARE_BLOCKED (SharingError: the recipient is blocked), KEY_CHANGED (pin),
 * RECIPIENT_NOT_ALLOWED (an end date already past), and the server's CONFLICT when the recipient already
 * has a grant here or the vault changed since it was opened.
 */
export async function shareWith(api: ApiClient, account: UnlockedAccount, state: VaultState, pins: PinStore, vault: OpenedVault, input: ShareInput): Promise<{ grantId: string }> {
  const { recipient } = input;
  if (recipient.accountId === account.accountId) throw new RangeError('cannot share with oneself');
  if (vault.settings?.blockedAccounts.includes(recipient.accountId) === true) throw new SharingError('SHARE_BLOCKED');
  await pinOnFirstUse(pins, recipient);
  const role = input.role ?? 'reader';
  const now = Date.now();
  const grantId = newGrantId();
  const ref = { vaultId: account.vaultId, grantId };
  const member = memberOf(recipient);
  const chosen = new Set(input.documentIds ?? []);
  const covered = shareable(vault).filter((item) => scopeCovers(input.scope, item.metadata.category, item.documentId, chosen));
  const shares = withShare(vault.manifest?.shares ?? [], { ...member, role, endsAt: input.endsAt });
  const next = nextVaultManifest(account, vault.manifest, state, { shares }, now);
  assertRecipientsAllowed(next.manifest, [recipient], now);
  const grantKey = generateGrantKey();
  try {
    const body: CreateGrantRequest = {
      grantId, recipientAccountId: recipient.accountId, role, endsAt: input.endsAt,
      recipientEnvelope: toBase64url(sealGrantKey(grantKey, ref, recipient.encryptionPublicKey, account.identity.signingSeed)),
      ownerEnvelope: toBase64url(sealGrantKey(grantKey, ref, account.bundle.encryptionPublicKey, account.identity.signingSeed)),
      scope: toBase64url(sealGrantScope(account.identity, ref, input.scope)),
      list: { sequence: 1, list: toBase64url(signList(account, ref, member, 1, covered, now)) },
      wraps: wrapsFor(grantKey, grantId, account.vaultId, covered),
      vaultManifest: next.update,
    };
    await request(api, 'POST', `/api/vaults/${account.vaultId}/grants`, createGrantResponseSchema, { json: body });
  } finally {
    grantKey.fill(0);
  }
  state.head = next.head;
  vault.manifest = next.manifest;
  return { grantId };
}

export interface ShareUpdate {
  grantId: string;
  /** A new scope (widen or narrow); omitted: unchanged. */
  scope?: GrantScope;
  /** Kind 'documents': the documents shared from now on; omitted: those listed now. */
  documentIds?: readonly string[];
  /** A new end date (null: none); omitted: unchanged. */
  endsAt?: number | null;
  /** A new role; omitted: unchanged. */
  role?: ShareRole;
}

/**
 * Brings a grant in line with `vault` (openVault) and the new scope: wraps the current version of every
 * newly covered document, drops every version of those no longer covered (or deleted, or hidden from
 * practitioners), keeps older versions of those still covered, and moves the end date or the role in the
 * signed share when asked. One GET, one PATCH.
 */
export async function updateShare(api: ApiClient, account: UnlockedAccount, state: VaultState, vault: OpenedVault, update: ShareUpdate): Promise<void> {
  const grants = await fetchOwnedGrants(api, account, vault.manifest);
  try {
    const grant = grants.find((entry) => entry.grantId === update.grantId);
    if (grant === undefined) throw new ApiClientError('NOT_FOUND', 404);
    const now = Date.now();
    const scope = update.scope ?? grant.scope;
    const listedIds = new Set(grant.list.entries.map((entry) => entry.documentId));
    const chosen = new Set(update.documentIds ?? listedIds);
    const covered = shareable(vault).filter((item) => scopeCovers(scope, item.metadata.category, item.documentId, chosen));
    const coveredIds = new Set(covered.map((item) => item.documentId));
    const kept = grant.list.entries.filter((entry) => coveredIds.has(entry.documentId));
    const keptKeys = new Set(kept.map((entry) => `${entry.documentId}\n${String(entry.version)}`));
    const added = covered.filter((item) => !keptKeys.has(`${item.documentId}\n${String(item.version)}`));
    const entries = [...kept, ...added.map(({ documentId, version }) => ({ documentId, version }))];
    const sequence = grant.list.sequence + 1;
    const body: UpdateGrantRequest = {
      list: { sequence, list: toBase64url(signEntries(account, grant, sequence, entries, now)) },
      wraps: wrapsFor(grant.grantKey, grant.grantId, account.vaultId, added),
      removeDocuments: [...listedIds].filter((documentId) => !coveredIds.has(documentId)),
      ...(update.scope === undefined ? {} : { scope: toBase64url(sealGrantScope(account.identity, { vaultId: account.vaultId, grantId: grant.grantId }, update.scope)) }),
    };
    let next: ReturnType<typeof nextVaultManifest> | undefined;
    if (update.endsAt !== undefined || update.role !== undefined) {
      const share = grant.share;
      if (share === null) throw new CryptoError('RECIPIENT_NOT_ALLOWED');
      const changed = { ...share, endsAt: update.endsAt === undefined ? share.endsAt : update.endsAt, role: update.role ?? share.role };
      next = nextVaultManifest(account, vault.manifest, state, { shares: withShare(vault.manifest?.shares ?? [], changed) }, now);
      if (update.endsAt !== undefined) body.endsAt = update.endsAt;
      if (update.role !== undefined) body.role = update.role;
      body.vaultManifest = next.update;
    }
    await request(api, 'PATCH', `/api/vaults/${account.vaultId}/grants/${grant.grantId}`, null, { json: body });
    if (next !== undefined) {
      state.head = next.head;
      vault.manifest = next.manifest;
    }
  } finally {
    forgetGrantKeys(grants);
  }
}

/**
 * Ends a grant now: the server deletes it with every wrap, and the next vault manifest no longer lists the
 * share. What the recipient already downloaded cannot be recalled.
 */
export async function revokeShare(api: ApiClient, account: UnlockedAccount, state: VaultState, grantId: string): Promise<void> {
  const manifest = await fetchVaultManifest(api, account, state);
  const grants = await fetchOwnedGrants(api, account, manifest);
  forgetGrantKeys(grants);
  const grant = grants.find((entry) => entry.grantId === grantId);
  if (grant === undefined) throw new ApiClientError('NOT_FOUND', 404);
  const shares = (manifest?.shares ?? []).filter((share) => share.accountId !== grant.recipientAccountId);
  const next = nextVaultManifest(account, manifest, state, { shares }, Date.now());
  await request(api, 'DELETE', `/api/vaults/${account.vaultId}/grants/${grantId}`, null, { json: { vaultManifest: next.update } });
  state.head = next.head;
}

/** A fresh grant id: 16 random bytes, base64url (it is signed into the list, envelopes and wraps). */
export function newGrantId(): string {
  return toBase64url(randomBytes(16));
}

/** The documents a grant may name: all but those the settings hide from practitioners. */
function shareable(vault: OpenedVault): OpenedDocument[] {
  const hidden = new Set(vault.settings?.hiddenFromPractitioners ?? []);
  return vault.documents.filter((item) => !hidden.has(item.documentId));
}

function withShare(shares: readonly VaultShare[], share: VaultShare): VaultShare[] {
  return [...shares.filter((entry) => entry.accountId !== share.accountId), share];
}

function signList(account: UnlockedAccount, ref: { vaultId: string; grantId: string }, recipient: VaultMember, sequence: number, documents: readonly OpenedDocument[], now: number): Uint8Array {
  const entries = documents.map(({ documentId, version }) => ({ documentId, version }));
  return signGrantList({ ...ref, recipient, sequence, createdAt: now, entries }, account.identity.signingSeed);
}

function signEntries(account: UnlockedAccount, grant: OpenedGrant, sequence: number, entries: GrantListEntry[], now: number): Uint8Array {
  return signGrantList({ vaultId: account.vaultId, grantId: grant.grantId, recipient: grant.list.recipient, sequence, createdAt: now, entries }, account.identity.signingSeed);
}

function wrapsFor(grantKey: Uint8Array, grantId: string, vaultId: string, documents: readonly OpenedDocument[]): GrantWrap[] {
  const wraps = wrapManyForGrant(grantKey, grantId, documents.map((item) => ({
    ref: { vaultId, documentId: item.documentId, version: item.version }, fileKey: item.fileKey,
  })));
  return wraps.map((wrap, index) => {
    const item = documents[index];
    if (item === undefined) throw new RangeError('index out of range');
    return { documentId: item.documentId, version: item.version, wrap: toBase64url(wrap) };
  });
}
