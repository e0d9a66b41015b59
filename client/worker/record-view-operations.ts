// The Worker's side of "Mes documents" and of the owner's choices about practitioners: the selected record
// opened (pending contributions verified and accepted on the way, those that fail kept apart), the names
// of the practitioners who added documents, hiding, blocking. Every check is client/core's (opened-vault.ts,
// pending-contributions.ts, vault-settings.ts, sharing.ts); this file adapts views.
import type { ApiClient } from '../core/api.ts';
import { forgetFileKeys, openVault } from '../core/opened-vault.ts';
import { deleteContribution } from '../core/pending-contributions.ts';
import { blockPractitioner, hideDocuments, hideFromPractitioners, unblockPractitioner, unhideDocuments, unhideFromPractitioners } from '../core/hide-block.ts';
import { fetchVaultSettings } from '../core/vault-settings.ts';
import { directoryName } from './sharing-operations.ts';
import type { Session } from './session.ts';
import type { BlockedView, DocumentView, RecordView } from './protocol.ts';

export async function listRecordView(api: ApiClient, session: Session): Promise<RecordView> {
  const vault = await openVault(api, session.owner(), await session.stateOf());
  forgetFileKeys(vault);
  const names = new Map<string, string | null>();
  for (const document of vault.documents) {
    const author = document.addedBy?.accountId;
    if (author !== undefined && !names.has(author)) names.set(author, await directoryName(api, author));
  }
  const documents = vault.documents.map(({ documentId, version, updatedAt, metadata, addedBy, hidden, hiddenFromPractitioners }): DocumentView => ({
    documentId, version, updatedAt, metadata, hidden: hidden === true, hiddenFromPractitioners: hiddenFromPractitioners === true,
    ...(addedBy === undefined ? {} : { addedBy: { accountId: addedBy.accountId, name: names.get(addedBy.accountId) ?? null } }),
  }));
  return { documents, quarantined: vault.contributions.quarantined.map(({ documentId, code }) => ({ documentId, code })) };
}

/** Hides a document from the main list, or shows it again (vault settings only: sharing is unchanged). */
export async function setHiddenOf(api: ApiClient, session: Session, documentId: string, hidden: boolean): Promise<void> {
  await (hidden ? hideDocuments : unhideDocuments)(api, session.owner(), await session.stateOf(), [documentId]);
}

export async function deleteContributionOf(api: ApiClient, session: Session, documentId: string): Promise<void> {
  await deleteContribution(api, session.owner(), documentId);
}

export async function listBlockedView(api: ApiClient, session: Session): Promise<BlockedView[]> {
  const settings = await fetchVaultSettings(api, session.owner(), await session.stateOf());
  return Promise.all(settings.blockedAccounts.map(async (accountId) => ({ accountId, name: await directoryName(api, accountId) })));
}

/** Withholds a document from every practitioner (its wraps leave every grant), or lets it be shared again. */
export async function setHiddenFromPractitionersOf(api: ApiClient, session: Session, documentId: string, hidden: boolean): Promise<void> {
  await (hidden ? hideFromPractitioners : unhideFromPractitioners)(api, session.owner(), await session.stateOf(), [documentId]);
}

/** Blocks a practitioner (their share revoked, their pending documents deleted), or lifts the block. */
export async function setBlockedOf(api: ApiClient, session: Session, accountId: string, blocked: boolean): Promise<void> {
  await (blocked ? blockPractitioner : unblockPractitioner)(api, session.owner(), await session.stateOf(), accountId);
}
