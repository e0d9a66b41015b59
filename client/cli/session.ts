// Per-command session handling: the stored bearer token and vault head in, a fresh login (which rotates the
// token) to re-derive the keys from the password, and the rotated token and the new head saved back out.
import { logIn, type UnlockedAccount } from '../core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../core/api.ts';
import { loadPin, storePin, type PinStore } from '../core/pins.ts';
import { loadHead, storeHead, type VaultState } from '../core/vault.ts';
import type { SettingsState } from '../core/vault-settings.ts';
import type { ConfigStore } from './config.ts';
import { CliError, EXIT } from './errors.ts';
import { readPassword } from './prompt.ts';

export interface CliContext {
  server: string;
  store: ConfigStore;
  env: NodeJS.ProcessEnv;
  /** One line to stdout. */
  out: (line: string) => void;
  fetch?: FetchLike;
}

export interface Unlocked {
  api: ApiClient;
  account: UnlockedAccount;
  state: VaultState & SettingsState;
  /** Persists the vault, history and settings heads the command reached. */
  save(): void;
}

export function apiFor(context: CliContext, token?: string): ApiClient {
  return createApiClient(context.server, { token, fetch: context.fetch });
}

/** Logs in again with the stored account id and the password; keys live in memory for this command only. */
export async function unlock(context: CliContext): Promise<Unlocked> {
  const entry = context.store.get(context.server);
  if (entry.accountId === undefined || entry.token === undefined) throw new CliError('NOT_LOGGED_IN', EXIT.AUTH);
  const password = await readPassword(`Mot de passe : `, context.env);
  const api = apiFor(context, entry.token);
  const account = await logIn(api, entry.accountId, password);
  context.store.set(context.server, { ...entry, token: api.token, vaultId: account.vaultId });
  const stored = entry.heads[account.vaultId];
  const storedHistory = entry.histories?.[account.vaultId];
  const storedSettings = entry.settings?.[account.vaultId];
  const state: VaultState & SettingsState = {
    ...(stored === undefined ? {} : { head: loadHead(stored) }),
    ...(storedHistory === undefined ? {} : { history: loadHead(storedHistory) }),
    ...(storedSettings === undefined ? {} : { settingsSequence: storedSettings }),
  };
  return {
    api, account, state,
    save: () => {
      const latest = context.store.get(context.server);
      const heads = state.head === undefined ? latest.heads : { ...latest.heads, [account.vaultId]: storeHead(state.head) };
      const histories = state.history === undefined ? latest.histories : { ...latest.histories, [account.vaultId]: storeHead(state.history) };
      const settings = state.settingsSequence === undefined ? latest.settings : { ...latest.settings, [account.vaultId]: state.settingsSequence };
      context.store.set(context.server, { ...latest, heads, ...(histories === undefined ? {} : { histories }), ...(settings === undefined ? {} : { settings }) });
    },
  };
}

/** The contacts pinned by `accountId` on this server, read and written through the session file. */
export function cliPinStore(context: CliContext, accountId: string): PinStore {
  return {
    get: (contactId) => {
      const stored = context.store.get(context.server).pins?.[accountId]?.[contactId];
      return Promise.resolve(stored === undefined ? undefined : loadPin({ accountId: contactId, ...stored }));
    },
    put: (pin) => {
      const latest = context.store.get(context.server);
      const { keysHash, verified } = storePin(pin);
      const mine = { ...latest.pins?.[accountId], [pin.accountId]: { keysHash, verified } };
      context.store.set(context.server, { ...latest, pins: { ...latest.pins, [accountId]: mine } });
      return Promise.resolve();
    },
  };
}
