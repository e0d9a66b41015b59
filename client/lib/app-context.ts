// What every page reads: the messages of the current language, and who is logged in (an identifier only;
// the keys are in the Worker). Held in memory: a reload asks for the password again.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { fr, type Messages } from '../locales/fr.ts';
import type { Locale } from './use-locale.ts';
import type { AccountRole, VaultChoiceView } from './vault-client.ts';

export interface AppState {
  messages: Messages;
  locale: Locale;
  /** The logged-in account's identifier, or null. */
  accountId: string | null;
  setAccountId: (accountId: string | null) => void;
  /** The logged-in account's role (from its signed bundle); 'patient' when logged out. */
  role: AccountRole;
  setRole: (role: AccountRole) => void;
  /** Every record this person manages (their own first); empty while logged out. */
  vaults: VaultChoiceView[];
  /** Reads the records again (after one is created, joined or left). */
  refreshVaults: () => Promise<void>;
  /** The record the vault pages act on; null while logged out. */
  vaultId: string | null;
  selectVault: (vaultId: string) => Promise<void>;
}

export const AppContext = createContext<AppState>({
  messages: fr, locale: 'fr', accountId: null, setAccountId: () => undefined, role: 'patient', setRole: () => undefined,
  vaults: [], refreshVaults: async () => Promise.resolve(), vaultId: null, selectVault: async () => Promise.resolve(),
});

export function useApp(): AppState {
  return useContext(AppContext);
}
