// The messages between the pages (client/lib/vault-client.ts) and the crypto Worker. Only decrypted views
// cross this line: keys, the unlocked account and the vault head stay inside the Worker (STYLE.md 16).
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import type { AccessEvent } from '../../shared/history.ts';
import type { PractitionerEntry, PractitionerProfile } from '../../shared/practitioners.ts';

/** A document as the pages see it: ids, sizes and its decrypted metadata. */
export interface DocumentView {
  documentId: string;
  version: number;
  updatedAt: number;
  metadata: DocumentMetadata;
  /** Set when someone else (a practitioner) added it, its signature checked: their directory name if they have one. */
  addedBy?: { accountId: string; name: string | null };
  /** Hidden from the main list by the owner ("Afficher les documents masqués" shows it). */
  hidden?: boolean;
  /** Withheld from every practitioner (vault settings). */
  hiddenFromPractitioners?: boolean;
}

/** A received document that failed verification: never shown as genuine, only its deletion is offered. */
export interface QuarantinedView {
  documentId: string;
  /** The stable code of the failed check. */
  code: string;
}

/** The selected record as "Mes documents" shows it. */
export interface RecordView {
  documents: DocumentView[];
  quarantined: QuarantinedView[];
}

/** A record this person manages: their own ("Mon dossier", name null) or a relative's. */
export interface VaultChoiceView {
  vaultId: string;
  role: 'owner' | 'manager';
  /** The relative's name (decrypted here); null for one's own record. */
  name: string | null;
  startsAt: number | null;
  endsAt: number | null;
}

/** An invitation just made: the code to give out of band (as text and QR) and when it expires. */
export interface InviteCodeView {
  inviteId: string;
  code: string;
  expiresAt: number;
}

/** What a code is for: joining a record as co-manager, or letting its owner share documents with you. */
export type InvitePurpose = 'manager' | 'share';

/** A pending invitation; once accepted, the invitee's account and the fingerprint of their keys to compare. */
export interface InviteView {
  inviteId: string;
  purpose: InvitePurpose;
  createdAt: number;
  expiresAt: number;
  /** 'refused': someone answered, but not with the proof of this code's holder (never added). */
  status: 'pending' | 'accepted' | 'refused';
  invitee: { accountId: string; fingerprint: FingerprintView } | null;
}

/** A manager of a record. */
export interface ManagerView {
  accountId: string;
  startsAt: number | null;
  endsAt: number | null;
  self: boolean;
}

/** A practitioner the owner blocked. */
export interface BlockedView {
  accountId: string;
  name: string | null;
}

export type ShareRole = 'reader' | 'contributor';

export type UploadMetadata = Omit<DocumentMetadata, 'realLength'>;

/** What an account signed up as (in its self-signed public bundle). */
export type AccountRole = 'patient' | 'practitioner';

/** A key fingerprint: 8 groups of 5 digits to read aloud, and the text of its QR code. */
export interface FingerprintView {
  number: string;
  qrPayload: string;
}

/** Where a contact's current keys stand against the pin this browser keeps (ATK-03). */
export type PinState = 'verified' | 'unverified' | 'changed';

/** A practitioner picked from the directory, with the fingerprint of the keys the server serves now. */
export interface ContactView {
  entry: PractitionerEntry;
  fingerprint: FingerprintView;
  pin: PinState;
}

/** What to share: everything (future documents too), categories (future documents in them too), or chosen documents. */
export type ShareScope = { kind: 'all' } | { kind: 'categories'; categories: string[] } | { kind: 'documents'; documentIds: string[] };

/** What a share covers as its list shows it: chosen documents are counted, not named. */
export type ShareScopeView = { kind: 'all' } | { kind: 'categories'; categories: string[] } | { kind: 'documents'; documentCount: number };

/** One of the owner's shares. `name` is the directory name when the recipient has a profile. */
export interface ShareView {
  grantId: string;
  recipientAccountId: string;
  name: string | null;
  scope: ShareScopeView;
  endsAt: number | null;
  role: ShareRole;
  /** False once ended: the server no longer serves it. */
  active: boolean;
  /** The number of documents the grant list names. */
  documentCount: number;
  pin: PinState;
}

/** A document a patient shares with me (verified and decrypted); `isNew` until I open this version. */
export interface SharedDocumentView extends DocumentView {
  isNew: boolean;
}

/** One patient's vault as shared with me. */
export interface SharedVaultView {
  ownerAccountId: string;
  vaultId: string;
  grantId: string;
  endsAt: number | null;
  /** 'contributor': I may add documents to this record. */
  role: ShareRole;
  documents: SharedDocumentView[];
}

/** A decrypted file, released whole once every check passed. */
export interface OpenedFileView {
  blob: Blob;
  fileName: string;
  mimeType: string;
}

/** One operation and its argument, keyed by name; `Results` gives what each answers. */
export interface Operations {
  /** Without a role: a patient account. */
  signUp: { accountId: string; password: string; language: 'fr' | 'en'; role?: AccountRole };
  logIn: { accountId: string; password: string };
  logOut: Record<string, never>;
  listDocuments: Record<string, never>;
  /**
   * With `documentId`: a new version of that existing document; without: a new document. `confidential`:
   * into the account's own vault whatever record is selected, so that only the account's keys (and the
   * grants it makes) open it, never a relative's record keys, which every co-manager holds.
   */
  uploadDocument: { file: Blob; metadata: UploadMetadata; documentId?: string; confidential?: boolean };
  downloadDocument: { documentId: string };
  deleteDocument: { documentId: string };
  history: Record<string, never>;
  /** The words as typed (spaces or line breaks); the keys are rebuilt in the Worker, then forgotten. */
  recoverAccount: { accountId: string; words: string; newPassword: string };
  changePassword: { currentPassword: string; newPassword: string };
  deleteAccount: { password: string };
  ownFingerprint: Record<string, never>;
  myPractitionerProfile: Record<string, never>;
  publishPractitionerProfile: PractitionerProfile;
  searchPractitioners: { query: string };
  /** Fetches the entry and bundle, pins it on first use. */
  practitionerContact: { accountId: string };
  /** The user compared the fingerprint shown (its QR text) with the practitioner: pins those keys as verified. */
  verifyContact: { accountId: string; qrPayload: string };
  listShares: Record<string, never>;
  shareWith: { recipientAccountId: string; scope: ShareScope; endsAt: number | null; role: ShareRole };
  revokeShare: { grantId: string };
  listSharedWithMe: Record<string, never>;
  openShared: { grantId: string; documentId: string; version: number };
  /** A practitioner adds a document to a record shared with them as contributor. */
  contribute: { grantId: string; file: Blob; metadata: UploadMetadata };
  /** Every record this person manages; the Worker acts on the one selected (own record at log-in). */
  listVaults: Record<string, never>;
  selectVault: { vaultId: string };
  /** The selected record: documents (contributions verified and accepted) and those that failed verification. */
  listRecord: Record<string, never>;
  setHidden: { documentId: string; hidden: boolean };
  setHiddenFromPractitioners: { documentId: string; hidden: boolean };
  deleteContribution: { documentId: string };
  listBlocked: Record<string, never>;
  setBlocked: { accountId: string; blocked: boolean };
  createRecord: { name: string };
  createInvite: { vaultId: string };
  /** Either kind of code; the answer says which it was. */
  acceptInvite: { code: string };
  /** The co-manager invitations of a record. */
  listInvites: { vaultId: string };
  /** A sharing code of the selected record, for a relative (who is not in the directory). */
  createShareInvite: Record<string, never>;
  /** The selected record's sharing codes; once used, the relative's fingerprint to compare. */
  listShareInvites: Record<string, never>;
  /** Shares read-only with the relative who used this sharing code (their proof checked again). */
  shareWithInvitee: { inviteId: string; scope: ShareScope; endsAt: number | null };
  addManager: { vaultId: string; inviteId: string; startsAt: number | null; endsAt: number | null };
  listManagers: { vaultId: string };
  /** Removes a co-manager; with one's own account id, leaves the record. */
  removeManager: { vaultId: string; accountId: string };
}

export interface Results {
  signUp: { recoveryWords: string[] };
  logIn: { accountId: string; role: AccountRole };
  logOut: null;
  listDocuments: DocumentView[];
  /** `vaultId`: where it went (the account's own vault for a confidential document). */
  uploadDocument: { vaultId: string; documentId: string; version: number };
  /** The whole plaintext, released only after every chunk and the payload hash checked out. */
  downloadDocument: { blob: Blob; fileName: string; mimeType: string };
  deleteDocument: null;
  history: AccessEvent[];
  recoverAccount: null;
  changePassword: null;
  deleteAccount: null;
  ownFingerprint: FingerprintView;
  myPractitionerProfile: PractitionerEntry | null;
  publishPractitionerProfile: null;
  searchPractitioners: PractitionerEntry[];
  practitionerContact: ContactView;
  verifyContact: ContactView;
  listShares: ShareView[];
  shareWith: { grantId: string };
  revokeShare: null;
  listSharedWithMe: SharedVaultView[];
  openShared: OpenedFileView;
  contribute: { documentId: string };
  listVaults: VaultChoiceView[];
  selectVault: null;
  listRecord: RecordView;
  setHidden: null;
  setHiddenFromPractitioners: null;
  deleteContribution: null;
  listBlocked: BlockedView[];
  setBlocked: null;
  createRecord: { vaultId: string };
  createInvite: InviteCodeView;
  /** 'share': `owner` (the account, or the record's id) may now share with me. */
  acceptInvite: { vaultId: string; purpose: InvitePurpose; owner: string };
  listInvites: InviteView[];
  createShareInvite: InviteCodeView;
  listShareInvites: InviteView[];
  shareWithInvitee: { grantId: string };
  addManager: null;
  listManagers: ManagerView[];
  removeManager: null;
}

export type OperationName = keyof Operations;

export type WorkerRequest = { [K in OperationName]: { id: number; op: K; input: Operations[K] } }[OperationName];

/** Where a failure came from, and its stable code; never a message with data in it. */
export interface WorkerFailure {
  source: 'api' | 'crypto' | 'input' | 'unknown';
  code: string;
}

export type WorkerReply =
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; error: WorkerFailure }
  | { id: number; kind: 'progress'; done: number; total: number };
