// The Worker's side of sharing: the owner's shares as the pages show them (with the recipient's directory
// name and where their pin stands), sharing and revoking, and the documents others share with this
// account. Every check is client/core's (sharing.ts, shared-with-me.ts); this file only adapts views and
// keeps the recipient's heads (SharedState: no secret) in IndexedDB between sessions.
import { keysHash } from '../../crypto/fingerprint.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import type { UnlockedAccount } from '../core/account.ts';
import { isApiClientError, type ApiClient } from '../core/api.ts';
import { forgetFileKeys, openVault } from '../core/opened-vault.ts';
import type { PinStore } from '../core/pins.ts';
import { fetchPractitioner, type Practitioner } from '../core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload, type SharedState } from '../core/shared-with-me.ts';
import { listShares, revokeShare, shareWith, type ShareSummary } from '../core/sharing.ts';
import type { VaultState } from '../core/vault.ts';
import { loadAccountValue, saveAccountValue } from './head-store.ts';
import type { OpenedFileView, PinState, ShareRole, ShareScope, ShareScopeView, ShareView, SharedVaultView } from './protocol.ts';

/** The owner's shares, newest first, each with the recipient's directory name when they have one. */
export async function listSharesView(api: ApiClient, account: UnlockedAccount, state: VaultState, pins: PinStore): Promise<ShareView[]> {
  const shares = (await listShares(api, account, state)).sort((a, b) => b.createdAt - a.createdAt);
  return Promise.all(shares.map(async (share) => viewOf(share, await directoryEntry(api, share.recipientAccountId), pins)));
}

async function viewOf(share: ShareSummary, practitioner: Practitioner | null, pins: PinStore): Promise<ShareView> {
  const scope: ShareScopeView = share.scope.kind === 'documents' ? { kind: 'documents', documentCount: share.documentCount } : share.scope;
  return {
    grantId: share.grantId, recipientAccountId: share.recipientAccountId, name: practitioner?.entry.name ?? null, scope,
    endsAt: share.endsAt, role: share.role, active: share.active, documentCount: share.documentCount, pin: await pinState(pins, share.recipientAccountId, practitioner),
  };
}

/** The directory name of an account, or null when it has no (longer a) practitioner profile. */
export async function directoryName(api: ApiClient, accountId: string): Promise<string | null> {
  return (await directoryEntry(api, accountId))?.entry.name ?? null;
}

/** The directory entry with its verified bundle, or null when the recipient has no (longer a) profile. */
async function directoryEntry(api: ApiClient, accountId: string): Promise<Practitioner | null> {
  try {
    return await fetchPractitioner(api, accountId);
  } catch (error) {
    if (isApiClientError(error, 'NOT_FOUND')) return null;
    throw error;
  }
}

/**
 * A practitioner's served keys against the pin; a relative (no directory entry, their bundle came with the
 * sharing code's proof and was checked against the pin when sharing) by the pin alone.
 */
async function pinState(pins: PinStore, accountId: string, practitioner: Practitioner | null): Promise<PinState> {
  const pin = await pins.get(accountId);
  if (pin === undefined) return 'unverified';
  if (practitioner === null) return pin.verified ? 'verified' : 'unverified';
  if (!constantTimeEqual(pin.keysHash, keysHash(practitioner.bundle))) return 'changed';
  return pin.verified ? 'verified' : 'unverified';
}

export interface ShareRequest {
  recipientAccountId: string;
  scope: ShareScope;
  endsAt: number | null;
  role: ShareRole;
}

/** Opens the vault (file keys in memory for this call only), then one request; KEY_CHANGED if the pin differs. */
export async function shareWithScope(api: ApiClient, account: UnlockedAccount, state: VaultState, pins: PinStore, input: ShareRequest): Promise<{ grantId: string }> {
  const practitioner = await fetchPractitioner(api, input.recipientAccountId);
  const vault = await openVault(api, account, state);
  try {
    const { scope } = input;
    return await shareWith(api, account, state, pins, vault, {
      recipient: practitioner.bundle,
      scope: scope.kind === 'documents' ? { kind: 'documents' } : scope,
      ...(scope.kind === 'documents' ? { documentIds: scope.documentIds } : {}),
      endsAt: input.endsAt,
      role: input.role,
    });
  } finally {
    forgetFileKeys(vault);
  }
}

export async function revokeShareOf(api: ApiClient, account: UnlockedAccount, state: VaultState, grantId: string): Promise<void> {
  await revokeShare(api, account, state, grantId);
}

const SHARED_STATE = 'shared';

async function loadSharedState(accountId: string): Promise<SharedState> {
  return await loadAccountValue<SharedState>(accountId, SHARED_STATE) ?? newSharedState();
}

/** Runs `work` with the recipient's heads of shared vaults, saved afterwards (they only move forward). */
export async function withSharedState<T>(account: UnlockedAccount, work: (state: SharedState) => Promise<T>): Promise<T> {
  const state = await loadSharedState(account.accountId);
  const result = await work(state);
  await saveAccountValue(account.accountId, SHARED_STATE, state);
  return result;
}

/** Grouped by patient (owner account): one group per grant, which is one per vault. */
export async function listSharedWithMeView(api: ApiClient, account: UnlockedAccount, pins: PinStore): Promise<SharedVaultView[]> {
  const state = await loadSharedState(account.accountId);
  const patients = await listSharedWithMe(api, account, pins, state);
  await saveAccountValue(account.accountId, SHARED_STATE, state);
  return patients.flatMap((patient) => patient.grants.map((grant) => ({
    ownerAccountId: patient.ownerAccountId, vaultId: grant.vaultId, grantId: grant.grantId, endsAt: grant.endsAt, role: grant.role,
    documents: grant.documents.map(({ documentId, version, updatedAt, metadata, isNew }) => ({ documentId, version, updatedAt, metadata, isNew })),
  })));
}

/** The whole plaintext, released only once every chunk and the payload hash checked out. */
export async function openSharedFile(api: ApiClient, account: UnlockedAccount, pins: PinStore, ref: { grantId: string; documentId: string; version: number }): Promise<OpenedFileView> {
  const state = await loadSharedState(account.accountId);
  const download = await openSharedPayload(api, account, pins, state, ref);
  const blob = await new Response(download.stream).blob();
  await saveAccountValue(account.accountId, SHARED_STATE, state);
  return { blob: new Blob([blob], { type: download.metadata.mimeType }), fileName: download.metadata.fileName, mimeType: download.metadata.mimeType };
}
