// The client core's public surface: what the command-line client and (later) the web app's Worker call.
export { ApiClientError, createApiClient, isApiClientError, type ApiClient, type ApiClientErrorCode, type FetchLike } from './api.ts';
export { logIn, logOut, signUp, type SignUpResult, type TokenDelivery, type UnlockedAccount } from './account.ts';
export { deleteDocument, downloadDocument, listDocuments, listVersions, type Download, type DocumentEntry, type DownloadOptions } from './documents.ts';
export { accessHistory } from './history.ts';
export { DEFAULT_UPLOAD_CHUNK_BYTES, uploadDocument, type UploadInput } from './upload.ts';
export { loadHead, storeHead, type StoredHead, type VaultState } from './vault.ts';
export { changePassword, deleteAccount, recoverAccount } from './account-recovery.ts';
