// The client core's public surface: what the command-line client and (later) the web app's Worker call.
export { ApiClientError, createApiClient, isApiClientError, type ApiClient, type ApiClientErrorCode, type FetchLike } from './api.ts';
export { logIn, logOut, signUp, type AccountRole, type SignUpResult, type TokenDelivery, type UnlockedAccount } from './account.ts';
export { deleteDocument, downloadDocument, listDocuments, listVersions, type Download, type DocumentEntry, type DownloadOptions } from './documents.ts';
export { accessHistory } from './history.ts';
export { DEFAULT_UPLOAD_CHUNK_BYTES, uploadDocument, type UploadInput } from './upload.ts';
export { loadHead, storeHead, type StoredHead, type VaultState } from './vault.ts';
export { changePassword, deleteAccount, recoverAccount } from './account-recovery.ts';
export { forgetFileKeys, openVault, type OpenedDocument, type OpenedVault, type OwnerVault } from './opened-vault.ts';
export { contribute, type ContributionInput } from './contributions.ts';
export { deleteContribution, type ContributionsOutcome, type QuarantinedContribution } from './pending-contributions.ts';
export { emptySettings, fetchVaultSettings, type SettingsState, type VaultSettings } from './vault-settings.ts';
export {
  blockPractitioner, hideDocuments, hideFromPractitioners, unblockPractitioner, unhideDocuments, unhideFromPractitioners,
} from './hide-block.ts';
export { isPinned, loadPin, markVerified, memoryPinStore, pinOnFirstUse, storePin, type PinStatus, type PinStore, type StoredPin } from './pins.ts';
export { fetchPractitioner, publishPractitionerProfile, searchPractitioners, type Practitioner } from './practitioners.ts';
export {
  isSharingError, listShares, revokeShare, SharingError, shareWith, updateShare,
  type ShareInput, type ShareSummary, type ShareUpdate, type SharingErrorCode,
} from './sharing.ts';
export {
  listSharedWithMe, loadSharedState, newSharedState, openSharedPayload, storeSharedState,
  type SharedByPatient, type SharedDocument, type SharedDownload, type SharedState, type StoredSharedState,
} from './shared-with-me.ts';
export { actingAs, createRecord, forgetRecordKeys, listVaults, type ManagedRecord, type VaultList } from './managed-vaults.ts';
export {
  acceptInvite, addManager, createInvite, createShareInvite, inviteCode, leaveRecord, listInvites, listManagers, removeManager,
  type AcceptedInvite, type AddManagerInput, type CreatedInvite, type InviteEntry, type InviteStatus, type ManagerEntry,
} from './record-managers.ts';
export { shareWithInvitee, type RelativeShareInput } from './relative-share.ts';
