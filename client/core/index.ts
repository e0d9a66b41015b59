// The client core's public surface: what the command-line client and (later) the web app's Worker call.
export { ApiClientError, createApiClient, isApiClientError, type ApiClient, type ApiClientErrorCode, type FetchLike } from './api.ts';
export { logIn, logOut, signUp, type AccountRole, type SignUpResult, type TokenDelivery, type UnlockedAccount } from './account.ts';
export { deleteDocument, downloadDocument, listDocuments, listVersions, type Download, type DocumentEntry, type DownloadOptions } from './documents.ts';
export { accessHistory } from './history.ts';
export { DEFAULT_UPLOAD_CHUNK_BYTES, uploadDocument, type UploadInput } from './upload.ts';
export { loadHead, storeHead, type StoredHead, type VaultState } from './vault.ts';
export { changePassword, deleteAccount, recoverAccount } from './account-recovery.ts';
export { forgetFileKeys, openVault, type OpenedDocument, type OpenedVault } from './opened-vault.ts';
export { isPinned, loadPin, markVerified, memoryPinStore, pinOnFirstUse, storePin, type PinStatus, type PinStore, type StoredPin } from './pins.ts';
export { fetchPractitioner, publishPractitionerProfile, searchPractitioners, type Practitioner } from './practitioners.ts';
export { listShares, revokeShare, shareWith, updateShare, type ShareInput, type ShareSummary, type ShareUpdate } from './sharing.ts';
export {
  listSharedWithMe, loadSharedState, newSharedState, openSharedPayload, storeSharedState,
  type SharedByPatient, type SharedDocument, type SharedDownload, type SharedState, type StoredSharedState,
} from './shared-with-me.ts';
