// The heads this browser accepted last, per account and vault: the vault manifest's and the access
// history's (ATK-16, ATK-33). Kept in IndexedDB so a rollback is caught across sessions, not only within
// one. They are a sequence number and a hash each: nothing secret, nothing about a document. Storage is
// best effort: where IndexedDB is unavailable (a private window may refuse it) the heads live for the
// session only, as before.
import { loadHead, storeHead, type StoredHead, type VaultState } from '../core/vault.ts';

const DATABASE = 'coffre-sante';
const STORE = 'heads';

interface StoredHeads {
  head?: StoredHead;
  history?: StoredHead;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => { request.result.createObjectStore(STORE); };
    request.onsuccess = () => { resolve(request.result); };
    request.onerror = () => { reject(request.error ?? new Error('indexedDB open failed')); };
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => { resolve(request.result); };
      request.onerror = () => { reject(request.error ?? new Error('indexedDB request failed')); };
    });
  } finally {
    db.close();
  }
}

const keyOf = (accountId: string, vaultId: string) => `${accountId}\u0000${vaultId}`;

/** The state to start a session with: the heads seen last in this browser, or none. */
export async function loadState(accountId: string, vaultId: string): Promise<VaultState> {
  try {
    const stored = await transact<StoredHeads | undefined>('readonly', (store) => store.get(keyOf(accountId, vaultId)) as IDBRequest<StoredHeads | undefined>);
    return {
      ...(stored?.head === undefined ? {} : { head: loadHead(stored.head) }),
      ...(stored?.history === undefined ? {} : { history: loadHead(stored.history) }),
    };
  } catch {
    return {};
  }
}

export async function saveState(accountId: string, vaultId: string, state: VaultState): Promise<void> {
  const value: StoredHeads = {
    ...(state.head === undefined ? {} : { head: storeHead(state.head) }),
    ...(state.history === undefined ? {} : { history: storeHead(state.history) }),
  };
  try {
    await transact('readwrite', (store) => store.put(value, keyOf(accountId, vaultId)));
  } catch {
    // Best effort: the heads still protect this session.
  }
}

/** After the account is deleted: nothing of it stays in this browser. */
export async function forgetState(accountId: string, vaultId: string): Promise<void> {
  try {
    await transact('readwrite', (store) => store.delete(keyOf(accountId, vaultId)));
  } catch {
    // Nothing to forget.
  }
}
