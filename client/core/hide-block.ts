// Hiding and blocking (SHARING2.md B), on top of the sealed vault settings (vault-settings.ts). Settings are
// stored first, so that an interrupted call still keeps later shares and uploads from wrapping a hidden
// document; calling again finishes the removal. Hiding from practitioners drops those documents' wraps from
// every grant (PATCH removeDocuments with the next signed list); blocking revokes the account's grant and
// deletes its pending contributions. What a practitioner already downloaded cannot be recalled.
import { signGrantList } from '../../crypto/grant-list.ts';
import { toBase64url } from '../../shared/binary.ts';
import type { UpdateGrantRequest } from '../../shared/grants.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';
import { fetchOwnedGrants, forgetGrantKeys } from './owned-grants.ts';
import { deleteContribution, fetchContributions } from './pending-contributions.ts';
import { revokeShare } from './sharing.ts';
import { fetchVaultManifest, type VaultState } from './vault.ts';
import { editIds, updateVaultSettings, type SettingsState, type VaultSettings } from './vault-settings.ts';

type OwnerState = VaultState & SettingsState;

/** Hides documents from every practitioner: settings, then their wraps leave every grant that names them. */
export async function hideFromPractitioners(api: ApiClient, account: UnlockedAccount, state: OwnerState, documentIds: readonly string[]): Promise<VaultSettings> {
  const settings = await updateVaultSettings(api, account, state, (current) => ({ ...current, hiddenFromPractitioners: editIds(current.hiddenFromPractitioners, { add: documentIds }) }));
  await removeFromGrants(api, account, state, new Set(documentIds));
  return settings;
}

/** Lets documents be shared again; a grant gets them back at its next update (updateShare) or new version. */
export async function unhideFromPractitioners(api: ApiClient, account: UnlockedAccount, state: OwnerState, documentIds: readonly string[]): Promise<VaultSettings> {
  return updateVaultSettings(api, account, state, (current) => ({ ...current, hiddenFromPractitioners: editIds(current.hiddenFromPractitioners, { remove: documentIds }) }));
}

/** Keeps documents out of the main list (display only: sharing is unchanged). */
export async function hideDocuments(api: ApiClient, account: UnlockedAccount, state: OwnerState, documentIds: readonly string[]): Promise<VaultSettings> {
  return updateVaultSettings(api, account, state, (current) => ({ ...current, hiddenDocuments: editIds(current.hiddenDocuments, { add: documentIds }) }));
}

export async function unhideDocuments(api: ApiClient, account: UnlockedAccount, state: OwnerState, documentIds: readonly string[]): Promise<VaultSettings> {
  return updateVaultSettings(api, account, state, (current) => ({ ...current, hiddenDocuments: editIds(current.hiddenDocuments, { remove: documentIds }) }));
}

/**
 * Blocks an account: settings first (shareWith then refuses it with SHARE_BLOCKED and its future
 * contributions are deleted when the vault is opened), then its grant is revoked and its pending
 * contributions are deleted.
 */
export async function blockPractitioner(api: ApiClient, account: UnlockedAccount, state: OwnerState, accountId: string): Promise<VaultSettings> {
  const settings = await updateVaultSettings(api, account, state, (current) => ({ ...current, blockedAccounts: editIds(current.blockedAccounts, { add: [accountId] }) }));
  const manifest = await fetchVaultManifest(api, account, state);
  const grants = await fetchOwnedGrants(api, account, manifest);
  forgetGrantKeys(grants);
  for (const grant of grants.filter((entry) => entry.recipientAccountId === accountId)) await revokeShare(api, account, state, grant.grantId);
  const pending = await fetchContributions(api, account.vaultId);
  for (const contribution of pending.filter((entry) => entry.authorAccountId === accountId)) await deleteContribution(api, account, contribution.documentId);
  return settings;
}

/** Removes the block; sharing with the account is possible again (a new share: the old one stays revoked). */
export async function unblockPractitioner(api: ApiClient, account: UnlockedAccount, state: OwnerState, accountId: string): Promise<VaultSettings> {
  return updateVaultSettings(api, account, state, (current) => ({ ...current, blockedAccounts: editIds(current.blockedAccounts, { remove: [accountId] }) }));
}

/** Every grant whose signed list names one of `documentIds` gets the next list without them and loses their wraps. */
async function removeFromGrants(api: ApiClient, account: UnlockedAccount, state: OwnerState, documentIds: ReadonlySet<string>): Promise<void> {
  const manifest = await fetchVaultManifest(api, account, state);
  const grants = await fetchOwnedGrants(api, account, manifest);
  forgetGrantKeys(grants);
  const now = Date.now();
  for (const grant of grants) {
    const removed = [...new Set(grant.list.entries.map((entry) => entry.documentId))].filter((documentId) => documentIds.has(documentId));
    if (removed.length === 0) continue;
    const sequence = grant.list.sequence + 1;
    const entries = grant.list.entries.filter((entry) => !documentIds.has(entry.documentId));
    const list = signGrantList({ vaultId: account.vaultId, grantId: grant.grantId, recipient: grant.list.recipient, sequence, createdAt: now, entries }, account.identity.signingSeed);
    const body: UpdateGrantRequest = { list: { sequence, list: toBase64url(list) }, wraps: [], removeDocuments: removed };
    await request(api, 'PATCH', `/api/vaults/${account.vaultId}/grants/${grant.grantId}`, null, { json: body });
  }
}
