// The one facade the pages call. It starts the crypto Worker and turns its messages into promises; keys
// never come out of the Worker, only decrypted views (STYLE.md 16). Failures reject with a VaultError whose
// code is stable (an API code, a CryptoError code, INVALID_INPUT or UNKNOWN): pages map it to a sentence
// with errorMessage() and never show the raw code.
import type { Operations, OperationName, Results, WorkerFailure, WorkerReply } from '../worker/protocol.ts';

export type {
  AccountRole, BlockedView, ContactView, DocumentView, FingerprintView, InviteCodeView, InvitePurpose, InviteView, ManagerView, OpenedFileView, PinState, QuarantinedView,
  RecordView, ShareRole, ShareScope, ShareScopeView, ShareView, SharedDocumentView, SharedVaultView, UploadMetadata, VaultChoiceView,
} from '../worker/protocol.ts';
export type { PractitionerEntry, PractitionerProfile, Profession } from '../../shared/practitioners.ts';
export type { AccessEvent } from '../../shared/history.ts';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: string;
  readonly source: WorkerFailure['source'];

  constructor(failure: WorkerFailure) {
    super(`vault operation failed: ${failure.code}`);
    this.code = failure.code;
    this.source = failure.source;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: VaultError) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface VaultClient {
  call<K extends OperationName>(op: K, input: Operations[K], onProgress?: (done: number, total: number) => void): Promise<Results[K]>;
}

export function createVaultClient(worker: Worker): VaultClient {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const message = event.data;
    const entry = pending.get(message.id);
    if (entry === undefined) return;
    if (message.kind === 'progress') {
      entry.onProgress?.(message.done, message.total);
      return;
    }
    pending.delete(message.id);
    if (message.kind === 'result') entry.resolve(message.value);
    else entry.reject(new VaultError(message.error));
  };
  return {
    call: (op, input, onProgress) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      worker.postMessage({ id, op, input });
    }),
  };
}

let shared: VaultClient | null = null;

/** The page's one client, over one module Worker (bundled by vite from crypto-worker.ts). */
export function vaultClient(): VaultClient {
  shared ??= createVaultClient(new Worker(new URL('../worker/crypto-worker.ts', import.meta.url), { type: 'module' }));
  return shared;
}
