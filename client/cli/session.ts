// Per-command session handling: the stored bearer token and vault head in, a fresh login (which rotates the
// token) to re-derive the keys from the password, and the rotated token and the new head saved back out.
import { logIn, type UnlockedAccount } from '../core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../core/api.ts';
import { loadHead, storeHead, type VaultState } from '../core/vault.ts';
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
  state: VaultState;
  /** Persists the vault head the command reached. */
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
  const state: VaultState = stored === undefined ? {} : { head: loadHead(stored) };
  return {
    api, account, state,
    save: () => {
      if (state.head === undefined) return;
      const latest = context.store.get(context.server);
      context.store.set(context.server, { ...latest, heads: { ...latest.heads, [account.vaultId]: storeHead(state.head) } });
    },
  };
}

/** The stored session without unlocking keys (commands that only read server-side records). */
export function storedSession(context: CliContext): { api: ApiClient; vaultId: string } {
  const entry = context.store.get(context.server);
  if (entry.token === undefined || entry.vaultId === undefined) throw new CliError('NOT_LOGGED_IN', EXIT.AUTH);
  return { api: apiFor(context, entry.token), vaultId: entry.vaultId };
}
