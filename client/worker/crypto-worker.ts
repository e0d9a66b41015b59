// The crypto Worker: runs client/core with the unlocked account held in this Worker's memory only. The
// session is the HttpOnly __Host-session cookie, so fetches carry credentials 'same-origin' and no token
// ever reaches script (ATK-32). Operations run one after another: each vault change signs the successor of
// the manifest it read, so two at once would conflict.
import { logIn, logOut, signUp } from '../core/account.ts';
import { changePassword, deleteAccount, recoverAccount } from '../core/account-recovery.ts';
import { createApiClient, isApiClientError } from '../core/api.ts';
import { deleteDocument, downloadDocument, listDocuments } from '../core/documents.ts';
import { accessHistory } from '../core/history.ts';
import { isWeakPasswordError } from '../core/password-policy.ts';
import { publishPractitionerProfile, searchPractitioners } from '../core/practitioners.ts';
import { isSharingError } from '../core/sharing.ts';
import { uploadDocument } from '../core/upload.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { contributeTo } from './contribute-operation.ts';
import { contact, ownFingerprint, ownProfile, verifyContact } from './directory-operations.ts';
import { forgetState } from './head-store.ts';
import {
  acceptInviteCode, addManagerFrom, createInviteFor, createRecordOf, listInvitesView, listManagersView, listVaultsView, removeManagerOf,
} from './record-operations.ts';
import { deleteContributionOf, listBlockedView, listRecordView, setBlockedOf, setHiddenFromPractitionersOf, setHiddenOf } from './record-view-operations.ts';
import { createShareCode, invitesView, shareWithRelative } from './relative-share-operations.ts';
import { Session } from './session.ts';
import { listSharesView, listSharedWithMeView, openSharedFile, revokeShareOf, shareWithScope } from './sharing-operations.ts';
import type { Operations, OperationName, Results, WorkerFailure, WorkerReply, WorkerRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const api = createApiClient(self.location.origin, { fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }) });
/** The unlocked account, the record it acts on and every vault's heads; null while locked. */
let session: Session | null = null;
let queue: Promise<unknown> = Promise.resolve();

type Handler<K extends OperationName> = (input: Operations[K], progress: (done: number, total: number) => void) => Promise<Results[K]>;

const handlers: { [K in OperationName]: Handler<K> } = {
  signUp: async ({ accountId, password, language, role }) => signUp(api, accountId, password, language, role),
  logIn: async ({ accountId, password }) => {
    forget();
    session = await Session.start(await logIn(api, accountId, password, 'cookie'));
    return { accountId: session.account.accountId, role: session.account.role };
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
    const current = unlocked();
    const entries = await listDocuments(api, current.owner(), await current.stateOf());
    return entries.map(({ documentId, version, updatedAt, metadata }) => ({ documentId, version, updatedAt, metadata }));
  },
  uploadDocument: async ({ file, metadata, documentId, confidential }, progress) => {
    const current = unlocked();
    const vaultId = confidential === true ? current.account.vaultId : undefined;
    const owner = current.owner(vaultId);
    const uploaded = await uploadDocument(api, owner, await current.stateOf(vaultId), { stream: file.stream(), size: file.size, metadata, documentId, onProgress: progress });
    return { vaultId: owner.vaultId, ...uploaded };
  },
  downloadDocument: async ({ documentId }) => {
    const current = unlocked();
    const download = await downloadDocument(api, current.owner(), await current.stateOf(), documentId);
    // Response.blob() rejects if the stream errors: no byte of a document that failed its checks is released.
    const blob = await new Response(download.stream).blob();
    return { blob: new Blob([blob], { type: download.metadata.mimeType }), fileName: download.metadata.fileName, mimeType: download.metadata.mimeType };
  },
  deleteDocument: async ({ documentId }) => {
    const current = unlocked();
    await deleteDocument(api, current.owner(), await current.stateOf(), documentId);
    return null;
  },
  history: async () => { const current = unlocked(); return accessHistory(api, current.owner(), await current.stateOf()); },
  recoverAccount: async ({ accountId, words, newPassword }) => {
    await recoverAccount(api, accountId, words, newPassword);
    // The server revoked every session of that account: whoever was unlocked here logs in again.
    forget();
    return null;
  },
  changePassword: async ({ currentPassword, newPassword }) => {
    await changePassword(api, unlocked().account, currentPassword, newPassword);
    return null;
  },
  deleteAccount: async ({ password }) => {
    const { accountId, vaultId } = unlocked().account;
    await deleteAccount(api, accountId, password);
    await forgetState(accountId, vaultId);
    forget();
    return null;
  },
  ownFingerprint: async () => Promise.resolve(ownFingerprint(unlocked().account)),
  myPractitionerProfile: async () => ownProfile(api, unlocked().account),
  publishPractitionerProfile: async (profile) => {
    unlocked();
    await publishPractitionerProfile(api, profile);
    return null;
  },
  searchPractitioners: async ({ query }) => { unlocked(); return searchPractitioners(api, query); },
  practitionerContact: async ({ accountId }) => contact(api, unlocked().pins, accountId),
  verifyContact: async ({ accountId, qrPayload }) => verifyContact(api, unlocked().pins, accountId, qrPayload),
  listShares: async () => { const current = unlocked(); return listSharesView(api, current.owner(), await current.stateOf(), current.pins); },
  shareWith: async (input) => { const current = unlocked(); return shareWithScope(api, current.owner(), await current.stateOf(), current.pins, input); },
  revokeShare: async ({ grantId }) => {
    const current = unlocked();
    await revokeShareOf(api, current.owner(), await current.stateOf(), grantId);
    return null;
  },
  listSharedWithMe: async () => listSharedWithMeView(api, unlocked().account, unlocked().pins),
  openShared: async (ref) => openSharedFile(api, unlocked().account, unlocked().pins, ref),
  contribute: async ({ grantId, file, metadata }, progress) => contributeTo(api, unlocked(), { grantId, file, metadata, onProgress: progress }),
  listVaults: async () => listVaultsView(api, unlocked()),
  selectVault: async ({ vaultId }) => { await unlocked().select(vaultId); return null; },
  listRecord: async () => listRecordView(api, unlocked()),
  setHidden: async ({ documentId, hidden }) => { await setHiddenOf(api, unlocked(), documentId, hidden); return null; },
  setHiddenFromPractitioners: async ({ documentId, hidden }) => { await setHiddenFromPractitionersOf(api, unlocked(), documentId, hidden); return null; },
  deleteContribution: async ({ documentId }) => { await deleteContributionOf(api, unlocked(), documentId); return null; },
  listBlocked: async () => listBlockedView(api, unlocked()),
  setBlocked: async ({ accountId, blocked }) => { await setBlockedOf(api, unlocked(), accountId, blocked); return null; },
  createRecord: async ({ name }) => createRecordOf(api, unlocked(), name),
  createInvite: async ({ vaultId }) => createInviteFor(api, unlocked(), vaultId),
  acceptInvite: async ({ code }) => acceptInviteCode(api, unlocked(), code),
  listInvites: async ({ vaultId }) => listInvitesView(api, unlocked(), vaultId),
  createShareInvite: async () => createShareCode(api, unlocked()),
  listShareInvites: async () => invitesView(api, unlocked(), 'share'),
  shareWithInvitee: async (input) => shareWithRelative(api, unlocked(), input),
  addManager: async (input) => { await addManagerFrom(api, unlocked(), input); return null; },
  listManagers: async ({ vaultId }) => listManagersView(api, unlocked(), vaultId),
  removeManager: async ({ vaultId, accountId }) => { await removeManagerOf(api, unlocked(), vaultId, accountId); return null; },
};

/** Operations where UNAUTHENTICATED means a wrong password or wrong words, not a lost session. */
const CREDENTIAL_CHECKS: readonly OperationName[] = ['logIn', 'recoverAccount', 'changePassword', 'deleteAccount'];

function unlocked(): Session {
  if (session === null) throw new LockedError();
  return session;
}

/** Drops the keys: zeroes the private seeds we hold (the account's and its records'), then lets the rest go. */
function forget(): void {
  session?.forget();
  session = null;
}

class LockedError extends Error {
  override readonly name = 'LockedError';
}

function failureOf(error: unknown): WorkerFailure {
  if (isApiClientError(error)) return { source: 'api', code: error.code };
  if (isCryptoError(error)) return { source: 'crypto', code: error.code };
  if (error instanceof LockedError) return { source: 'api', code: 'UNAUTHENTICATED' };
  if (isWeakPasswordError(error)) return { source: 'input', code: error.code };
  if (isSharingError(error)) return { source: 'input', code: error.code };
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
    await session?.save();
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
