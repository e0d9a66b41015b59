// The heads this browser accepted last, per account and vault: the vault manifest's and the access
// history's (ATK-16, ATK-33). Kept in IndexedDB so a rollback is caught across sessions, not only within
// one. They are a sequence number and a hash each: nothing secret, nothing about a document. Storage is
// best effort: where IndexedDB is unavailable (a private window may refuse it) the heads live for the
// session only, as before. The same store keeps, per account, the pinned keys of contacts (ATK-03: an account
// id and a keys hash each) and which shared document versions were opened here (the "nouveau" marker).
import { loadPin, storePin, type PinStore, type StoredPin } from '../core/pins.ts';
import { loadHead, storeHead, type StoredHead, type VaultState } from '../core/vault.ts';
import type { SettingsState } from '../core/vault-settings.ts';

const DATABASE = 'coffre-sante';
const STORE = 'heads';

interface StoredHeads {
  head?: StoredHead;
  history?: StoredHead;
  /** The vault settings' highest sequence accepted (a number: nothing about what is hidden). */
  settingsSequence?: number;
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
export async function loadState(accountId: string, vaultId: string): Promise<VaultState & SettingsState> {
  try {
    const stored = await transact<StoredHeads | undefined>('readonly', (store) => store.get(keyOf(accountId, vaultId)) as IDBRequest<StoredHeads | undefined>);
    return {
      ...(stored?.head === undefined ? {} : { head: loadHead(stored.head) }),
      ...(stored?.history === undefined ? {} : { history: loadHead(stored.history) }),
      ...(stored?.settingsSequence === undefined ? {} : { settingsSequence: stored.settingsSequence }),
    };
  } catch {
    return {};
  }
}

export async function saveState(accountId: string, vaultId: string, state: VaultState & SettingsState): Promise<void> {
  const value: StoredHeads = {
    ...(state.head === undefined ? {} : { head: storeHead(state.head) }),
    ...(state.history === undefined ? {} : { history: storeHead(state.history) }),
    ...(state.settingsSequence === undefined ? {} : { settingsSequence: state.settingsSequence }),
  };
  try {
    await transact('readwrite', (store) => store.put(value, keyOf(accountId, vaultId)));
  } catch {
    // Best effort: the heads still protect this session.
  }
}

/** After the account is deleted: nothing of it stays in this browser (heads, pins, shared vaults' state). */
export async function forgetState(accountId: string, vaultId: string): Promise<void> {
  try {
    await transact('readwrite', (store) => store.delete(keyOf(accountId, vaultId)));
    await transact('readwrite', (store) => store.delete(IDBKeyRange.bound(`${accountId}\u0000`, `${accountId}\u0000\uffff`)));
  } catch {
    // Nothing to forget.
  }
}

/** Contacts' pinned keys for `accountId`, in IndexedDB (in memory only where IndexedDB is refused). */
export function indexedDbPinStore(accountId: string): PinStore {
  const fallback = new Map<string, StoredPin>();
  const key = (contact: string) => `${accountId}\u0000pin\u0000${contact}`;
  return {
    get: async (contact) => {
      let stored: StoredPin | undefined;
      try {
        stored = await transact<StoredPin | undefined>('readonly', (store) => store.get(key(contact)) as IDBRequest<StoredPin | undefined>);
      } catch {
        stored = fallback.get(contact);
      }
      return stored === undefined ? undefined : loadPin(stored);
    },
    put: async (pin) => {
      const stored = storePin(pin);
      fallback.set(pin.accountId, stored);
      try {
        await transact('readwrite', (store) => store.put(stored, key(pin.accountId)));
      } catch {
        // Kept in memory for this session.
      }
    },
  };
}

/** A small value of this account (shared vaults' heads, opened versions), or undefined; best effort. */
export async function loadAccountValue<T>(accountId: string, name: string): Promise<T | undefined> {
  try {
    return await transact<T | undefined>('readonly', (store) => store.get(`${accountId}\u0000${name}`) as IDBRequest<T | undefined>);
  } catch {
    return undefined;
  }
}

export async function saveAccountValue(accountId: string, name: string, value: unknown): Promise<void> {
  try {
    await transact('readwrite', (store) => store.put(value, `${accountId}\u0000${name}`));
  } catch {
    // Best effort, as for the heads.
  }
}
