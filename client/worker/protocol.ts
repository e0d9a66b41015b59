// The messages between the pages (client/lib/vault-client.ts) and the crypto Worker. Only decrypted views
// cross this line: keys, the unlocked account and the vault head stay inside the Worker (STYLE.md 16).
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import type { AccessEvent } from '../../shared/history.ts';

/** A document as the pages see it: ids, sizes and its decrypted metadata. */
export interface DocumentView {
  documentId: string;
  version: number;
  updatedAt: number;
  metadata: DocumentMetadata;
}

export type UploadMetadata = Omit<DocumentMetadata, 'realLength'>;

/** One operation and its argument, keyed by name; `Results` gives what each answers. */
export interface Operations {
  signUp: { accountId: string; password: string; language: 'fr' | 'en' };
  logIn: { accountId: string; password: string };
  logOut: Record<string, never>;
  listDocuments: Record<string, never>;
  /** With `documentId`: a new version of that existing document; without: a new document. */
  uploadDocument: { file: Blob; metadata: UploadMetadata; documentId?: string };
  downloadDocument: { documentId: string };
  deleteDocument: { documentId: string };
  history: Record<string, never>;
  /** The words as typed (spaces or line breaks); the keys are rebuilt in the Worker, then forgotten. */
  recoverAccount: { accountId: string; words: string; newPassword: string };
  changePassword: { currentPassword: string; newPassword: string };
  deleteAccount: { password: string };
}

export interface Results {
  signUp: { recoveryWords: string[] };
  logIn: { accountId: string };
  logOut: null;
  listDocuments: DocumentView[];
  uploadDocument: { documentId: string; version: number };
  /** The whole plaintext, released only after every chunk and the payload hash checked out. */
  downloadDocument: { blob: Blob; fileName: string; mimeType: string };
  deleteDocument: null;
  history: AccessEvent[];
  recoverAccount: null;
  changePassword: null;
  deleteAccount: null;
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
