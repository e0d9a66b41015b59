// The crypto Worker: runs client/core with the unlocked account held in this Worker's memory only. The
// session is the HttpOnly __Host-session cookie, so fetches carry credentials 'same-origin' and no token
// ever reaches script (ATK-32). Operations run one after another: each vault change signs the successor of
// the manifest it read, so two at once would conflict.
import { logIn, logOut, signUp, type UnlockedAccount } from '../core/account.ts';
import { changePassword, deleteAccount, recoverAccount } from '../core/account-recovery.ts';
import { createApiClient, isApiClientError } from '../core/api.ts';
import { deleteDocument, downloadDocument, listDocuments } from '../core/documents.ts';
import { accessHistory } from '../core/history.ts';
import { isWeakPasswordError } from '../core/password-policy.ts';
import { contact, ownFingerprint, ownProfile, verifyContact } from './directory-operations.ts';
import { forgetState, indexedDbPinStore, loadState, saveState } from './head-store.ts';
import { listSharesView, listSharedWithMeView, openSharedFile, revokeShareOf, shareWithScope } from './sharing-operations.ts';
import { publishPractitionerProfile, searchPractitioners } from '../core/practitioners.ts';
import type { PinStore } from '../core/pins.ts';
import { uploadDocument } from '../core/upload.ts';
import type { VaultState } from '../core/vault.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import type { Operations, OperationName, Results, WorkerFailure, WorkerReply, WorkerRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const api = createApiClient(self.location.origin, { fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }) });
let account: UnlockedAccount | null = null;
let pins: PinStore | null = null;
/** The last vault and history heads accepted, kept across sessions in this browser (head-store.ts). */
let state: VaultState = {};
let queue: Promise<unknown> = Promise.resolve();

type Handler<K extends OperationName> = (input: Operations[K], progress: (done: number, total: number) => void) => Promise<Results[K]>;

const handlers: { [K in OperationName]: Handler<K> } = {
  signUp: async ({ accountId, password, language, role }) => signUp(api, accountId, password, language, role),
  logIn: async ({ accountId, password }) => {
    forget();
    const unlockedAccount = await logIn(api, accountId, password, 'cookie');
    state = await loadState(unlockedAccount.accountId, unlockedAccount.vaultId);
    account = unlockedAccount;
    pins = indexedDbPinStore(unlockedAccount.accountId);
    return { accountId: account.accountId, role: account.role };
  },
  logOut: async () => {
    try {
      await logOut(api);
    } finally {
      forget();
    }
    return null;
  },
  listDocuments: async () => {
    const entries = await listDocuments(api, unlocked(), state);
    return entries.map(({ documentId, version, updatedAt, metadata }) => ({ documentId, version, updatedAt, metadata }));
  },
  uploadDocument: async ({ file, metadata, documentId }, progress) => uploadDocument(api, unlocked(), state, {
    stream: file.stream(), size: file.size, metadata, documentId, onProgress: progress,
  }),
  downloadDocument: async ({ documentId }) => {
    const download = await downloadDocument(api, unlocked(), state, documentId);
    // Response.blob() rejects if the stream errors: no byte of a document that failed its checks is released.
    const blob = await new Response(download.stream).blob();
    return { blob: new Blob([blob], { type: download.metadata.mimeType }), fileName: download.metadata.fileName, mimeType: download.metadata.mimeType };
  },
  deleteDocument: async ({ documentId }) => {
    await deleteDocument(api, unlocked(), state, documentId);
    return null;
  },
  history: async () => accessHistory(api, unlocked(), state),
  recoverAccount: async ({ accountId, words, newPassword }) => {
    await recoverAccount(api, accountId, words, newPassword);
    // The server revoked every session of that account: whoever was unlocked here logs in again.
    forget();
    return null;
  },
  changePassword: async ({ currentPassword, newPassword }) => {
    await changePassword(api, unlocked(), currentPassword, newPassword);
    return null;
  },
  deleteAccount: async ({ password }) => {
    const { accountId, vaultId } = unlocked();
    await deleteAccount(api, accountId, password);
    await forgetState(accountId, vaultId);
    forget();
    return null;
  },
  ownFingerprint: async () => Promise.resolve(ownFingerprint(unlocked())),
  myPractitionerProfile: async () => ownProfile(api, unlocked()),
  publishPractitionerProfile: async (profile) => {
    unlocked();
    await publishPractitionerProfile(api, profile);
    return null;
  },
  searchPractitioners: async ({ query }) => { unlocked(); return searchPractitioners(api, query); },
  practitionerContact: async ({ accountId }) => contact(api, pinStore(), accountId),
  verifyContact: async ({ accountId, qrPayload }) => verifyContact(api, pinStore(), accountId, qrPayload),
  listShares: async () => listSharesView(api, unlocked(), state, pinStore()),
  shareWith: async ({ recipientAccountId, scope, endsAt }) => shareWithScope(api, unlocked(), state, pinStore(), { recipientAccountId, scope, endsAt }),
  revokeShare: async ({ grantId }) => {
    await revokeShareOf(api, unlocked(), state, grantId);
    return null;
  },
  listSharedWithMe: async () => listSharedWithMeView(api, unlocked(), pinStore()),
  openShared: async ({ grantId, documentId, version }) => openSharedFile(api, unlocked(), pinStore(), { grantId, documentId, version }),
};

/** Operations where UNAUTHENTICATED means a wrong password or wrong words, not a lost session. */
const CREDENTIAL_CHECKS: readonly OperationName[] = ['logIn', 'recoverAccount', 'changePassword', 'deleteAccount'];

function unlocked(): UnlockedAccount {
  if (account === null) throw new LockedError();
  return account;
}

function pinStore(): PinStore {
  unlocked();
  if (pins === null) throw new LockedError();
  return pins;
}

/** Drops the keys: zeroes the private seeds we hold, then lets the rest go. */
function forget(): void {
  if (account !== null) {
    for (const value of Object.values(account.identity)) if (value instanceof Uint8Array) value.fill(0);
  }
  account = null;
  pins = null;
  state = {};
}

class LockedError extends Error {
  override readonly name = 'LockedError';
}

function failureOf(error: unknown): WorkerFailure {
  if (isApiClientError(error)) return { source: 'api', code: error.code };
  if (isCryptoError(error)) return { source: 'crypto', code: error.code };
  if (error instanceof LockedError) return { source: 'api', code: 'UNAUTHENTICATED' };
  if (isWeakPasswordError(error)) return { source: 'input', code: error.code };
  if (error instanceof RangeError || error instanceof TypeError) return { source: 'input', code: 'INVALID_INPUT' };
  return { source: 'unknown', code: 'UNKNOWN' };
}

function reply(message: WorkerReply): void {
  self.postMessage(message);
}

async function run(request: WorkerRequest): Promise<void> {
  const handler = handlers[request.op];
  try {
    const value = await handler(request.input as never, (done, total) => { reply({ id: request.id, kind: 'progress', done, total }); });
    if (account !== null) await saveState(account.accountId, account.vaultId, state);
    reply({ id: request.id, kind: 'result', value });
  } catch (error) {
    if (isApiClientError(error, 'UNAUTHENTICATED') && !CREDENTIAL_CHECKS.includes(request.op)) forget();
    reply({ id: request.id, kind: 'error', error: failureOf(error) });
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  queue = queue.then(() => run(request));
};
